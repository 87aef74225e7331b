"""Places: recognise and normalise province / district / commune names, before and after 2025.

The official list of administrative units comes from the `vietnamadminunits` package (MIT), which
carries both the 63-province set (province / district / commune, "legacy") and the 34-province set
of the 2025 merger (province / commune). Only its offline parts are used:

- `parse_address(..., keep_street=False)`: keyword matching over the package's JSON tables;
- `database.get_data`: the package's SQLite table of units (names and codes);
- the converter's old->new tables (`converter_2025.DICT_PROVINCE*`), read directly.

`convert_address` is never called: when an address has a street part and the old commune was split,
it geocodes the address online (ArcGIS). Here a split commune maps to the package's default new
commune instead, and the result says the mapping is uncertain.

Codes are the statistical codes of the General Statistics Office as the package gives them:
province 2 digits, district 3, commune 5.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from rapidfuzz import fuzz, process

from .issues import ParseResult, ValidationIssue, warning
from .text import clean, fold, fold_key

__all__ = [
    "Place",
    "Province",
    "check_place",
    "find_province",
    "normalize_place",
    "province_2025_for",
    "provinces",
    "random_place",
    "snap_place",
]

Era = Literal["legacy", "2025"]


@dataclass(frozen=True, slots=True)
class Province:
    """One province of a set: its official name (`Tỉnh Thanh Hóa`), short name and 2-digit code."""

    name: str
    short_name: str
    code: str
    era: Era


@dataclass(frozen=True, slots=True)
class Place:
    """A place recognised in a text, with names and codes in both sets.

    `era` says which set the text is written in. Legacy fields (province, district, commune) are
    None for a text written in the 2025 set unless its new commune comes from one old province or
    district only. `commune_2025_certain` is False when the old commune was split between several new
    ones and the package's default part was taken.
    """

    era: Era
    province: str | None = None
    province_code: str | None = None
    district: str | None = None
    district_code: str | None = None
    commune: str | None = None
    commune_code: str | None = None
    province_2025: str | None = None
    province_code_2025: str | None = None
    commune_2025: str | None = None
    commune_code_2025: str | None = None
    commune_2025_certain: bool = True

    def to_normalized(self) -> dict[str, Any]:
        """The `normalized` entry of a result.json field: the names and codes that are known."""
        keys = (
            "province",
            "province_code",
            "district",
            "district_code",
            "commune",
            "commune_code",
            "province_2025",
            "province_code_2025",
            "commune_2025",
            "commune_code_2025",
        )
        out: dict[str, Any] = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        if self.commune_2025 is not None and not self.commune_2025_certain:
            out["commune_2025_certain"] = False
        return out

    def label(self, era: Era | None = None) -> str:
        """`Xã …, Huyện …, Tỉnh …` in the given set (default: the set of the text)."""
        if (era or self.era) == "2025":
            parts = (self.commune_2025, self.province_2025)
        else:
            parts = (self.commune, self.district, self.province)
        return ", ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# Tables (loaded once from the package's offline data)
# --------------------------------------------------------------------------------------------

_LEGACY_FIELDS = [
    "province",
    "district",
    "ward",
    "provinceShort",
    "provinceCode",
    "districtCode",
    "wardCode",
    "provinceKey",
    "districtKey",
    "wardKey",
]
_NEW_FIELDS = ["province", "ward", "provinceShort", "provinceCode", "wardCode", "provinceKey", "wardKey"]


@dataclass(frozen=True)
class _Tables:
    legacy_rows: tuple[dict[str, Any], ...]
    new_rows: tuple[dict[str, Any], ...]
    legacy_by_keys: dict[tuple[str, str, str | None], dict[str, Any]]
    new_by_keys: dict[tuple[str, str], dict[str, Any]]
    legacy_provinces: dict[str, Province]  # by province key
    new_provinces: dict[str, Province]
    province_old_to_new: dict[str, str]  # legacy province key -> new province key
    commune_old_to_new: dict[str, tuple[str, bool]]  # "pk_dk_wk" -> (new ward key, certain)
    commune_new_to_old: dict[tuple[str, str], tuple[str, ...]]  # (new pk, new wk) -> old "pk_dk_wk"


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    # Imported here: the package loads geopy/shapely and ~4 MB of JSON (about half a second), which
    # a command that never looks up a place should not pay for.
    from vietnamadminunits.converter import converter_2025 as _converter
    from vietnamadminunits.database import get_data

    legacy = sorted(
        get_data(_LEGACY_FIELDS, "admin_units_legacy"),
        key=lambda r: (r["provinceCode"], r["districtCode"], r["wardCode"] or ""),
    )
    new = sorted(get_data(_NEW_FIELDS, "admin_units"), key=lambda r: (r["provinceCode"], r["wardCode"]))
    legacy_provinces: dict[str, Province] = {}
    for r in legacy:
        legacy_provinces.setdefault(
            r["provinceKey"], Province(r["province"], r["provinceShort"], r["provinceCode"], "legacy")
        )
    new_provinces: dict[str, Province] = {}
    for r in new:
        new_provinces.setdefault(
            r["provinceKey"], Province(r["province"], r["provinceShort"], r["provinceCode"], "2025")
        )
    old_to_new = {old: new_key for new_key, olds in _converter.DICT_PROVINCE.items() for old in olds}
    commune_old_to_new: dict[str, tuple[str, bool]] = {}
    new_to_old: dict[tuple[str, str], list[str]] = {}
    for new_pk, wards in _converter.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for new_wk, olds in wards.items():
            for old in olds:
                commune_old_to_new[old] = (new_wk, True)
                new_to_old.setdefault((new_pk, new_wk), []).append(old)
    for new_pk, divided in _converter.DICT_PROVINCE_WARD_DIVIDED.items():
        for old, parts in divided.items():
            default = next((p["newWardKey"] for p in parts if p["isDefaultNewWard"]), None)
            if default and old not in commune_old_to_new:
                commune_old_to_new[old] = (default, False)
            for p in parts:
                new_to_old.setdefault((new_pk, p["newWardKey"]), []).append(old)
    return _Tables(
        legacy_rows=tuple(legacy),
        new_rows=tuple(new),
        legacy_by_keys={(r["provinceKey"], r["districtKey"], r["wardKey"]): r for r in legacy},
        new_by_keys={(r["provinceKey"], r["wardKey"]): r for r in new},
        legacy_provinces=legacy_provinces,
        new_provinces=new_provinces,
        province_old_to_new=old_to_new,
        commune_old_to_new=commune_old_to_new,
        commune_new_to_old={k: tuple(v) for k, v in new_to_old.items()},
    )


def provinces(era: Era = "legacy") -> tuple[Province, ...]:
    """The 63 provinces (legacy) or the 34 provinces (2025), in code order."""
    t = _tables()
    table = t.legacy_provinces if era == "legacy" else t.new_provinces
    return tuple(sorted(table.values(), key=lambda p: p.code))


def province_2025_for(legacy_code: str) -> Province | None:
    """The 2025 province that took over a legacy province (`"89"` or `"089"` -> An Giang, 91)."""
    code = str(legacy_code).strip()
    if not code.isdigit():
        return None
    code = f"{int(code):02d}"
    t = _tables()
    old_key = next((k for k, p in t.legacy_provinces.items() if p.code == code), None)
    new_key = t.province_old_to_new.get(old_key or "")
    return t.new_provinces.get(new_key or "")


_PROVINCE_PREFIX = re.compile(r"^(tinh|thanhpho|tp)")


def find_province(text: str, era: Era = "legacy") -> Province | None:
    """A province from its code (`38`, `038`), its name or short name, tolerating OCR slips."""
    if not isinstance(text, str) or not text.strip():
        return None
    table = provinces(era)
    raw = text.strip()
    if raw.isdigit():
        code = f"{int(raw):02d}"
        return next((p for p in table if p.code == code), None)
    unit = _parse(raw, era, level=1)
    if unit is not None and unit.province_code:
        return next((p for p in table if p.code == unit.province_code), None)
    return _fuzzy_province(raw, era)


def _province_key(province: Province) -> str:
    t = _tables()
    table = t.legacy_provinces if province.era == "legacy" else t.new_provinces
    return next(k for k, p in table.items() if p == province)


def _fuzzy_province(text: str, era: Era) -> Province | None:
    """Closest province name to the last comma-separated part (OCR letter slips), if close enough."""
    key = _PROVINCE_PREFIX.sub("", fold_key(text.split(",")[-1]))
    if len(key) < 3:
        return None
    choices = {p.code: fold_key(p.short_name) for p in provinces(era)}
    best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=85)
    if best is None:
        return None
    return next(p for p in provinces(era) if p.code == best[2])


def _parse(text: str, era: Era, level: int) -> Any:
    """The package's offline parser; never a street part (that path may geocode), never an exception."""
    from vietnamadminunits import ParseMode, parse_address

    mode = ParseMode.LEGACY if era == "legacy" else ParseMode.FROM_2025
    try:
        return parse_address(text, mode=mode, keep_street=False, level=level)
    except Exception:  # noqa: BLE001 - a third-party parser on OCR text: treat any failure as "no match"
        return None


