"""Domain repair of read values: where two readings of one fact disagree, the one that passes the
domain's rules wins; a value that breaks a rule is never reported as sure.

- Names go through the lexicon of Vietnamese names (`validate.lexicon`): among readings that differ
  only in diacritics (the page's and the second OCR of the crop), the spelling the lexicon knows;
  a surname OCR read without its marks (`NGUYÊN`) gets them back.
- Ethnic groups and nationalities snap to their closed lists.
- A birth year is printed twice on a person with a CCCD: in the date (or year) of birth and as the
  number's 5th-6th digits, with its century in the 4th. A year that differs from the number's in
  one digit (`1391` for `1991`) takes the number's; one that agrees is confirmed. A year before
  1900 with no number to ask is read with `9` for its second digit (`13`/`12` are OCR's `19`), and
  kept below the bar.
- Places snap to the official list of units (`validate.places.snap_place`): names spelt as the
  list spells them, commas between units, nothing after the province.
- Dates in words: each word in its marked spelling, specks after the last word dropped, one
  unreadable word filled only when the words then read as the date in figures.
- Plausibility: years 1900–2035, a parent older than the child, registration and death not before
  birth. A field that breaks one is capped below the bar.

`repair(doc_type, chosen)` changes the values in place and returns, per field, a cap and a floor
for its confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from ..forms import fold
from ..validate.identity import IdentityKind, parse_identity_number
from ..validate.lexicon import is_surname, snap_ethnicity, snap_nationality, snap_person_name
from ..validate.normalize import PLACE_FIELDS
from ..validate.number_words import snap_date_words
from ..validate.places import snap_place

if TYPE_CHECKING:
    from .assemble import RawValue

#: The confidence of a value a rule repaired, or that breaks a rule.
REPAIRED = 0.85
BROKEN = 0.5
#: A value a rule chose among readings that are all doubtful.
DOUBTFUL = 0.7
#: A year both readings agree on.
CONFIRMED = 0.97
_YEARS = (1900, 2035)
#: Years a parent is at least older than the child, and at most (a mother, a father).
_PARENT_GAP = 12
_MOTHER_OLDEST = 55
_FATHER_OLDEST = 75
#: Digits OCR reads for others in years (printed, found, meant).
_DIGIT_SLIPS = (("3", "9"), ("9", "3"), ("8", "3"), ("3", "8"))

_NAMES = (
    "full_name",
    "mother_name",
    "father_name",
    "declarant_name",
    "husband_name",
    "wife_name",
    "holder_name",
    "co_holder_name",
)
#: (date or year of birth, identity number) of each person a document type names.
_BIRTH_AND_ID = {
    "birth_certificate": (("date_of_birth", "personal_id"),),
    "death_certificate": (("date_of_birth", "personal_id"),),
    "marriage_certificate": (
        ("husband_date_of_birth", "husband_personal_id"),
        ("wife_date_of_birth", "wife_personal_id"),
    ),
    "land_use_certificate": (
        ("holder_birth_year", "holder_id_number"),
        ("co_holder_birth_year", "co_holder_id_number"),
    ),
}
#: Dates that cannot come before the date of birth.
_AFTER_BIRTH = ("registration_date", "date_of_death")

Caps = dict[str, tuple[float, float]]  # field -> (cap, floor)


def _year(value: str) -> int | None:
    m = re.match(r"^(\d{4})", value or "")
    return int(m.group(1)) if m else None


def _with_year(value: str, year: int) -> str:
    return f"{year:04d}{value[4:]}"


def _plausible(year: int) -> bool:
    return _YEARS[0] <= year <= _YEARS[1]


def _note(out: Caps, name: str, cap: float = 1.0, floor: float = 0.0) -> None:
    old_cap, old_floor = out.get(name, (1.0, 0.0))
    out[name] = (min(old_cap, cap), max(old_floor, floor))


def _one_digit_apart(a: int, b: int) -> bool:
    return sum(x != y for x, y in zip(f"{a:04d}", f"{b:04d}", strict=True)) == 1


def _id_year(number: str) -> tuple[int | None, bool]:
    """(birth year the number spells, whether its place code is a known one)."""
    parsed = parse_identity_number(number).value
    if parsed is None:
        return None, False
    if parsed.kind is IdentityKind.CCCD:
        return parsed.birth_year, True
    if number.isdigit() and len(number) == 12 and number[3] in "0123":
        return 1900 + 100 * (int(number[3]) // 2) + int(number[4:6]), False
    return None, False


def _birth_years(doc_type: str, chosen: dict[str, RawValue], out: Caps) -> None:
    for birth, ident in _BIRTH_AND_ID.get(doc_type, ()):
        rv = chosen.get(birth)
        if rv is None or not rv.value:
            continue
        year = _year(rv.value)
        if year is None:
            continue
        id_year, known = _id_year(chosen[ident].value) if ident in chosen else (None, False)
        if id_year is not None and id_year == year:
            _note(out, birth, floor=CONFIRMED if rv.kind == "year" else 0.0)
            continue
        fixable = not _plausible(year) or (known and _one_digit_apart(year, id_year))
        if id_year is not None and _plausible(id_year) and fixable:
            rv.value = _with_year(rv.value, id_year)
            rv.notes["repair"] = "id_year"
            _note(out, birth, REPAIRED)
            continue
        _century_fix(rv, out, birth)


def _century_fix(rv: RawValue, out: Caps, name: str) -> None:
    """A year before 1900 read with `9` for its second digit, when that makes it plausible."""
    year = _year(rv.value)
    if year is None or _plausible(year):
        return
    fixed = int(f"{str(year)[0]}9{str(year)[2:]}")
    if str(year).startswith("1") and _plausible(fixed):
        rv.value = _with_year(rv.value, fixed)
        rv.notes["repair"] = "century_digit"
        _note(out, name, DOUBTFUL)
    else:
        _note(out, name, BROKEN)


def _plausibility(doc_type: str, chosen: dict[str, RawValue], out: Caps) -> None:
    for name, rv in chosen.items():
        if rv.kind in ("date", "year") and rv.value:
            _century_fix(rv, out, name)
    dob = chosen.get("date_of_birth")
    if dob is None or not dob.value:
        return
    for name in _AFTER_BIRTH:
        rv = chosen.get(name)
        if rv is not None and rv.value and rv.value < dob.value:
            _note(out, name, BROKEN)
            _note(out, "date_of_birth", BROKEN)
    child = _year(dob.value)
    for name, oldest in (("mother_birth_year", _MOTHER_OLDEST), ("father_birth_year", _FATHER_OLDEST)):
        rv = chosen.get(name)
        y = _year(rv.value) if rv is not None else None
        if child is None or y is None or child - oldest <= y <= child - _PARENT_GAP:
            continue
        # OCR's commonest slip in a year is `3` for `9` (`1935` for `1995`): one such digit back,
        # the commonest slip first.
        fixes: set[int] = set()
        for a, b in _DIGIT_SLIPS:
            digits = f"{y:04d}"
            fixes = {int(digits[:k] + b + digits[k + 1 :]) for k in (2, 3) if digits[k] == a}
            fixes = {f for f in fixes if child - oldest <= f <= child - _PARENT_GAP}
            if fixes:
                break
        if len(fixes) == 1:
            rv.value = str(fixes.pop())
            rv.notes["repair"] = "parent_age"
            _note(out, name, DOUBTFUL)
        else:
            _note(out, name, BROKEN)


def _names(chosen: dict[str, RawValue], out: Caps) -> None:
    for name in _NAMES:
        rv = chosen.get(name)
        if rv is None or not rv.value:
            continue
        alternatives = tuple(t for t in (rv.notes.get("second_text"), rv.text) if t)
        snapped = snap_person_name(rv.value, alternatives)
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "lexicon"
        _note(out, name, snapped.confidence)
        words = rv.value.split()
        if len(words) < 2 or not is_surname(words[0]):
            _note(out, name, DOUBTFUL)  # a name starts with a surname: a part was lost


def _declarant(chosen: dict[str, RawValue], out: Caps) -> None:
    """The declarant of a birth is most often a parent: a declarant's name that is a parent's name
    with different marks, or its end (`HOÀI VY` when OCR ran the surname into the label), is the
    parent's name as read on the parent's own line."""
    rv = chosen.get("declarant_name")
    if rv is None or not rv.value:
        return
    mine = fold(rv.value).split()
    for parent in ("mother_name", "father_name"):
        other = chosen.get(parent)
        if other is None or not other.value or other.value == rv.value:
            continue
        theirs = fold(other.value).split()
        if mine == theirs or (len(mine) >= 2 and len(mine) < len(theirs) and theirs[-len(mine) :] == mine):
            rv.value = other.value
            rv.notes["repair"] = "declarant_parent"
            _note(out, "declarant_name", REPAIRED)
            return


def _closed_lists(chosen: dict[str, RawValue], out: Caps) -> None:
    for name, rv in chosen.items():
        if not rv.value:
            continue
        if name.endswith("ethnicity"):
            snapped = snap_ethnicity(rv.value)
        elif name.endswith("nationality"):
            snapped = snap_nationality(rv.value)
        else:
            continue
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "closed_list"
        _note(out, name, snapped.confidence)


_NEEDS_COMMUNE = (
    "mother_residence",
    "father_residence",
    "husband_residence",
    "wife_residence",
    "holder_address",
)
_COMMUNE = re.compile(r"\b(?:xa|phuong|thi tran|dac khu)\b")
_BARE_TYPE = re.compile(r"(?:^|[\s,])(?:tinh|thanh pho|huyen|quan|xa|phuong|thi tran|thi xa)$")


def _places(chosen: dict[str, RawValue], out: Caps) -> None:
    for name in PLACE_FIELDS:
        rv = chosen.get(name)
        if rv is None or not rv.value:
            continue
        if _BARE_TYPE.search(fold(rv.value).rstrip(" ,.;:")):
            _note(out, name, BROKEN)  # `…, tỉnh` with no name after it: a part was lost
            continue
        snapped = snap_place(rv.value)
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "place"
        _note(out, name, snapped.confidence)
        if name in _NEEDS_COMMUNE and not _COMMUNE.search(fold(rv.value)):
            _note(out, name, REPAIRED)  # a residence names its commune: a part was lost


_DATE_WORDS = (("date_of_birth_in_words", "date_of_birth"), ("date_of_death_in_words", "date_of_death"))


def _date_words(chosen: dict[str, RawValue], out: Caps) -> None:
    for words_f, date_f in _DATE_WORDS:
        rv = chosen.get(words_f)
        if rv is None or not rv.value:
            continue
        expected = None
        if date_f in chosen and chosen[date_f].value:
            try:
                expected = dt.date.fromisoformat(chosen[date_f].value)
            except ValueError:
                expected = None
        snapped = snap_date_words(rv.value, expected)
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "number_words"
        _note(out, words_f, snapped.confidence)


def repair(doc_type: str, chosen: dict[str, RawValue]) -> Caps:
    """Repair the chosen values in place; per field, (cap, floor) for its confidence."""
    out: Caps = {}
    _names(chosen, out)
    _declarant(chosen, out)
    _closed_lists(chosen, out)
    _places(chosen, out)
    _birth_years(doc_type, chosen, out)
    _date_words(chosen, out)
    _plausibility(doc_type, chosen, out)
    return out
