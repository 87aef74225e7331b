"""`sohoa process` in-process: one input through every stage, and its output files.

ingest → prepare → OCR → classify/split → extract → searchable PDFs, then `result.json` and
`words.json` (CONTRACT.md). A page that fails is recorded with its error and the rest goes on; an
input that cannot be opened gets a `result.json` with a top-level error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import structlog
from sohoa.schemas import (
    DocumentResult,
    ErrorInfo,
    PageResult,
    PageStatus,
    ProcessResult,
    WordsFile,
    WordsPage,
)

from .classify import PageClass, classify_page
from .errors import InputError, MissingDependencyError, OcrError, SohoaError
from .extract import extract_fields
from .ingest import InputSource, open_input
from .ocr import check_tesseract
from .ocr import settings as ocr_settings
from .parallel import read_page, shared_pool
from .pdf import PdfPage, TextWord, write_pdf
from .split import DocumentPages, Split, split_pages
from .types import OcrPage, PageFailure

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ProcessOptions:
    one_document: bool = False
    lang: str = "vie"
    ocr_timeout: float = 180.0
    jpeg_quality: int = 85
    #: Worker processes reading pages: None all cores, 0 none (pages read in this process).
    workers: int | None = None


@dataclass
class InputOutcome:
    name: str
    out_dir: Path
    result: ProcessResult
    seconds: float
    page_count: int
    skipped: bool = False

    @property
    def failed(self) -> bool:
        return self.result.error is not None or any(p.status == PageStatus.failed for p in self.result.pages)


def output_dir_for(source_path: Path, out: Path) -> Path:
    name = source_path.stem if source_path.is_file() else source_path.name
    return out / name


def is_done(out_dir: Path) -> bool:
    """An input is done when its result.json exists and records no failure (failures are retried)."""
    path = out_dir / "result.json"
    if not path.exists():
        return False
    try:
        result = ProcessResult.model_validate_json(path.read_bytes())
    except ValueError:
        return False
    return result.error is None and all(p.status != PageStatus.failed for p in result.pages)


def process_input(
    path: Path,
    out: Path,
    options: ProcessOptions = ProcessOptions(),
    *,
    on_page: Callable[[int], None] | None = None,
    on_count: Callable[[int], None] | None = None,
) -> InputOutcome:
    """Digitise one input into `out/<input-name>/`. Raises only MissingDependencyError."""
    started = time.monotonic()
    out_dir = output_dir_for(path, out)
    logger = log.bind(input=out_dir.name)
    try:
        source = open_input(path)
        count = source.page_count()
    except InputError as exc:
        logger.warning("input_failed", code=exc.code, detail=exc.detail)
        result = ProcessResult(source=str(path), error=exc.info())
        _write_json(out_dir / "result.json", result_json(result))
        return InputOutcome(out_dir.name, out_dir, result, time.monotonic() - started, 0)
    if on_count:
        on_count(count)
    logger.info("input_started", kind=source.kind, pages=count)
    result, words = _run_pages(source, out_dir, options, on_page, logger)
    _write_json(out_dir / "words.json", words.model_dump(mode="json"))
    _write_json(out_dir / "result.json", result_json(result))
    seconds = time.monotonic() - started
    logger.info(
        "input_done",
        pages=len(result.pages),
        documents=len(result.documents),
        failed_pages=sum(p.status == PageStatus.failed for p in result.pages),
        seconds=round(seconds, 2),
    )
    return InputOutcome(out_dir.name, out_dir, result, seconds, len(result.pages))


def _run_pages(source: InputSource, out_dir: Path, options: ProcessOptions, on_page, logger):
    page_results: dict[int, PageResult] = {}
    words_pages: list[WordsPage] = []
    documents = _Documents(source, out_dir, options, logger)
    top_error: ErrorInfo | None = None
    try:
        for item, outcome in _read_pages(source.pages(), options):
            if isinstance(item, PageFailure):
                page_results[item.index] = PageResult(
                    index=item.index, status=PageStatus.failed, error=item.error
                )
                logger.warning("page_failed", page=item.index, code=item.error.code)
            elif isinstance(outcome, MissingDependencyError):
                raise outcome
            elif isinstance(outcome, SohoaError):
                page_results[item.index] = PageResult(
                    index=item.index, status=PageStatus.failed, dpi=round(item.dpi), error=outcome.info()
                )
                logger.warning("page_failed", page=item.index, code=outcome.code, detail=outcome.detail)
            else:
                ocr = outcome
                prepared = ocr.prepared
                logger.info(
                    "page_prepared",
                    page=item.index,
                    rotation=prepared.rotation,
                    orientation_confidence=round(prepared.orientation_confidence, 2),
                    skew_deg=prepared.skew_deg,
                    dpi=round(item.dpi),
                    words=len(ocr.words),
                )
                words_pages.append(
                    WordsPage(
                        index=item.index,
                        width=prepared.upright.width,
                        height=prepared.upright.height,
                        dpi=round(item.dpi),
                        skew_deg=prepared.skew_deg,
                        words=ocr.words,
                    )
                )
                page_results[item.index] = PageResult(
                    index=item.index,
                    status=PageStatus.document,  # until the split says otherwise
                    rotation=prepared.rotation,
                    skew_deg=prepared.skew_deg,
                    dpi=round(prepared.page.dpi),
                    warnings=prepared.warnings,
                    text=ocr.text,
                )
            documents.page_read(item.index, outcome if isinstance(outcome, OcrPage) else None)
            if on_page:
                on_page(1)
    except InputError as exc:
        # The input broke part way (e.g. a truncated PDF): keep what was read, record the error.
        top_error = exc.info()
        logger.warning("input_failed", code=exc.code, detail=exc.detail)

    status = documents.finish()
    for i, page_status in status.items():
        page_results[i].status = PageStatus(page_status)
    ordered = [page_results[i] for i in sorted(page_results)]
    result = ProcessResult(
        source=str(source.path), documents=documents.results, pages=ordered, error=top_error
    )
    words_pages.sort(key=lambda p: p.index)
    return result, WordsFile(source=str(source.path), pages=words_pages)


class _Documents:
    """Splits an input's pages into documents and writes each as soon as it is final, so that only
    the pages of documents still open (and pages read ahead of a slower one) are held in memory,
    not the whole input: a page's images are dropped once its document's PDF is written.

    `split_pages` decides page by page in input order and never revisits a closed document, so
    every document of a split of the first k pages but the last is a document of the whole input.
    With `one_document` the input is one document: every page is held to the end.
    """

    def __init__(self, source: InputSource, out_dir: Path, options: ProcessOptions, logger):
        self.source, self.out_dir, self.options, self.logger = source, out_dir, options, logger
        self.results: list[DocumentResult] = []
        self._pages: dict[int, OcrPage] = {}  # read, not yet in a written document
        self._classes: dict[int, PageClass] = {}
        self._finished: set[int] = set()
        self._next = 1  # every page before this one has finished (read or failed)

    def page_read(self, index: int, ocr: OcrPage | None) -> None:
        """A page finished (pages finish out of order); `ocr` is None when it failed."""
        if ocr is not None:
            self._pages[index] = ocr
            self._classes[index] = classify_page(ocr)
        self._finished.add(index)
        if self._next not in self._finished or self.options.one_document:
            return
        while self._next in self._finished:
            self._finished.discard(self._next)
            self._next += 1
        split = self._split(lambda i: i < self._next)
        self._write(split.documents[:-1])  # the last one may still go on
        for i, page_status in split.status.items():
            if page_status != "document":  # set aside (blank, separator): nothing more reads it
                self._pages.pop(i, None)

    def finish(self) -> dict[int, str]:
        """Write every document not written yet; the status of every page read."""
        split = self._split(lambda i: True)
        self._write(split.documents)
        return split.status

    def _split(self, keep) -> Split:
        classes = {i: c for i, c in sorted(self._classes.items()) if keep(i)}
        return split_pages(classes, one_document=self.options.one_document)

    def _write(self, groups: list[DocumentPages]) -> None:
        for group in groups[len(self.results) :]:
            self.results.append(self._document(len(self.results) + 1, group))
            for i in group.pages:
                del self._pages[i]

    def _document(self, n: int, group: DocumentPages) -> DocumentResult:
        doc_id = f"d{n}"
        pages = [self._pages[i] for i in group.pages]
        extraction = extract_fields(group.doc_type, pages)
        pdf_name = f"{doc_id}.pdf"
        try:
            write_document_pdf(
                pages,
                self.out_dir / pdf_name,
                title=f"{self.source.name} {doc_id}",
                jpeg_quality=self.options.jpeg_quality,
            )
        except (OSError, ValueError) as exc:
            self.logger.error("pdf_failed", document=doc_id, error=type(exc).__name__)
            pdf_name = None
        self.logger.info(
            "document_found",
            document=doc_id,
            doc_type=group.doc_type,
            pages=group.pages,
            fields=len(extraction.fields),
            issues=len(extraction.issues),
        )
        return DocumentResult(
            id=doc_id,
            doc_type=group.doc_type,
            doc_type_confidence=round(group.confidence, 3),
            form_version=extraction.form_version,  # found on the extraction's own layout
            pages=group.pages,
            pdf=pdf_name,
            fields=extraction.fields,
            issues=extraction.issues,
        )


def _read_pages(items, options: ProcessOptions):
    """(item, OcrPage | SohoaError | None) for every page: in worker processes on all cores, or
    in this process when `options.workers == 0`. Pages finish out of order."""
    if options.workers == 0:
        for item in items:
            if isinstance(item, PageFailure):
                yield item, None
                continue
            try:
                yield item, read_page(item, lang=options.lang, timeout=options.ocr_timeout)
            except (OcrError, InputError, MissingDependencyError) as exc:
                yield item, exc
        return
    check_tesseract(tuple(dict.fromkeys([*options.lang.split("+"), "osd"])))  # fail fast, not per page
    cmd, engine = ocr_settings()
    yield from shared_pool(options.workers, cmd, engine).run(
        items, lang=options.lang, timeout=options.ocr_timeout
    )


def _pdf_page(page: OcrPage) -> PdfPage:
    prepared = page.prepared
    # The upright image is the scan turned by `rotation` (never resampled), so the scanner's own
    # JPEG, drawn turned, shows the same page.
    return PdfPage(
        image=prepared.upright,
        dpi=prepared.page.dpi,
        words=[TextWord(w.text, w.box, w.line) for w in page.words],
        skew_deg=prepared.skew_deg,
        source_jpeg=prepared.page.source_jpeg,
        source_rotation=prepared.rotation,
    )


# --- Used here and by the workers (sohoa.workers), which run these steps per document and per input. ---


def write_document_pdf(pages: list[OcrPage], out: Path, *, title: str, jpeg_quality: int = 85) -> Path:
    """The PDF stage for one document's OCR'd pages (scan + text layer), written atomically at `out`."""
    return write_pdf((_pdf_page(p) for p in pages), out, title=title, jpeg_quality=jpeg_quality)


def result_json(result: ProcessResult) -> dict:
    """`result.json` as the contract writes it (nulls shown where the contract shows them)."""
    data = result.model_dump(mode="json", exclude_none=True)
    data["error"] = data.get("error")  # the contract shows "error": null when all went well
    for doc in data["documents"]:
        doc.setdefault("form_version", None)
        doc.setdefault("pdf", None)
    return data


def _write_json(path: Path, data) -> None:
    """Write UTF-8 JSON atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


__all__ = [
    "InputOutcome",
    "ProcessOptions",
    "SohoaError",
    "is_done",
    "output_dir_for",
    "process_input",
    "result_json",
    "write_document_pdf",
]
