"""A second, targeted OCR of weak fields: the value's crop of the deskewed page (the image OCR
read, `PreparedPage.ocr_image`), enlarged twice and read as one line (`--psm 7`), row by row
for a value that runs on to the next rows. Read alone and larger, a value loses most of the slips of the
full-page reading (stacked diacritics on capitals, `1391` for `1991`).

- A field below the confidence bar: the same value read twice raises its confidence; a different
  value that passes the field's format replaces it, with a confidence below the bar (two readings
  disagree, so a person should look); no usable second reading marks the first one down.
- Figures and codes the two readings disagree on: the plausible year or date, the reading that
  the other is with characters lost, or the second when a third reading (×3) equals it; below the
  bar either way.
- A value found after its label but in no valid format (`Năm sinh: 1391`) is read again before it
  is given up (`recover`); what the second reading gives is reported below the bar.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from ..errors import OcrError
from ..forms import fold
from ..ocr import recognize
from .layout import clean_word
from .values import cut

if TYPE_CHECKING:
    from .assemble import RawValue
    from .layout import Layout

#: At most this many crops are read again per document (each costs a Tesseract run).
MAX_REREADS = 16
_SCALE = 2
#: A figure or code the first two readings disagree on is read a third time, larger.
_THIRD_SCALE = 3
#: The most a value that only the second reading gives (or that the two readings disagree on) is
#: trusted: below the 0.9 bar, so a person checks it.
_SECOND_ONLY = 0.85


def _rows(rv: RawValue, layout: Layout) -> list[list]:
    """The value's words by printed row (a value that runs on to the next rows: one per row)."""
    lh = layout.pages[rv.page].line_height
    rows: list[list] = []
    for w in sorted(rv.words, key=lambda w: w.yc):
        if rows and abs(w.yc - rows[-1][-1].yc) < 0.6 * lh:
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def _crop(words: list, rv: RawValue, layout: Layout, scale: int = _SCALE) -> Image.Image | None:
    """One row of the value, cut from the image OCR read, enlarged, with a white border."""
    pl = layout.pages[rv.page]
    if pl.ocr_page is None or not words:
        return None
    img = pl.ocr_page.prepared.ocr_image
    if img is None:
        return None
    pad = 0.35 * pl.line_height
    x0 = max(0, int(min(w.x0 for w in words) - pad))
    y0 = max(0, int(min(w.y0 for w in words) - pad))
    x1 = min(img.width, int(max(w.x1 for w in words) + pad))
    y1 = min(img.height, int(max(w.y1 for w in words) + pad))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    crop = img.crop((x0, y0, x1, y1)).convert("L")
    crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    return ImageOps.expand(crop, border=24, fill=255)


def _read_again(
    doc_type: str, rv: RawValue, layout: Layout, *, scale: int = _SCALE
) -> tuple[str | None, float] | None:
    """(value in the field's format or None, OCR confidence of the second reading); None when the
    crop could not be read at all."""
    from sohoa.schemas import field_kind, validate_field_value

    words = _second_words(rv, layout, scale)
    if words is None:
        return None
    total = sum(len(w.text) for w in words) or 1
    second = sum(w.confidence * len(w.text) for w in words) / total
    rv.notes["second_text"] = " ".join(clean_word(w.text) for w in words)
    if rv.value is not None and rv.kind == "text":
        merged = _merge(rv, words)
        if merged is None:
            return None, second
        text = merged
    else:
        text = " ".join(w.text for w in words)
    c = cut(rv.kind, text)
    if c is None:
        return None, second
    try:
        value = validate_field_value(doc_type, rv.field, c.value)
    except ValueError:
        return None, second
    if rv.kind != field_kind(doc_type, rv.field):
        try:
            value = validate_field_value(doc_type, rv.field, value)
        except ValueError:
            return None, second
    return value, second * c.clean


def _second_words(rv: RawValue, layout: Layout, scale: int = _SCALE) -> list | None:
    words = []
    for row in _rows(rv, layout):
        crop = _crop(row, rv, layout, scale)
        if crop is None:
            return None
        try:
            rec = recognize(crop, psm=7, timeout=30)
        except (OcrError, RuntimeError):  # a crop Tesseract cannot read: keep the first reading
            return None
        words += [w for w in rec.words if clean_word(w.text)]
    return words


