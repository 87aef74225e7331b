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
- A day, hour or registration number whose first figure may be lost in the label before it
  (`ngà 8/02/2016` for `ngày 18/02/2016`) is read from that label on first: a reading that puts
  back just that figure replaces it, below the bar.
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
#: The line height (pixels) the enlargement starts from: a 200-dpi scan's.
_LINE = 36.0
#: A figure or code the first two readings disagree on is read a third time, larger.
_THIRD_SCALE = 3
#: Kinds read again as figures only (`tessedit_char_whitelist`).
_FIGURE_KINDS = ("date", "year", "identity_number")
_DIGITS = {"tessedit_char_whitelist": "0123456789/"}
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


def _crop(
    words: list, rv: RawValue, layout: Layout, scale: int = _SCALE, left: float | None = None
) -> Image.Image | None:
    """One row of the value, cut from the image OCR read, enlarged, with a white border."""
    pl = layout.pages[rv.page]
    if pl.ocr_page is None or not words:
        return None
    img = pl.ocr_page.prepared.ocr_image
    if img is None:
        return None
    pad = 0.35 * pl.line_height
    x0 = max(0, int(min([w.x0 for w in words] + [left if left is not None else 1e9]) - pad))
    y0 = max(0, int(min(w.y0 for w in words) - pad))
    x1 = min(img.width, int(max(w.x1 for w in words) + pad))
    y1 = min(img.height, int(max(w.y1 for w in words) + pad))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    crop = img.crop((x0, y0, x1, y1)).convert("L")
    # Enlarged from a 200-dpi scan's letter size, not from a 300-dpi one's (Tesseract reads
    # letters much taller than that worse, or not at all).
    f = scale * min(1.0, _LINE / pl.line_height)
    crop = crop.resize(
        (max(1, round(crop.width * f)), max(1, round(crop.height * f))), Image.Resampling.LANCZOS
    )
    return ImageOps.expand(crop, border=24, fill=255)


def _read_again(
    doc_type: str,
    rv: RawValue,
    layout: Layout,
    *,
    scale: int = _SCALE,
    figures: bool = False,
    left: float | None = None,
) -> tuple[str | None, float] | None:
    """(value in the field's format or None, OCR confidence of the second reading); None when the
    crop could not be read at all. `left`: the crop starts there (a label a figure may be lost in)."""
    from sohoa.schemas import field_kind, validate_field_value

    words = _second_words(rv, layout, scale, figures, left)
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


def _figures(w) -> bool:
    """A word that is mostly figures (a date, a year, a number; not `CCCD` or `số` before it)."""
    return sum(c.isdigit() for c in w.text) * 2 >= len(w.text)


