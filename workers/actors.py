"""The Dramatiq actors: each loads its input from the database and the storage directory, calls a
`sohoa.pipeline` stage, stores the output and advances the state (`sohoa.store.state`), then sends
the next step. Wiring only: no image or PDF logic lives here.

    ingest_input   (assemble)  open the input, store each page image, fan out one ocr_page per page
    ocr_page       (ocr)       prepare + OCR + classify one page; the last page of an input sends split_input
    split_input    (assemble)  split the input's pages into documents; one extract_document each
    extract_document (assemble) fields and form version of one document
    render_pdf     (assemble)  the document's searchable PDF; the last one sends finish_input
    finish_input   (assemble)  result.json and words.json; the last input finishes the batch
    sign_document  (sign / sign.<keystore>)  a signature for a signature request

Every actor is idempotent: it first checks the state and does nothing when its step is done; its
files have deterministic names and are written atomically; its state change is conditional. Errors
a user can cause (a corrupt page, an unreadable input) are recorded as failed and not retried;
transient ones (database, disk, a missing tool being installed) are retried with backoff and, when
retries run out, recorded as failed so `sohoa retry` can run them again. Anything else is a bug:
logged with its traceback and recorded as failed with code `internal_error`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import dramatiq
import structlog
from dramatiq.middleware.time_limit import TimeLimitExceeded
from sohoa.pipeline.classify import classify_page
from sohoa.pipeline.errors import InputError, MissingDependencyError, OcrError, SohoaError
from sohoa.pipeline.extract import extract_fields
from sohoa.pipeline.ingest import open_input
from sohoa.pipeline.ocr import ocr_page as ocr_stage
from sohoa.pipeline.preprocess import prepare
from sohoa.pipeline.process import result_json, write_document_pdf
from sohoa.pipeline.split import split_pages
from sohoa.pipeline.types import PageFailure
from sohoa.schemas import (
    DocumentIssue,
    DocumentResult,
    ErrorInfo,
    FieldValue,
    PageResult,
    PageStatus,
    ProcessResult,
    WordsFile,
    WordsPage,
)
from sohoa.store import codec, state
from sohoa.store.models import DocumentState, InputState, PageState, SignatureState
from sohoa.store.state import ErrorRecord
from sohoa.store.storage import (
    document_pdf_key,
    input_dir_key,
    ocr_image_key,
    ocr_key,
    sha256_file,
    signed_pdf_key,
)
from sqlalchemy.exc import DBAPIError, OperationalError

from .broker import QUEUE_ASSEMBLE, QUEUE_OCR, QUEUE_SIGN
from .context import current

#: Dramatiq's broker connection error (renamed in dramatiq 2; the old name goes in 3), and the
#: Redis client's own, which Dramatiq's Redis broker lets through unwrapped when it sends.
_BrokerConnectionError: tuple[type[BaseException], ...] = (
    getattr(dramatiq.errors, "BrokerConnectionError", None) or dramatiq.errors.ConnectionError,
)
try:
    import redis.exceptions

    _BrokerConnectionError += (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
except ImportError:  # pragma: no cover - RabbitMQ-only installs
    pass
log = structlog.get_logger(__name__)

MAX_RETRIES = 10
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 300_000

INTERNAL = ErrorRecord(
    "internal_error",
    "Lỗi nội bộ của sohoa khi xử lý mục này (đã ghi vào nhật ký). Hãy báo cho quản trị viên, "
    "sau đó chạy lại bằng: sohoa retry <mã lô>.",
)
EXHAUSTED = ErrorRecord(
    "retries_exhausted",
    "Lỗi tạm thời lặp lại nhiều lần (cơ sở dữ liệu, ổ đĩa hoặc công cụ hệ thống). Hãy kiểm tra hệ "
    "thống (sohoa doctor) rồi chạy lại bằng: sohoa retry <mã lô>.",
)
PDF_FAILED = ErrorRecord(
    "pdf_failed", "Không tạo được tệp PDF cho văn bản này. Hãy chạy lại bằng: sohoa retry <mã lô>."
)
NOT_READY = ErrorRecord(
    "document_not_ready",
    "Văn bản chưa xử lý xong hoặc không có tệp PDF: chưa thể ký. Hãy xử lý lại văn bản trước.",
)
NO_SIGNER = ErrorRecord(
    "no_signer",
    "Máy này không có kho khóa được yêu cầu để ký. Hãy cấu hình kho khóa hoặc chạy worker trên máy có kho khóa.",
)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: the database, the broker or the disk hiccupped, or a tool is being
    installed. (A broker restarting while a step sends its next message raises Dramatiq's own
    connection error, which is not Python's ConnectionError.)"""
    if isinstance(exc, DBAPIError):
        return isinstance(exc, OperationalError) or exc.connection_invalidated
    return isinstance(
        exc, (OSError, MissingDependencyError, TimeoutError, ConnectionError, _BrokerConnectionError)
    )


