"""How the pipeline's in-memory stage types are written to and read back from the storage directory,
so that what crosses between actors is a file with a deterministic name, never a blob in a message.

- a `Page` as a PNG (lossless, mode kept; dpi in the database row);
- an `OcrPage` as JSON (words, lines, geometry, warnings) plus the upright image as a PNG. Read back,
  the OcrPage carries the upright image (lazily opened) as its scan: what the later stages use
  (classification and extraction read words and lines; the PDF shows the upright image). The
  deskewed OCR image is not kept: recognition has already run.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
from PIL import Image
from sohoa.pipeline.types import OcrPage, Page, PreparedPage
from sohoa.schemas import OcrWord

from .storage import Storage

#: zlib level 1: several times faster than the default and only a little larger for scans.
_PNG_LEVEL = 1


def image_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=_PNG_LEVEL)
    return buffer.getvalue()


def save_page_image(storage: Storage, key: str, page: Page) -> None:
    storage.write_bytes(key, image_png(page.image))


def load_page(storage: Storage, key: str, index: int, dpi: float, dpi_known: bool = True) -> Page:
    with Image.open(storage.path(key)) as im:
        im.load()
        image = im.copy()
    return Page(index=index, image=image, dpi=dpi, dpi_known=dpi_known)


def save_ocr_page(storage: Storage, ocr_key: str, upright_key: str, ocr: OcrPage) -> None:
    """Write the upright image first, then the JSON: a JSON file always has its image."""
    prepared = ocr.prepared
    storage.write_bytes(upright_key, image_png(prepared.upright))
    data = {
        "index": ocr.index,
        "dpi": prepared.page.dpi,
        "dpi_known": prepared.page.dpi_known,
        "width": prepared.upright.width,
        "height": prepared.upright.height,
        "rotation": prepared.rotation,
        "skew_deg": prepared.skew_deg,
        "orientation_confidence": prepared.orientation_confidence,
        "ink_ratio": prepared.ink_ratio,
        "warnings": list(prepared.warnings),
        "ocr_to_upright": np.asarray(prepared.ocr_to_upright, dtype=float).tolist(),
        "lines": list(ocr.lines),
        "words": [w.model_dump(mode="json") for w in ocr.words],
    }
    storage.write_bytes(ocr_key, json.dumps(data, ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class OcrSummary:
    """The OCR JSON without images: enough for words.json and the page row."""

    index: int
    width: int
    height: int
    dpi: float
    skew_deg: float
    words: list[OcrWord]
    lines: list[str]


def load_ocr_summary(storage: Storage, ocr_key: str) -> OcrSummary:
    data = json.loads(storage.read_bytes(ocr_key))
    return OcrSummary(
        index=data["index"],
        width=data["width"],
        height=data["height"],
        dpi=data["dpi"],
        skew_deg=data["skew_deg"],
        words=[OcrWord.model_validate(w) for w in data["words"]],
        lines=data["lines"],
    )


def load_ocr_page(storage: Storage, ocr_key: str, upright_key: str) -> OcrPage:
    """Rebuild the OcrPage; its images are opened lazily (read when a PDF is written). Close them
    with `close_ocr_pages` when done."""
    data = json.loads(storage.read_bytes(ocr_key))
    upright = Image.open(storage.path(upright_key))
    page = Page(index=data["index"], image=upright, dpi=data["dpi"], dpi_known=data["dpi_known"])
    prepared = PreparedPage(
        page=page,
        upright=upright,
        rotation=data["rotation"],
        skew_deg=data["skew_deg"],
        ocr_image=upright,
        ocr_to_upright=np.asarray(data["ocr_to_upright"], dtype=float),
        orientation_confidence=data["orientation_confidence"],
        ink_ratio=data["ink_ratio"],
        warnings=list(data["warnings"]),
    )
    words = [OcrWord.model_validate(w) for w in data["words"]]
    return OcrPage(prepared=prepared, words=words, lines=list(data["lines"]))


def close_ocr_pages(pages: list[OcrPage]) -> None:
    for page in pages:
        page.prepared.upright.close()