# --------------------------------------------------------------------------------------------
# Normalising a place text
# --------------------------------------------------------------------------------------------

_LOWER_UNIT_WORDS = re.compile(r"\b(xa|phuong|thi tran|huyen|quan|thi xa|dac khu)\b")


def _legacy_place(pk: str, dk: str | None, wk: str | None) -> Place:
    t = _tables()
    prov = t.legacy_provinces[pk]
    new_prov = t.new_provinces.get(t.province_old_to_new.get(pk, ""))
    row = t.legacy_by_keys.get((pk, dk, wk)) if dk else None
    if dk and row is None:  # district without commune: any row of that district gives its name
        row = next((r for r in t.legacy_rows if r["provinceKey"] == pk and r["districtKey"] == dk), None)
    commune_2025 = code_2025 = None
    certain = True
    if row is not None and wk:
        mapped = t.commune_old_to_new.get(f"{pk}_{dk}_{wk}")
        if mapped and new_prov is not None:
            new_row = t.new_by_keys.get((t.province_old_to_new[pk], mapped[0]))
            if new_row is not None:
                commune_2025, code_2025, certain = new_row["ward"], new_row["wardCode"], mapped[1]
    return Place(
        era="legacy",
        province=prov.name,
        province_code=prov.code,
        district=row["district"] if row else None,
        district_code=row["districtCode"] if row else None,
        commune=row["ward"] if row and wk else None,
        commune_code=row["wardCode"] if row and wk else None,
        province_2025=new_prov.name if new_prov else None,
        province_code_2025=new_prov.code if new_prov else None,
        commune_2025=commune_2025,
        commune_code_2025=code_2025,
        commune_2025_certain=certain,
    )


