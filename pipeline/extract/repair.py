"""Domain repair of read values: where two readings of one fact disagree, the one that passes the
domain's rules wins; a value that breaks a rule is never reported as sure.

- Names go through the lexicon of Vietnamese names (`validate.lexicon`): among readings that differ
  only in diacritics (the page's and the second OCR of the crop), the spelling the lexicon knows;
  a surname OCR read without its marks (`NGUYÊN`) gets them back.
- Ethnic groups and nationalities snap to their closed lists; a cause of death or a land's form of
  use that is a known wording but for its marks takes that wording's marks (`Đột quy` → `Đột quỵ`).
- A birth year is printed twice on a person with a CCCD: in the date (or year) of birth and as the
  number's 5th-6th digits, with its century in the 4th. A year that differs from the number's in
  one digit (`1391` for `1991`) takes the number's; one that agrees is confirmed. A year before
  1900 with no number to ask is read with `9` for its second digit (`13`/`12` are OCR's `19`), and
  kept below the bar.
- Places snap to the official list of units (`validate.places.snap_place`): names spelt as the
  list spells them, commas between units, nothing after the province.
- Dates and areas in words: each word in its marked spelling, specks after the last word dropped, one
  unreadable word filled only when the words then read as the date in figures.
- Plausibility: years 1900–2035, a parent older than the child, registration and death not before
  birth. A field that breaks one is capped below the bar.

`repair(doc_type, chosen)` changes the values in place and returns, per field, a cap and a floor
for its confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from ..forms import FORMS, fold
from ..forms.spec import tokens
from ..validate.identity import IdentityKind, parse_identity_number
from ..validate.issues import ParseResult
from ..validate.land import purpose_wordings
from ..validate.lexicon import (
    USAGE_FORMS,
    is_surname,
    snap_cause_of_death,
    snap_ethnicity,
    snap_facility,
    snap_marks,
    snap_nationality,
    snap_person_name,
    snap_street,
)
from ..validate.normalize import NAME_FIELDS, PLACE_FIELDS
from ..validate.number_words import snap_area_words, snap_date_words
from ..validate.places import normalize_place, snap_neighbourhood, snap_place, snap_settlement

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


def _book_number(chosen: dict[str, RawValue], out: Caps) -> None:
    """A register's book number is `01/2021` or `01`: five or six figures ending in a plausible
    year are that number with its slash lost (`022021`), seven with a `1` or `7` third its slash
    read as that figure (`0212021`). A registration number is figures: a leading `L`, `I` or `|`
    is a `1` (`L37`)."""
    rv = chosen.get("book_number")
    value = rv.value.strip() if rv is not None and rv.value else ""
    m = re.fullmatch(r"(\d{1,2})(\d{4})", value) or re.fullmatch(r"(\d{2})[17](\d{4})", value)
    if m is not None and _plausible(int(m.group(2))):
        rv.value = f"{m.group(1)}/{m.group(2)}"
        rv.notes["repair"] = "book_slash"
        _note(out, "book_number", REPAIRED)
    rv = chosen.get("registration_number")
    m = re.fullmatch(r"[LlI|](\d{1,3})", rv.value.strip()) if rv is not None and rv.value else None
    if m is not None:
        rv.value = "1" + m.group(1)
        rv.notes["repair"] = "register_digit"
        _note(out, "registration_number", REPAIRED)
    for name in ("registration_number", "book_number"):
        rv = chosen.get(name)
        number = (rv.value or "").split("/")[0] if rv is not None else ""
        if number and set(number) == {"0"}:
            # Registers count from 1: a number of zeros is one whose other figures OCR lost (`0`
            # for `03`).
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


def _names(doc_type: str, chosen: dict[str, RawValue], out: Caps) -> None:
    headings = _headings(doc_type)
    for name in NAME_FIELDS:
        rv = chosen.get(name)
        if rv is None or not rv.value:
            continue
        words = rv.value.split()
        kept = [w for w in words if w.casefold() not in headings]
        if len(words) > len(kept) >= 2:
            # The name typed over its section's printed heading, read in one line with it
            # (`TRẦN VIỆT CHỒNG NGHĨA`): the heading, exactly as printed, is no part of it (`VÕ`, a
            # surname, only folds to the heading `VỢ`).
            rv.value = " ".join(kept)
            rv.notes["repair"] = "heading"
            _note(out, name, REPAIRED)
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


def _headings(doc_type: str) -> set[str]:
    """The section headings the form prints alone (`CHỒNG`, `VỢ`), exactly as printed, casefolded."""
    form = FORMS.get(doc_type)
    if form is None:
        return set()
    aliases = {tokens(a) for al in form.headings.values() for a in al}
    return {p.casefold() for p in form.printed if tokens(p) in aliases}


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


_SPECKS = re.compile(r"(?<=\w)[!€|*^~\"'`]+(?=\w)")


def _closed_lists(chosen: dict[str, RawValue], out: Caps) -> None:
    for name, rv in chosen.items():
        if not rv.value:
            continue
        # Specks OCR put inside a word (`Y!ệt Nam`, `Ki€nh`) are no letters of any name.
        reading = _SPECKS.sub("", rv.value)
        if name == "cause_of_death":
            snapped = snap_cause_of_death(reading)
        elif name == "usage_form":
            snapped = snap_marks(reading, USAGE_FORMS)
            if snapped.value is None and not any(fold(f) in fold(reading) for f in USAGE_FORMS):
                # No form of use the land law knows (`Sử dụng` of `Sử dụng riêng`: a word lost).
                _note(out, name, REPAIRED)
        elif name in ("land_use_purpose", "usage_term"):
            snapped = _purpose_marks(rv.value)
        elif name.endswith("ethnicity"):
            snapped = snap_ethnicity(reading)
        elif name.endswith("nationality"):
            snapped = snap_nationality(reading)
        else:
            continue
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "closed_list"
        _note(out, name, snapped.confidence)


def _purpose_marks(text: str):
    """A purpose (or a term's purposes, before their `:`) that is a wording of the land table but
    for its marks takes that wording's marks, part by part (`Đất trồng cây lầu năm`)."""
    wordings = purpose_wordings()
    parts, changed = [], False
    for part in text.split(";"):
        head, colon, tail = part.partition(":")
        lead = head[: len(head) - len(head.lstrip())]
        snapped = snap_marks(head.strip(), wordings)
        if snapped.value is not None and snapped.confidence < 1.0:
            head, changed = lead + snapped.value, True
        parts.append(head + colon + tail)
    return ParseResult(";".join(parts), REPAIRED) if changed else ParseResult.failed()


_NEEDS_COMMUNE = (
    "mother_residence",
    "father_residence",
    "husband_residence",
    "wife_residence",
    "holder_address",
)
_COMMUNE = re.compile(r"\b(?:xa|phuong|thi tran|dac khu)\b")
#: `8ệnh viện`: no Vietnamese word starts with a figure followed by letters; 8 is OCR's B.
_EIGHT_FOR_B = re.compile(r"(?<!\w)8(?=[^\W\d_]{2})")
#: `tố 26`: before a number, `tố` (no address word) is the `tổ` of a residential group.
_TO_NUMBER = re.compile(r"(?<!\w)([Tt])ố(?=\s*\d)")
_BARE_TYPE = re.compile(r"(?:^|[\s,])(?:tinh|thanh pho|huyen|quan|xa|phuong|thi tran|thi xa)$")


def _province_name(province: str) -> str:
    """`Tỉnh Hà Tĩnh` → `Hà Tĩnh`, `Thành phố Hà Nội` → `Hà Nội`."""
    words = province.split()
    return " ".join(words[2:] if fold(words[0]) == "thanh" else words[1:])


def _ends_with_province(text: str) -> bool:
    """Whether the text ends with its province's name (`…, tỉnh Hà Tĩnh` ends in `tĩnh` but is no
    bare type word)."""
    place = normalize_place(text)
    if place.value is None or not place.value.province:
        return False
    return fold(text).rstrip(" ,.;:").endswith(fold(_province_name(place.value.province)))


def _province_completed(text: str) -> str | None:
    """`…, huyện Trực Ninh, tỉnh` (the province's name wrapped to a line OCR lost): the name of
    the one province the district and commune before it belong to, after the printed type word;
    None when they do not tell it."""
    body = text.rstrip(" ,.;:")
    m = re.search(r"[\s,]*(\S+(?:\s+ph\S+)?)$", body)
    if m is None:
        return None
    typed = m.group(1)
    place = normalize_place(body[: m.start()])
    if place.value is None or place.confidence < 0.9 or not place.value.province or not place.value.district:
        return None
    pname = _province_name(place.value.province)
    kind = place.value.province[: -len(pname)].strip()
    if fold(typed) != fold(kind) or not pname:
        return None
    return f"{body} {pname}"


#: The registering office is a People's Committee, written out or as its abbreviation.
_OFFICES = ("UBND", "Ủy ban nhân dân")
_UNIT_WORD = re.compile(
    r"(?:^|[\s,.])(?:xa|phuong|thi tran|quan|huyen|thi xa|thanh pho|tinh)[\s.,]", re.IGNORECASE
)


def _office(text: str) -> str | None:
    """`Ù BND, xã …`, `HBND xã …`, `Ủy ban.nhân.dân, xã …` → `UBND xã …` / `Ủy ban nhân dân xã …`:
    the words before the first unit word read as one of the office's two names with at most two
    letters wrong (specks and dots dropped). None when they do not."""
    m = _UNIT_WORD.search(fold(text))
    if m is None or m.start() == 0:
        return None
    head, rest = text[: m.start()], text[m.start() :].lstrip(" ,.")
    # `3ND`, `8BND`: a `B` read as a figure like it.
    letters = "".join("b" if c in "38" else c for c in fold(head) if c.isalpha() or c in "38")
    for office in _OFFICES:
        target = "".join(c for c in fold(office) if c.isalpha())
        if letters != target and Levenshtein.distance(letters, target) <= min(2, len(target) // 3):
            return f"{office} {rest}"
        if letters == target and head.strip() != office:
            return f"{office} {rest}"
    return None


def _places(chosen: dict[str, RawValue], out: Caps) -> None:
    for name in PLACE_FIELDS:
        rv = chosen.get(name)
        if rv is None or not rv.value:
            continue
        if ";" in rv.value:
            # A place's parts are parted by commas: a semicolon is a comma OCR read with a speck.
            rv.value = re.sub(r"\s*;", ",", rv.value)
            rv.notes["repair"] = "comma"
            _note(out, name, REPAIRED)
        if name == "registration_place":
            office = _office(rv.value)
            if office is not None:
                rv.value = office
                rv.notes["repair"] = "office"
                _note(out, name, REPAIRED)
        if _BARE_TYPE.search(fold(rv.value).rstrip(" ,.;:")) and not _ends_with_province(rv.value):
            completed = _province_completed(rv.value)
            if completed is None:
                _note(out, name, BROKEN)  # `…, tỉnh` with no name after it: a part was lost
                continue
            rv.value = completed
            rv.notes["repair"] = "province"
            _note(out, name, REPAIRED)
        facility = snap_facility(rv.value)
        if facility.value is not None:
            rv.value = facility.value
            rv.notes["repair"] = "facility"
            _note(out, name, REPAIRED)
        street = snap_street(rv.value)
        if street.value is not None:
            rv.value = street.value
            rv.notes["repair"] = "street"
            _note(out, name, REPAIRED)
        lettered = _TO_NUMBER.sub(r"\1ổ", _EIGHT_FOR_B.sub("B", rv.value))
        if lettered != rv.value:
            rv.value = lettered
            rv.notes["repair"] = "lookalike"
            _note(out, name, REPAIRED)
        neighbourhood = snap_neighbourhood(rv.value)
        if neighbourhood.value is not None:
            rv.value = neighbourhood.value
            rv.notes["repair"] = "settlement"
            _note(out, name, neighbourhood.confidence)
        if name in _NEEDS_COMMUNE:
            first = snap_settlement(rv.value)
            if first.value is not None:
                rv.value = first.value
                rv.notes["repair"] = "settlement"
                _note(out, name, first.confidence)
        typed = _commune_typed(rv.value)
        if typed is not None:
            rv.value = typed
            rv.notes["repair"] = "commune_type"
            _note(out, name, REPAIRED)
        if _BARE_NUMBER.match(rv.value):
            _note(out, name, REPAIRED)  # `7, Xã …`: the word before the number (`Bản`, `Số`) was lost
        snapped = snap_place(rv.value)
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "place"
        _note(out, name, snapped.confidence)
        if name in _NEEDS_COMMUNE and not _COMMUNE.search(fold(rv.value)):
            _note(out, name, REPAIRED)  # a residence names its commune: a part was lost


_BARE_NUMBER = re.compile(r"^\d+[,.]?\s")
_UNIT_TYPES = ("xã", "phường", "thị trấn")


def _commune_typed(text: str) -> str | None:
    """`Chuyên Ngoại, thị xã Duy Tiên, …` (the commune's type word lost with the label's end): the
    official list's type put back when the first part is exactly the commune its district and
    province name, in the case the next part's type word is written in; None otherwise."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2 or not parts[0] or parts[0][0].isdigit():
        return None
    place = normalize_place(text)
    if place.value is None or place.confidence < 0.9 or not place.value.commune:
        return None
    commune = place.value.commune
    kind = next((t for t in _UNIT_TYPES if fold(commune).startswith(fold(t) + " ")), None)
    if kind is None or fold(commune[len(kind) + 1 :]) != fold(parts[0]):
        return None
    word = kind if parts[1][:1].islower() else kind[:1].upper() + kind[1:]
    return f"{word} {text.strip()}"


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
        snapped = _date_words_of(rv.value, expected)
        if snapped.value is None:
            continue
        if snapped.value != rv.value:
            rv.value = snapped.value
            rv.notes["repair"] = "number_words"
        _note(out, words_f, snapped.confidence)


def _date_words_of(text: str, expected: dt.date | None):
    """`snap_date_words` of a date in words that may have run on into the next row's value (its
    label lost): words from the first figure on are none of it (`… hai mươi Số 96/14, đường …`);
    with the date in figures, the longest run of the first words that reads as it (`… hai mươi mốt
    tám Y tế linh …` → `… hai mươi mốt`), below the bar."""
    words = text.split()
    figure = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), None)
    if figure:
        words = words[:figure]
    snapped = snap_date_words(" ".join(words), expected)
    if expected is None or snapped.value is None or snapped.confidence >= REPAIRED:
        return snapped
    for n in range(len(words) - 1, 2, -1):
        shorter = snap_date_words(" ".join(words[:n]), expected)
        if shorter.value is not None and shorter.confidence >= REPAIRED:
            return type(shorter)(shorter.value, min(shorter.confidence, REPAIRED), shorter.issues)
    return snapped


def _area_words(chosen: dict[str, RawValue], out: Caps) -> None:
    """An area in words, each word in its marked spelling, read as the area in figures."""
    rv = chosen.get("area_in_words")
    if rv is None or not rv.value:
        return
    expected = None
    if "area_m2" in chosen and chosen["area_m2"].value:
        try:
            expected = Decimal(chosen["area_m2"].value)
        except (InvalidOperation, ValueError):
            expected = None
    snapped = snap_area_words(rv.value, expected)
    if snapped.value is None or snapped.value == rv.value:
        return
    if snapped.confidence >= REPAIRED:
        rv.value = snapped.value
        rv.notes["repair"] = "number_words"
        _note(out, "area_in_words", REPAIRED)


def _serial_letters(chosen: dict[str, RawValue], out: Caps) -> None:
    """A certificate serial's letters carry no check: an `E` there may be an `F` OCR read with a
    speck for its lower bar, surely and twice alike (`BE131062` for `BF…`), so it is never sure."""
    rv = chosen.get("certificate_serial")
    if rv is not None and rv.value and "E" in re.match(r"^[A-Z]*", rv.value).group(0):
        _note(out, "certificate_serial", REPAIRED)


def repair(doc_type: str, chosen: dict[str, RawValue]) -> Caps:
    """Repair the chosen values in place; per field, (cap, floor) for its confidence."""
    out: Caps = {}
    _names(doc_type, chosen, out)
    _declarant(chosen, out)
    _closed_lists(chosen, out)
    _places(chosen, out)
    _birth_years(doc_type, chosen, out)
    _date_words(chosen, out)
    _area_words(chosen, out)
    _book_number(chosen, out)
    _serial_letters(chosen, out)
    _plausibility(doc_type, chosen, out)
    return out
