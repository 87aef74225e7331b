"""Confidence of each extracted field, and the validators' word on the document.

A field's confidence starts from the OCR confidence of its words (their mean, pulled down by the
weakest word), times how well its label matched and how cleanly the value was cut. Then:

- agreement raises it: a date in figures that equals the date in words, an area that equals the
  area in words, an identity number whose digits agree with the sex and birth year, a place the
  official list recognises;
- the validators lower it: a field named by an error issue is capped at 0.5, by a warning at 0.8;
- a field still below `REREAD_BELOW` (or in capitals, or a date or identity number with a `3`,
  which Tesseract reads surely for a 9) is read again from its crop of the page (`reread.py`): the
  same value twice raises it, a different reading lowers it;
- domain repair (`repair.py`: name lexicon, closed lists, birth year against the CCCD, plausible
  years) caps a value it changed or that breaks a rule below the bar, and confirms a year the
  identity number agrees with.

The constants were calibrated on generated sets so that fields reported at ≥ 0.9 are right at
least 99% of the time (docs/extraction.md, docs/benchmarks.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sohoa.schemas import DocumentIssue, FieldValue

from ..validate import check_document
from ..validate.normalize import PLACE_FIELDS, normalized_value
from ..validate.number_words import parse_area_words, parse_date_words
from ..validate.places import snap_place
from .repair import repair

if TYPE_CHECKING:
    from .assemble import RawValue
    from .layout import Layout

#: Fields under this confidence get a second, targeted OCR of their crop.
REREAD_BELOW = 0.9
#: Caps applied when a validator names the field.
_CAP_ERROR = 0.5
_CAP_WARNING = 0.8
#: The most confidence of a value whose first figure may be lost in the label before it
#: (`assemble._first_figure_doubt`).
_FIGURE_LOST = 0.85
#: A field and the field it must agree with (the words and the figures of one date or area).
_PAIRS = {
    "date_of_birth_in_words": "date_of_birth",
    "date_of_birth": "date_of_birth_in_words",
    "date_of_death_in_words": "date_of_death",
    "date_of_death": "date_of_death_in_words",
    "area_in_words": "area_m2",
    "area_m2": "area_in_words",
}
#: Kinds whose format alone says little (free text): OCR slips in diacritics pass every check.
_TEXT_KINDS = {"text"}


def ocr_confidence(rv: RawValue) -> float:
    if not rv.words:
        return float(rv.notes.get("parse_confidence", 0.8))
    total = sum(len(w.text) for w in rv.words) or 1
    mean = sum(w.conf * len(w.text) for w in rv.words) / total
    low = min(w.conf for w in rv.words)
    return 0.7 * mean + 0.3 * low


def base_confidence(rv: RawValue) -> float:
    if rv.source == "code":  # read off a QR code (`codes.py`), not OCR'd
        return rv.notes["code_confidence"]
    if "reread_confidence" in rv.notes:  # only a second reading gave the value (reread.recover)
        return rv.notes["reread_confidence"]
    c = ocr_confidence(rv) * (0.75 + 0.25 * rv.label_score) * rv.cut_clean
    c *= rv.notes.get("position", 1.0)  # placed by position, not by a label beside it
    if rv.kind in _TEXT_KINDS:
        # Free text has no format to catch a misread letter: a long value is more likely to hold one.
        c *= 1.0 - min(0.06, 0.002 * len(rv.value or ""))
    if rv.lines > 1:
        c *= 0.97
    return c


def _capitals(rv: RawValue) -> bool:
    """A value typed in capitals (a name): Tesseract is sure of capitals whose stacked diacritics it
    got wrong (`NGUYÊN` for `NGUYỄN`), so such values are always read a second time."""
    letters = [c for c in rv.value or "" if c.isalpha()]
    return rv.kind in _TEXT_KINDS and len(letters) >= 2 and all(c.isupper() for c in letters)


def _threes(rv: RawValue) -> bool:
    """A date, identity or registration number with a `3` in it: Tesseract reads a 9 as 3 surely (`2016-12-23`
    for `…-29`, at 0.96), so such values are always read a second time."""
    return (rv.kind in ("date", "identity_number") or rv.field == "registration_number") and "3" in (
        rv.value or ""
    )


#: Register numbers: short figures nothing else on the page confirms (no check digit, no date or
#: words to agree with), so one reading is never enough to be sure of them.
_REGISTER_FIELDS = ("registration_number", "book_number")


def _unchecked(rv: RawValue) -> bool:
    """A register number (`Số: 56`, `Quyển số: 01/2018`): read a second time whatever its first
    confidence (Tesseract read `56` as `96` at 0.91 on an easy scan)."""
    return rv.field in _REGISTER_FIELDS and rv.source != "derived"


#: Digits two printings of one identity number may differ in and still be one number read two ways
#: (two people's numbers differ in most of their last six).
_COPY_SLIPS = 2


def _numbers_on_page(layout: Layout) -> list[tuple[str, set[int]]]:
    """Every 12-figure number the document's words hold, with the ids of the words it is made of:
    inside one word (`số080058884422,`) or as groups of figures side by side (`038 099 001234`)."""
    out: list[tuple[str, set[int]]] = []

    def flush(run: list) -> None:
        joined = "".join(w.text.strip(".,;:") for w in run)
        if len(joined) == 12:
            out.append((joined, {id(w) for w in run}))

    for pl in layout.pages:
        lines: dict[int, list] = {}
        for w in pl.words:
            lines.setdefault(w.line, []).append(w)
        for words in lines.values():
            run: list = []
            for w in sorted(words, key=lambda w: w.x0):
                if w.text.strip(".,;:").isdigit():
                    run.append(w)
                    continue
                flush(run)
                run = []
                out += [(m, {id(w)}) for m in re.findall(r"(?<!\d)\d{12}(?!\d)", w.text)]
            flush(run)
    return out


def _printed_twice(chosen: dict[str, RawValue], layout: Layout) -> dict[str, float]:
    """Identity numbers the page prints a second time (the deceased's `Số định danh cá nhân` and the
    `CCCD số …` of their identity paper): where the other printing differs in one or two figures,
    one of the two was misread (`…894422` and `…884422`, both read surely), so neither is sure."""
    out: dict[str, float] = {}
    numbers = None
    for name, rv in chosen.items():
        value = rv.value or ""
        if rv.kind != "identity_number" or len(value) != 12 or not value.isdigit():
            continue
        if numbers is None:
            numbers = _numbers_on_page(layout)
        own = {id(w) for w in rv.words}
        for other, ids in numbers:
            if ids & own:
                continue
            slips = sum(a != b for a, b in zip(value, other, strict=True))
            if 0 < slips <= _COPY_SLIPS:
                out[name] = _CAP_WARNING
    return out


def _without_province(chosen: dict[str, RawValue]) -> list[str]:
    """Place fields whose text names no province (`Trung tâm Y tế thành phố Phú`: the rest wrapped
    to a line OCR lost): the list of units can neither confirm nor complete them, so they are never
    sure (the address parser may still find a commune named like a word of it: `Trung Tâm`)."""
    return [
        name
        for name, rv in chosen.items()
        if name in PLACE_FIELDS and rv.value and snap_place(rv.value).value is None
    ]


def _agreements(values: dict[str, str]) -> dict[str, float]:
    """Fields another field confirms, with the floor their confidence is raised to."""
    out: dict[str, float] = {}
    for date_f, words_f in (
        ("date_of_birth", "date_of_birth_in_words"),
        ("date_of_death", "date_of_death_in_words"),
    ):
        if date_f in values and words_f in values:
            parsed = parse_date_words(values[words_f])
            if parsed.value is not None and parsed.value.isoformat() == values[date_f]:
                out[date_f] = 0.97
    if "area_m2" in values and "area_in_words" in values:
        parsed = parse_area_words(values["area_in_words"])
        try:
            same = parsed.value is not None and float(parsed.value) == float(values["area_m2"])
        except ValueError:
            same = False
        if same:
            out["area_m2"] = 0.97
    return out


def score_fields(
    doc_type: str, chosen: dict[str, RawValue], layout: Layout, *, reread: bool = True
) -> tuple[dict[str, FieldValue], dict[str, dict], list[DocumentIssue]]:
    conf = {name: base_confidence(rv) for name, rv in chosen.items()}
    if reread:
        from .reread import reread_fields

        low = [
            name
            for name, c in conf.items()
            if (
                c < REREAD_BELOW
                or _capitals(chosen[name])
                or _threes(chosen[name])
                or _unchecked(chosen[name])
                or "lost_start" in chosen[name].notes
                or "figure_lost" in chosen[name].notes
            )
            and chosen[name].source not in ("derived", "code")
            and "reread" not in chosen[name].notes
        ]
        for name in low:
            if conf[name] >= REREAD_BELOW and _unchecked(chosen[name]) and not _threes(chosen[name]):
                # Read again to confirm it only: a crop's reading of a short number is no surer
                # than the page's (`84` read `34` twice alone), so it does not replace it; one with
                # a `3` keeps the rules of figures read two ways (`32` for `92`).
                chosen[name].notes["confirm_only"] = True
        conf.update(reread_fields(doc_type, {n: chosen[n] for n in low}, conf, layout))
    for name, rv in chosen.items():
        if "figure_lost" in rv.notes:
            # Its first figure may be lost in the label before it (`ngà 8/02/2016`): never sure on
            # its own reading (the date in words may still confirm it, below).
            conf[name] = min(conf[name], _FIGURE_LOST)
    for name, (cap, floor) in repair(doc_type, chosen).items():
        conf[name] = min(max(conf[name], floor), cap)
    for name, cap in _printed_twice(chosen, layout).items():
        conf[name] = min(conf[name], cap)
    for name in _without_province(chosen):
        conf[name] = min(conf[name], _CAP_WARNING)
    values = {name: rv.value for name, rv in chosen.items()}
    for name, floor in _agreements(values).items():
        conf[name] = max(conf[name], floor)
    for name, rv in chosen.items():
        conf[name] = min(conf[name], rv.notes.get("cap", 1.0))  # placed where it may not belong
    issues = check_document(doc_type, values)
    for issue in issues:
        cap = _CAP_ERROR if str(getattr(issue, "severity", "error")).endswith("error") else _CAP_WARNING
        named = [issue.field]
        if issue.code.endswith("_mismatch") and issue.field in _PAIRS:
            named.append(_PAIRS[issue.field])  # two readings disagree: either may be the wrong one
        for name in named:
            if name in conf:
                conf[name] = min(conf[name], cap)
    fields: dict[str, FieldValue] = {}
    evidence: dict[str, dict] = {}
    for name, rv in chosen.items():
        try:
            norm = normalized_value(name, rv.value)
        except Exception:  # a normaliser's slip must not lose the field
            norm = None
        fields[name] = FieldValue(
            value=rv.value, confidence=round(max(0.0, min(1.0, conf[name])), 3), normalized=norm
        )
        evidence[name] = {
            "ocr": round(ocr_confidence(rv), 3),
            "label": round(rv.label_score, 3),
            "cut": rv.cut_clean,
            "lines": rv.lines,
            "source": rv.source,
            "reread": rv.notes.get("reread"),
        }
    return fields, evidence, [DocumentIssue(**i.to_dict()) for i in issues]
