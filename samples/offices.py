"""Issuing offices: how a People's Committee or land office is named on a form, on its seal, and who signs.

Table-driven: the ways a registration place is typed, the authority lines of a signer block
(`KT. CHỦ TỊCH` above `PHÓ CHỦ TỊCH`, `TM. ỦY BAN NHÂN DÂN`, ...) and the seal's ring text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .people import Unit, _lower_type

#: Authority lines above a signature, with how often each appears (DOMAIN.md: signing on behalf).
COMMUNE_AUTHORITY: list[tuple[tuple[str, ...], float]] = [
    (("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.45),
    (("CHỦ TỊCH",), 0.25),
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), 0.15),
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.15),
]
LAND_AUTHORITY: list[tuple[tuple[str, ...], float]] = [
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.35),
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), 0.15),
    (("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), 0.3),
    (("GIÁM ĐỐC",), 0.1),
    (("TL. GIÁM ĐỐC", "GIÁM ĐỐC VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"), 0.1),
]


@dataclass(frozen=True)
class Office:
    registration_place: str  # as typed in `Nơi đăng ký`: "Ủy ban nhân dân xã Xuân Lai, huyện Thọ Xuân, tỉnh Thanh Hóa"
    agency_block: list[str]  # the top-left block: ["ỦY BAN NHÂN DÂN", "XÃ XUÂN LAI"]
    seal_text: str  # ring text of the seal
    place_name: str  # for "Thanh Hóa, ngày ..."


def _short(name: str) -> str:
    for t in ("Thành phố ", "Thị trấn ", "Thị xã ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ", "Đặc khu "):
        if name.startswith(t):
            return name[len(t) :]
    return name


def commune_office(u: Unit, rng: random.Random) -> Office:
    lower = [_lower_type(p) for p in u.parts()]
    head = rng.choice(["Ủy ban nhân dân", "UBND", "Ủy ban nhân dân", "UBND"])
    registration_place = f"{head} {', '.join(lower)}"
    block_district = [f"UBND {u.district.upper()}"] if u.district and rng.random() < 0.3 else []
    agency = [*block_district, "ỦY BAN NHÂN DÂN", u.ward.upper()] if not block_district else [
        block_district[0], f"UBND {u.ward.upper()}"]
    seal = f"ỦY BAN NHÂN DÂN {u.ward} * {u.district or u.province}"
    return Office(registration_place, agency, seal, _short(u.province if not u.district else u.district))


def land_office(u: Unit, rng: random.Random, *, year: int) -> Office:
    """The issuer of a land certificate: the district People's Committee or the provincial department."""
    if u.district and rng.random() < 0.6:
        return Office(
            f"Ủy ban nhân dân {_lower_type(u.district)}",
            ["ỦY BAN NHÂN DÂN", u.district.upper()],
            f"ỦY BAN NHÂN DÂN {u.district} * {u.province}",
            _short(u.district),
        )
    dept = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" if year >= 2025 else "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    return Office(
        f"{dept.capitalize()} {_lower_type(u.province)}",
        [f"UBND {u.province.upper()}", dept],
        f"{dept} * {u.province}",
        _short(u.province),
    )


def authority(rng: random.Random, table: list[tuple[tuple[str, ...], float]]) -> list[str]:
    lines, weights = zip(*table, strict=True)
    return list(rng.choices(lines, weights=weights)[0])
