"""Cutting a raw value (the words after a label) to its kind: a date, a year, a time, an identity
number, a serial, an area, a sex, or text. Each cut returns the value in a form the contract's
field validator accepts, and how cleanly it was cut (1.0: the raw text was exactly the value)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sohoa.schemas import normalize_text

from ..forms import fold
from .layout import clean_word

_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_DATE_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})(?!\d)")
#: `05 giờ 15 phút`, `05:15`; a dotted leader's stop before `giờ` (`12.giờ 05 phút`) is no part of it.
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*[.,]?\s*(?:gio|h|:)\s*(\d{1,2})(?!\d)")
#: The hour's two figures read apart (`1 6 giờ 25 phút`): one number, not its last figure.
_SPLIT_HOUR = re.compile(r"(?<!\d)(\d)\s(\d)\s*[.,]?\s*(?:gio|h)\s*(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
_AREA = re.compile(r"(?<![\d,.])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d])")
_PASSPORT = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}\d{7,8})(?![A-Z0-9])")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9./\-]*$")
#: Letters OCR reads for digits inside a number.
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "L": "1", "I": "1", "|": "1", "S": "5", "B": "8"}
)
_FULL_DATE = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}$")
#: An `I`, `l` or `|` between the figure groups of a date: its slash (`27I01I2004`).
_SLASH_READ_AS_I = re.compile(r"(?<=\d)[Il|](?=\d)")
#: Text that means "nothing here" on a form.
_EMPTY = re.compile(r"^[\s\-/.,;:_()]*$")


@dataclass(frozen=True)
class Cut:
    value: str
    clean: float  # 1.0: nothing else was in the raw text; less when the value had to be picked out


def clean_text(raw: str) -> str:
    # A lone hyphen between words is the value's own (`Bà Rịa - Vũng Tàu`), not a dotted leader.
    text = " ".join(t if t in ("-", "–") else clean_word(t) for t in raw.split())
    # OCR reads a capital `Đ` as `Ð` (U+00D0) and a slash as the fraction slash `⁄` (U+2044): no
    # Vietnamese word or printed number holds either (`Số 75⁄40`).
    text = normalize_text(text.replace("Ð", "Đ").replace("⁄", "/")).strip(" :;,-–")
    # A speck at either end with no letter or figure (`° PHAN DIỆU QUỲNH`) is no part of the value.
    toks = text.split()
    while toks and not any(c.isalnum() for c in toks[0]):
        toks.pop(0)
    while toks and not any(c.isalnum() for c in toks[-1]):
        toks.pop()
    text = " ".join(toks).strip(" :;,-–")
    text = re.sub(r"^\((?:bang chu|bằng chữ)\s*:?\s*", "", text, flags=re.IGNORECASE)
    if text.count("(") < text.count(")"):
        text = text.rstrip(") ")
    return "" if _EMPTY.match(text) else text


def digits_fixed(text: str, *, keep_prefix: bool = False) -> str:
    """Lookalike letters turned to digits inside tokens that are mostly digits (with `keep_prefix`,
    a leading run of letters stays: the `BD` of `BD152495`)."""
    out = []
    for tok in text.split():
        digits = sum(c.isdigit() for c in tok)
        if digits < max(2, len(tok) * 0.6):
            out.append(tok)
            continue
        head = re.match(r"^[A-Za-z]*", tok).group(0) if keep_prefix else ""
        out.append(head + tok[len(head) :].translate(_DIGIT_LOOKALIKES))
    return " ".join(out)


def _spread(value: str, raw: str) -> float:
    """How much of the raw text the value is (1.0 all of it)."""
    a = len(re.sub(r"\W", "", value))
    b = len(re.sub(r"\W", "", raw))
    return 1.0 if b == 0 else min(1.0, 0.85 + 0.15 * a / b)


def cut(kind: str, raw: str) -> Cut | None:
    """The value of `kind` in `raw`, or None when there is none."""
    text = clean_text(raw)
    if not text:
        return None
    if kind == "text":
        return Cut(text, 1.0)
    folded = fold(digits_fixed(text))
    if kind == "date":
        m = _DATE_NUM.search(folded) or _DATE_WORDS.search(folded)
        if m is None:
            # A slash OCR read as a capital `I` or a bar (`4/5I2022`, `7I5I2022`): the date's.
            folded = fold(digits_fixed(_SLASH_READ_AS_I.sub("/", text)))
            m = _DATE_NUM.search(folded)
            if m:
                value = f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}"
                return Cut(value, 0.95 * _spread(m.group(0), text))
        return (
            Cut(f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}", _spread(m.group(0), text))
            if m
            else None
        )
    if kind == "year":
        m = _YEAR.search(folded)
        return Cut(m.group(1), _spread(m.group(1), text)) if m else None
    if kind == "time":
        m = _SPLIT_HOUR.search(folded)
        if m:
            # Never sure: the figure before may be a speck of the label (`lúc: 1 6 giờ`).
            hour = m.group(1) + m.group(2) if int(m.group(1) + m.group(2)) <= 23 else "0" + m.group(2)
            return Cut(f"{hour}:{int(m.group(3)):02d}", 0.85)
        m = _TIME.search(folded)
        return Cut(f"{int(m.group(1)):02d}:{int(m.group(2)):02d}", 1.0) if m else None
    if kind == "identity_number":
        return _identity(text)
    if kind == "identifier":
        return _identifier(text)
    if kind == "area":
        m = _AREA.search(folded)
        return Cut(m.group(1), _spread(m.group(1), text.split("(")[0])) if m else None
    if kind == "sex":
        if re.search(r"(?<![a-z])nu(?![a-z])", folded):
            return Cut("Nữ", 1.0 if "ữ" in text.lower() else 0.9)
        if re.search(r"(?<![a-z])nam(?![a-z])", folded):
            return Cut("Nam", 1.0)
        # The value alone with its first letter lost (`ữ`, `am`): the one of the two it ends.
        if text.lower() in ("ữ", "ữ.") or folded in ("am", "am."):
            return Cut("Nữ" if "ữ" in text.lower() else "Nam", 0.85)
        return None
    return Cut(text, 1.0)


def _identity(text: str) -> Cut | None:
    """A 12-digit CCCD, a 9-digit CMND or a passport number, from `CCCD số 0380...` and the like;
    digit groups split by OCR (`038 099 001234`) are joined."""
    fixed = digits_fixed(text)
    runs = re.findall(r"\d[\d ]*\d|\d", fixed)
    for run in runs:
        digits = run.replace(" ", "")
        if len(digits) in (9, 12):
            return Cut(digits, 1.0 if " " not in run else 0.9)
        for tok in run.split():
            if len(tok) in (9, 12):
                return Cut(tok, 0.9)
    m = _PASSPORT.search(text.upper())
    if m:
        return Cut(m.group(1), 0.9)
    return None


def _identifier(text: str) -> Cut | None:
    """A serial, registry or book number as printed (`CH 00120` → `CH00120`, `02/2020`, `CN.5429`):
    the first code with a digit, with a short letter prefix printed apart joined to it."""
    toks = [t.strip(".,;:()") for t in digits_fixed(text, keep_prefix=True).split()]
    toks = [t for t in toks if t]
    for k, tok in enumerate(toks):
        up = tok.upper()
        if not any(c.isdigit() for c in up) or not _CODE.match(up):
            continue
        if _FULL_DATE.match(up):
            continue  # a date (`ngày 13/10/2021` after an empty `Quyển số:`) is no number or code
        prev = toks[k - 1] if k else ""
        if prev.isalpha() and prev.isupper() and len(prev) <= 3 and up[0].isdigit():
            up = prev + up
        return Cut(up, 1.0 if k == 0 or (k == 1 and prev.isupper()) else 0.9)
    return None
