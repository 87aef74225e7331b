"""Signing in a long-running process (the `sign` worker): signer profiles and their key stores,
opened once and reused for every signature request.

`ProfileSigners` is built from the configured signer profiles (`sohoa.toml`, `[signer_profiles]`)
and the built-in ones. It signs a PDF for a (key store name, profile name) pair:

- key store ``default``: the key store of the requested profile itself;
- key store ``NAME``: the key store of profile ``NAME`` (e.g. a worker on the PC with the leader's
  token listens on ``sign.leader``), with the requested profile's appearance, level and TSA.

Key stores are opened on first use and kept (one PKCS#12 key in memory, one logged-in PKCS#11
session per token, one CSC credential); a `Signer` (certificate check, TSA client, revocation data)
is kept per (key store, profile). Secrets come from the environment variables the profiles name: a
worker cannot prompt. A key-store failure (token removed, wrong PIN) drops the cached store so the
next request opens it again. Thread-safe: each key store is used under its own lock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...schemas.signing import SignerProfile
from .errors import KeyStoreError, SignerProfileError
from .keys import KeyStore, open_key_store
from .profiles import PROFILES, get_profile
from .sign import Level, Signer, SignOptions, SignResult

DEFAULT_KEY_STORE = "default"


@dataclass(frozen=True)
class ServiceSignResult:
    result: SignResult
    #: SHA-256 of the signer's certificate (an id for the database and logs, never a name).
    certificate_sha256: str


class ProfileSigners:
    """Signs PDFs with the key stores of signer profiles, keeping them open between requests."""

    def __init__(
        self,
        profiles: Mapping[str, SignerProfile] | None = None,
        base_dir: Path | None = None,
        *,
        trust: tuple = (),
    ):
        self.base_dir = Path(base_dir or ".")
        self.configured = {n: p.resolved(self.base_dir) for n, p in (profiles or {}).items()}
        self.trust = trust
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[KeyStore, threading.Lock]] = {}
        self._signers: dict[tuple[str, str], Signer] = {}

    def key_store_names(self) -> list[str]:
        """``default`` and every profile that names a key store."""
        named = [n for n, p in {**PROFILES, **self.configured}.items() if p.key_store is not None]
        return [DEFAULT_KEY_STORE, *named]

    def _profile(self, name: str) -> SignerProfile:
        return get_profile(name, self.configured)

    def _key_ref(self, key_store: str, profile: SignerProfile):
        owner = profile if key_store == DEFAULT_KEY_STORE else self._profile(key_store)
        if owner.key_store is None:
            raise SignerProfileError(
                f"Hồ sơ ký '{key_store if key_store != DEFAULT_KEY_STORE else owner.name or 'mặc định'}' "
                "chưa có kho khóa (key_store trong sohoa.toml).",
                detail="profile without key store",
            )
        return owner.key_store

    def _key(
        self, key_store: str, profile_name: str, profile: SignerProfile
    ) -> tuple[str, KeyStore, threading.Lock]:
        ref = self._key_ref(key_store, profile)
        cache_key = key_store if key_store != DEFAULT_KEY_STORE else f"profile:{profile_name}"
        with self._lock:
            if cache_key not in self._keys:
                self._keys[cache_key] = (open_key_store(ref), threading.Lock())
            key, lock = self._keys[cache_key]
        return cache_key, key, lock

    def sign_file(self, src: Path, dst: Path, *, key_store: str, profile: str) -> ServiceSignResult:
        spec = self._profile(profile)
        cache_key, key, lock = self._key(key_store, profile, spec)
        with lock:
            signer = self._signers.get((cache_key, profile))
            if signer is None:
                options = SignOptions(
                    level=Level(spec.level or "B-B"), profile=spec, tsa_url=spec.tsa_url, trust=self.trust
                )
                signer = self._signers[(cache_key, profile)] = Signer(key, options)
            try:
                result = signer.sign_file(src, dst)
            except KeyStoreError:
                self._drop(cache_key)
                raise
        return ServiceSignResult(result, key.signing_cert.sha256.hex())

    def _drop(self, cache_key: str) -> None:
        with self._lock:
            key, _ = self._keys.pop(cache_key, (None, None))
            for pair in [p for p in self._signers if p[0] == cache_key]:
                self._signers.pop(pair).close()
        if hasattr(key, "close"):
            key.close()

    def close(self) -> None:
        for cache_key in list(self._keys):
            self._drop(cache_key)