def retry_when(retries: int, exc: BaseException) -> bool:
    return retries < MAX_RETRIES and is_transient(exc)


def _error(exc: SohoaError) -> ErrorRecord:
    return ErrorRecord(exc.code, exc.message)


def _guard(on_failure: Callable[[int, ErrorRecord], None], bad_input: tuple[type[BaseException], ...] = ()):
    """Map an actor's exceptions: bad input → recorded failure; transient → raised (retried);
    anything else → logged with its traceback and recorded as an internal error."""

    def wrap(fn):
        @functools.wraps(fn)
        def actor(entity_id: int) -> None:
            try:
                fn(entity_id)
            except bad_input as exc:
                log.warning("step_failed", step=fn.__name__, id=entity_id, code=exc.code)
                on_failure(entity_id, _error(exc))
            except TimeLimitExceeded:
                log.error("step_time_limit", step=fn.__name__, id=entity_id)
                on_failure(entity_id, ErrorRecord("time_limit", INTERNAL.message))
            except BaseException as exc:
                if is_transient(exc) or not isinstance(exc, Exception):
                    raise
                log.exception("step_crashed", step=fn.__name__, id=entity_id, error=type(exc).__name__)
                on_failure(entity_id, INTERNAL)

        return actor

    return wrap


# --- failure recorders ------------------------------------------------------------------------


def _fail_input(input_id: int, error: ErrorRecord) -> None:
    ctx = current()
    _write_failed_result(input_id, error)
    with ctx.tx() as s:
        steps = state.input_failed(s, input_id, error)
    ctx.send_all(steps)


def _fail_page(page_id: int, error: ErrorRecord) -> None:
    ctx = current()
    with ctx.tx() as s:
        steps = state.page_failed(s, page_id, error)
    ctx.send_all(steps)


def _fail_document(document_id: int, error: ErrorRecord) -> None:
    ctx = current()
    with ctx.tx() as s:
        steps = state.document_failed(s, document_id, error)
    ctx.send_all(steps)


def _fail_signature(request_id: int, error: ErrorRecord) -> None:
    with current().tx() as s:
        state.signature_failed(s, request_id, error)


# --- the steps --------------------------------------------------------------------------------


@_guard(_fail_input, (InputError,))
def ingest_input(input_id: int) -> None:
    ctx = current()
    with ctx.read() as s:
        inp = state.get_input(s, input_id)
        if inp is None or inp.state != InputState.pending:
            return
        known = state.pages_of_input(s, input_id)
    source = open_input(ctx.storage.path(inp.source_key))  # InputError: the whole input failed
    source.page_count()  # an empty, encrypted or unreadable PDF fails here, as in `sohoa process`
    count, top_error = 0, None
    try:
        # Pages come in input order; the position is the page's index (whatever the item says).
        for index, item in enumerate(source.pages(decode=False), start=1):  # stored, read later
            count = index
            if index in known:  # read before a restart: its row (and image) exist
                page_id, page_state = known[index]
            elif isinstance(item, PageFailure):
                with ctx.tx() as s:
                    page_id, page_state = state.add_page(
                        s, input_id, index, image_key=None, dpi=None,
                        error=ErrorRecord(item.error.code, item.error.message),
                    )  # fmt: skip
            else:
                item.index = index
                frame = None
                if item.origin is not None:  # a frame of the submitted file, already stored
                    key, frame = _source_file_key(inp.source_key, source.path, item.origin[0]), item.origin[1]
                else:
                    key = codec.save_page_image(ctx.storage, input_id, item)
                with ctx.tx() as s:
                    page_id, page_state = state.add_page(
                        s,
                        input_id,
                        index,
                        image_key=key,
                        image_frame=frame,
                        dpi=item.dpi,
                        dpi_known=item.dpi_known,
                    )
            if page_state == PageState.pending:
                ctx.send_all([state.Step(state.OCR, page_id)])
    except InputError as exc:  # broke part way (a truncated PDF): keep what was read
        top_error = _error(exc)
        log.warning("input_broken", input=input_id, code=exc.code, pages=count)
    with ctx.tx() as s:
        steps = state.input_read(s, input_id, count, top_error)
    log.info("input_read", input=input_id, pages=count)
    ctx.send_all(steps)


