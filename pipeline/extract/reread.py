"""A second, targeted OCR of low-confidence fields: the value's crop of the deskewed page (the
image OCR read, `PreparedPage.ocr_image`), enlarged twice and read as one line (`--psm 7`) or a
block (`--psm 6`, multi-line values). The same value read twice raises the confidence; a different
value with clearly better OCR confidence replaces it (with a lower confidence); otherwise the first
reading stays, marked down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from ..errors import OcrError
from ..ocr import recognize
from .layout import clean_word
from .values import cut

if TYPE_CHECKING:
    from .assemble import RawValue
    from .layout import Layout

#: At most this many crops are read again per document (each costs a Tesseract run).
MAX_REREADS = 12
_SCALE = 2


def _crop(rv: RawValue, layout: Layout) -> Image.Image | None:
    pl = layout.pages[rv.page]
    if pl.ocr_page is None or not rv.words:
        return None
    img = pl.ocr_page.prepared.ocr_image
    pad = 0.35 * pl.line_height
    x0 = max(0, int(min(w.x0 for w in rv.words) - pad))
    y0 = max(0, int(min(w.y0 for w in rv.words) - pad))
    x1 = min(img.width, int(max(w.x1 for w in rv.words) + pad))
    y1 = min(img.height, int(max(w.y1 for w in rv.words) + pad))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    crop = img.crop((x0, y0, x1, y1)).convert("L")
    crop = crop.resize((crop.width * _SCALE, crop.height * _SCALE), Image.Resampling.LANCZOS)
    return ImageOps.expand(crop, border=24, fill=255)


def reread_fields(
    doc_type: str, chosen: dict[str, RawValue], conf: dict[str, float], layout: Layout
) -> dict[str, float]:
    """New confidences (and possibly new values, set on the RawValue) of the fields given."""
    from sohoa.schemas import field_kind, validate_field_value

    out: dict[str, float] = {}
    for name in sorted(chosen, key=lambda n: conf[n])[:MAX_REREADS]:
        rv = chosen[name]
        crop = _crop(rv, layout)
        if crop is None:
            continue
        try:
            rec = recognize(crop, psm=6 if rv.lines > 1 else 7, timeout=30)
        except (OcrError, RuntimeError):  # a crop Tesseract cannot read: keep the first reading
            continue
        words = [w for w in rec.words if clean_word(w.text)]
        text = " ".join(w.text for w in words)
        c = cut(rv.kind, text)
        if c is None:
            rv.notes["reread"] = "none"
            out[name] = conf[name] * 0.9
            continue
        try:
            value = (
                validate_field_value(doc_type, name, c.value)
                if rv.kind == field_kind(doc_type, name)
                else c.value
            )
            if rv.kind != field_kind(doc_type, name):
                value = validate_field_value(doc_type, name, value)
        except ValueError:
            rv.notes["reread"] = "invalid"
            out[name] = conf[name] * 0.9
            continue
        total = sum(len(w.text) for w in words) or 1
        second = sum(w.confidence * len(w.text) for w in words) / total
        if value == rv.value:
            rv.notes["reread"] = "same"
            out[name] = min(0.97, conf[name] + 0.5 * (1.0 - conf[name]) * second)
        elif second > conf[name] + 0.15:
            rv.notes["reread"] = "replaced"
            rv.value = value
            out[name] = min(0.85, second * 0.85)
        else:
            rv.notes["reread"] = "differs"
            out[name] = conf[name] * 0.8
    return out
