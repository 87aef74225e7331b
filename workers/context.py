"""What an actor needs from the process it runs in: the database sessions, the storage directory,
the processing options, a way to send the next step, and the signers this machine can reach.
Set once per process by `workers.runtime.Runtime`; messages carry ids only.

Signers: `WorkerContext.signer(name)` gives the signer registered under a key-store name (tests and
embedders register their own in `signers`), else the one built from the configured signer profiles
(`configured_signers`: `sohoa.pipeline.signing.service.ProfileSigners` over `sohoa.toml`'s
`[signer_profiles]`, wrapped as `Signer`s). No PDF logic here: the adapter lives in pipeline/signing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import structlog
from sohoa.pipeline.process import ProcessOptions
from sohoa.store.db import transaction
from sohoa.store.state import Step
from sohoa.store.storage import Storage
from sqlalchemy.orm import Session, sessionmaker

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class SignedInfo:
    signer: str | None  # an id of the certificate (never a person's name in logs)
    level: str | None  # PAdES level reached, e.g. "B-B"


class Signer(Protocol):
    """Signs `pdf_in` into `pdf_out` with a profile; raises a `SohoaError` for a refusal."""

    def __call__(self, pdf_in: Path, pdf_out: Path, *, profile: str) -> SignedInfo: ...


@dataclass
class WorkerContext:
    sessions: sessionmaker[Session]
    storage: Storage
    options: ProcessOptions
    send: Callable[[Step], None]
    signers: dict[str, Signer] = field(default_factory=dict)
    reads: sessionmaker[Session] | None = None  # for reads that need no transaction (db.read_session_factory)

    def signer(self, key_store: str) -> Signer | None:
        """The signer of `key_store`: a registered one, else one from the configured profiles."""
        return self.signers.get(key_store) or configured_signers().get(key_store)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Reads only: on PostgreSQL without a transaction of their own (no BEGIN and COMMIT)."""
        with transaction(self.reads or self.sessions) as session:
            yield session

    def send_all(self, steps: Iterable[Step]) -> None:
        """Send the next steps of a change already committed. A step the broker does not take now
        (it is restarting) is not lost: the database still shows its entity unfinished, and the
        stall check re-sends it; failing the entity for it would lose work that was done."""
        for step in steps:
            try:
                self.send(step)
            except Exception as exc:  # noqa: BLE001 - any broker client error, see above
                log.warning("step_not_sent", step=step.actor, id=step.entity_id, error=type(exc).__name__)


_current: WorkerContext | None = None


def set_context(context: WorkerContext | None) -> None:
    global _current
    _current = context


def current() -> WorkerContext:
    if _current is None:
        raise RuntimeError("no worker context: start the workers through sohoa.workers.runtime.Runtime")
    return _current


class ProfileStoreSigner:
    """A `Signer` over one key-store name of `ProfileSigners` (pipeline.signing.service)."""

    def __init__(self, registry, key_store: str):
        self.registry = registry
        self.key_store = key_store

    def __call__(self, pdf_in: Path, pdf_out: Path, *, profile: str) -> SignedInfo:
        done = self.registry.sign_file(pdf_in, pdf_out, key_store=self.key_store, profile=profile)
        return SignedInfo(signer=done.certificate_sha256, level=done.result.level.value)


_configured: dict[str, Signer] | None = None
_configured_lock = threading.Lock()


def signers_from_settings(settings) -> dict[str, Signer]:
    """One signer per key-store name the settings' signer profiles make available."""
    from sohoa.pipeline.signing.service import ProfileSigners

    from sohoa.config import config_file

    registry = ProfileSigners(settings.signer_profiles, config_file().resolve().parent)
    return {name: ProfileStoreSigner(registry, name) for name in registry.key_store_names()}


def configured_signers() -> dict[str, Signer]:
    """The signers of this process's configuration (built once, on the first signature request)."""
    global _configured
    with _configured_lock:
        if _configured is None:
            from sohoa.config import load_settings

            _configured = signers_from_settings(load_settings())
        return _configured


def reset_configured_signers() -> None:
    """Forget the configured signers (closing their key stores), e.g. after the configuration changed."""
    global _configured
    with _configured_lock:
        if _configured:
            next(iter(_configured.values())).registry.close()
        _configured = None