def _new_place(pk: str, wk: str | None) -> Place:
    t = _tables()
    prov = t.new_provinces[pk]
    row = t.new_by_keys.get((pk, wk)) if wk else None
    legacy: dict[str, Any] = {}
    if row is not None:
        olds = [o.split("_") for o in t.commune_new_to_old.get((pk, wk or ""), ())]
        if olds and len({o[0] for o in olds}) == 1 and olds[0][0] in t.legacy_provinces:
            old_prov = t.legacy_provinces[olds[0][0]]
            legacy = {"province": old_prov.name, "province_code": old_prov.code}
            if len({(o[1], o[2]) for o in olds}) == 1:
                old_row = t.legacy_by_keys.get((olds[0][0], olds[0][1], olds[0][2] or None))
                if old_row is not None:
                    legacy |= {
                        "district": old_row["district"],
                        "district_code": old_row["districtCode"],
                        "commune": old_row["ward"],
                        "commune_code": old_row["wardCode"],
                    }
    return Place(
        era="2025",
        province_2025=prov.name,
        province_code_2025=prov.code,
        commune_2025=row["ward"] if row else None,
        commune_code_2025=row["wardCode"] if row else None,
        **legacy,
    )


_UNIT_TYPE = re.compile(r"^(Xã|Phường|Thị trấn|Huyện|Quận|Thị xã|Thành phố|Tỉnh|Đặc khu) ")


