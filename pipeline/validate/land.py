"""Land-use certificates: purposes and their codes, terms, areas, serials and registry numbers.

- Purposes in words map to the codes of the 2014-2018 classification (ONT, ODT, LUC, ... NTD; table
  in `land_purposes.json`, with the 2024 names as aliases). A value may list several purposes
  (`Đất ở tại nông thôn; Đất trồng cây lâu năm`), each optionally with its area.
- Terms (`Thời hạn sử dụng`) are `Lâu dài`, `Đến ngày 31/12/2064`, or one per purpose
  (`Đất ở: Lâu dài; Đất trồng cây lâu năm: Đến ngày 31/12/2064`).
- Areas: the figure (contract format `152.5`, or as printed `152,5 m²`) must equal the area in words.
- Serials: 2 letters + 6 digits on the 2014 form (`BN 531146`), 2 letters + 8 digits on the 2024 form
  (`AA 09273289`); registry numbers (`Số vào sổ cấp GCN`) as printed: `CS03027`, `CH 00120`,
  `CN.5429`, with letters, digits, dots or slashes. Both normalise to the contract format: the
  printed text without spaces, nothing else changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Literal

from rapidfuzz import fuzz, process

from .issues import ParseResult, ValidationIssue, error, warning
from .number_words import parse_area_words
from .text import clean, fold, fold_key

__all__ = [
    "CertificateSerial",
    "PurposePart",
    "TermPart",
    "check_area",
    "check_certificate_code",
    "check_certificate_serial",
    "check_land_purpose",
    "check_registry_number",
    "check_usage_term",
    "code_to_purpose",
    "land_use_codes",
    "normalize_registry_number",
    "parse_area_figures",
    "parse_certificate_serial",
    "parse_purposes",
    "parse_usage_term",
    "purpose_to_codes",
]


# --------------------------------------------------------------------------------------------
# Purposes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PurposeTable:
    names: dict[str, str]  # code -> canonical name
    residential: frozenset[str]
    by_key: dict[str, tuple[str, ...]]  # folded key of a name, alias or group -> codes


@lru_cache(maxsize=1)
def _purposes() -> _PurposeTable:
    data = json.loads(resources.files(__package__).joinpath("land_purposes.json").read_text(encoding="utf-8"))
    by_key: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    residential = set()
    for code, entry in data["purposes"].items():
        names[code] = entry["name"]
        if entry.get("residential"):
            residential.add(code)
        for name in (entry["name"], *entry["aliases"]):
            by_key[fold_key(name)] = (code,)
    for name, codes in data["groups"].items():
        by_key[fold_key(name)] = tuple(codes)
    return _PurposeTable(names, frozenset(residential), by_key)


def land_use_codes() -> dict[str, str]:
    """Code -> canonical purpose name (`"ONT"` -> `"Đất ở tại nông thôn"`)."""
    return dict(_purposes().names)


@lru_cache(maxsize=1)
def purpose_wordings() -> tuple[str, ...]:
    """Every wording of a purpose the table knows: names, their aliases and the group names."""
    data = json.loads(resources.files(__package__).joinpath("land_purposes.json").read_text(encoding="utf-8"))
    out = [n for e in data["purposes"].values() for n in (e["name"], *e["aliases"])]
    return tuple(dict.fromkeys(out + list(data["groups"])))


def code_to_purpose(code: str) -> str | None:
    return _purposes().names.get(str(code).strip().upper())


@dataclass(frozen=True, slots=True)
class PurposePart:
    """One purpose of a (possibly compound) purpose value.

    `codes` has one code when the name maps to one, several for a group name (`Đất ở` = ONT or
    ODT), none when the name is not recognised. `area` is the area printed with it, if any.
    """

    text: str
    codes: tuple[str, ...]
    area: Decimal | None = None
    confidence: float = 1.0


_PART_SPLIT = re.compile(r";|\n|\s+và\s+(?=đất\b)", re.IGNORECASE)
_PART_AREA = re.compile(r"[:\-–]?\s*(\d+(?:[.,]\d+)*)\s*(?:m2|m²|m)?\s*\.?\s*$", re.IGNORECASE)
_PART_CODE = re.compile(r"\(\s*([A-Z]{3})\s*\)")


def purpose_to_codes(text: str) -> ParseResult[tuple[str, ...]]:
    """The code(s) one purpose name stands for; approximate names are matched with less confidence."""
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_purpose_unknown(None))
    table = _purposes()
    code_in_text = _PART_CODE.search(text)
    if code_in_text and code_in_text.group(1) in table.names:
        return ParseResult((code_in_text.group(1),), 1.0)
    key = fold_key(_PART_CODE.sub("", text))
    if not key.startswith("dat"):
        key = "dat" + key
    if key in table.by_key:
        return ParseResult(table.by_key[key], 1.0)
    best = process.extractOne(key, list(table.by_key), scorer=fuzz.ratio, score_cutoff=88)
    if best is not None:
        return ParseResult(table.by_key[best[0]], round(0.5 + 0.4 * (best[1] - 88) / 12, 3))
    return ParseResult.failed(_purpose_unknown(None))


def parse_purposes(text: str) -> ParseResult[tuple[PurposePart, ...]]:
    """Split a purpose value into its parts (`;`, new lines, `và đất …`) and map each to codes."""
    if not isinstance(text, str) or not clean(text):
        return ParseResult.failed(_purpose_unknown(None))
    parts: list[PurposePart] = []
    issues: list[ValidationIssue] = []
    for raw in _PART_SPLIT.split(clean(text)):
        piece = raw.strip(" .,:")
        if not piece:
            continue
        area = None
        m = _PART_AREA.search(piece)
        if m and re.search(r"[^\d\s.,:m²\-–]", piece[: m.start()]):
            area = parse_area_figures(m.group(1)).value
            piece = piece[: m.start()].strip(" .,:")
        codes = purpose_to_codes(piece)
        if codes.value is None:
            issues.append(_purpose_unknown(None, piece))
        parts.append(PurposePart(piece, codes.value or (), area, codes.confidence))
    if not parts:
        return ParseResult.failed(_purpose_unknown(None))
    confidence = min(p.confidence for p in parts)
    return ParseResult(tuple(parts), confidence, tuple(issues))


def _purpose_unknown(field: str | None, piece: str | None = None) -> ValidationIssue:
    what = f"«{piece}» " if piece else ""
    return warning(
        field,
        "land_purpose_unknown",
        f"Mục đích sử dụng đất {what}không khớp tên loại đất nào trong bảng phân loại; đề nghị kiểm tra lại.",
    )


def check_land_purpose(
    purpose: str,
    field: str | None = "land_use_purpose",
    *,
    land_use_code: str | None = None,
    area_m2: str | None = None,
) -> list[ValidationIssue]:
    """Purpose names recognised; the code (if given) one of theirs; per-purpose areas add up."""
    parsed = parse_purposes(purpose)
    issues = [i.for_field(field) for i in parsed.issues]
    if parsed.value is None:
        return issues or [_purpose_unknown(field)]
    parts = parsed.value
    if land_use_code is not None:
        code = land_use_code.strip()
        if code not in _purposes().names:
            issues.append(
                error(
                    "land_use_code",
                    "land_code_unknown",
                    f"Mã loại đất «{code}» không có trong bảng mã (ONT, ODT, LUC, … NTD).",
                )
            )
        else:
            known = {c for p in parts for c in p.codes}
            if known and code not in known:
                issues.append(
                    error(
                        "land_use_code",
                        "land_code_mismatch",
                        f"Mã loại đất {code} ({code_to_purpose(code)}) không khớp mục đích sử dụng ghi trên giấy.",
                    )
                )
    areas = [p.area for p in parts if p.area is not None]
    if area_m2 is not None and len(parts) > 1 and len(areas) == len(parts):
        total = parse_area_figures(area_m2, contract_format=True).value
        if total is not None and sum(areas, Decimal(0)) != total:
            issues.append(
                warning(
                    field,
                    "land_purpose_area_sum_mismatch",
                    f"Tổng diện tích theo từng mục đích ({_fmt(sum(areas, Decimal(0)))} m²) khác diện tích thửa "
                    f"đất ({_fmt(total)} m²).",
                )
            )
    return issues


# --------------------------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermPart:
    """One term of a (possibly compound) term value: permanent, until a date or year, or N years."""

    text: str
    purpose: PurposePart | None = None
    permanent: bool = False
    until: date | None = None
    until_year: int | None = None
    years: int | None = None


_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_UNTIL_YEAR = re.compile(r"\bden\s+(?:nam\s+)?(\d{4})\b")
_YEARS = re.compile(r"\b(\d{1,3})\s*nam\b")


def parse_usage_term(text: str) -> ParseResult[tuple[TermPart, ...]]:
    """Parse `Lâu dài`, `Đến ngày 31/12/2064`, `50 năm`, or `purpose: term; purpose: term`."""
    if not isinstance(text, str) or not clean(text):
        return ParseResult.failed(_term_unreadable(None))
    parts: list[TermPart] = []
    issues: list[ValidationIssue] = []
    for raw in re.split(r";|\n", clean(text)):
        piece = raw.strip(" .,")
        if not piece:
            continue
        purpose = None
        term_text = piece
        head, sep, tail = piece.partition(":")
        if sep and fold(head).strip().startswith("dat"):
            codes = purpose_to_codes(head.strip())
            purpose = PurposePart(head.strip(), codes.value or (), None, codes.confidence)
            term_text = tail.strip()
        folded = fold(term_text)
        if "lau dai" in folded:
            parts.append(TermPart(piece, purpose, permanent=True))
            continue
        m = _DATE.search(term_text)
        if m:
            try:
                until = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                issues.append(
                    error(
                        None,
                        "land_term_date_invalid",
                        f"Ngày hết hạn sử dụng đất «{m.group(0)}» không có trên lịch.",
                    )
                )
                parts.append(TermPart(piece, purpose))
                continue
            parts.append(TermPart(piece, purpose, until=until))
            continue
        m = _UNTIL_YEAR.search(folded)
        if m:
            parts.append(TermPart(piece, purpose, until_year=int(m.group(1))))
            continue
        m = _YEARS.search(folded)
        if m:
            parts.append(TermPart(piece, purpose, years=int(m.group(1))))
            continue
        issues.append(_term_unreadable(None, piece))
    if not parts:
        return ParseResult.failed(*(issues or [_term_unreadable(None)]))
    unreadable = any(i.code == "land_term_unreadable" for i in issues)
    return ParseResult(tuple(parts), 0.6 if unreadable else 1.0, tuple(issues))


def _term_unreadable(field: str | None, piece: str | None = None) -> ValidationIssue:
    what = f"«{piece}» " if piece else ""
    return error(
        field,
        "land_term_unreadable",
        f"Thời hạn sử dụng {what}không đọc được (cần «Lâu dài», «Đến ngày dd/mm/yyyy» hoặc số năm).",
    )


def check_usage_term(
    term: str,
    field: str | None = "usage_term",
    *,
    purpose: str | None = None,
    issue_date: date | None = None,
) -> list[ValidationIssue]:
    """A readable term; residential land held long-term; the purposes named match the purpose field;
    a term that does not end before the certificate was issued."""
    parsed = parse_usage_term(term)
    issues = [i.for_field(field) for i in parsed.issues]
    if parsed.value is None:
        return issues
    table = _purposes()
    parts = parsed.value
    purpose_codes: set[str] = set()
    if purpose:
        purposes = parse_purposes(purpose).value or ()
        purpose_codes = {c for p in purposes for c in p.codes}
        if len(purposes) == 1 and len(parts) == 1 and parts[0].purpose is None:
            parts = (TermPart(**{**_asdict(parts[0]), "purpose": purposes[0]}),)
    for part in parts:
        codes = set(part.purpose.codes) if part.purpose else set()
        if codes and codes <= table.residential and not part.permanent:
            issues.append(
                warning(
                    field,
                    "land_term_residential_not_permanent",
                    "Đất ở thường có thời hạn sử dụng «Lâu dài»; thời hạn ghi trên giấy khác, đề nghị kiểm tra lại.",
                )
            )
        if part.purpose and codes and purpose_codes and not codes & purpose_codes:
            issues.append(
                warning(
                    field,
                    "land_term_purpose_mismatch",
                    f"Thời hạn ghi cho «{part.purpose.text}» nhưng mục đích sử dụng không có loại đất này.",
                )
            )
        if issue_date is not None and part.until is not None and part.until <= issue_date:
            issues.append(
                warning(
                    field,
                    "land_term_before_issue",
                    f"Thời hạn sử dụng đến {part.until:%d/%m/%Y}, không sau ngày cấp giấy chứng nhận.",
                )
            )
    return issues


def _asdict(part: TermPart) -> dict[str, object]:
    return {name: getattr(part, name) for name in TermPart.__slots__}


# --------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------

_CONTRACT_AREA = re.compile(r"^\d+(\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"\s*(m2|m²|m)\s*\.?$", re.IGNORECASE)


def parse_area_figures(text: str, *, contract_format: bool = False) -> ParseResult[Decimal]:
    """An area in figures: the contract format (`152.5`) or as printed (`152,5 m²`, `1.234,5 m2`).

    Printed figures use `,` for decimals and `.` for thousands; a lone `.` before one or two digits
    is read as a decimal point (an OCR slip of the comma) with less confidence.
    """
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_area_format(None))
    raw = text.strip()
    if contract_format:
        if _CONTRACT_AREA.match(raw):
            return ParseResult(Decimal(raw), 1.0)
        return ParseResult.failed(_area_format(None, contract_format=True))
    raw = _UNIT_SUFFIX.sub("", raw).replace(" ", "")
    confidence = 1.0
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", raw):
        number = raw.replace(".", "").replace(",", ".")
        if re.fullmatch(r"\d{1,3}\.\d{3}", raw):
            confidence = 0.8  # "1.234" may be 1234 or a misread 1,234
    elif re.fullmatch(r"\d+\.\d{1,2}", raw):
        number, confidence = raw, 0.7
    else:
        return ParseResult.failed(_area_format(None))
    try:
        return ParseResult(Decimal(number), confidence)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        return ParseResult.failed(_area_format(None))


def _area_format(field: str | None, contract_format: bool = False) -> ValidationIssue:
    if contract_format:
        return error(
            field,
            "area_format",
            "Diện tích phải là số thập phân dùng dấu chấm, không kèm đơn vị (ví dụ 152.5).",
        )
    return error(field, "area_format", "Diện tích bằng số không đọc được (ví dụ đúng: 152,5 m²).")


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def check_area(
    area_m2: str | None, area_in_words: str | None, field: str = "area_m2"
) -> list[ValidationIssue]:
    """The area in figures (contract format) is a positive number and equals the area in words."""
    issues: list[ValidationIssue] = []
    figures = None
    if area_m2 is not None:
        parsed = parse_area_figures(area_m2, contract_format=True)
        figures = parsed.value
        if figures is None:
            issues.append(_area_format(field, contract_format=True))
        elif figures <= 0:
            issues.append(error(field, "area_not_positive", "Diện tích phải lớn hơn 0."))
    if area_in_words is not None:
        words = parse_area_words(area_in_words)
        if words.value is None:
            issues.append(
                error(
                    "area_in_words",
                    "area_words_unreadable",
                    "Diện tích ghi bằng chữ không đọc được thành một số; đề nghị kiểm tra lại.",
                )
            )
        elif figures is not None and words.value != figures:
            issues.append(
                error(
                    "area_in_words",
                    "area_words_mismatch",
                    f"Diện tích ghi bằng chữ ({_fmt(words.value)} m²) khác diện tích ghi bằng số ({_fmt(figures)} m²).",
                )
            )
    return issues


# --------------------------------------------------------------------------------------------
# Serials, registry numbers, certificate codes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CertificateSerial:
    """A certificate serial in the contract format (`BN531146`) and the form it belongs to."""

    value: str
    form: Literal["2014", "2024"]


_SERIAL = re.compile(r"^([A-ZĐ]{2})(\d{6}|\d{8})$")


def parse_certificate_serial(text: str) -> ParseResult[CertificateSerial]:
    """`BN 531146` (2014 form, 2 letters + 6 digits) or `AA 09273289` (2024 form, + 8 digits)."""
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_serial_format(None))
    value = re.sub(r"\s+", "", clean(text))
    m = _SERIAL.match(value)
    if not m:
        return ParseResult.failed(_serial_format(None))
    return ParseResult(CertificateSerial(value, "2014" if len(m.group(2)) == 6 else "2024"), 1.0)


def _serial_format(field: str | None) -> ValidationIssue:
    return error(
        field,
        "land_serial_format",
        "Số phát hành (số seri) giấy chứng nhận phải gồm 2 chữ cái in hoa và 6 chữ số (mẫu 2014, ví dụ BN 531146) "
        "hoặc 8 chữ số (mẫu 2024, ví dụ AA 09273289).",
    )


def check_certificate_serial(
    value: str, field: str = "certificate_serial", *, certificate_code: str | None = None
) -> list[ValidationIssue]:
    """The serial's format, and that a 2024 certificate code goes with a 2024 (8-digit) serial."""
    parsed = parse_certificate_serial(value)
    if parsed.value is None:
        return [_serial_format(field)]
    issues: list[ValidationIssue] = []
    if parsed.value.value != value:
        issues.append(
            warning(
                field,
                "land_serial_not_normalized",
                f"Số seri nên ghi liền, không có khoảng trắng: {parsed.value.value}.",
            )
        )
    if certificate_code and parsed.value.form == "2014":
        issues.append(
            warning(
                field,
                "land_serial_form_mismatch",
                "Giấy có mã giấy chứng nhận (mẫu 2024) nhưng số seri theo dạng mẫu 2014 (6 chữ số); đề nghị kiểm tra lại.",
            )
        )
    return issues


