"""Checks over a whole document: each field's format, then the rules that tie fields together.

`check_document(doc_type, fields)` is the one entry point the extraction stage calls. `fields` maps
the contract's canonical field names (CONTRACT.md) to values in the contract's formats (dates
`YYYY-MM-DD`, years `YYYY`, times `HH:MM`, areas `152.5`, identity numbers without spaces, ...).
Fields that are missing are simply not checked; unknown field names are ignored.

The cross-field rules: dates are real calendar dates; birth <= registration; a parent is older than
the child by a plausible margin; the date in words equals the date in figures; death after birth;
identity numbers agree with sex and birth year (and the birth registration's province); spouses
had reached the legal marriage age; land areas in figures and words agree, purposes match their
code and terms. Every rule returns `ValidationIssue`s; nothing here raises on bad data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from .identity import check_identity_number, parse_identity_number
from .issues import ValidationIssue, error, warning
from .land import (
    check_area,
    check_certificate_code,
    check_certificate_serial,
    check_land_purpose,
    check_registry_number,
    check_usage_term,
    code_to_purpose,
)
from .normalize import NAME_FIELDS, PLACE_FIELDS
from .number_words import parse_date_words
from .places import check_place, normalize_place, province_2025_for
from .text import nfc

__all__ = [
    "DOCUMENT_CHECKS",
    "MARRIAGE_AGE",
    "PARENT_AGE",
    "check_birth_certificate",
    "check_death_certificate",
    "check_document",
    "check_land_use_certificate",
    "check_marriage_certificate",
]

# A parent younger than this at the child's birth is possible but worth a second look; older than
# the maximum too. (Birth years only: the margins are in whole years.)
PARENT_AGE = {"min": 13, "max_mother": 60, "max_father": 80}
# Marriage and Family Law 2014, art. 8 (and the laws before it): men from 20, women from 18.
MARRIAGE_AGE = {"husband": 20, "wife": 18}
OLDEST_PLAUSIBLE_YEAR = 1880
OLDEST_PLAUSIBLE_AGE = 125

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")

_DATE_FIELDS = (
    "date_of_birth",
    "registration_date",
    "date_of_death",
    "issue_date",
    "husband_date_of_birth",
    "wife_date_of_birth",
)
_YEAR_FIELDS = ("mother_birth_year", "father_birth_year", "holder_birth_year", "co_holder_birth_year")
_FIELD_LABELS = {
    "date_of_birth": "ngày sinh",
    "registration_date": "ngày đăng ký",
    "date_of_death": "ngày chết",
    "issue_date": "ngày cấp",
    "husband_date_of_birth": "ngày sinh của chồng",
    "wife_date_of_birth": "ngày sinh của vợ",
    "mother_birth_year": "năm sinh của mẹ",
    "father_birth_year": "năm sinh của cha",
    "holder_birth_year": "năm sinh của người sử dụng đất",
    "co_holder_birth_year": "năm sinh của người cùng sử dụng đất",
}


@dataclass
class _Doc:
    """The fields of one document with their parsed dates and years, and the issues found so far."""

    fields: dict[str, str]
    today: date | None
    issues: list[ValidationIssue]
    dates: dict[str, date]
    years: dict[str, int]

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    def add(self, items: list[ValidationIssue] | ValidationIssue) -> None:
        for item in items if isinstance(items, list) else [items]:
            if item not in self.issues:
                self.issues.append(item)

    def year_of(self, date_field: str, year_field: str | None = None) -> int | None:
        if date_field in self.dates:
            return self.dates[date_field].year
        return self.years.get(year_field) if year_field else None


def _label(name: str) -> str:
    return _FIELD_LABELS.get(name, name)


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


# --------------------------------------------------------------------------------------------
# Field formats
# --------------------------------------------------------------------------------------------


def _prepare(fields: Mapping[str, object], today: date | None) -> _Doc:
    """Take the values as stripped NFC strings, check their formats, parse the dates and years."""
    doc = _Doc({}, today, [], {}, {})
    for name, raw in fields.items():
        value = raw.get("value") if isinstance(raw, Mapping) else raw  # tolerate result.json field objects
        if value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        if not text.strip():
            doc.add(warning(name, "field_empty", "Trường này để trống; nếu không tìm thấy thì bỏ trường đi."))
            continue
        doc.fields[name] = nfc(text.strip())
    for name in _DATE_FIELDS:
        if (text := doc.get(name)) is not None:
            _check_date(doc, name, text)
    for name in _YEAR_FIELDS:
        if (text := doc.get(name)) is not None:
            _check_year(doc, name, text)
    for name in NAME_FIELDS:
        if (text := doc.get(name)) is not None and re.search(r"[\d@#$%^&*_=+<>{}\[\]|\\/]", text):
            doc.add(
                warning(
                    name, "name_invalid_characters", "Họ tên có chữ số hoặc ký hiệu lạ; đề nghị kiểm tra lại."
                )
            )
    if (sex := doc.get("sex")) is not None and sex not in ("Nam", "Nữ"):
        doc.add(error("sex", "sex_invalid", "Giới tính phải là «Nam» hoặc «Nữ»."))
    if (time := doc.get("time_of_death")) is not None:
        ok = _TIME.match(time) and int(time[:2]) < 24 and int(time[3:]) < 60
        if not ok:
            doc.add(
                error("time_of_death", "time_format", "Giờ chết phải có dạng giờ:phút (HH:MM), ví dụ 08:30.")
            )
    for name in PLACE_FIELDS:
        if (text := doc.get(name)) is not None:
            doc.add(check_place(text, name))
    return doc


def _check_date(doc: _Doc, name: str, text: str) -> None:
    if not _DATE.match(text):
        doc.add(error(name, "date_format", f"Ô {_label(name)} phải có dạng năm-tháng-ngày (YYYY-MM-DD)."))
        return
    try:
        value = date.fromisoformat(text)
    except ValueError:
        doc.add(error(name, "date_not_calendar", f"Ô {_label(name)} ({text}) không phải ngày có trên lịch."))
        return
    if value.year < OLDEST_PLAUSIBLE_YEAR:
        doc.add(
            warning(
                name,
                "date_implausible",
                f"Ô {_label(name)} có năm {value.year}, quá xa; đề nghị kiểm tra lại.",
            )
        )
    if doc.today is not None and value > doc.today:
        doc.add(error(name, "date_in_future", f"Ô {_label(name)} ({_vn(value)}) ở sau ngày hôm nay."))
    doc.dates[name] = value


def _check_year(doc: _Doc, name: str, text: str) -> None:
    if not _YEAR.match(text):
        doc.add(error(name, "year_format", f"Ô {_label(name)} phải là năm gồm 4 chữ số (YYYY)."))
        return
    year = int(text)
    if year < OLDEST_PLAUSIBLE_YEAR:
        doc.add(
            warning(name, "date_implausible", f"Ô {_label(name)} là {year}, quá xa; đề nghị kiểm tra lại.")
        )
    if doc.today is not None and year > doc.today.year:
        doc.add(error(name, "date_in_future", f"Ô {_label(name)} ({year}) ở sau năm hiện tại."))
    doc.years[name] = year


# --------------------------------------------------------------------------------------------
# Cross-field rules
# --------------------------------------------------------------------------------------------


def _not_after(doc: _Doc, earlier: str, later: str, code: str, message: str) -> None:
    """`earlier` must not be after `later` (both date fields, when both parsed)."""
    a, b = doc.dates.get(earlier), doc.dates.get(later)
    if a is not None and b is not None and a > b:
        doc.add(error(earlier, code, message.format(a=_vn(a), b=_vn(b))))


def _words_match(doc: _Doc, words_field: str, date_field: str) -> None:
    words = doc.get(words_field)
    if words is None:
        return
    parsed = parse_date_words(words)
    if parsed.value is None:
        reason = parsed.issues[0].message if parsed.issues else ""
        doc.add(
            error(words_field, "date_words_unreadable", f"Không đọc được ngày ghi bằng chữ. {reason}".strip())
        )
        return
    figures = doc.dates.get(date_field)
    if figures is not None and parsed.value != figures:
        doc.add(
            error(
                words_field,
                "date_words_mismatch",
                f"Ngày ghi bằng chữ ({_vn(parsed.value)}) khác {_label(date_field)} ghi bằng số ({_vn(figures)}).",
            )
        )


def _identity(
    doc: _Doc, id_field: str, *, sex: str | None, birth_year: int | None, personal_number: bool
) -> None:
    value = doc.get(id_field)
    if value is None:
        return
    doc.add(
        check_identity_number(
            value,
            id_field,
            sex=sex if sex in ("Nam", "Nữ") else None,
            birth_year=birth_year,
            personal_number=personal_number,
        )
    )


def _id_matches_registration_place(doc: _Doc, id_field: str, place_field: str) -> None:
    """The CCCD's first three digits are the province where the birth was registered."""
    value, place_text = doc.get(id_field), doc.get(place_field)
    if value is None or place_text is None:
        return
    ident = parse_identity_number(value).value
    place = normalize_place(place_text).value
    if ident is None or place is None or ident.place_code is None or ident.born_abroad:
        return
    code = ident.place_code[1:]
    if place.province_code is not None:
        same = place.province_code == code
    else:
        successor = province_2025_for(code)
        same = successor is None or successor.code == place.province_code_2025
    if not same:
        doc.add(
            warning(
                id_field,
                "id_place_mismatch",
                f"Ba chữ số đầu của số định danh ({ident.place_code}, {ident.place_name}) không khớp tỉnh nơi "
                "đăng ký khai sinh; đề nghị kiểm tra lại.",
            )
        )