def _marks_confidence(text: str, place: Place) -> float:
    """0.85 when a recognised name appears in the text without its marks (or with wrong ones),
    1.0 otherwise. Names written differently (abbreviations like `TP HCM`) are not held against it."""
    low, folded = text.lower(), fold(text)
    if place.era == "legacy":
        names = [place.commune, place.district, place.province]
    else:
        names = [place.commune_2025, place.province_2025]
    for name in names:
        if not name:
            continue
        short = _UNIT_TYPE.sub("", name).lower()
        if fold(short) in folded and short not in low:
            return 0.85
    return 1.0


def normalize_place(text: str, era: Era | Literal["auto"] = "auto") -> ParseResult[Place]:
    """Recognise a place text (an address, a registering office, a province name).

    With `era="auto"` a text naming a district is read in the legacy set, a text naming a commune
    directly under its province in the 2025 set, and a province alone in the legacy set (its 2025
    province is given too). Street parts and words before the units (`Thôn 3`, `UBND`) are ignored.
    """
    if not isinstance(text, str) or era not in ("auto", "legacy", "2025"):
        return ParseResult.failed(_not_recognised(None))
    return _normalize_place(clean(text), era)


@lru_cache(maxsize=4096)
def _normalize_place(t: str, era: str) -> ParseResult[Place]:
    if not t:
        return ParseResult.failed(_not_recognised(None))
    folded = fold(t)
    legacy = _parse(t, "legacy", 3) if era in ("auto", "legacy") else None
    place: Place | None = None
    if legacy is not None and legacy.province_key and (legacy.district_key or era == "legacy"):
        place = _legacy_place(legacy.province_key, legacy.district_key, legacy.ward_key)
    elif era in ("auto", "2025"):
        new = _parse(t, "2025", 2)
        if new is not None and new.province_key and (new.ward_key or era == "2025"):
            consistent = legacy is None or not legacy.province_key
            if not consistent:
                consistent = _tables().province_old_to_new.get(legacy.province_key) == new.province_key
            if consistent or era == "2025":
                place = _new_place(new.province_key, new.ward_key)
        if place is None and legacy is not None and legacy.province_key:
            place = _legacy_place(legacy.province_key, None, None)
    if place is not None:
        conf = _marks_confidence(t, place)
        issues: tuple[ValidationIssue, ...] = ()
        lowest = place.commune if place.era == "legacy" else place.commune_2025
        if lowest is None and _LOWER_UNIT_WORDS.search(folded):
            conf = round(conf * 0.8, 3)
            issues = (_partly(district_found=place.district is not None),)
        return ParseResult(place, conf, issues)
    fuzzy = _fuzzy_province(t, "2025" if era == "2025" else "legacy")
    if fuzzy is not None:
        key = _province_key(fuzzy)
        place = _legacy_place(key, None, None) if fuzzy.era == "legacy" else _new_place(key, None)
        return ParseResult(place, 0.6, (_partly(),) if _LOWER_UNIT_WORDS.search(folded) else ())
    return ParseResult.failed(_not_recognised(None))


def _not_recognised(field: str | None) -> ValidationIssue:
    return warning(
        field,
        "place_not_recognised",
        "Không nhận ra tỉnh/thành phố trong địa danh này theo danh mục đơn vị hành chính; đề nghị kiểm tra lại.",
    )


def _partly(district_found: bool = False) -> ValidationIssue:
    found = "quận/huyện và tỉnh/thành phố" if district_found else "tỉnh/thành phố"
    return warning(
        None,
        "place_partly_recognised",
        f"Chỉ nhận ra {found}; tên đơn vị cấp dưới không khớp danh mục đơn vị hành chính "
        "(có thể là tên cũ trước khi sáp nhập, hoặc đọc sai), đề nghị kiểm tra lại.",
    )


