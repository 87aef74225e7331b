"""The state database's tables (SQLAlchemy 2 declarative models): the one place that knows them.

The database is the source of truth for the workers: every batch, input, page, document, field,
signature request and signature has a row with its state, and every change of state that matters
is also appended to `events`. Files (page images, OCR results, PDFs) live in the storage directory
(`store.storage`); rows hold their keys.

States move forward only, through conditional updates (`... WHERE state = 'pending'`), so an actor
that runs twice changes nothing the second time. `sohoa retry` is the one way back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class BatchState(StrEnum):
    submitted = "submitted"  # recorded; no worker has enqueued its work yet (embedded: waiting for a worker)
    queued = "queued"  # a worker or `submit` enqueued its work
    done = "done"  # every input finished (some pages or inputs may have failed)


class InputState(StrEnum):
    pending = "pending"  # not read yet
    ocr = "ocr"  # pages recorded; OCR under way (pages_pending counts down)
    split = "split"  # documents recorded; extraction and PDFs under way (docs_pending counts down)
    done = "done"  # result.json and words.json written
    failed = "failed"  # could not be opened at all (error_* say why)


class PageState(StrEnum):
    pending = "pending"
    done = "done"
    failed = "failed"


class DocumentState(StrEnum):
    pending = "pending"  # found by the split; fields not extracted yet
    extracted = "extracted"  # fields stored; PDF not written yet
    done = "done"
    failed = "failed"


class SignatureState(StrEnum):
    pending = "pending"
    signing = "signing"  # claimed by one worker until `claimed_until` (a dead worker's claim expires)
    done = "done"
    failed = "failed"
    rejected = "rejected"  # sent back by the leader with a reason


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class _Stamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Batch(_Stamped, Base):
    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=BatchState.submitted, index=True)
    one_document: Mapped[bool] = mapped_column(Boolean, default=False)
    inputs_pending: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(16), default="submit", server_default="submit")  # or "watch"
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Input(_Stamped, Base):
    """One INPUT of a batch (a file or a folder of page images), copied into the storage directory."""

    __tablename__ = "inputs"
    __table_args__ = (UniqueConstraint("batch_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))  # input-name as in `sohoa process` output
    source_path: Mapped[str] = mapped_column(String(1024))  # as submitted (result.json's "source")
    source_key: Mapped[str] = mapped_column(String(512))  # storage key of the copied source
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default=InputState.pending, index=True)
    page_count: Mapped[int | None] = mapped_column(Integer)
    pages_pending: Mapped[int] = mapped_column(Integer, default=0)
    docs_pending: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)


class Page(_Stamped, Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("input_id", "index"),
        Index("ix_pages_input_id_state", "input_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("inputs.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column(Integer)  # 1-based position in the input
    state: Mapped[str] = mapped_column(String(16), default=PageState.pending, index=True)
    status: Mapped[str | None] = mapped_column(String(16))  # result.json status, set by the split
    image_key: Mapped[str | None] = mapped_column(String(512))
    #: Set when the page is this frame of the submitted image file at image_key (not a stored copy).
    image_frame: Mapped[int | None] = mapped_column(Integer)
    dpi: Mapped[float | None] = mapped_column(Float)
    dpi_known: Mapped[bool] = mapped_column(Boolean, default=True)
    ocr_key: Mapped[str | None] = mapped_column(String(512))
    rotation: Mapped[int | None] = mapped_column(Integer)
    skew_deg: Mapped[float | None] = mapped_column(Float)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kind: Mapped[str | None] = mapped_column(String(16))  # classify_page: title/continuation/blank/text
    doc_type: Mapped[str | None] = mapped_column(String(32))
    class_confidence: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)


class Document(_Stamped, Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("input_id", "number"),
        Index("ix_documents_input_id_state", "input_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("inputs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # d<number> in result.json
    state: Mapped[str] = mapped_column(String(16), default=DocumentState.pending, index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_type_confidence: Mapped[float] = mapped_column(Float)
    form_version: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[list[Any]] = mapped_column(JSON)  # 1-based page indexes of the input
    issues: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pdf_key: Mapped[str | None] = mapped_column(String(512))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)

    @property
    def code(self) -> str:
        return f"d{self.number}"


class Field(Base):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("document_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    normalized: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SignatureRequest(_Stamped, Base):
    """A document waiting for a signature with a profile and a key store (a leader's approval)."""

    __tablename__ = "signature_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    profile: Mapped[str] = mapped_column(String(64))
    keystore: Mapped[str] = mapped_column(String(64), default="default")
    state: Mapped[str] = mapped_column(String(16), default=SignatureState.pending, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    requested_by: Mapped[str | None] = mapped_column(String(128))  # an account id, never a name
    reason: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)


class Signature(Base):
    """A signature applied: at most one per request (the unique constraint makes it exactly once)."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("signature_requests.id", ondelete="CASCADE"), unique=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    signer: Mapped[str | None] = mapped_column(String(255))  # certificate subject id, as pyHanko reports
    level: Mapped[str | None] = mapped_column(String(8))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    pdf_key: Mapped[str] = mapped_column(String(512))
    pdf_sha256: Mapped[str] = mapped_column(String(64))


class Event(Base):
    """Append-only log of what happened: ids, states, codes and counts, never personal data."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entity: Mapped[str] = mapped_column(String(32))  # batch, input, page, document, signature_request
    entity_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class WatchedFile(Base):
    """A file `sohoa watch` picked up: the same name with the same content is submitted once."""

    __tablename__ = "watched_files"
    __table_args__ = (UniqueConstraint("directory", "name", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directory: Mapped[str] = mapped_column(String(1024))
    name: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = [
    "Base",
    "Batch",
    "BatchState",
    "Document",
    "DocumentState",
    "Event",
    "Field",
    "Input",
    "InputState",
    "Page",
    "PageState",
    "Signature",
    "SignatureRequest",
    "SignatureState",
    "WatchedFile",
    "utcnow",
]
