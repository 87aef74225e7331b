"""Identity numbers: the 12-digit personal identification number (CCCD), old identity cards (CMND)
and passports, with the cross-checks their structure allows.

A CCCD / số định danh cá nhân is `PPP S YY NNNNNN`: PPP the code of the province where the birth was
registered (Circular 07/2016/TT-BCA, Appendix I: the 63 pre-2025 codes, in `cccd_codes.json`) or of
the country for births registered abroad; S the sex and century (0/1 man/woman born 1900-1999, 2/3
2000-2099, 4/5 2100-2199, ...); YY the last two digits of the birth year; then six digits. There is
no check digit, so the checks are: the code exists, S agrees with the sex and the birth year, YY
agrees with the birth year. Existing numbers did not change with the 2025 merger; the province's
2025 successor is given from the admin-units package.

Older papers: the 9-digit CMND, and the 12-digit CMND of 2012-2016 (no such structure). Marriage and
birth forms may show a passport under `Giấy tờ tùy thân`: a Vietnamese passport is one letter and
seven digits (`B1234567`, `C1234567`); foreign passports vary and are accepted with less certainty.

The country codes of Appendix II are not in the table (no verified copy was at hand): a code that is
not a province is reported as unknown (a warning), with a hint that it may be a country code.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Literal

from .issues import ParseResult, ValidationIssue, error, warning
from .places import find_province, province_2025_for
from .text import fold_key

__all__ = [
    "IdentityKind",
    "IdentityNumber",
    "cccd_place_codes",
    "check_identity_number",
    "make_cccd",
    "make_cmnd",
    "make_passport_vn",
    "parse_identity_number",
]

Sex = Literal["Nam", "Nữ"]


class IdentityKind(StrEnum):
    CCCD = "cccd"  # 12-digit personal identification number
    CMND_9 = "cmnd_9"
    CMND_12 = "cmnd_12"  # 12-digit identity card of 2012-2016, no structure
    PASSPORT_VN = "passport_vn"
    PASSPORT_FOREIGN = "passport_foreign"


@dataclass(frozen=True, slots=True)
class IdentityNumber:
    """What an identity number says about its holder (fields None when the kind has no structure)."""

    number: str
    kind: IdentityKind
    place_code: str | None = None  # 3 digits, CCCD only
    place_name: str | None = None  # province (legacy set) or country
    born_abroad: bool = False
    sex: Sex | None = None
    century_start: int | None = None  # 1900, 2000, ...
    birth_year: int | None = None  # century_start + YY
    province_2025: str | None = None  # the province that took over the registering province in 2025
    province_code_2025: str | None = None


@dataclass(frozen=True)
class _Codes:
    provinces: dict[str, str]
    countries: dict[str, str]


@lru_cache(maxsize=1)
def _codes() -> _Codes:
    data = json.loads(resources.files(__package__).joinpath("cccd_codes.json").read_text(encoding="utf-8"))
    return _Codes(provinces=dict(data["provinces"]), countries=dict(data.get("countries", {})))


def cccd_place_codes() -> dict[str, str]:
    """The 63 province codes of the CCCD (`"038"` -> `"Thanh Hóa"`), plus any country codes known."""
    c = _codes()
    return {**c.provinces, **c.countries}


_SPACES = re.compile(r"\s+")
_PASSPORT_VN = re.compile(r"^[A-Z]\d{7}$")
# ICAO 9303: a document number has at most 9 characters; an all-digit one is read as a CMND.
_PASSPORT_FOREIGN = re.compile(r"^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{6,9}$")
_DIGIT_LOOKALIKES = re.compile(r"^[0-9OoIlSB]+$")


def _sex_century(digit: int) -> tuple[Sex, int]:
    return ("Nam" if digit % 2 == 0 else "Nữ"), 1900 + 100 * (digit // 2)


def parse_identity_number(text: str) -> ParseResult[IdentityNumber]:
    """Classify an identity number as printed (spaces are ignored, nothing else is changed).

    A 12-digit number with a known place code is read as a CCCD; with an unknown code it is kept as
    a CCCD-shaped number of low confidence (it may be a 12-digit CMND or a foreign-birth code).
    """
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_format_issue(None))
    number = _SPACES.sub("", text).upper()
    if number.isdigit() and len(number) == 12:
        codes = _codes()
        place = number[:3]
        sex, century = _sex_century(int(number[3]))
        year = century + int(number[4:6])
        if place in codes.provinces:
            successor = province_2025_for(place)
            return ParseResult(
                IdentityNumber(
                    number=number,
                    kind=IdentityKind.CCCD,
                    place_code=place,
                    place_name=codes.provinces[place],
                    sex=sex,
                    century_start=century,
                    birth_year=year,
                    province_2025=successor.name if successor else None,
                    province_code_2025=successor.code if successor else None,
                ),
                0.95,
            )
        if place in codes.countries:
            return ParseResult(
                IdentityNumber(
                    number=number,
                    kind=IdentityKind.CCCD,
                    place_code=place,
                    place_name=codes.countries[place],
                    born_abroad=True,
                    sex=sex,
                    century_start=century,
                    birth_year=year,
                ),
                0.9,
            )
        return ParseResult(
            IdentityNumber(number=number, kind=IdentityKind.CMND_12, place_code=place),
            0.4,
            (_unknown_place(None, place),),
        )
    if number.isdigit() and len(number) == 9:
        return ParseResult(IdentityNumber(number=number, kind=IdentityKind.CMND_9), 0.9)
    if _PASSPORT_VN.match(number):
        return ParseResult(IdentityNumber(number=number, kind=IdentityKind.PASSPORT_VN), 0.9)
    if _PASSPORT_FOREIGN.match(number):
        return ParseResult(IdentityNumber(number=number, kind=IdentityKind.PASSPORT_FOREIGN), 0.5)
    return ParseResult.failed(_format_issue(None, lookalikes=_has_lookalikes(number)))


def check_identity_number(
    value: str,
    field: str | None = None,
    *,
    sex: str | None = None,
    birth_year: int | None = None,
    personal_number: bool = False,
) -> list[ValidationIssue]:
    """Issues with an identity number, cross-checked against the holder's sex and birth year.

    `personal_number=True` for a `Số định danh cá nhân` field: it must then be a 12-digit CCCD. For
    other identity fields (`Giấy tờ tùy thân`, `CMND số`) a CMND or a passport is fine too, and a
    12-digit number that does not fit the CCCD structure may be an old 12-digit CMND (a warning).
    """
    parsed = parse_identity_number(value)
    if parsed.value is None:
        compact = _SPACES.sub("", value) if isinstance(value, str) else ""
        return [_format_issue(field, personal_number, lookalikes=_has_lookalikes(compact))]
    ident = parsed.value
    issues: list[ValidationIssue] = []
    if ident.number != value.strip():
        issues.append(
            warning(
                field,
                "id_not_normalized",
                "Số giấy tờ nên ghi liền, chữ in hoa, không có khoảng trắng (theo định dạng chuẩn).",
            )
        )
    if personal_number and (ident.kind != IdentityKind.CCCD and not _cccd_shaped(ident)):
        return [*issues, _format_issue(field, True)]
    if ident.kind == IdentityKind.CMND_12:
        issue = _unknown_place(field, ident.place_code or "")
        if personal_number:
            return [*issues, error(field, issue.code, issue.message)]
        return [*issues, issue]  # an old 12-digit CMND has no structure to check further
    if ident.kind != IdentityKind.CCCD:
        return issues
    soft = not personal_number  # outside a personal-number field a mismatch may be an old CMND
    make = warning if soft else error
    hint = " (nếu đây là CMND 12 số cũ thì bỏ qua)" if soft else ""
    digit = int(ident.number[3])
    if ident.century_start is not None and ident.century_start >= 2100:
        issues.append(
            make(
                field,
                "id_century_invalid",
                f"Chữ số thứ tư của số định danh ({digit}) chỉ người sinh từ năm {ident.century_start}, "
                f"không thể đúng{hint}.",
            )
        )
    if sex in ("Nam", "Nữ") and ident.sex != sex:
        issues.append(
            make(
                field,
                "id_sex_mismatch",
                f"Chữ số thứ tư của số định danh ({digit}) là mã giới tính {ident.sex.lower() if ident.sex else ''}, "
                f"không khớp giới tính «{sex}»{hint}.",
            )
        )
    if birth_year is not None and ident.century_start is not None and ident.century_start < 2100:
        if birth_year // 100 * 100 != ident.century_start:
            issues.append(
                make(
                    field,
                    "id_century_mismatch",
                    f"Chữ số thứ tư của số định danh ({digit}) chỉ người sinh trong các năm "
                    f"{ident.century_start}–{ident.century_start + 99}, không khớp năm sinh {birth_year}{hint}.",
                )
            )
        if birth_year % 100 != int(ident.number[4:6]):
            issues.append(
                make(
                    field,
                    "id_birth_year_mismatch",
                    f"Chữ số thứ 5–6 của số định danh ({ident.number[4:6]}) không khớp hai số cuối "
                    f"năm sinh {birth_year}{hint}.",
                )
            )
    return issues


def _cccd_shaped(ident: IdentityNumber) -> bool:
    return len(ident.number) == 12 and ident.number.isdigit()


def _has_lookalikes(number: str) -> bool:
    """Digits mixed with letters OCR takes for digits (O/0, I/l/1, S/5, B/8) in an ID-number length."""
    return len(number) in (9, 12) and not number.isdigit() and bool(_DIGIT_LOOKALIKES.match(number))


def _format_issue(
    field: str | None, personal_number: bool = False, lookalikes: bool = False
) -> ValidationIssue:
    hint = " Có chữ cái lẫn trong dãy số (có thể đọc nhầm O/0, I/1, S/5, B/8)." if lookalikes else ""
    if personal_number:
        return error(field, "id_format", f"Số định danh cá nhân phải gồm đúng 12 chữ số.{hint}")
    return error(
        field,
        "id_format",
        "Số giấy tờ tùy thân không đúng dạng: CCCD 12 chữ số, CMND 9 hoặc 12 chữ số, "
        f"hộ chiếu Việt Nam một chữ cái và 7 chữ số.{hint}",
    )


def _unknown_place(field: str | None, code: str) -> ValidationIssue:
    return warning(
        field,
        "id_unknown_place_code",
        f"Ba chữ số đầu ({code}) không phải mã tỉnh, thành phố nơi đăng ký khai sinh trong danh mục 63 "
        "tỉnh, thành phố; nếu khai sinh ở nước ngoài đây có thể là mã quốc gia, đề nghị kiểm tra lại.",
    )


# --------------------------------------------------------------------------------------------
# Generator helper
# --------------------------------------------------------------------------------------------


def make_cccd(province: str, sex: str, birth_year: int, rng: random.Random) -> str:
    """A valid CCCD for a birth registered in `province` (a code like `038`/`38` or a legacy name).

    Raises ValueError on an unknown province, a sex other than `Nam`/`Nữ`, or a year outside
    1900-2399: this is a generator helper, its inputs come from code, not from a scan.
    """
    code = _place_code(province)
    if code is None:
        raise ValueError(f"unknown province for a CCCD: {province!r}")
    if sex not in ("Nam", "Nữ"):
        raise ValueError(f"sex must be 'Nam' or 'Nữ', not {sex!r}")
    if not 1900 <= birth_year <= 2399:
        raise ValueError(f"birth year out of the CCCD range: {birth_year}")
    digit = 2 * ((birth_year - 1900) // 100) + (0 if sex == "Nam" else 1)
    return f"{code}{digit}{birth_year % 100:02d}{rng.randrange(1_000_000):06d}"


def make_cmnd(rng: random.Random) -> str:
    """A 9-digit CMND. Its digits carry no structure these checks use, so any digits do."""
    return f"{rng.randrange(10_000_000, 400_000_000):09d}"


def make_passport_vn(rng: random.Random) -> str:
    """A Vietnamese passport number: one letter and seven digits (`B1234567`, `C1234567`)."""
    return f"{rng.choice('BC')}{rng.randrange(10_000_000):07d}"


def _place_code(province: str) -> str | None:
    codes = _codes().provinces
    text = str(province).strip()
    if text.isdigit():
        code = f"{int(text):03d}"
        return code if code in codes else None
    key = fold_key(text)
    for code, name in codes.items():
        if fold_key(name) == key or key.endswith(fold_key(name)):
            return code
    found = find_province(text, "legacy")
    if found is not None and f"0{found.code}" in codes:
        return f"0{found.code}"
    return None
