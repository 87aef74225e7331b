"""How the pipeline's in-memory stage types are written to and read back from the storage directory,
so that what crosses between actors is a file with a deterministic name, never a blob in a message.

- a `Page` of an image file (a folder's page, a TIFF's frame) is not stored at all: the submitted
  file is in the storage already, and the page row names it and its frame (`Page.origin`,
  `ingest.read_frame`), so nothing is encoded, written or decoded twice;
- a PDF's page as its scanner's JPEG file unchanged when it has one (`Page.source_jpeg`: no
  encoding, and the PDF can embed it as it is), else as a PNG (lossless, mode kept; dpi in the
  database row);
- an `OcrPage` as JSON (words, lines, geometry, warnings, the key of its page image). Read back,
  the OcrPage's upright image is the page image turned by the recorded rotation (a lossless
  transpose, so no second image file is written per page); later stages read words and lines and
  the PDF shows the upright image;
- the cleaned image OCR read (extraction re-reads crops of weak fields from it) beside the JSON, as
  raw pixels compressed with LZ4 (12 ms for a 300-dpi page, against 60–160 ms for PNG and 0.13 s
  for making it again), until its document is extracted; a missing one is made again from the
  page and its recorded tilt (`load_ocr_page`).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import lz4.block
import lz4.frame
import numpy as np
from PIL import Image
from sohoa.pipeline.ingest import read_frame
from sohoa.pipeline.preprocess import ocr_image_of, turn_upright
from sohoa.pipeline.types import OcrPage, Page, PreparedPage
from sohoa.schemas import OcrWord

from .storage import Storage, ocr_image_key, page_key

#: zlib level 1: several times faster than the default and only a little larger for scans.
_PNG_LEVEL = 1
#: LZ4's fast mode for the OCR image, which lives only until its document is extracted. Written and
#: read back (medium pages, 7.2 MB raw): 9.0 ms at 0.82 of its size with 256, against 16.4 ms at
#: 0.57 with 16 and 20.3 ms at 0.50 with the default (1); 6.9 ms uncompressed (docs/benchmarks.md,
#: Scale-out, session 7).
_LZ4_ACCELERATION = 256


def image_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=_PNG_LEVEL)
    return buffer.getvalue()


def save_page_image(storage: Storage, input_id: int, page: Page) -> str:
    """Store a page as read from its input; returns its key."""
    key = page_key(input_id, page.index, jpeg=page.source_jpeg is not None)
    storage.write_bytes(key, page.source_jpeg if page.source_jpeg is not None else image_png(page.image))
    return key


def load_page(
    storage: Storage,
    key: str,
    index: int,
    dpi: float,
    dpi_known: bool = True,
    frame: int | None = None,
    *,
    decode: bool = False,
) -> Page:
    """A page: frame `frame` of the submitted image file at `key`, or (`frame` None) a page image
    stored by `save_page_image`. Decoded when its pixels are first used (a scanner's JPEG that only
    goes into a PDF, embedded as it is, is never decoded), or at once with `decode` for the first
    reading of a submitted file's frame, so a damaged one fails here as a corrupt page (InputError),
    not later as a disk error."""
    if frame is not None:
        return read_frame(storage.path(key), frame, index, dpi, dpi_known, decode=decode)
    data = storage.read_bytes(key)
    image = Image.open(io.BytesIO(data))  # a buffer, not a file: nothing to close once loaded
    jpeg = data if key.endswith(".jpg") else None
    return Page(index=index, image=image, dpi=dpi, dpi_known=dpi_known, source_jpeg=jpeg)


def save_ocr_page(
    storage: Storage, ocr_key: str, image_key: str, ocr: OcrPage, image_frame: int | None = None
) -> None:
    """The OCR'd page as JSON, naming its page image (stored already) at `image_key` (and
    `image_frame`, see `load_page`), and the image OCR read at `ocr_image_key(ocr_key)` (not
    flushed to disk: a lost one is made again)."""
    prepared = ocr.prepared
    image = prepared.ocr_image
    header = f"{image.mode} {image.width} {image.height} block\n".encode()
    pixels = lz4.block.compress(image.tobytes(), mode="fast", acceleration=_LZ4_ACCELERATION)
    storage.write_bytes(ocr_image_key(ocr_key), header + pixels, durable=False)
    data = {
        "image_key": image_key,
        "image_frame": image_frame,
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


def _load_ocr_image(storage: Storage, ocr_key: str) -> Image.Image | None:
    try:
        data = storage.read_bytes(ocr_image_key(ocr_key))
        header, pixels = data.split(b"\n", 1)
        mode, width, height, *block = header.decode().split()
        raw = lz4.block.decompress(pixels) if block else lz4.frame.decompress(pixels)  # frame: ≤ 2026-12-06
        return Image.frombytes(mode, (int(width), int(height)), raw)
    except (OSError, ValueError, RuntimeError):  # gone (extracted, older batch) or damaged
        return None


def load_ocr_page(
    storage: Storage, ocr_key: str, *, with_ocr_image: bool = False, upright: bool = True
) -> OcrPage:
    """Rebuild the OcrPage with its page image turned upright. Close its images with
    `close_ocr_pages` when done.

    The image recognition read (extraction re-reads crops of it) only `with_ocr_image`: the stored
    one, or when it is gone, made again from the upright page and its recorded tilt
    (`preprocess.ocr_image_of` is deterministic, so it is the very image OCR read). Without it
    the page's `ocr_image` is None. `upright=False`, for a stage that reads no pixels of the page
    itself (extraction): `prepared.upright` is None, so a turned page is not decoded and turned
    for nothing (the page's own image is opened, not decoded)."""
    data = json.loads(storage.read_bytes(ocr_key))
    if "image_key" in data:
        page = load_page(
            storage,
            data["image_key"],
            data["index"],
            data["dpi"],
            data["dpi_known"],
            frame=data.get("image_frame"),
        )
        turned = turn_upright(page.image, data["rotation"]) if upright else None
    else:
        # Written before page images were shared (sohoa ≤ 2026-11-24): its upright image was stored
        # beside it, so batches begun then still finish.
        key = ocr_key.replace("/ocr/", "/upright/").removesuffix(".json") + ".png"
        page = load_page(storage, key, data["index"], data["dpi"], data["dpi_known"])
        turned = page.image if upright else None
    ocr_image = None
    if with_ocr_image:
        ocr_image = _load_ocr_image(storage, ocr_key)
        if ocr_image is None:
            source = turned if turned is not None else turn_upright(page.image, data["rotation"])
            ocr_image, _ = ocr_image_of(source, data["skew_deg"], data["dpi"])
    prepared = PreparedPage(
        page=page,
        upright=turned,
        rotation=data["rotation"],
        skew_deg=data["skew_deg"],
        ocr_image=ocr_image,
        ocr_to_upright=np.asarray(data["ocr_to_upright"], dtype=float),
        orientation_confidence=data["orientation_confidence"],
        ink_ratio=data["ink_ratio"],
        warnings=list(data["warnings"]),
    )
    words = [OcrWord.model_validate(w) for w in data["words"]]
    return OcrPage(prepared=prepared, words=words, lines=list(data["lines"]))


def close_ocr_pages(pages: list[OcrPage]) -> None:
    for page in pages:
        if page.prepared.upright is not None:
            page.prepared.upright.close()
        page.prepared.page.image.close()
        if page.prepared.ocr_image is not None:
            page.prepared.ocr_image.close()