def check_place(text: str, field: str | None = None) -> list[ValidationIssue]:
    """Warnings when a place text names no known province, or names units the list does not know."""
    result = normalize_place(text)
    return [i.for_field(field) for i in result.issues] if result.issues else []


# --------------------------------------------------------------------------------------------
# Generator helper
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _legacy_commune_rows() -> tuple[dict[str, Any], ...]:
    return tuple(r for r in _tables().legacy_rows if r["wardKey"])


def random_place(rng: random.Random, era: Era = "legacy") -> Place:
    """A real (province, district, commune) of the legacy set, or (province, commune) of 2025."""
    t = _tables()
    if era == "legacy":
        r = rng.choice(_legacy_commune_rows())
        return _legacy_place(r["provinceKey"], r["districtKey"], r["wardKey"])
    r = rng.choice(t.new_rows)
    return _new_place(r["provinceKey"], r["wardKey"])


# --------------------------------------------------------------------------------------------
# Snapping a read place text to the official spelling
# --------------------------------------------------------------------------------------------

#: Unit types by level, longest first (`thị xã` before `xã`), as printed (title case).
_TYPES_BY_LEVEL = {
    1: ("Thành phố", "Tỉnh"),
    2: ("Thành phố", "Thị xã", "Huyện", "Quận"),
    3: ("Thị trấn", "Phường", "Đặc khu", "Xã"),
}
#: Words that open a place text before its units, in their printed spelling.
_PREFIX_WORDS = ("Ủy ban nhân dân", "UBND", "Thôn", "Xóm", "Ấp", "Bản", "Khóm", "Tổ dân phố", "Số", "đường")
_SNAP_MIN = 80.0
_SNAP_MARGIN = 6.0
#: A lower-case `l` (or `|`) opening a word before a vowel: OCR's reading of a capital `I`.
_CAPITAL_I = re.compile(r"(?<!\S)[l|](?=[aăâeêiouươy])")
#: What reading it as an `I` costs (more than the margin: a unit named as read wins).
_SWAP_COST = 7.0


@dataclass(frozen=True)
class _Unit:
    kind: str  # the unit type as the table spells it (`Huyện`)
    name: str  # the name without its type (`Ia Grai`)


def _split_unit(full: str) -> _Unit:
    for kind in ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã", "Đặc khu"):
        if full.startswith(kind + " "):
            return _Unit(kind, full[len(kind) + 1 :])
    return _Unit("", full)


@lru_cache(maxsize=1)
def unit_names() -> frozenset[str]:
    """The names, without their unit word, of every district and commune of the legacy (pre-2025)
    tables (`Ia Grai` of `Huyện Ia Grai`)."""
    return frozenset(
        _split_unit(unit).name for r in _tables().legacy_rows for unit in (r["ward"], r["district"]) if unit
    )


@lru_cache(maxsize=1)
def _snap_tables() -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]], dict[str, list[str]]]:
    """Legacy: province -> districts, (province, district) -> communes; 2025: province -> communes."""
    t = _tables()
    districts: dict[str, list[str]] = {}
    communes: dict[tuple[str, str], list[str]] = {}
    for r in t.legacy_rows:
        ds = districts.setdefault(r["province"], [])
        if r["district"] not in ds:
            ds.append(r["district"])
        if r["ward"]:
            communes.setdefault((r["province"], r["district"]), []).append(r["ward"])
    new: dict[str, list[str]] = {}
    for r in t.new_rows:
        if r["ward"]:
            new.setdefault(r["province"], []).append(r["ward"])
    return districts, communes, new


_WORD = re.compile(r"[^\s,.;:]+")


