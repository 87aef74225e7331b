"""`generate`: a set of synthetic scans with ground truth, written as `sohoa samples` lays it out.

Output in `out_dir`: `truth.json` (CONTRACT.md), one folder of page images per document
(`d001/page-1.png`, or `.jpg` at levels with JPEG artefacts), a multi-page TIFF per document under
`tiff/`, and `batch.pdf` with every document back to back like a feeder stack. The same seed gives
the same truth.json and page images, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from ..pipeline.pdf import PdfPage, write_pdf
from ..schemas import Truth, TruthDocument, TruthPage
from . import birth, death, land, marriage
from .degrade import LEVELS, scan
from .layout import FormDoc
from .render import DATA_FAMILIES, FORM_FAMILIES, PageWriter, Style

LEVEL_NAMES = ("clean", "easy", "medium", "hard")
#: Document types in the order a mixed set cycles through them, with their form modules.
TYPES = (
    ("birth_certificate", birth),
    ("marriage_certificate", marriage),
    ("death_certificate", death),
    ("land_use_certificate", land),
)
#: The "today" of every generated set, fixed so that a seed always gives the same set.
REFERENCE_DATE = dt.date(2025, 10, 31)


def generate(
    out_dir: Path,
    n: int = 8,
    seed: int = 0,
    level: str = "mixed",
    progress: Callable[[int], None] | None = None,
) -> list[TruthDocument]:
    """Write `n` synthetic documents into `out_dir` and return their ground truth."""
    if level != "mixed" and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join([*LEVEL_NAMES, 'mixed'])}, got {level!r}")
    if n < 1:
        raise ValueError("n must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth: list[TruthDocument] = []

    def stack() -> Iterator[PdfPage]:
        # Documents are made one at a time while the batch PDF is written, so only one
        # document's pages are ever held in memory.
        per_type_count: dict[str, int] = {}
        for i in range(n):
            doc_level = LEVEL_NAMES[i % 4] if level == "mixed" else level
            doc_type, module = TYPES[(i + i // 4) % 4]
            k = per_type_count.get(doc_type, 0)
            per_type_count[doc_type] = k + 1
            version = module.VERSIONS[k % len(module.VERSIONS)]
            doc, pdf_pages = _document(
                out_dir, f"d{i + 1:03d}", doc_type, module, version, doc_level, seed, i
            )
            truth.append(doc)
            yield from pdf_pages
            if progress is not None:
                progress(i + 1)

    write_pdf(stack(), out_dir / "batch.pdf", title="sohoa samples", codec="jpeg")
    payload = Truth(truth).model_dump(mode="json")
    (out_dir / "truth.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return truth


def _document(
    out_dir: Path, doc_id: str, doc_type: str, module, version: str, level: str, seed: int, index: int
) -> tuple[TruthDocument, list[PdfPage]]:
    """Draw, scan and write one document; its truth and its pages for the batch PDF."""
    rng = random.Random(f"sohoa-samples:{seed}:{index}")
    nrng = np.random.default_rng([seed & 0xFFFFFFFF, index])
    spec = LEVELS[level]
    dpi = rng.choice(spec.dpis)
    style = Style(
        form_family=rng.choice(FORM_FAMILIES),
        data_family=rng.choice(DATA_FAMILIES),
        size_pt=rng.choice([12.0, 12.5, 13.0]),
        data_size_pt=rng.choice([12.0, 12.5, 13.0]),
        data_bold=rng.random() < 0.2,
        misregister_pt=spec.misregister_pt,
        misregister_share=spec.misregister_share,
    )
    paper = _paper(rng, level)

    def new_page(width_mm: float, height_mm: float, **kw) -> PageWriter:
        return PageWriter(width_mm, height_mm, dpi, style, rng, paper=kw.pop("paper", paper), **kw)

    form: FormDoc = module.build(rng, version, new_page, REFERENCE_DATE)
    doc_dir = out_dir / doc_id
    doc_dir.mkdir(parents=True, exist_ok=True)
    pages: list[TruthPage] = []
    images: list[Image.Image] = []
    pdf_pages: list[PdfPage] = []
    for p, pw in enumerate(form.pages, start=1):
        scanned = scan(pw.image, spec, dpi, rng, nrng)
        name = f"page-{p}"
        image = scanned.image
        if spec.jpeg_quality:
            path = doc_dir / f"{name}.jpg"
            buf = io.BytesIO()
            image.save(buf, format="JPEG", quality=rng.randint(*spec.jpeg_quality), dpi=(dpi, dpi))
            path.write_bytes(buf.getvalue())
            # The batch PDF embeds the scanner's JPEG as it is.
            pdf_pages.append(PdfPage(image=image, dpi=dpi, source_jpeg=buf.getvalue()))
        else:
            path = doc_dir / f"{name}.png"
            image.save(path, format="PNG", dpi=(dpi, dpi), compress_level=1)
            pdf_pages.append(PdfPage(image=image, dpi=dpi))
        _forget_encoder_state(image)
        images.append(image)
        pages.append(
            TruthPage(
                file=f"{doc_id}/{path.name}",
                rotation=scanned.rotation,
                skew_deg=scanned.skew_deg,
                dpi=dpi,
                lines=pw.lines,
            )
        )
    _write_tiff(out_dir / "tiff" / f"{doc_id}.tif", images, dpi, level)
    doc = TruthDocument(
        id=doc_id,
        doc_type=doc_type,
        form_version=form.form_version,
        level=level,
        fields=form.fields,
        pages=pages,
    )
    return doc, pdf_pages


def _paper(rng: random.Random, level: str) -> tuple[int, int, int]:
    if level == "clean":
        return (255, 255, 255) if rng.random() < 0.5 else (251, 250, 246)
    base = rng.randint(236, 252)
    warm = rng.randint(0, 10)
    return (base, base - warm // 2, base - warm)


def _forget_encoder_state(image: Image.Image) -> None:
    # Pillow keeps the last encoder's settings on the image; a later multi-page TIFF save then
    # hands the PNG encoder's arguments to libtiff and fails.
    for attr in ("encoderinfo", "encoderconfig"):
        if hasattr(image, attr):
            delattr(image, attr)


#: TIFF compression per level, as scanners write them (and fast enough to write).
_TIFF_OPTIONS = {
    "clean": {"compression": "tiff_adobe_deflate"},
    "easy": {"compression": "tiff_lzw"},
    "medium": {"compression": "jpeg", "quality": 85},
    "hard": {"compression": "jpeg", "quality": 75},
}


def _write_tiff(path: Path, images: list[Image.Image], dpi: int, level: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    options = _TIFF_OPTIONS[level]
    images[0].save(path, format="TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi), **options)