def _source_file_key(source_key: str, source_path: Path, file: Path) -> str:
    """The storage key of an image file of a submitted input (the input itself, or a file of its
    folder)."""
    relative = file.relative_to(source_path).as_posix()
    return source_key if relative == "." else f"{source_key}/{relative}"


@_guard(_fail_page, (InputError, OcrError))
def ocr_page(page_id: int) -> None:
    ctx = current()
    with ctx.read() as s:
        page = state.get_page(s, page_id)
        if page is None or page.state != PageState.pending:
            return
    scan = codec.load_page(
        ctx.storage, page.image_key, page.index, page.dpi, page.dpi_known, frame=page.image_frame, decode=True
    )
    prepared = prepare(scan)
    ocr = ocr_stage(prepared, lang=ctx.options.lang, timeout=ctx.options.ocr_timeout)
    page_class = classify_page(ocr)
    okey = ocr_key(page.input_id, page.index)
    codec.save_ocr_page(ctx.storage, okey, page.image_key, ocr, image_frame=page.image_frame)
    with ctx.tx() as s:
        steps = state.page_done(
            s,
            page_id,
            ocr_key=okey,
            rotation=prepared.rotation,
            skew_deg=prepared.skew_deg,
            warnings=list(prepared.warnings),
            kind=page_class.kind,
            doc_type=page_class.doc_type,
            class_confidence=page_class.confidence,
        )
    log.info("page_done", input=page.input_id, page=page.index, words=len(ocr.words), kind=page_class.kind)
    ctx.send_all(steps)


def _fail_split(input_id: int, error: ErrorRecord) -> None:
    _fail_input(input_id, error)


@_guard(_fail_split)
def split_input(input_id: int) -> None:
    from sohoa.pipeline.classify import PageClass

    ctx = current()
    with ctx.read() as s:
        inp = state.get_input(s, input_id)
        if inp is None or inp.state != InputState.ocr or inp.pages_pending != 0:
            return
        one_document = state.batch_of_input(s, input_id).one_document
        rows = state.classes_of_input(s, input_id)
    classes = {r.index: PageClass(r.kind, r.doc_type, r.confidence) for r in rows}
    split = split_pages(classes, one_document=one_document)
    documents = [state.FoundDocument(d.doc_type, d.confidence, list(d.pages)) for d in split.documents]
    with ctx.tx() as s:
        steps = state.input_split(s, input_id, documents, split.status)
    log.info("input_split", input=input_id, documents=len(documents))
    ctx.send_all(steps)


def _ocr_keys(session, document) -> list[str]:
    """The OCR JSON keys of a document's pages, in its page order."""
    keys = state.ocr_keys_of(session, document.input_id, document.pages)
    return [keys[i] for i in document.pages]


@_guard(_fail_document)
def extract_document(document_id: int) -> None:
    ctx = current()
    with ctx.read() as s:
        doc = state.get_document(s, document_id)
        if doc is None or doc.state != DocumentState.pending:
            return
        keys = _ocr_keys(s, doc)
    # with the image OCR read: weak fields are read again from it
    pages = [codec.load_ocr_page(ctx.storage, key, with_ocr_image=True, upright=False) for key in keys]
    try:
        extraction = extract_fields(doc.doc_type, pages)
    finally:
        codec.close_ocr_pages(pages)
    fields = {k: v.model_dump(mode="json", exclude_none=True) for k, v in extraction.fields.items()}
    issues = [i.model_dump(mode="json", exclude_none=True) for i in extraction.issues]
    with ctx.tx() as s:
        steps = state.document_extracted(
            s, document_id, form_version=extraction.form_version, fields=fields, issues=issues
        )
    log.info("document_extracted", document=document_id, fields=len(fields), issues=len(issues))
    for key in keys:  # read for the last time (a retry makes them again)
        ctx.storage.delete(ocr_image_key(key))
    ctx.send_all(steps)


