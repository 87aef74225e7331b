"""Plausible people, places, dates and numbers for the synthetic forms, obeying DOMAIN.md's rules.

Names come from `names.json`; places are real administrative units read from the
`vietnamadminunits` package's offline database (the 63-province set in force before the 2025
merger, and the 34-province set for documents issued after 1 July 2025). Identity numbers and number
words come from `sohoa.pipeline.validate` ("don't copy, call") through `domain.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from . import domain

MERGER_DATE = dt.date(2025, 7, 1)


@cache
def names() -> dict:
    return json.loads(resources.files(__package__).joinpath("names.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Unit:
    """One commune-level unit with its parents, as the admin-units package spells them."""

    province: str  # "Tỉnh Thanh Hóa"
    district: str | None  # "Huyện Thọ Xuân"; None in the post-2025 two-level set
    ward: str  # "Xã Xuân Lai"
    province_code: str  # two-digit statistical code of the (old) province, "38"

    def parts(self) -> list[str]:
        return [p for p in (self.ward, self.district, self.province) if p]

    @property
    def province_short(self) -> str:
        for prefix in ("Thành phố ", "Tỉnh "):
            if self.province.startswith(prefix):
                return self.province[len(prefix) :]
        return self.province


def _db_path() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"


@cache
def _legacy_units() -> tuple[Unit, ...]:
    with sqlite3.connect(_db_path()) as conn:
        rows = conn.execute(
            "SELECT province, district, ward, provinceCode FROM admin_units_legacy "
            "WHERE ward IS NOT NULL ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
    return tuple(Unit(p, d, w, c) for p, d, w, c in rows)


@cache
def _units_2025() -> tuple[Unit, ...]:
    with sqlite3.connect(_db_path()) as conn:
        rows = conn.execute(
            "SELECT province, ward, provinceCode FROM admin_units WHERE ward IS NOT NULL ORDER BY provinceCode, wardCode"
        ).fetchall()
    return tuple(Unit(p, None, w, c) for p, w, c in rows)


@cache
def _legacy_by_province() -> dict[str, tuple[Unit, ...]]:
    out: dict[str, list[Unit]] = {}
    for u in _legacy_units():
        out.setdefault(u.province_code, []).append(u)
    return {k: tuple(v) for k, v in out.items()}


def unit(rng: random.Random, *, province_code: str | None = None, after_merger: bool = False) -> Unit:
    """A random real commune-level unit (optionally in one old province)."""
    if after_merger:
        return rng.choice(_units_2025())
    by = _legacy_by_province()
    code = province_code or rng.choice(sorted(by))
    return rng.choice(by[code])


def place_text(u: Unit, rng: random.Random, *, lower_types: bool | None = None) -> str:
    """`Xã Xuân Lai, Huyện Thọ Xuân, Tỉnh Thanh Hóa` or with lower-case unit types, as clerks type it."""
    lower = rng.random() < 0.5 if lower_types is None else lower_types
    parts = u.parts()
    if lower:
        parts = [lower_type(p) for p in parts]
    return ", ".join(parts)


_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã", "Đặc khu")


def lower_type(name: str) -> str:
    """`Xã Xuân Lai` -> `xã Xuân Lai` (unit types in lower case, as typed inside a sentence)."""
    for t in _TYPES:
        if name.startswith(t + " "):
            return t.lower() + name[len(t) :]
    return name


def street_address(u: Unit, rng: random.Random) -> str:
    """A residence: a house number and street in towns, a hamlet in the countryside, then the unit."""
    n = names()
    if u.ward.startswith(("Phường", "Thị trấn")) and rng.random() < 0.8:
        street = f"Số {rng.randint(1, 250)}{rng.choice(['', '', '', '/' + str(rng.randint(2, 40))])}, " + (
            f"đường {rng.choice(n['streets'])}" if rng.random() < 0.7 else f"tổ {rng.randint(1, 30)}"
        )
    else:
        kind = rng.choice(
            ["Thôn", "Thôn", "Xóm", "Ấp", "Bản", "Tổ dân phố"]
            if u.province_code >= "45"
            else ["Thôn", "Thôn", "Xóm", "Bản", "Tổ dân phố"]
        )
        if kind == "Ấp" or u.province_code >= "70":
            kind = rng.choice(["Ấp", "Ấp", "Khóm"]) if rng.random() < 0.7 else kind
        name = str(rng.randint(1, 15)) if rng.random() < 0.5 else rng.choice(n["hamlets"])
        street = f"{kind} {name}"
    return f"{street}, {place_text(u, rng)}"


# --- names ---------------------------------------------------------------------------------------


def person_name(rng: random.Random, sex: str, *, surname: str | None = None) -> str:
    """A full name in capitals, e.g. `NGUYỄN THỊ MAI ANH` (surname, middle name(s), given name)."""
    n = names()
    sur = surname or rng.choices(n["surnames"], weights=n["surname_weights"])[0]
    key = "male" if sex == "Nam" else "female"
    middle = [rng.choice(n[f"middle_{key}"])]
    if rng.random() < 0.25:
        middle.append(rng.choice(n[f"middle_{key}"]))
        if middle[0] == middle[1]:
            middle.pop()
    given = rng.choice(n[f"given_{key}"])
    return " ".join([sur, *middle, given]).upper()


def surname_of(name: str) -> str:
    return name.split(" ")[0].title()


def title_case(name: str) -> str:
    """`NGUYỄN VĂN AN` -> `Nguyễn Văn An`."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split(" "))


