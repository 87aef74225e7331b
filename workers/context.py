"""What an actor needs from the process it runs in: the database sessions, the storage directory,
the processing options, a way to send the next step, and the signers this machine can reach.
Set once per process by `workers.runtime.Runtime`; messages carry ids only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sohoa.pipeline.process import ProcessOptions
from sohoa.store.db import transaction
from sohoa.store.state import Step
from sohoa.store.storage import Storage
from sqlalchemy.orm import Session, sessionmaker


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

    @contextmanager
    def tx(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session

    def send_all(self, steps: Iterable[Step]) -> None:
        for step in steps:
            self.send(step)


_current: WorkerContext | None = None


def set_context(context: WorkerContext | None) -> None:
    global _current
    _current = context


def current() -> WorkerContext:
    if _current is None:
        raise RuntimeError("no worker context: start the workers through sohoa.workers.runtime.Runtime")
    return _current