def _second_words(
    rv: RawValue, layout: Layout, scale: int = _SCALE, figures: bool = False, left: float | None = None
) -> list | None:
    words = []
    figures = figures and rv.kind in _FIGURE_KINDS and any(_figures(w) for w in rv.words)
    for n, row in enumerate(_rows(rv, layout)):
        if figures:
            # Only the figures, read as figures: Tesseract then cannot read a 9 as `g` or `3` as `ß`.
            row = [w for w in row if _figures(w)]
            if not row:
                continue
        # A first word OCR read too badly to keep (or `left`): the first row's crop starts at it.
        start = (left if left is not None else rv.notes.get("lost_start")) if n == 0 else None
        crop = _crop(row, rv, layout, scale, start)
        if crop is None:
            return None
        try:
            rec = recognize(crop, psm=7, timeout=30, variables=_DIGITS if figures else None)
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
    lead: list[str] = []
    if "lost_start" in rv.notes and len(again) == len(first) + 1 and fold(again[1][0]) == fold(first[0][0]):
        # The word OCR lost at the value's start, read this time (`Số` of `Số 129, đường …`).
        lead = [again[0][0]]
        again = again[1:]
    if len(first) != len(again):
        return None
    out = list(lead)
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
        if "figure_lost" in rv.notes and _restore_figure(doc_type, rv, layout):
            out[name] = rv.notes.pop("reread_confidence")
            continue
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
        elif rv.notes.get("confirm_only"):
            rv.notes["reread"] = "differs"
            out[name] = conf[name] * 0.8
        elif rv.kind == "text":
            # Words that differ only in diacritics, read more surely alone and larger: below the bar.
            rv.notes["reread"] = "replaced"
            rv.value = value
            out[name] = min(_SECOND_ONLY, second * _SECOND_ONLY, conf[name])
        elif plausible(rv.kind, value, rv.field) and not plausible(rv.kind, rv.value, rv.field):
            # `1391` and `1991`: only one reading is a year a document can hold.
            rv.notes["reread"] = "plausible"
            rv.value = value
            out[name] = min(_SECOND_ONLY, second * _SECOND_ONLY)
        elif _within(rv.value, value) or _within(value, rv.value):
            # One reading lost characters the other has (a crop's edge, `673776` of `CJ673776`,
            # `012021` of `01/2021`): the longer one, not sure.
            rv.notes["reread"] = "longer"
            if (
                len(value) > len(rv.value)
                and plausible(rv.kind, value, rv.field)
                and not _label_in_front(rv, value)
            ):
                rv.value = value
            out[name] = min(_SECOND_ONLY, conf[name])
        else:
            # Figures and codes read two ways: a third reading, larger, decides; neither is sure.
            third = _read_again(doc_type, rv, layout, scale=_THIRD_SCALE, figures=True)
            if third is not None and third[0] == value and plausible(rv.kind, value, rv.field):
                rv.notes["reread"] = "third"
                rv.value = value
                out[name] = min(_SECOND_ONLY, second * _SECOND_ONLY)
            else:
                rv.notes["reread"] = "differs"
                out[name] = conf[name] * 0.8
    return out


def _restore_figure(doc_type: str, rv: RawValue, layout: Layout) -> bool:
    """A value whose first figure may be lost in the label before it (`ngà 8/02/2016` for `ngày
    18/02/2016`; `assemble._first_figure_doubt`) read again from that label on: True, with the value
    put back below the bar, when a reading (from each start in turn) is the first with just that
    figure added."""
    for k, left in enumerate(rv.notes["figure_lost"]):
        nearest = k == 0
        got = _read_again(doc_type, rv, layout, left=left)
        if got is None or got[0] is None:
            continue
        value = got[0]
        if rv.field in _REGISTER_FIELDS:
            # The label read too (`Số: 173`): the number after it; a label's `S` read as a figure
            # (`5173`) is no figure of it.
            second_text = fold(rv.notes.get("second_text", ""))
            m = _NUMBER_AFTER_LABEL.match(second_text)
            value = m.group(1) if m else None
            if m is None and second_text.isdigit() and (nearest or rv.value.startswith("0")):
                # The label left out of the crop, the number whole (`241` where the first reading
                # was `41`): a crop from half a line height before the label's end holds none of
                # its `S`; from further back only when the first reading starts with a 0, which
                # no register number does (`200` for `00`).
                value = second_text
        if value and _figure_restored(rv.kind, rv.value, value) and plausible(rv.kind, value, rv.field):
            rv.value = value
            rv.notes["reread"] = "restored"
            rv.notes["reread_confidence"] = min(_SECOND_ONLY, got[1] * _SECOND_ONLY)
            return True
    return False


#: Where the first figure printed stands in a value of each kind: a date's day (`YYYY-MM-DD`), a
#: time's hour.
_FIRST_PRINTED = {"date": 8, "time": 0}


def _figure_restored(kind: str, first: str, second: str) -> bool:
    """Whether `second` is `first` with the first figure printed read where the first reading
    lost it: a day or hour whose leading `0` was padding (`2016-02-08` / `…-18`, `03:45` / `13:45`),
    a number with one more figure in front (`73` / `173`)."""
    at = _FIRST_PRINTED.get(kind)
    if at is None:
        return len(second) == len(first) + 1 and second[1:] == first and second[0].isdigit()
    return (
        len(first) == len(second) > at
        and first[at] == "0"
        and second[at].isdigit()
        and second[at] != "0"
        and first[:at] + first[at + 1 :] == second[:at] + second[at + 1 :]
    )