def _merge(rv: RawValue, second: list) -> str | None:
    """Free text read twice: word by word, where the two readings differ only in diacritics, the
    more confident one (a crop's edge may cut a letter, so words that differ in letters keep the
    first reading). None when the two readings do not line up word for word."""
    first = [(w.text, w.conf) for w in rv.words]
    again = [(clean_word(w.text), w.confidence) for w in second]
    if len(first) != len(again):
        return None
    out = []
    for (a, ca), (b, cb) in zip(first, again, strict=True):
        out.append(b if b != a and fold(a) == fold(b) and cb > ca else a)
    return " ".join(out)


def recover(doc_type: str, rv: RawValue, layout: Layout) -> bool:
    """Read a value that was found in no valid format again; True when it now has one."""
    got = _read_again(doc_type, rv, layout)
    if got is None or got[0] is None:
        return False
    rv.value = got[0]
    rv.notes["reread"] = "recovered"
    rv.notes["reread_confidence"] = min(_SECOND_ONLY, got[1] * _SECOND_ONLY)
    return True


def reread_fields(
    doc_type: str, chosen: dict[str, RawValue], conf: dict[str, float], layout: Layout
) -> dict[str, float]:
    """New confidences (and possibly new values, set on the RawValue) of the fields given."""
    out: dict[str, float] = {}
    for name in sorted(chosen, key=lambda n: conf[n])[:MAX_REREADS]:
        rv = chosen[name]
        got = _read_again(doc_type, rv, layout)
        if got is None:
            continue
        value, second = got
        if value is None:
            rv.notes["reread"] = "invalid"
            out[name] = conf[name] * 0.9
        elif value == rv.value:
            rv.notes["reread"] = "same"
            # Free text merged word by word agrees with itself: only a second reading that gave the
            # same words on its own confirms the first; one that differs keeps it below the bar.
            agreed = rv.kind != "text" or rv.notes.get("second_text") == rv.text
            raised = min(0.97, conf[name] + 0.5 * (1.0 - conf[name]) * second)
            out[name] = raised if agreed else min(conf[name], _SECOND_ONLY)
        elif rv.kind == "text":
            # Words that differ only in diacritics, read more surely alone and larger: below the bar.
            rv.notes["reread"] = "replaced"
            rv.value = value
            out[name] = min(_SECOND_ONLY, second * _SECOND_ONLY, conf[name])
        elif plausible(rv.kind, value) and not plausible(rv.kind, rv.value):
            # `1391` and `1991`: only one reading is a year a document can hold.
            rv.notes["reread"] = "plausible"
            rv.value = value
            out[name] = min(_SECOND_ONLY, second * _SECOND_ONLY)
        elif _within(rv.value, value) or _within(value, rv.value):
            # One reading lost characters the other has (a crop's edge, `673776` of `CJ673776`,
            # `012021` of `01/2021`): the longer one, not sure.
            rv.notes["reread"] = "longer"
            if len(value) > len(rv.value):
                rv.value = value
            out[name] = min(_SECOND_ONLY, conf[name])
        else:
            # Figures and codes read two ways: a third reading, larger, decides; neither is sure.
            third = _read_again(doc_type, rv, layout, scale=_THIRD_SCALE)
            if third is not None and third[0] == value and plausible(rv.kind, value):
                rv.notes["reread"] = "third"
                rv.value = value
                out[name] = min(_SECOND_ONLY, second * _SECOND_ONLY)
            else:
                rv.notes["reread"] = "differs"
                out[name] = conf[name] * 0.8
    return out


def _within(short: str, long: str) -> bool:
    """Whether `short` is `long` with some characters left out."""
    if len(short) >= len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


#: Years a civil-status or land document can hold.
_FIRST_YEAR = 1900
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def plausible(kind: str, value: str | None) -> bool:
    """Whether a date or year reading is one a document can hold (`1391`, `2094` are not), and an
    identifier has no letter where the other reading has a digit (`8I`)."""
    if not value:
        return False
    if kind in ("date", "year"):
        last = dt.date.today().year + 1
        return all(_FIRST_YEAR <= int(y) <= last for y in _YEAR.findall(value))
    if kind == "identifier" and len(value) <= 3:
        return value.isdigit()  # a registration number (`81`, not `8I`)
    return True