@_guard(_fail_document)
def render_pdf(document_id: int) -> None:
    ctx = current()
    with ctx.read() as s:
        doc = state.get_document(s, document_id)
        if doc is None or doc.state != DocumentState.extracted:
            return
        input_name = state.get_input(s, doc.input_id).name
        keys = _ocr_keys(s, doc)
    pages = [codec.load_ocr_page(ctx.storage, key) for key in keys]
    key = document_pdf_key(doc.input_id, doc.number)
    try:
        with ctx.storage.writing(key) as tmp:
            write_document_pdf(
                pages, tmp, title=f"{input_name} d{doc.number}", jpeg_quality=ctx.options.jpeg_quality
            )
    except ValueError:
        log.error("pdf_failed", document=document_id)
        _fail_document(document_id, PDF_FAILED)
        return
    finally:
        codec.close_ocr_pages(pages)
    digest = sha256_file(ctx.storage.path(key))
    with ctx.tx() as s:
        steps = state.document_done(s, document_id, pdf_key=key, pdf_sha256=digest)
    log.info("document_done", document=document_id, pages=len(doc.pages))
    ctx.send_all(steps)


@_guard(_fail_split)
def finish_input(input_id: int) -> None:
    ctx = current()
    with ctx.read() as s:
        inp = state.get_input(s, input_id)
        if inp is None or inp.state != InputState.split or inp.docs_pending != 0:
            return
        report = state.input_report(s, input_id)
    pages, words = [], []
    for p in report.pages:
        summary = codec.load_ocr_summary(ctx.storage, p.ocr_key) if p.ocr_key else None
        error = ErrorInfo(code=p.error_code, message=p.error_message) if p.state == PageState.failed else None
        pages.append(
            PageResult(
                index=p.index,
                status=PageStatus(p.status or ("failed" if error else "blank")),
                rotation=p.rotation or 0,
                skew_deg=p.skew_deg or 0.0,
                dpi=round(p.dpi) if p.dpi else None,
                warnings=list(p.warnings or []),
                text="\n".join(summary.lines) if summary else "",
                error=error,
            )
        )
        if summary:
            words.append(
                WordsPage(
                    index=p.index,
                    width=summary.width,
                    height=summary.height,
                    dpi=round(summary.dpi),
                    skew_deg=summary.skew_deg,
                    words=summary.words,
                )
            )
    documents = [
        DocumentResult(
            id=f"d{d.number}",
            doc_type=d.doc_type,
            doc_type_confidence=d.doc_type_confidence,
            form_version=d.form_version,
            pages=list(d.pages),
            pdf=f"d{d.number}.pdf" if d.pdf_key else None,
            fields={
                f.name: FieldValue(value=f.value, confidence=f.confidence, normalized=f.normalized)
                for f in report.fields[d.id]
            },
            issues=[DocumentIssue.model_validate(i) for i in d.issues],
        )
        for d in report.documents
    ]
    top = ErrorInfo(code=inp.error_code, message=inp.error_message) if inp.error_code else None
    result = ProcessResult(source=inp.source_path, documents=documents, pages=pages, error=top)
    _write_result(input_id, result, WordsFile(source=inp.source_path, pages=words))
    for key in ctx.storage.files(f"{input_dir_key(input_id)}/ocr/"):  # pages of no extracted document
        if key.endswith(".pixels.lz4"):
            ctx.storage.delete(key)
    with ctx.tx() as s:
        steps = state.input_done(s, input_id)
    log.info("input_done", input=input_id, pages=len(pages), documents=len(documents))
    ctx.send_all(steps)


