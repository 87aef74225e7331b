"""`sohoa watch DIR`: submit each scan dropped into a folder (a scanner's network folder) once.

A file is taken when its size and modification time have not changed for `settle` seconds (a
scanner or a copy over the network writes in bursts); names a writer uses for partial files
(`.part`, `.tmp`, `~`, hidden files) are ignored. "Once" is by name and content: the pair
(folder, name, SHA-256) is recorded in the same transaction as the batch, with a unique
constraint, so neither a restart nor a second watcher submits it again; the same name with new
content is a new scan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import structlog
from sohoa.pipeline.ingest import IMAGE_SUFFIXES, PDF_SUFFIXES
from sohoa.store.storage import sha256_file

from .runtime import Runtime

log = structlog.get_logger(__name__)

_PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", "~")


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


class Watcher:
    def __init__(self, runtime: Runtime, directory: Path, *, settle: float = 3.0, one_document: bool = False):
        self.runtime = runtime
        self.directory = directory.resolve()
        self.settle = settle
        self.one_document = one_document
        self._seen: dict[str, _Seen] = {}
        self._taken: dict[str, tuple[int, int]] = {}  # name → (size, mtime) already submitted or known

    def _candidate(self, path: Path) -> bool:
        name = path.name
        return (
            path.is_file()
            and not name.startswith(".")
            and not name.lower().endswith(_PARTIAL_SUFFIXES)
            and path.suffix.lower() in IMAGE_SUFFIXES | PDF_SUFFIXES
        )

    def scan(self, now: float | None = None) -> list[int]:
        """Look at the folder once; returns the batches submitted by this look."""
        now = time.monotonic() if now is None else now
        submitted = []
        present = set()
        for path in sorted(self.directory.iterdir()):
            if not self._candidate(path):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            name, signature = path.name, (st.st_size, st.st_mtime_ns)
            present.add(name)
            if self._taken.get(name) == signature:
                continue
            seen = self._seen.get(name)
            if seen is None or (seen.size, seen.mtime_ns) != signature or st.st_size == 0:
                self._seen[name] = _Seen(st.st_size, st.st_mtime_ns, now)
                continue
            if now - seen.since < self.settle:
                continue
            sha = sha256_file(path)
            if (path.stat().st_size, path.stat().st_mtime_ns) != signature:
                self._seen.pop(name, None)  # changed while hashing: still being written
                continue
            batch_id = self.runtime.submit_watched(path, sha, one_document=self.one_document)
            self._taken[name] = signature
            self._seen.pop(name, None)
            if batch_id is not None:
                log.info("watch_submitted", batch=batch_id, size=st.st_size)
                submitted.append(batch_id)
        for name in set(self._seen) - present:
            del self._seen[name]
        return submitted
