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

from .classify import classify_page, form_version
from .errors import InputError, MissingDependencyError, OcrError, SohoaError
from .extract import extract_fields
from .ingest import InputSource, open_input
from .ocr import check_tesseract
from .ocr import settings as ocr_settings
from .parallel import read_page, shared_pool
from .pdf import PdfPage, TextWord, write_pdf
from .split import split_pages
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
    ocr_pages: dict[int, OcrPage] = {}
    words_pages: list[WordsPage] = []
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
                ocr_pages[item.index] = ocr
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
            if on_page:
                on_page(1)
    except InputError as exc:
        # The input broke part way (e.g. a truncated PDF): keep what was read, record the error.
        top_error = exc.info()
        logger.warning("input_failed", code=exc.code, detail=exc.detail)

    classes = {i: classify_page(p) for i, p in sorted(ocr_pages.items())}
    split = split_pages(classes, one_document=options.one_document)
    documents: list[DocumentResult] = []
    for n, group in enumerate(split.documents, start=1):
        doc_id = f"d{n}"
        pages = [ocr_pages[i] for i in group.pages]
        extraction = extract_fields(group.doc_type, pages)
        pdf_name = f"{doc_id}.pdf"
        try:
            write_document_pdf(
                pages, out_dir / pdf_name, title=f"{source.name} {doc_id}", jpeg_quality=options.jpeg_quality
            )
        except (OSError, ValueError) as exc:
            logger.error("pdf_failed", document=doc_id, error=type(exc).__name__)
            pdf_name = None
        documents.append(
            DocumentResult(
                id=doc_id,
                doc_type=group.doc_type,
                doc_type_confidence=round(group.confidence, 3),
                form_version=form_version(group.doc_type, pages),
                pages=group.pages,
                pdf=pdf_name,
                fields=extraction.fields,
                issues=extraction.issues,
            )
        )
        logger.info(
            "document_found",
            document=doc_id,
            doc_type=group.doc_type,
            pages=group.pages,
            fields=len(extraction.fields),
            issues=len(extraction.issues),
        )

    for i, ocr in ocr_pages.items():
        prepared = ocr.prepared
        page_results[i] = PageResult(
            index=i,
            status=PageStatus(split.status[i]),
            rotation=prepared.rotation,
            skew_deg=prepared.skew_deg,
            dpi=round(prepared.page.dpi),
            warnings=prepared.warnings,
            text=ocr.text,
        )
    ordered = [page_results[i] for i in sorted(page_results)]
    result = ProcessResult(source=str(source.path), documents=documents, pages=ordered, error=top_error)
    words_pages.sort(key=lambda p: p.index)
    return result, WordsFile(source=str(source.path), pages=words_pages)


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
    return PdfPage(
        image=prepared.upright,
        dpi=prepared.page.dpi,
        words=[TextWord(w.text, w.box, w.line) for w in page.words],
        skew_deg=prepared.skew_deg,
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