def _parent_age(doc: _Doc, parent_year_field: str, child_year: int | None, maximum: int, who: str) -> None:
    parent_year = doc.years.get(parent_year_field)
    if parent_year is None or child_year is None:
        return
    gap = child_year - parent_year
    if gap <= 0:
        doc.add(
            error(
                parent_year_field,
                "parent_not_older",
                f"Năm sinh của {who} ({parent_year}) không trước năm sinh của con ({child_year}).",
            )
        )
    elif gap < PARENT_AGE["min"]:
        doc.add(
            warning(
                parent_year_field,
                "parent_too_young",
                f"{who.capitalize()} chỉ hơn con {gap} tuổi (năm sinh {parent_year}); đề nghị kiểm tra lại.",
            )
        )
    elif gap > maximum:
        doc.add(
            warning(
                parent_year_field,
                "parent_too_old",
                f"{who.capitalize()} hơn con {gap} tuổi (năm sinh {parent_year}); đề nghị kiểm tra lại.",
            )
        )


def _age_at(born: date | None, on: date | None) -> int | None:
    if born is None or on is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --------------------------------------------------------------------------------------------
# Document types
# --------------------------------------------------------------------------------------------


def check_birth_certificate(
    fields: Mapping[str, object], *, today: date | None = None
) -> list[ValidationIssue]:
    doc = _prepare(fields, today)
    _words_match(doc, "date_of_birth_in_words", "date_of_birth")
    _not_after(
        doc,
        "date_of_birth",
        "registration_date",
        "birth_after_registration",
        "Ngày sinh ({a}) ở sau ngày đăng ký khai sinh ({b}).",
    )
    child_year = doc.year_of("date_of_birth")
    _identity(doc, "personal_id", sex=doc.get("sex"), birth_year=child_year, personal_number=True)
    _id_matches_registration_place(doc, "personal_id", "registration_place")
    _parent_age(doc, "mother_birth_year", child_year, PARENT_AGE["max_mother"], "mẹ")
    _parent_age(doc, "father_birth_year", child_year, PARENT_AGE["max_father"], "cha")
    if (paper := doc.get("declarant_id_paper")) is not None:
        doc.add(check_identity_number(paper, "declarant_id_paper"))
    return doc.issues