def _words_of(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def _type_at(words: list[tuple[str, int, int]], i: int, level: int) -> tuple[str, int] | None:
    """The unit type of `level` starting at word i (folded match), and how many words it takes."""
    for kind in _TYPES_BY_LEVEL[level]:
        parts = fold(kind).split()
        got = [fold(w[0]) for w in words[i : i + len(parts)]]
        if got == parts:
            return kind, len(parts)
    for kind in _TYPES_BY_LEVEL[level]:
        # A two-word type with its second word one letter off (`Thành phế`): the first word and the
        # word count say which type it is.
        parts = fold(kind).split()
        got = [fold(w[0]) for w in words[i : i + len(parts)]]
        if (
            len(parts) == 2
            and len(got) == 2
            and got[0] == parts[0]
            and len(got[1]) == len(parts[1]) >= 3
            and sum(a != b for a, b in zip(got[1], parts[1], strict=True)) == 1
        ):
            return kind, len(parts)
    return None


def _best_name(words: list[str], names: list[str]) -> tuple[str, int, float] | None:
    """The unit whose name the first 1..4 words read as best: (full name, words used, score)."""
    scored: list[tuple[float, int, str]] = []
    read = [fold_key(" ".join(words[:n])) for n in range(1, min(4, len(words)) + 1)]
    # OCR reads the capital `I` of `Ia` (the Jarai names of the Central Highlands: `Ia Ga`,
    # `Ia Grai`) as a lower-case `l`: the reading with that `I` back, a little below one as read.
    swapped = [fold_key(_CAPITAL_I.sub("I", " ".join(words[:n]))) for n in range(1, len(read) + 1)]
    for full in names:
        unit = _split_unit(full)
        target = fold_key(unit.name)
        for n in range(1, len(read) + 1):
            score = fuzz.ratio(target, read[n - 1])
            if swapped[n - 1] != read[n - 1]:
                score = max(score, fuzz.ratio(target, swapped[n - 1]) - _SWAP_COST)
            if score >= _SNAP_MIN - 15:
                scored.append((score, n, full))
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], -s[1]))
    best = scored[0]
    rival = next((s for s in scored[1:] if s[2] != best[2]), None)
    if best[0] < _SNAP_MIN or (rival is not None and best[0] - rival[0] < _SNAP_MARGIN):
        return None
    return best[2], best[1], best[0]


def _printed_kind(kind: str, printed: str) -> str:
    return kind.lower() if printed[:1].islower() else kind


def snap_place(text: str) -> ParseResult[str]:
    """A place text as read, with its units (province, district, commune; or province and commune of
    2025) spelt as the official list spells them and joined by commas, and nothing after the
    province (a place text ends with it: what follows is the next label's text run on). The words
    before the units (`Thôn 3`, `Ủy ban nhân dân`, a street) stay as read, with full stops between
    parts read as the commas they are.

    Confidence 1.0: nothing changed; 0.85: a unit or a stop was repaired; 0.0 (value None): the
    province was not found, nothing is changed.
    """
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_not_recognised(None))
    text = clean(text)
    words = _words_of(text)
    districts, communes, new = _snap_tables()
    provinces_ = [p.name for p in provinces("legacy")]
    # The province: the last unit type of level 1 followed by a province name.
    found = None
    for i in range(len(words) - 1, -1, -1):
        typ = _type_at(words, i, 1)
        if typ is None:
            continue
        rest = [w[0] for w in words[i + typ[1] :]]
        named = _best_name(rest, [p for p in provinces_ if _split_unit(p).kind == typ[0]])
        if named is not None:
            found = (i, typ, named)
            break
    untyped = False
    if found is None and len(words) > 2:
        # The province's type word lost (`Huyện Văn Bàn, Lào Cai`): its name alone ending the text,
        # taken only when a district of it comes before (checked below).
        for n in (1, 2, 3):
            named = _best_name([w[0] for w in words[-n:]], provinces_)
            if named is not None and named[1] == n and named[2] >= 90:
                found = (len(words) - n, (_split_unit(named[0]).kind, 0), named)
                untyped = True
                break
    if found is None:
        return _snap_province_name(text, words, provinces_)
    pi, (pkind, plen), (province, pn, _) = found
    units = [(pi, pi + plen + pn, _printed_kind(pkind, words[pi][0]), _split_unit(province).name)]
    # Lower units, right to left: a district of that province and a commune of that district, or
    # (the 2025 set) a commune of the province directly.
    end = pi
    district = None
    for level, pool in ((2, districts.get(province, [])), (3, None)):
        if level == 3:
            pool = communes.get((province, district), []) if district else new.get(province, [])
        hit = None
        for i in range(end - 1, -1, -1):
            typ = _type_at(words, i, level)
            if typ is None:
                continue
            rest = [w[0] for w in words[i + typ[1] : end]]
            named = _best_name(rest, [u for u in pool if _split_unit(u).kind == typ[0]])
            if named is not None and i + typ[1] + named[1] == end:
                hit = (i, typ, named)
            break
        if hit is None:
            if level == 2:
                continue
            break
        i, (kind, klen), (full, n, _) = hit
        units.insert(0, (i, i + klen + n, _printed_kind(kind, words[i][0]), _split_unit(full).name))
        if level == 2:
            district = full
        end = i
    if untyped and district is None:
        return _snap_province_name(text, words, provinces_)
    start = units[0][0]
    head = text[: words[start][1]].strip() if start < len(words) and start > 0 else ""
    head = re.sub(r"(?<=\w)\.\s+(?=\S)", ", ", head).rstrip(" ,.;:")
    head = _snap_prefix(head)
    body = ", ".join(f"{kind} {name}" for _, _, kind, name in units)
    out = f"{head}, {body}" if head and not _ends_with_office(head) else f"{head} {body}".strip()
    changed = out != text.rstrip(" .,;")
    return ParseResult(out, 0.85 if changed else 1.0)