def _write_result(input_id: int, result: ProcessResult, words: WordsFile | None) -> None:
    import json

    storage = current().storage
    base = input_dir_key(input_id)
    if words is not None:
        data = json.dumps(words.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        storage.write_bytes(f"{base}/words.json", data.encode("utf-8"))
    data = json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n"
    storage.write_bytes(f"{base}/result.json", data.encode("utf-8"))


def _write_failed_result(input_id: int, error: ErrorRecord) -> None:
    with current().read() as s:
        inp = state.get_input(s, input_id)
    if inp is not None:
        _write_result(
            input_id,
            ProcessResult(source=inp.source_path, error=ErrorInfo(code=error.code, message=error.message)),
            None,
        )


#: How long a signing claim holds before another worker may take the request (a dead worker's).
SIGN_LEASE_SECONDS = 900


@_guard(_fail_signature)
def sign_document(request_id: int) -> None:
    ctx = current()
    with ctx.read() as s:
        req = state.get_signature_request(s, request_id)
        if req is None or req.state not in (SignatureState.pending, SignatureState.signing):
            return
        doc = state.get_document(s, req.document_id)
    if doc is None or doc.state != DocumentState.done or not doc.pdf_key:
        _fail_signature(request_id, NOT_READY)
        return
    signer = ctx.signer(req.keystore)
    if signer is None:
        _fail_signature(request_id, NO_SIGNER)
        return
    with ctx.tx() as s:
        if not state.claim_signature(s, request_id, SIGN_LEASE_SECONDS):
            return  # another worker is signing it (a duplicate message), or it is done
    key = signed_pdf_key(request_id)
    try:
        with ctx.storage.writing(key) as tmp:
            info = signer(ctx.storage.path(doc.pdf_key), tmp, profile=req.profile)
    except SohoaError as exc:
        log.warning("sign_refused", request=request_id, code=exc.code)
        _fail_signature(request_id, _error(exc))
        return
    except BaseException as exc:
        if is_transient(exc):
            with ctx.tx() as s:
                state.release_signature(s, request_id)
        raise
    digest = hashlib.sha256(ctx.storage.read_bytes(key)).hexdigest()
    with ctx.tx() as s:
        signed = state.signature_done(
            s, request_id, pdf_key=key, pdf_sha256=digest, signer=info.signer, level=info.level
        )
    if signed:
        log.info("signed", request=request_id, document=doc.id, level=info.level)


_FAILURE_OF = {
    state.INGEST: _fail_input,
    state.OCR: _fail_page,
    state.SPLIT: _fail_input,
    state.EXTRACT: _fail_document,
    state.PDF: _fail_document,
    state.FINISH: _fail_input,
    state.SIGN: _fail_signature,
}


def retries_exhausted(message: dict, info: dict) -> None:
    """A step kept failing on transient errors: record it as failed so the batch can finish and
    `sohoa retry` can run it again."""
    actor_name, args = message.get("actor_name"), message.get("args") or []
    fail = _FAILURE_OF.get(actor_name)
    log.error("retries_exhausted", step=actor_name, id=args[0] if args else None, retries=info.get("retries"))
    if fail and args:
        fail(int(args[0]), EXHAUSTED)


#: Dramatiq's priority of a page (`ocr`) against the other steps in a worker's own queue of taken
#: messages (higher runs later; the broker's order is unchanged): a thread that does both finishes
#: the documents of pages already read before it reads the next page, so a document is done soon
#: after its last page (and its pages' stored OCR images are deleted as soon).
PAGE_PRIORITY = 10

#: (function, queue, time limit in seconds or None for the OCR default)
STEPS: dict[str, tuple[Callable, str, int | None]] = {
    state.INGEST: (ingest_input, QUEUE_ASSEMBLE, 3600),
    state.OCR: (ocr_page, QUEUE_OCR, None),
    state.SPLIT: (split_input, QUEUE_ASSEMBLE, 600),
    state.EXTRACT: (extract_document, QUEUE_ASSEMBLE, 600),
    state.PDF: (render_pdf, QUEUE_ASSEMBLE, 1800),
    state.FINISH: (finish_input, QUEUE_ASSEMBLE, 1800),
    state.SIGN: (sign_document, QUEUE_SIGN, 600),
}
EXHAUSTED_ACTOR = "retries_exhausted"


def declare(broker: dramatiq.Broker, *, ocr_timeout: float = 180.0) -> dict[str, dramatiq.Actor]:
    """Declare every actor on `broker` (any broker: in-process, Redis, RabbitMQ)."""
    actors: dict[str, dramatiq.Actor] = {}
    # Preprocessing may call Tesseract a few times (orientation, confidence) before recognition.
    ocr_limit = int(ocr_timeout * 4 + 60)
    for name, (fn, queue, limit) in STEPS.items():
        actors[name] = dramatiq.Actor(
            fn,
            broker=broker,
            actor_name=name,
            queue_name=queue,
            priority=PAGE_PRIORITY if queue == QUEUE_OCR else 0,
            options={
                "retry_when": retry_when,
                "min_backoff": MIN_BACKOFF_MS,
                "max_backoff": MAX_BACKOFF_MS,
                "time_limit": (limit or ocr_limit) * 1000,
                "on_retry_exhausted": EXHAUSTED_ACTOR,
            },
        )
    actors[EXHAUSTED_ACTOR] = dramatiq.Actor(
        retries_exhausted,
        broker=broker,
        actor_name=EXHAUSTED_ACTOR,
        queue_name=QUEUE_ASSEMBLE,
        priority=0,
        options={"retry_when": retry_when, "min_backoff": MIN_BACKOFF_MS, "max_backoff": MAX_BACKOFF_MS},
    )
    return actors