def check_marriage_certificate(
    fields: Mapping[str, object], *, today: date | None = None
) -> list[ValidationIssue]:
    doc = _prepare(fields, today)
    registered = doc.dates.get("registration_date")
    for who, sex, label in (("husband", "Nam", "chồng"), ("wife", "Nữ", "vợ")):
        dob_field = f"{who}_date_of_birth"
        _not_after(
            doc,
            dob_field,
            "registration_date",
            "birth_after_registration",
            f"Ngày sinh của {label} ({{a}}) ở sau ngày đăng ký kết hôn ({{b}}).",
        )
        _identity(
            doc,
            f"{who}_personal_id",
            sex=sex,
            birth_year=doc.year_of(dob_field),
            personal_number=False,
        )
        age = _age_at(doc.dates.get(dob_field), registered)
        if age is not None and 0 <= age < MARRIAGE_AGE[who]:
            doc.add(
                warning(
                    dob_field,
                    "spouse_under_marriage_age",
                    f"Theo ngày sinh, {label} mới {age} tuổi khi đăng ký kết hôn (tuổi kết hôn tối thiểu "
                    f"{MARRIAGE_AGE[who]}); đề nghị kiểm tra lại.",
                )
            )
    return doc.issues


def check_death_certificate(
    fields: Mapping[str, object], *, today: date | None = None
) -> list[ValidationIssue]:
    doc = _prepare(fields, today)
    _words_match(doc, "date_of_death_in_words", "date_of_death")
    _not_after(
        doc, "date_of_birth", "date_of_death", "death_before_birth", "Ngày sinh ({a}) ở sau ngày chết ({b})."
    )
    _not_after(
        doc,
        "date_of_death",
        "registration_date",
        "death_after_registration",
        "Ngày chết ({a}) ở sau ngày đăng ký khai tử ({b}).",
    )
    age = _age_at(doc.dates.get("date_of_birth"), doc.dates.get("date_of_death"))
    if age is not None and age > OLDEST_PLAUSIBLE_AGE:
        doc.add(
            warning(
                "date_of_birth", "age_implausible", f"Tuổi khi mất tính ra {age} tuổi; đề nghị kiểm tra lại."
            )
        )
    _identity(
        doc,
        "personal_id",
        sex=doc.get("sex"),
        birth_year=doc.year_of("date_of_birth"),
        personal_number=False,  # the death extract's identity line may carry an old CMND
    )
    return doc.issues