def _label_in_front(rv: RawValue, value: str) -> bool:
    """A register number read again with figures in front of the first reading (`5110` for `110`):
    the crop's reading of its label `Số` (`S` read as `5`), not a figure the first reading lost."""
    return (
        rv.field == "registration_number" and value.endswith(rv.value) and value[: -len(rv.value)].isdigit()
    )


def _within(short: str, long: str) -> bool:
    """Whether `short` is `long` with some characters left out."""
    if len(short) >= len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


#: Years a civil-status or land document can hold.
_FIRST_YEAR = 1900
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def plausible(kind: str, value: str | None, field: str | None = None) -> bool:
    """Whether a date or year reading is one a document can hold (`1391`, `2094` are not), and an
    identifier has no letter where the other reading has a digit (`8I`); a registration number is
    figures only (`S105` holds the `S` of its label `Số`; a leading `L` is a `1`, see `repair`)."""
    if not value:
        return False
    if field == "registration_number":
        return bool(re.fullmatch(r"[LlI|]?\d+", value))
    if kind in ("date", "year"):
        last = dt.date.today().year + 1
        return all(_FIRST_YEAR <= int(y) <= last for y in _YEAR.findall(value))
    if kind == "identifier" and len(value) <= 3:
        return value.isdigit()  # a registration number (`81`, not `8I`)
    return True


#: Kinds a label with nothing found after it is read again for: short values with a format or a
#: closed list, so a blank dotted line reads as nothing rather than as a guess.
_BLANK_KINDS = ("date", "year", "identity_number", "identifier", "sex")
_CLOSED_FIELDS = ("ethnicity", "nationality")
#: How sure the reading of an empty label must be, and the shape of a register number there.
_BLANK_SURE = 0.55
_REGISTER_FIELDS = ("registration_number", "book_number")
#: What is not a letter or figure (a serial or code read on an empty label's row needs 6 of them).
_ALNUM = re.compile(r"[^0-9A-Za-z]")
_REGISTER_NUMBER = re.compile(r"^\d{1,4}(?:/\d{4})?$")
_NUMBER_AFTER_LABEL = re.compile(r"^s\D{0,4}?\s*(\d{1,4})\s*[.,;:]?$")
#: At most this many empty labels are read per document.
MAX_BLANK_READS = 12
#: The share of a blank row's letters and figures the sure words must hold.
_SURE_SHARE = 0.5


def _alnum(text: str) -> int:
    return sum(c.isalnum() for c in text)


def sure_words(words: list) -> list:
    """The words of an empty label's row read alone that are sure (≥ 0.5); none when they hold
    less than half the reading's letters and figures: a dotted line read as dozens of unsure specks
    (`1 12121 L1 … 771 (121 0201 71`) has a few sure-looking ones among them by chance, and the
    figures of those, joined, make a number that is not on the page."""
    kept = [w for w in words if clean_word(w.text) and w.confidence >= 0.5]
    total = sum(_alnum(clean_word(w.text)) for w in words if clean_word(w.text))
    if not kept or _alnum(" ".join(clean_word(w.text) for w in kept)) < _SURE_SHARE * total:
        return []
    return kept


