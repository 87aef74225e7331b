"""The state machine of batches in the database: every transition, fan-in and query the workers,
the command line and (later) the web app need. Table names and counters stay in `store`.

Rules that make a crash or a duplicate message harmless:

- a transition is one conditional UPDATE (`WHERE state = <expected>`); rowcount 0 means someone
  already did it, and the caller does nothing more;
- fan-in is a counter on the parent row (`inputs.pages_pending`, `inputs.docs_pending`,
  `batches.inputs_pending`), decremented in the same transaction as the child's transition, with
  RETURNING: exactly one transaction sees it reach 0 and enqueues the next step;
- what to enqueue is returned as `Step`s and sent after the commit; if the process dies in between,
  `work_for_batch` (the reconciler) finds the step again from the states.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from .models import (
    Batch,
    BatchState,
    Document,
    DocumentState,
    Event,
    Field,
    Input,
    InputState,
    Page,
    PageState,
    Signature,
    SignatureRequest,
    SignatureState,
    WatchedFile,
    utcnow,
)
from .storage import Storage, input_dir_key

# Step names are the actor names in `sohoa.workers.actors`.
INGEST, OCR, SPLIT, EXTRACT, PDF, FINISH, SIGN = (
    "ingest_input",
    "ocr_page",
    "split_input",
    "extract_document",
    "render_pdf",
    "finish_input",
    "sign_document",
)


@dataclass(frozen=True)
class Step:
    actor: str
    entity_id: int


@dataclass(frozen=True)
class ErrorRecord:
    code: str
    message: str


def event(session: Session, entity: str, entity_id: int, kind: str, batch_id: int | None = None, **detail):
    session.add(
        Event(
            batch_id=batch_id,
            entity=entity,
            entity_id=entity_id,
            kind=kind,
            detail=detail or None,
            at=utcnow(),
        )
    )


# --- submitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    name: str  # input-name in the output (file stem or folder name)
    key: str
    sha256: str
    path: str  # as submitted: result.json's "source"


def create_batch(
    session: Session,
    name: str,
    sources: list[SourceFile],
    *,
    one_document: bool = False,
    origin: str = "submit",
) -> int:
    batch = Batch(
        name=name[:255],
        state=BatchState.submitted,
        one_document=one_document,
        inputs_pending=len(sources),
        origin=origin,
    )
    session.add(batch)
    session.flush()
    for position, source in enumerate(sources, start=1):
        session.add(
            Input(
                batch_id=batch.id,
                position=position,
                name=source.name[:255],
                source_path=source.path[:1024],
                source_key=source.key,
                source_sha256=source.sha256,
                state=InputState.pending,
            )
        )
    if not sources:
        batch.state, batch.finished_at = BatchState.done, utcnow()
    event(session, "batch", batch.id, "submitted", batch.id, inputs=len(sources), origin=origin)
    return batch.id


def claim_submitted(session: Session, batch_id: int | None = None) -> list[int]:
    """Move submitted batches to queued; returns those this transaction claimed."""
    stmt = select(Batch.id).where(Batch.state == BatchState.submitted).order_by(Batch.id)
    if batch_id is not None:
        stmt = stmt.where(Batch.id == batch_id)
    claimed = []
    for bid in session.scalars(stmt).all():
        result = session.execute(
            update(Batch)
            .where(Batch.id == bid, Batch.state == BatchState.submitted)
            .values(state=BatchState.queued, updated_at=utcnow())
        )
        if result.rowcount == 1:
            claimed.append(bid)
    return claimed


def unfinished_batches(session: Session) -> list[int]:
    return list(session.scalars(select(Batch.id).where(Batch.state == BatchState.queued).order_by(Batch.id)))


def work_for_batch(session: Session, batch_id: int) -> list[Step]:
    """Every step the states say is still to do for a batch (the reconciler's view)."""
    steps: list[Step] = []
    inputs = session.execute(
        select(Input.id, Input.state, Input.pages_pending, Input.docs_pending)
        .where(Input.batch_id == batch_id)
        .order_by(Input.position)
    ).all()
    for input_id, state, pages_pending, docs_pending in inputs:
        if state == InputState.pending:
            steps.append(Step(INGEST, input_id))
        elif state == InputState.ocr:
            pending = session.scalars(
                select(Page.id)
                .where(Page.input_id == input_id, Page.state == PageState.pending)
                .order_by(Page.index)
            ).all()
            steps += [Step(OCR, pid) for pid in pending]
            if pages_pending == 0:
                steps.append(Step(SPLIT, input_id))
        elif state == InputState.split:
            docs = session.execute(
                select(Document.id, Document.state)
                .where(
                    Document.input_id == input_id,
                    Document.state.in_([DocumentState.pending, DocumentState.extracted]),
                )
                .order_by(Document.number)
            ).all()
            steps += [Step(EXTRACT if s == DocumentState.pending else PDF, did) for did, s in docs]
            if docs_pending == 0:
                steps.append(Step(FINISH, input_id))
    return steps


def pending_signatures(session: Session) -> list[tuple[int, str]]:
    """Requests waiting for a signature, including those a dead worker had claimed."""
    now = utcnow()
    rows = session.execute(
        select(SignatureRequest.id, SignatureRequest.keystore)
        .where(
            (SignatureRequest.state == SignatureState.pending)
            | ((SignatureRequest.state == SignatureState.signing) & (SignatureRequest.claimed_until < now))
        )
        .order_by(SignatureRequest.id)
    ).all()
    return [(rid, keystore) for rid, keystore in rows]


# --- ingest -----------------------------------------------------------------------------------


def get_input(session: Session, input_id: int) -> Input | None:
    return session.get(Input, input_id)


def batch_of_input(session: Session, input_id: int) -> Batch:
    return session.scalars(
        select(Batch).join(Input, Input.batch_id == Batch.id).where(Input.id == input_id)
    ).one()


def add_page(
    session: Session,
    input_id: int,
    index: int,
    *,
    image_key: str | None,
    dpi: float | None,
    dpi_known: bool = True,
    image_frame: int | None = None,
    error: ErrorRecord | None = None,
) -> tuple[int, str]:
    """Record a page read from an input (once: a second call returns the existing row).
    Returns (page id, state). A pending page counts in the input's pages_pending. `image_frame`:
    the page is that frame of the submitted image file at `image_key` (`codec.load_page`)."""
    state = PageState.failed if error else PageState.pending
    # One statement: two readers of the same input (a re-sent message, the reconciler) may insert
    # the same page at once; the loser's insert does nothing, and it returns the winner's row.
    page_id = session.execute(
        _insert_unless_present(session, Page, ["input_id", "index"])
        .values(
            input_id=input_id,
            index=index,
            state=state,
            status="failed" if error else None,
            image_key=image_key,
            image_frame=image_frame,
            dpi=dpi,
            dpi_known=dpi_known,
            warnings=[],
            error_code=error.code if error else None,
            error_message=error.message if error else None,
        )
        .returning(Page.id)
    ).scalar()
    if page_id is None:
        existing = session.execute(
            select(Page.id, Page.state).where(Page.input_id == input_id, Page.index == index)
        ).one()
        return existing[0], existing[1]
    if state == PageState.pending:
        session.execute(
            update(Input).where(Input.id == input_id).values(pages_pending=Input.pages_pending + 1)
        )
    else:
        event(session, "page", page_id, "page_failed", None, input=input_id, page=index, code=error.code)
    return page_id, state


def _insert_unless_present(session: Session, model, unique: list[str]):
    """INSERT ... ON CONFLICT (unique) DO NOTHING, in the dialect of the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(model).on_conflict_do_nothing(index_elements=unique)


def pages_of_input(session: Session, input_id: int) -> dict[int, tuple[int, str]]:
    """Page index → (id, state) of the pages already recorded for an input."""
    rows = session.execute(select(Page.index, Page.id, Page.state).where(Page.input_id == input_id)).all()
    return {i: (pid, st) for i, pid, st in rows}


def input_read(session: Session, input_id: int, page_count: int, error: ErrorRecord | None) -> list[Step]:
    """All pages are recorded: OCR may finish the input now. `error`: the input broke part way."""
    row = session.execute(
        update(Input)
        .where(Input.id == input_id, Input.state == InputState.pending)
        .values(
            state=InputState.ocr,
            page_count=page_count,
            error_code=error.code if error else None,
            error_message=error.message if error else None,
            updated_at=utcnow(),
        )
        .returning(Input.pages_pending)
    ).first()
    if row is None:
        return []
    return [Step(SPLIT, input_id)] if row[0] == 0 else []


def input_failed(session: Session, input_id: int, error: ErrorRecord) -> list[Step]:
    """The input could not be opened (or kept failing): terminal for the batch's fan-in."""
    row = session.execute(
        update(Input)
        .where(Input.id == input_id, Input.state.in_([InputState.pending, InputState.ocr, InputState.split]))
        .values(
            state=InputState.failed, error_code=error.code, error_message=error.message, updated_at=utcnow()
        )
        .returning(Input.batch_id)
    ).first()
    if row is None:
        return []
    event(session, "input", input_id, "input_failed", row[0], code=error.code)
    _input_finished(session, row[0])
    return []


# --- pages ------------------------------------------------------------------------------------


def get_page(session: Session, page_id: int) -> Page | None:
    return session.get(Page, page_id)


def page_done(
    session: Session,
    page_id: int,
    *,
    ocr_key: str,
    rotation: int,
    skew_deg: float,
    warnings: list[str],
    kind: str,
    doc_type: str,
    class_confidence: float,
) -> list[Step]:
    result = session.execute(
        update(Page)
        .where(Page.id == page_id, Page.state == PageState.pending)
        .values(
            state=PageState.done,
            ocr_key=ocr_key,
            rotation=rotation,
            skew_deg=skew_deg,
            warnings=warnings,
            kind=kind,
            doc_type=doc_type,
            class_confidence=class_confidence,
            attempts=Page.attempts + 1,
            updated_at=utcnow(),
        )
        .returning(Page.input_id)
    ).first()
    return _page_terminal(session, result[0]) if result else []


def page_failed(session: Session, page_id: int, error: ErrorRecord) -> list[Step]:
    result = session.execute(
        update(Page)
        .where(Page.id == page_id, Page.state == PageState.pending)
        .values(
            state=PageState.failed,
            status="failed",
            error_code=error.code,
            error_message=error.message,
            attempts=Page.attempts + 1,
            updated_at=utcnow(),
        )
        .returning(Page.input_id, Page.index)
    ).first()
    if result is None:
        return []
    event(session, "page", page_id, "page_failed", None, input=result[0], page=result[1], code=error.code)
    return _page_terminal(session, result[0])


def _page_terminal(session: Session, input_id: int) -> list[Step]:
    """A page finished or failed: when it was the input's last, the input is split."""
    return _count_down(session, input_id, Input.pages_pending, InputState.ocr, SPLIT)


# --- split ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageClassRow:
    index: int
    kind: str
    doc_type: str
    confidence: float


def classes_of_input(session: Session, input_id: int) -> list[PageClassRow]:
    """Classes of the input's OCR'd pages, in page order (failed pages are left out)."""
    rows = session.execute(
        select(Page.index, Page.kind, Page.doc_type, Page.class_confidence)
        .where(Page.input_id == input_id, Page.state == PageState.done)
        .order_by(Page.index)
    ).all()
    return [PageClassRow(i, k, t, c) for i, k, t, c in rows]


@dataclass(frozen=True)
class FoundDocument:
    doc_type: str
    confidence: float
    pages: list[int]


def input_split(
    session: Session, input_id: int, documents: list[FoundDocument], status: dict[int, str]
) -> list[Step]:
    """Record the documents of an input and every OCR'd page's status, once."""
    claimed = session.execute(
        update(Input)
        .where(Input.id == input_id, Input.state == InputState.ocr, Input.pages_pending == 0)
        .values(state=InputState.split, docs_pending=len(documents), updated_at=utcnow())
        .returning(Input.batch_id)
    ).first()
    if claimed is None:
        return []
    if status:  # one statement, executed for every page (psycopg pipelines them)
        pages = Page.__table__
        session.execute(
            update(pages)
            .where(
                pages.c.input_id == input_id,
                pages.c.index == bindparam("page_index"),
                pages.c.state == PageState.done,
            )
            .values(status=bindparam("page_status")),
            [{"page_index": i, "page_status": st} for i, st in status.items()],
        )
    ids = []
    if documents:
        now = utcnow()
        ids = list(
            session.scalars(
                insert(Document).returning(Document.id, sort_by_parameter_order=True),
                [
                    {
                        "input_id": input_id,
                        "number": number,
                        "state": DocumentState.pending,
                        "doc_type": doc.doc_type,
                        "doc_type_confidence": round(doc.confidence, 3),
                        "pages": list(doc.pages),
                        "issues": [],
                        "created_at": now,
                        "updated_at": now,
                    }
                    for number, doc in enumerate(documents, start=1)
                ],
            )
        )
    event(session, "input", input_id, "split", claimed[0], documents=len(documents))
    if not documents:
        return [Step(FINISH, input_id)]
    return [Step(EXTRACT, i) for i in ids]


# --- documents --------------------------------------------------------------------------------


def get_document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def ocr_keys_of(session: Session, input_id: int, indexes: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(Page.index, Page.ocr_key).where(Page.input_id == input_id, Page.index.in_(indexes))
    ).all()
    return {i: k for i, k in rows}


def document_extracted(
    session: Session,
    document_id: int,
    *,
    form_version: str | None,
    fields: dict[str, dict[str, Any]],
    issues: list[dict[str, Any]],
) -> list[Step]:
    result = session.execute(
        update(Document)
        .where(Document.id == document_id, Document.state == DocumentState.pending)
        .values(state=DocumentState.extracted, form_version=form_version, issues=issues, updated_at=utcnow())
    )
    if result.rowcount != 1:
        return []
    session.execute(delete(Field).where(Field.document_id == document_id))
    for name, value in fields.items():
        session.add(
            Field(
                document_id=document_id,
                name=name,
                value=value["value"],
                confidence=value["confidence"],
                normalized=value.get("normalized"),
            )
        )
    return [Step(PDF, document_id)]


def document_done(session: Session, document_id: int, *, pdf_key: str, pdf_sha256: str) -> list[Step]:
    result = session.execute(
        update(Document)
        .where(Document.id == document_id, Document.state == DocumentState.extracted)
        .values(state=DocumentState.done, pdf_key=pdf_key, pdf_sha256=pdf_sha256, updated_at=utcnow())
        .returning(Document.input_id)
    ).first()
    return _document_terminal(session, result[0]) if result else []


def document_failed(session: Session, document_id: int, error: ErrorRecord) -> list[Step]:
    result = session.execute(
        update(Document)
        .where(
            Document.id == document_id, Document.state.in_([DocumentState.pending, DocumentState.extracted])
        )
        .values(
            state=DocumentState.failed,
            error_code=error.code,
            error_message=error.message,
            updated_at=utcnow(),
        )
        .returning(Document.input_id)
    ).first()
    if result is None:
        return []
    event(session, "document", document_id, "document_failed", None, input=result[0], code=error.code)
    return _document_terminal(session, result[0])


def _document_terminal(session: Session, input_id: int) -> list[Step]:
    """A document finished or failed: when it was the input's last, the input is finished."""
    return _count_down(session, input_id, Input.docs_pending, InputState.split, FINISH)


def _count_down(
    session: Session, input_id: int, counter, waiting_in: InputState, next_actor: str
) -> list[Step]:
    """The fan-in: decrement one of the input's pending counters in this transaction; the step that
    brings it to zero (while the input still waits in `waiting_in`) is the one that asks for the next."""
    pending, state = session.execute(
        update(Input)
        .where(Input.id == input_id)
        .values({counter: counter - 1, Input.updated_at: utcnow()})
        .returning(counter, Input.state)
    ).one()
    return [Step(next_actor, input_id)] if pending == 0 and state == waiting_in else []


# --- finishing --------------------------------------------------------------------------------


@dataclass
class InputReport:
    """What result.json needs of one input, read from the database."""

    input: Input
    pages: list[Page]
    documents: list[Document]
    fields: dict[int, list[Field]] = field(default_factory=dict)


def input_report(session: Session, input_id: int) -> InputReport:
    inp = session.get(Input, input_id)
    pages = list(session.scalars(select(Page).where(Page.input_id == input_id).order_by(Page.index)))
    docs = list(
        session.scalars(select(Document).where(Document.input_id == input_id).order_by(Document.number))
    )
    fields: dict[int, list[Field]] = {d.id: [] for d in docs}
    if docs:
        for f in session.scalars(
            select(Field).where(Field.document_id.in_([d.id for d in docs])).order_by(Field.id)
        ):
            fields[f.document_id].append(f)
    return InputReport(inp, pages, docs, fields)


def input_done(session: Session, input_id: int) -> list[Step]:
    row = session.execute(
        update(Input)
        .where(Input.id == input_id, Input.state == InputState.split, Input.docs_pending == 0)
        .values(state=InputState.done, updated_at=utcnow())
        .returning(Input.batch_id)
    ).first()
    if row is None:
        return []
    event(session, "input", input_id, "input_done", row[0])
    _input_finished(session, row[0])
    return []


def _input_finished(session: Session, batch_id: int) -> None:
    pending = session.execute(
        update(Batch)
        .where(Batch.id == batch_id)
        .values(inputs_pending=Batch.inputs_pending - 1, updated_at=utcnow())
        .returning(Batch.inputs_pending)
    ).scalar_one()
    if pending == 0:
        session.execute(
            update(Batch)
            .where(Batch.id == batch_id, Batch.state != BatchState.done)
            .values(state=BatchState.done, finished_at=utcnow())
        )
        event(session, "batch", batch_id, "batch_done", batch_id)


# --- signing ----------------------------------------------------------------------------------


def request_signature(
    session: Session,
    document_id: int,
    *,
    profile: str,
    keystore: str = "default",
    requested_by: str | None = None,
) -> int:
    req = SignatureRequest(
        document_id=document_id,
        profile=profile,
        keystore=keystore,
        state=SignatureState.pending,
        requested_by=requested_by,
    )
    session.add(req)
    session.flush()
    event(session, "signature_request", req.id, "requested", None, document=document_id, keystore=keystore)
    return req.id


def get_signature_request(session: Session, request_id: int) -> SignatureRequest | None:
    return session.get(SignatureRequest, request_id)


def claim_signature(session: Session, request_id: int, lease_seconds: float) -> bool:
    """Take a request for signing, so that one worker signs it even when its message arrives twice.
    A claim left by a dead worker can be taken again once its lease has run out."""
    now = utcnow()
    result = session.execute(
        update(SignatureRequest)
        .where(
            SignatureRequest.id == request_id,
            (SignatureRequest.state == SignatureState.pending)
            | ((SignatureRequest.state == SignatureState.signing) & (SignatureRequest.claimed_until < now)),
        )
        .values(
            state=SignatureState.signing, claimed_until=now + timedelta(seconds=lease_seconds), updated_at=now
        )
    )
    return result.rowcount == 1


def release_signature(session: Session, request_id: int) -> None:
    """Give a claimed request back (a transient error: another attempt may take it at once)."""
    session.execute(
        update(SignatureRequest)
        .where(SignatureRequest.id == request_id, SignatureRequest.state == SignatureState.signing)
        .values(state=SignatureState.pending, claimed_until=None, updated_at=utcnow())
    )


def signature_done(
    session: Session, request_id: int, *, pdf_key: str, pdf_sha256: str, signer: str | None, level: str | None
) -> bool:
    req = session.execute(
        update(SignatureRequest)
        .where(SignatureRequest.id == request_id, SignatureRequest.state == SignatureState.signing)
        .values(state=SignatureState.done, claimed_until=None, updated_at=utcnow())
        .returning(SignatureRequest.document_id)
    ).first()
    if req is None:
        return False
    session.add(
        Signature(
            request_id=request_id,
            document_id=req[0],
            signer=signer,
            level=level,
            pdf_key=pdf_key,
            pdf_sha256=pdf_sha256,
            signed_at=utcnow(),
        )
    )
    event(session, "signature_request", request_id, "signed", None, document=req[0], level=level)
    return True


def signature_failed(session: Session, request_id: int, error: ErrorRecord) -> bool:
    result = session.execute(
        update(SignatureRequest)
        .where(
            SignatureRequest.id == request_id,
            SignatureRequest.state.in_([SignatureState.pending, SignatureState.signing]),
        )
        .values(
            state=SignatureState.failed,
            claimed_until=None,
            error_code=error.code,
            error_message=error.message,
            updated_at=utcnow(),
        )
    )
    if result.rowcount == 1:
        event(session, "signature_request", request_id, "sign_failed", None, code=error.code)
    return result.rowcount == 1


# --- status and retry -------------------------------------------------------------------------


@dataclass
class BatchStatus:
    id: int
    name: str
    state: str
    origin: str
    inputs: dict[str, int]
    pages: dict[str, int]
    documents: dict[str, int]
    failures: list[dict[str, Any]]

    @property
    def finished(self) -> bool:
        return self.state == BatchState.done

    def as_json(self) -> dict[str, Any]:
        return {
            "batch": self.id,
            "name": self.name,
            "state": self.state,
            "finished": self.finished,
            "inputs": self.inputs,
            "pages": self.pages,
            "documents": self.documents,
            "failures": self.failures,
        }


def _counts(session: Session, column, states, where) -> dict[str, int]:
    counts = Counter({s.value: 0 for s in states})
    for state, n in session.execute(select(column, func.count()).where(where).group_by(column)):
        counts[state] = n
    return dict(counts)


def batch_status(session: Session, batch_id: int) -> BatchStatus | None:
    batch = session.get(Batch, batch_id)
    if batch is None:
        return None
    input_ids = select(Input.id).where(Input.batch_id == batch_id).scalar_subquery()
    inputs = _counts(session, Input.state, InputState, Input.batch_id == batch_id)
    pages = _counts(session, Page.state, PageState, Page.input_id.in_(input_ids))
    docs = _counts(session, Document.state, DocumentState, Document.input_id.in_(input_ids))
    failures: list[dict[str, Any]] = []
    for inp in session.scalars(
        select(Input).where(Input.batch_id == batch_id, Input.error_code.is_not(None))
    ):
        failures.append(
            {"input": inp.name, "page": None, "code": inp.error_code, "message": inp.error_message}
        )
    failed_pages = session.execute(
        select(Input.name, Page.index, Page.error_code, Page.error_message)
        .join(Input, Input.id == Page.input_id)
        .where(Input.batch_id == batch_id, Page.state == PageState.failed)
        .order_by(Input.position, Page.index)
        .limit(100)
    ).all()
    failures += [{"input": n, "page": i, "code": c, "message": m} for n, i, c, m in failed_pages]
    failed_docs = session.execute(
        select(Input.name, Document.number, Document.error_code, Document.error_message)
        .join(Input, Input.id == Document.input_id)
        .where(Input.batch_id == batch_id, Document.state == DocumentState.failed)
        .order_by(Input.position, Document.number)
        .limit(100)
    ).all()
    failures += [{"input": n, "document": f"d{k}", "code": c, "message": m} for n, k, c, m in failed_docs]
    return BatchStatus(batch.id, batch.name, batch.state, batch.origin, inputs, pages, docs, failures)


def list_batches(session: Session, limit: int = 20) -> list[Batch]:
    return list(session.scalars(select(Batch).order_by(Batch.id.desc()).limit(limit)))


def reset_failed(
    session: Session, storage: Storage, batch_id: int, *, resubmit: bool = True
) -> dict[str, int]:
    """Make what failed in a batch pending again (`sohoa retry`). An input with a failed page or
    document is split again from scratch (its documents and their files are removed first), since
    a page coming back changes where documents begin. Pages that could not even be read from the
    input (no image) stay failed. Inputs whose documents have signature requests are left alone."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise KeyError(batch_id)
    counts = Counter()
    for inp in session.scalars(
        select(Input).where(Input.batch_id == batch_id).order_by(Input.position)
    ).all():
        retry_pages = list(
            session.scalars(
                select(Page).where(
                    Page.input_id == inp.id, Page.state == PageState.failed, Page.image_key.is_not(None)
                )
            )
        )
        docs = list(session.scalars(select(Document).where(Document.input_id == inp.id)))
        failed_docs = [d for d in docs if d.state == DocumentState.failed]
        if inp.state != InputState.failed and not retry_pages and not failed_docs:
            continue
        if docs and session.scalar(
            select(func.count())
            .select_from(SignatureRequest)
            .where(SignatureRequest.document_id.in_([d.id for d in docs]))
        ):
            counts["skipped_signed"] += 1
            continue
        was_terminal = inp.state in (InputState.done, InputState.failed)
        for doc in docs:
            if doc.pdf_key:
                storage.delete(doc.pdf_key)
        session.execute(delete(Document).where(Document.input_id == inp.id))
        for page in retry_pages:
            page.state, page.status, page.error_code, page.error_message = PageState.pending, None, None, None
        session.execute(
            update(Page).where(Page.input_id == inp.id, Page.state == PageState.done).values(status=None)
        )
        session.flush()
        pending = session.scalar(
            select(func.count())
            .select_from(Page)
            .where(Page.input_id == inp.id, Page.state == PageState.pending)
        )
        if inp.page_count is None:  # never read to the end (or not at all): read it again
            inp.state = InputState.pending
        else:
            inp.state = InputState.ocr
        inp.pages_pending, inp.docs_pending = pending, 0
        inp.error_code = inp.error_message = None
        for name in ("result.json", "words.json"):
            storage.delete(f"{input_dir_key(inp.id)}/{name}")
        if was_terminal:
            batch.inputs_pending += 1
        counts["inputs"] += 1
        counts["pages"] += len(retry_pages)
        counts["documents"] += len(failed_docs)
    if counts["inputs"]:
        batch.state = BatchState.submitted if resubmit else BatchState.queued
        batch.finished_at = None
        event(session, "batch", batch_id, "retry", batch_id, **{k: v for k, v in counts.items()})
    return dict(counts)


# --- watch ------------------------------------------------------------------------------------


def watched(session: Session, directory: Path, name: str, sha256: str) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(WatchedFile)
            .where(
                WatchedFile.directory == str(directory),
                WatchedFile.name == name,
                WatchedFile.sha256 == sha256,
            )
        )
        > 0
    )


def record_watched(
    session: Session, directory: Path, name: str, sha256: str, size: int, batch_id: int
) -> None:
    session.add(WatchedFile(directory=str(directory), name=name, sha256=sha256, size=size, batch_id=batch_id))