def check_land_use_certificate(
    fields: Mapping[str, object], *, today: date | None = None
) -> list[ValidationIssue]:
    doc = _prepare(fields, today)
    issued = doc.dates.get("issue_date")
    for who in ("holder", "co_holder"):
        year = doc.years.get(f"{who}_birth_year")
        _identity(doc, f"{who}_id_number", sex=None, birth_year=year, personal_number=False)
        if year is not None and issued is not None and year > issued.year:
            doc.add(
                error(
                    f"{who}_birth_year",
                    "holder_born_after_issue",
                    f"Năm sinh ({year}) ở sau năm cấp giấy chứng nhận ({issued.year}).",
                )
            )
    if doc.get("area_m2") is not None or doc.get("area_in_words") is not None:
        doc.add(check_area(doc.get("area_m2"), doc.get("area_in_words")))
    if (purpose := doc.get("land_use_purpose")) is not None:
        doc.add(
            check_land_purpose(purpose, land_use_code=doc.get("land_use_code"), area_m2=doc.get("area_m2"))
        )
    elif (code := doc.get("land_use_code")) is not None and code_to_purpose(code) is None:
        doc.add(error("land_use_code", "land_code_unknown", f"Mã loại đất «{code}» không có trong bảng mã."))
    if (term := doc.get("usage_term")) is not None:
        doc.add(check_usage_term(term, purpose=doc.get("land_use_purpose"), issue_date=issued))
    if (serial := doc.get("certificate_serial")) is not None:
        doc.add(check_certificate_serial(serial, certificate_code=doc.get("certificate_code")))
    if (code := doc.get("certificate_code")) is not None:
        doc.add(check_certificate_code(code))
    if (registry := doc.get("registry_number")) is not None:
        doc.add(check_registry_number(registry))
    return doc.issues


DOCUMENT_CHECKS: dict[str, Callable[..., list[ValidationIssue]]] = {
    "birth_certificate": check_birth_certificate,
    "marriage_certificate": check_marriage_certificate,
    "death_certificate": check_death_certificate,
    "land_use_certificate": check_land_use_certificate,
}


def check_document(
    doc_type: str, fields: Mapping[str, object], *, today: date | None = None
) -> list[ValidationIssue]:
    """All issues of one document. `today` (Vietnam time) enables the "not in the future" checks.

    An `unknown` (or unsupported) document type has no rules: the result is empty.
    """
    check = DOCUMENT_CHECKS.get(doc_type)
    if check is None or not isinstance(fields, Mapping):
        return []
    try:
        return check(fields, today=today)
    except Exception as exc:  # noqa: BLE001 - a rule bug must not stop a batch; say so instead
        return [
            warning(
                None,
                "validation_failed",
                f"Không kiểm tra được hết các quy tắc của văn bản (lỗi nội bộ {type(exc).__name__}); "
                "đề nghị kiểm tra thủ công.",
            )
        ]