_REGISTRY_ALLOWED = re.compile(r"^[0-9A-Za-zĐđ./\-]+$")
_REGISTRY_USUAL = re.compile(r"^[A-ZĐ]{1,4}[./\-]?\d{3,}([./\-][0-9A-Za-zĐđ.\-]+)*$")


def normalize_registry_number(text: str) -> ParseResult[str]:
    """`Số vào sổ cấp GCN` as printed without spaces: `CH 00120` -> `CH00120`, `CN.5429` stays.

    The usual styles (letters then digits, with an optional dot, dash or slash) get full confidence;
    other texts made of letters, digits, dots, slashes and dashes are kept with less.
    """
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_registry_format(None))
    value = re.sub(r"\s+", "", clean(text))
    if not _REGISTRY_ALLOWED.match(value) or not re.search(r"\d", value) or len(value) > 40:
        return ParseResult.failed(_registry_format(None))
    return ParseResult(value, 1.0 if _REGISTRY_USUAL.match(value) else 0.7)


def _registry_format(field: str | None) -> ValidationIssue:
    return error(
        field,
        "land_registry_number_format",
        "Số vào sổ cấp giấy chứng nhận chỉ gồm chữ, số, dấu chấm, gạch chéo hoặc gạch ngang (ví dụ CS03027, CN.5429).",
    )


def check_registry_number(value: str, field: str = "registry_number") -> list[ValidationIssue]:
    parsed = normalize_registry_number(value)
    if parsed.value is None:
        return [_registry_format(field)]
    if parsed.value != value:
        return [
            warning(
                field,
                "land_registry_number_not_normalized",
                f"Số vào sổ nên ghi liền, không có khoảng trắng: {parsed.value}.",
            )
        ]
    return []


def check_certificate_code(value: str, field: str = "certificate_code") -> list[ValidationIssue]:
    """The 2024 form's certificate code is reported to have 12 characters (not verified: a warning)."""
    compact = re.sub(r"\s+", "", value or "")
    if re.fullmatch(r"[0-9A-Za-z]{12}", compact):
        return []
    return [
        warning(
            field,
            "land_certificate_code_format",
            "Mã giấy chứng nhận (mẫu 2024) thường gồm 12 ký tự chữ và số; đề nghị kiểm tra lại.",
        )
    ]