def _snap_province_name(text: str, words: list[tuple[str, int, int]], names: list[str]) -> ParseResult[str]:
    """A place that is a province's name alone (a birth certificate's `Quê quán: An Giang`)."""
    if not words or len(words) > 5:
        return ParseResult(None, 0.0, (_not_recognised(None),))
    named = _best_name([w[0] for w in words], names)
    if named is None or named[1] != len(words):
        return ParseResult(None, 0.0, (_not_recognised(None),))
    name = _split_unit(named[0]).name
    return ParseResult(name, 1.0 if name == text.rstrip(" .,;") else 0.85)


def _ends_with_office(head: str) -> bool:
    """`Ủy ban nhân dân xã …`, `Trạm Y tế phường …`: the units follow without a comma."""
    return bool(re.search(r"(?:ủy ban nhân dân|ubnd|y tế|đa khoa|bệnh viện)$", head.lower()))


def _snap_prefix(head: str) -> str:
    """The first words of the head in their printed spelling when OCR slipped in their marks."""
    # `Xóm.6`: a stop read between a settlement word and its number; `Số Số 134`: the word read twice.
    head = re.sub(r"^(\w+)\.(?=\d)", r"\1 ", head)
    twice = re.match(r"^(\w+) \1\b", head)
    if twice and any(fold(twice.group(1)) == fold(w) for w in (*SETTLEMENT_WORDS, *_PREFIX_WORDS)):
        head = head[len(twice.group(1)) + 1 :]
    low = fold(head)
    for word in _PREFIX_WORDS:
        f = fold(word)
        if low == f or low.startswith(f + " ") or low.startswith(f + ","):
            return word + head[len(word) :] if head[: len(word)] != word else head
    m = re.match(r"^\S{1,4}\s+ban\s+nhan\s+dan\b", low)
    if m:  # `DY ban nhân dân`: the stamp-like capital `Ủ` is what OCR loses
        return "Ủy ban nhân dân" + head[m.end() :]
    if re.match(r"^u\w?bnd$", low.split(" ")[0]) and len(low.split(" ")[0]) <= 6:
        return "UBND" + head[len(head.split(" ")[0]) :]
    return head


#: Words that open the part of an address below the commune (`Thôn 4`, `Tổ dân phố 8`, `Số 96/14`).
SETTLEMENT_WORDS = ("Thôn", "Xóm", "Ấp", "Bản", "Tổ", "Khóm", "Khu", "Buôn", "Làng", "Số", "Đội", "Sóc")


