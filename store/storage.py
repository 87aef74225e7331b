"""The storage directory (`SOHOA_STORAGE_DIR`): where page images, OCR results and PDFs live.

Every file has a key (a relative POSIX path) that is either deterministic — named after the
database ids that own it, so an actor that runs twice writes the same name — or content-addressed
(sources, by SHA-256), so the same scan submitted twice is stored once. Writes are atomic: a
temporary file in the same folder, flushed and fsynced, then renamed into place, so a crash leaves
either the old file, the new one, or a stray `.part` file that nothing reads.

Layout (the one place that knows it):

    sources/<sha[:2]>/<sha>/<name>          a submitted input (file, or folder of page images)
    inputs/<input-id>/pages/0001.png        a PDF's page as read from the input (before preprocessing);
                        .../0001.jpg        or the scanner's JPEG inside it, unchanged (a page of an
                                            image file is read from the file under sources/: its row
                                            names the file and frame, nothing is copied)
    inputs/<input-id>/ocr/0001.json         the OCR'd page (words, lines, geometry, its page image's key)
    inputs/<input-id>/d1.pdf                a document's searchable PDF
    inputs/<input-id>/result.json, words.json   as `sohoa process` writes them
    signed/<request-id>.pdf                 a signed PDF

Several machines share one storage through a network mount (NFS, SMB/CIFS) of the same folder on
every worker, or an S3-compatible bucket mounted as a folder (docs/deploy.md). `StorageBackend` is
the one interface the workers use; `Storage` implements it on a local or mounted folder, and
`open_storage` picks the implementation from `SOHOA_STORAGE_DIR`. An object-store implementation
(e.g. through boto3) would keep a local cache behind `path()` and upload in `writing()`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path, PurePosixPath
from typing import Protocol

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_source(path: Path) -> str:
    """Content hash of a file, or of a folder's files (names and contents, sorted by name)."""
    if path.is_file():
        return sha256_file(path)
    digest = hashlib.sha256()
    for child in sorted(p for p in path.iterdir() if p.is_file()):
        digest.update(child.name.encode("utf-8") + b"\0" + sha256_file(child).encode() + b"\n")
    return digest.hexdigest()


def page_key(input_id: int, index: int, *, jpeg: bool = False) -> str:
    """A page image: the scanner's JPEG as it came (`.jpg`), or a PNG."""
    return f"inputs/{input_id}/pages/{index:04d}.{'jpg' if jpeg else 'png'}"


def ocr_key(input_id: int, index: int) -> str:
    return f"inputs/{input_id}/ocr/{index:04d}.json"


def ocr_image_key(ocr_key: str) -> str:
    """Where the cleaned image OCR read is kept beside its OCR JSON, until its document is extracted."""
    return ocr_key.removesuffix(".json") + ".pixels.lz4"


def document_pdf_key(input_id: int, number: int) -> str:
    return f"inputs/{input_id}/d{number}.pdf"


def input_dir_key(input_id: int) -> str:
    return f"inputs/{input_id}"


def signed_pdf_key(request_id: int) -> str:
    return f"signed/{request_id}.pdf"


class StorageBackend(Protocol):
    """What the workers need from the storage shared by every machine: keys in, files out."""

    def path(self, key: str) -> Path:
        """A local path to read `key` from (an object store: a cached copy)."""
        ...

    def exists(self, key: str) -> bool: ...

    def read_bytes(self, key: str) -> bytes: ...

    def writing(self, key: str) -> AbstractContextManager[Path]:
        """A temporary local path to write; stored under `key`, atomically, when the block succeeds."""
        ...

    def write_bytes(self, key: str, data: bytes, *, durable: bool = True) -> str:
        """Store `data` under `key` atomically; `durable=False` skips the flush to disk (a file that
        can be made again, whose loss in a crash costs only time)."""
        ...

    def put_source(self, source: Path, sha256: str | None = None) -> tuple[str, str]: ...

    def delete(self, key: str) -> None: ...

    def files(self, prefix: str = "") -> list[str]: ...


class StorageConfigError(ValueError):
    """SOHOA_STORAGE_DIR names a storage sohoa cannot open."""


def open_storage(location: str | Path) -> StorageBackend:
    """The storage at `location`: a folder (local disk or a network mount), or `file:///path`.
    Object-store URLs (`s3://...`) are not built in: mount the bucket as a folder (docs/deploy.md)."""
    text = str(location)  # a Path has folded "s3://b" into "s3:/b"
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]+):/+", text)
    scheme = match.group(1).lower() if match else ""
    if scheme in ("", "file"):
        return Storage(Path("/" + text[match.end() :] if scheme else text))
    raise StorageConfigError(
        f"storage {scheme}:// is not built in: mount the bucket or share as a folder and set "
        "SOHOA_STORAGE_DIR to that folder (see docs/deploy.md)"
    )


class Storage:
    """A local storage directory (a disk or a network mount) with atomic writes."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        rel = PurePosixPath(key)
        if rel.is_absolute() or ".." in rel.parts:
            raise ValueError(f"bad storage key {key!r}")
        return self.root.joinpath(*rel.parts)

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    @contextmanager
    def writing(self, key: str, *, durable: bool = True) -> Iterator[Path]:
        """Yield a temporary path to write `key` to; renamed into place when the block succeeds."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            yield tmp
            if durable:
                _fsync(tmp)
            os.replace(tmp, final)
            if durable:
                _fsync_dir(final.parent)
        finally:
            if tmp.exists():
                tmp.unlink()

    def write_bytes(self, key: str, data: bytes, *, durable: bool = True) -> str:
        with self.writing(key, durable=durable) as tmp:
            tmp.write_bytes(data)
        return key

    def put_source(self, source: Path, sha256: str | None = None) -> tuple[str, str]:
        """Copy a submitted file or folder in, content-addressed; returns (key, sha256).

        The same content is stored once; a folder is copied to a temporary folder and renamed.
        """
        sha = sha256 or sha256_source(source)
        name = source.name
        key = f"sources/{sha[:2]}/{sha}/{name}"
        final = self.path(key)
        if final.exists():
            return key, sha
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{name}.{uuid.uuid4().hex[:8]}.part")
        try:
            if source.is_dir():
                tmp.mkdir()
                for child in sorted(p for p in source.iterdir() if p.is_file()):
                    shutil.copyfile(child, tmp / child.name)
                    _fsync(tmp / child.name)
            else:
                shutil.copyfile(source, tmp)
                _fsync(tmp)
            try:
                os.rename(tmp, final)
            except OSError:
                if not final.exists():  # someone else stored the same content meanwhile: fine
                    raise
            _fsync_dir(final.parent)
        finally:
            if tmp.is_dir():
                shutil.rmtree(tmp)
            elif tmp.exists():
                tmp.unlink()
        return key, sha

    def delete(self, key: str) -> None:
        path = self.path(key)
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

    def files(self, prefix: str = "") -> list[str]:
        """Every stored file's key under `prefix` (temporary `.part` files excluded)."""
        base = self.path(prefix) if prefix else self.root
        if not base.exists():
            return []
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in base.rglob("*")
            if p.is_file() and not p.name.endswith(".part")
        )


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