def read_blank(
    doc_type: str,
    rv: RawValue,
    box: tuple[float, float, float, float],
    layout: Layout,
    *,
    with_label: bool = False,
) -> bool:
    """A label whose row OCR gave nothing usable (`tọÊ1nh` for `tộc: Kinh`, a value lost in the
    page's reading): its row from the label's end to the next label (`box`, in the image OCR read)
    read alone, enlarged. True, with `rv.value` set, when that reading passes the field's format
    (or its closed list); reported below the bar. `with_label`: the box holds the field's label
    too, which OCR lost (the registration number's `Số:` left of `Quyển số:`)."""
    from sohoa.schemas import validate_field_value

    from ..validate.lexicon import snap_ethnicity, snap_nationality

    pl = layout.pages[rv.page]
    if pl.ocr_page is None:
        return False
    img = pl.ocr_page.prepared.ocr_image
    x0, y0, x1, y1 = (
        int(max(0, box[0])),
        int(max(0, box[1])),
        int(min(img.width, box[2])),
        int(min(img.height, box[3])),
    )
    if x1 - x0 < pl.line_height or y1 - y0 < 4:
        return False
    crop = img.crop((x0, y0, x1, y1)).convert("L")
    crop = crop.resize((crop.width * _SCALE, crop.height * _SCALE), Image.Resampling.LANCZOS)
    crop = ImageOps.expand(crop, border=24, fill=255)
    try:
        rec = recognize(crop, psm=7, timeout=30)
    except (OcrError, RuntimeError):
        return False
    words = sure_words(rec.words)
    if not words:
        return False
    text = " ".join(clean_word(w.text) for w in words)
    total = sum(len(w.text) for w in words) or 1
    second = sum(w.confidence * len(w.text) for w in words) / total
    if with_label:
        # The row's start with its printed `Số:`, however OCR spelt it: the number after it.
        m = _NUMBER_AFTER_LABEL.match(fold(text))
        text = m.group(1) if m else ""
    if (
        second < _BLANK_SURE
        or (rv.field in _REGISTER_FIELDS and not _REGISTER_NUMBER.match(text))
        or (rv.kind == "identifier" and rv.field not in _REGISTER_FIELDS and len(_ALNUM.sub("", text)) < 6)
    ):
        return False  # specks and dotted leaders read as something: nothing is there
    if rv.field.endswith(_CLOSED_FIELDS):
        snap = snap_ethnicity if rv.field.endswith("ethnicity") else snap_nationality
        got = snap(text)
        if got.value is None or got.confidence < 0.85:
            # A name of the list with a part read unsure (`iệt` 0.25 before `Nam` 0.97): the whole
            # reading, still only when it names one entry of the list.
            whole = " ".join(clean_word(w.text) for w in rec.words if clean_word(w.text))
            got = snap(whole) if whole != text else got
        if got.value is None or got.confidence < 0.85:
            return False
        value = got.value
    else:
        c = cut(rv.kind, text)
        if c is None:
            return False
        try:
            value = validate_field_value(doc_type, rv.field, c.value)
        except ValueError:
            return False
    rv.value = value
    rv.text = text
    rv.notes["reread"] = "blank"
    rv.notes["reread_confidence"] = min(_SECOND_ONLY, second * _SECOND_ONLY)
    return True


#: How much of a row's pitch a strip read for a lost row spans, and the line height it is read at.
_STRIP = 0.55
_STRIP_LINE = 32.0


def _back(box, scale: float, x0: int, y0: int) -> tuple[float, float, float, float]:
    """A box on the enlarged or reduced crop (with its 16-pixel border) in the page's pixels."""
    return tuple((v - 16) / scale + (x0 if i % 2 == 0 else y0) for i, v in enumerate(box))


def recover_rows(pl) -> list[tuple[int, int | None]]:
    """Rows OCR lost entirely (`layout.lost_rows`: a whole `Ngày, tháng, năm sinh: …` line missing
    from the page's reading) or read as specks (`layout.garbled_rows`) read again, each as one line
    across the page; (line added, the garbled line it reads again or None)."""
    from .layout import add_line, garbled_rows, lost_rows

    if pl.ocr_page is None:
        return []
    img = pl.ocr_page.prepared.ocr_image
    lh = pl.line_height
    added = []
    rows = [(y, None) for y in lost_rows(pl)] + garbled_rows(pl)
    for y, old in rows:
        x0, x1 = int(max(0, pl.left - lh)), int(min(img.width, pl.right + lh))
        y0, y1 = int(max(0, y - _STRIP * pl.pitch)), int(min(img.height, y + _STRIP * pl.pitch))
        if x1 - x0 < 4 * lh or y1 - y0 < lh:
            continue
        # Tesseract reads a lone line best at a modest size: letters as tall as a 200-dpi scan's
        # (a 300-dpi strip read as it is gave nothing at all).
        scale = min(1.0, _STRIP_LINE / lh)
        crop = img.crop((x0, y0, x1, y1)).convert("L")
        crop = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.Resampling.LANCZOS
        )
        crop = ImageOps.expand(crop, border=16, fill=255)
        try:
            rec = recognize(crop, psm=7, timeout=30)
        except (OcrError, RuntimeError):
            continue
        words = [(w.text, tuple(c for c in _back(w.box, scale, x0, y0)), w.confidence) for w in rec.words]
        if words:
            added.append((add_line(pl, words), old))
    return added