def snap_settlement(text: str) -> ParseResult[str]:
    """An address whose first word is a settlement word with one character misread or lost
    (`hôn Trung` → `Thôn Trung`, `8ố 54/8` → `Số 54/8`, `ÂÐ Tân Lập` → `Ấp Tân Lập`), or that lost
    the `Tổ` of `Tổ dân phố`. Confidence 0.85 when changed; failed when the first word is already
    one, or is no near miss of one (a street name, a commune)."""
    parts = text.split(None, 1)
    if not parts:
        return ParseResult.failed()
    first, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    if not any(c.isalpha() for c in first):
        return ParseResult.failed()  # a house number (`50 Lê Lợi`)
    known = {fold(w): w for w in SETTLEMENT_WORDS}
    # Specks before the word (`„Xóm`), and the word read in two (`X óm 12`).
    read = first
    first = first.lstrip(_SPECKS) or first
    second = rest.split(None, 1)
    if len(first) == 1 and second and fold(first + second[0]) in known:
        first, rest = first + second[0], (second[1] if len(second) > 1 else "")
        read = ""  # joined: changed even when the word is now spelt right
    key = fold(first).strip(",.;:").translate(_LOOKALIKE)
    rest_key = fold(rest)
    neighbourhood = snap_neighbourhood(text)
    if neighbourhood.value is not None:
        return neighbourhood
    if key in known:
        word = known[key]
        if read.casefold() == word.casefold():
            return ParseResult.failed()
        return ParseResult(f"{word} {rest}".strip(), 0.85)  # `Tố 28`, `8ố 54/8`
    if key == "dan" and rest_key.startswith("pho"):
        return ParseResult(f"Tổ dân {rest}".strip(), 0.85)
    if not rest or rest_key.startswith(("xa ", "phuong ", "thi tran ")):
        return ParseResult.failed()
    near = [w for k, w in known.items() if _one_edit(key, k)]
    if len(near) > 1 and rest_key.startswith("dan pho") and "Tổ" in near:
        near = ["Tổ"]
    if len(near) > 1 and "," in rest:
        # The letter read with its marks tells them apart (`ản 8`: `Bản`, not `Ấp`; `Ấn 4`: `Ấp`;
        # `3ố 196`: `Số`, not `Tổ`), in an address of several parts (`Ấn Độ` is a country).
        marked = {c for c in first.lower() if c.isalpha() and not c.isascii() and c != "đ"}
        near = [w for w in near if marked & set(w.lower())] if marked else near
    if len(near) != 1:
        return ParseResult.failed()
    return ParseResult(f"{near[0]} {rest}", 0.85)


#: Marks OCR puts before an address's first word (`„Xóm`, `‹Tổ`, `›ố`).
_SPECKS = "„“”\"'‹›«»*.,·®©°"


def snap_neighbourhood(text: str) -> ParseResult[str]:
    """A place opening with `Tổ dân phố` whose `phố` OCR read one letter off or with other marks
    (`Tổ dân nhố 7`, `Tổ dân phô 2`, and `dân nhố 7` with the `Tổ` lost): that phrase (0.85);
    failed otherwise."""
    words = text.split()
    key = fold(words[0]).strip(",.;:").translate(_LOOKALIKE) if words else ""
    k = 2 if _one_edit(key, "to") or key == "to" else 1 if key == "dan" else 0
    read = words[k].strip(",.;:") if k and len(words) > k else ""
    slip = _one_edit(fold(read), "pho") or (fold(read) == "pho" and read.lower() != "phố")
    if not read or fold(words[k - 1]) != "dan" or not slip:
        return ParseResult.failed()
    return ParseResult(" ".join(["Tổ dân phố", *words[k + 1 :]]), 0.85)


#: Figures OCR reads for letters at the start of a word (`8ố` for `Số`).
_LOOKALIKE = str.maketrans({"8": "s", "5": "s", "0": "o"})


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` is `b` with one character changed, added or lost (and not empty)."""
    if not a or a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