def ethnicity(rng: random.Random) -> str:
    n = names()
    return rng.choices(n["ethnicities"], weights=n["ethnicity_weights"])[0]


def signer(rng: random.Random) -> str:
    return title_case(person_name(rng, rng.choice(["Nam", "Nam", "Nữ"])))


# --- dates and numbers ---------------------------------------------------------------------------


def date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def dmy(d: dt.date, rng: random.Random | None = None) -> str:
    """A date in figures as typed on the forms: `15/03/2005` (sometimes without leading zeros)."""
    if rng is not None and rng.random() < 0.15:
        return f"{d.day}/{d.month}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def place_date(place: str, d: dt.date) -> str:
    """`Thanh Hóa, ngày 12 tháng 5 năm 2021` (the place and date line above a signature)."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


def identity_number(rng: random.Random, *, sex: str, birth: dt.date, province_code: str) -> str:
    """A 12-digit personal identification number consistent with sex, birth year and province."""
    return domain.make_personal_id(rng, sex=sex, birth_year=birth.year, province_code="0" + province_code)


def old_id_card(rng: random.Random, province_code: str) -> str:
    """A 9-digit CMND of the old identity cards."""
    return domain.make_cmnd(rng, province_code="0" + province_code)


def passport(rng: random.Random) -> str:
    return rng.choice("BCN") + "".join(str(rng.randint(0, 9)) for _ in range(7))


def id_paper(rng: random.Random, number: str, issued: dt.date, *, long_form: bool | None = None) -> str:
    """The `Giấy tờ tùy thân` entry: kind, number, sometimes issuer and date."""
    if len(number) == 12:
        kind = rng.choice(
            ["CCCD số", "Căn cước công dân số", "Căn cước số"]
            if issued.year >= 2024
            else ["CCCD số", "Căn cước công dân số"]
        )
        issuer = "Cục Cảnh sát QLHC về TTXH"
    elif len(number) == 9:
        kind = rng.choice(["CMND số", "Chứng minh nhân dân số"])
        issuer = "Công an tỉnh"
    else:
        kind = "Hộ chiếu số"
        issuer = "Cục Quản lý xuất nhập cảnh"
    text = f"{kind} {number}"
    if long_form if long_form is not None else rng.random() < 0.5:
        text += f", do {issuer} cấp ngày {dmy(issued)}"
    return text
