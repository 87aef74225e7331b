"""Issuing offices: how a People's Committee or land office is named on a form, on its seal, and who signs.

Table-driven: the ways a registration place is typed, the authority lines of a signer block
(`KT. CHỦ TỊCH` above `PHÓ CHỦ TỊCH`, `TM. ỦY BAN NHÂN DÂN`, ...) and the seal's ring text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .people import Unit, lower_type

#: Authority lines above a signature, with how often each appears (DOMAIN.md: signing on behalf).
COMMUNE_AUTHORITY: list[tuple[tuple[str, ...], float]] = [
    (("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.45),
    (("CHỦ TỊCH",), 0.25),
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), 0.15),
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.15),
]
#: Land certificates: signed for the district People's Committee or for the provincial department.
LAND_AUTHORITY_DISTRICT: list[tuple[tuple[str, ...], float]] = [
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.6),
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), 0.25),
    (("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), 0.15),
]
LAND_AUTHORITY_DEPARTMENT: list[tuple[tuple[str, ...], float]] = [
    (("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), 0.6),
    (("GIÁM ĐỐC",), 0.2),
    (("TL. GIÁM ĐỐC", "GIÁM ĐỐC VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"), 0.2),
]


#: The italic hints printed under a signing block's heading.
HINT = "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)"
HINT_OLD = "(Ký, ghi rõ họ tên, chức vụ và đóng dấu)"
HINT_SPOUSE = "(Ký, ghi rõ họ, chữ đệm, tên)"
#: Headings of the official's signing block, per document.
SIGNER_HEADINGS = ("NGƯỜI KÝ GIẤY KHAI SINH", "NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN", "NGƯỜI KÝ TRÍCH LỤC")


def seal_covered_lines() -> frozenset[str]:
    """Lines the seal may be stamped over (a signing block's hint and authority lines)."""
    lines = {HINT, HINT_OLD, *SIGNER_HEADINGS}
    for table in (COMMUNE_AUTHORITY, LAND_AUTHORITY_DISTRICT, LAND_AUTHORITY_DEPARTMENT):
        for authority_lines, _weight in table:
            lines.update(authority_lines)
    return frozenset(lines)


@dataclass(frozen=True)
class Office:
    registration_place: (
        str  # as typed in `Nơi đăng ký`: "Ủy ban nhân dân xã Xuân Lai, huyện Thọ Xuân, tỉnh Thanh Hóa"
    )
    agency_block: list[str]  # the top-left block: ["ỦY BAN NHÂN DÂN", "XÃ XUÂN LAI"]
    seal_text: str  # ring text of the seal
    place_name: str  # for "Thanh Hóa, ngày ..."
    authority: tuple[tuple[tuple[str, ...], float], ...] = tuple(COMMUNE_AUTHORITY)  # who signs for it


def _short(name: str) -> str:
    for t in ("Thành phố ", "Thị trấn ", "Thị xã ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ", "Đặc khu "):
        if name.startswith(t):
            return name[len(t) :]
    return name


def commune_office(u: Unit, rng: random.Random) -> Office:
    lower = [lower_type(p) for p in u.parts()]
    head = rng.choice(["Ủy ban nhân dân", "UBND", "Ủy ban nhân dân", "UBND"])
    registration_place = f"{head} {', '.join(lower)}"
    block_district = [f"UBND {u.district.upper()}"] if u.district and rng.random() < 0.3 else []
    agency = (
        [*block_district, "ỦY BAN NHÂN DÂN", u.ward.upper()]
        if not block_district
        else [block_district[0], f"UBND {u.ward.upper()}"]
    )
    seal = f"ỦY BAN NHÂN DÂN {u.ward} * {u.district or u.province}"
    return Office(registration_place, agency, seal, _short(u.province if not u.district else u.district))


def land_office(u: Unit, rng: random.Random, *, year: int) -> Office:
    """The issuer of a land certificate: the district People's Committee or the provincial department."""
    if u.district and rng.random() < 0.6:
        return Office(
            f"Ủy ban nhân dân {lower_type(u.district)}",
            ["ỦY BAN NHÂN DÂN", u.district.upper()],
            f"ỦY BAN NHÂN DÂN {u.district} * {u.province}",
            _short(u.district),
            tuple(LAND_AUTHORITY_DISTRICT),
        )
    dept = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" if year >= 2025 else "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    return Office(
        f"{dept.capitalize()} {lower_type(u.province)}",
        [f"UBND {u.province.upper()}", dept],
        f"{dept} * {u.province}",
        _short(u.province),
        tuple(LAND_AUTHORITY_DEPARTMENT),
    )


def authority(rng: random.Random, table: Sequence[tuple[tuple[str, ...], float]]) -> list[str]:
    lines, weights = zip(*table, strict=True)
    return list(rng.choices(lines, weights=weights)[0])
