"""The four document types and their canonical fields, each with its value format (CONTRACT.md).

One model per type, one annotated kind per value format. A field's kind both normalises the value
(NFC, single spaces, `152,5` → `152.5`, `15/03/2005` → `2005-03-15`) and rejects what is not in the
format, with a message that names the expected form.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, TypeAdapter, WithJsonSchema

from .common import normalize_text


class DocType(StrEnum):
    birth_certificate = "birth_certificate"
    marriage_certificate = "marriage_certificate"
    death_certificate = "death_certificate"
    land_use_certificate = "land_use_certificate"
    unknown = "unknown"


DOC_TYPES: tuple[str, ...] = tuple(t.value for t in DocType)


# --- value kinds -------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _date(value: str) -> str:
    v = normalize_text(value)
    m = _YMD.match(v)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = _DMY.match(v)
        if not m:
            raise ValueError(f"date must be YYYY-MM-DD (or DD/MM/YYYY), got {v!r}")
        d, mo, y = (int(x) for x in m.groups())
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError as exc:
        raise ValueError(f"not a real calendar date: {v!r} ({exc})") from None


def _year(value: str) -> str:
    v = normalize_text(value)
    if not re.fullmatch(r"\d{4}", v):
        raise ValueError(f"year must be four digits YYYY, got {v!r}")
    return v


def _time(value: str) -> str:
    v = normalize_text(value).replace("h", ":").replace("giờ", ":")
    m = re.fullmatch(r"(\d{1,2})\s*:\s*(\d{1,2})", v)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"time must be HH:MM (00:00-23:59), got {value!r}")
    return f"{int(m.group(1)):02d}:{int(m.group(2)):02d}"


def _identifier(value: str) -> str:
    v = re.sub(r"\s+", "", normalize_text(value)).upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9./\-]*", v):
        raise ValueError(f"identifier must be letters, digits, '.', '/' or '-' without spaces, got {value!r}")
    return v


def _identity_number(value: str) -> str:
    v = re.sub(r"\s+", "", normalize_text(value)).upper()
    if not re.fullmatch(r"\d{9}|\d{12}|[A-Z]{1,2}\d{6,8}", v):
        raise ValueError(
            f"identity number must be a 12-digit CCCD, a 9-digit CMND or a passport number, got {value!r}"
        )
    return v


def _area(value: str) -> str:
    v = normalize_text(value).replace(" ", "")
    v = re.sub(r"(m2|m²)$", "", v)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", v):  # 1.234,5 → thousands dots, decimal comma
        v = v.replace(".", "")
    v = v.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", v):
        raise ValueError(f"area must be a decimal number with '.' and no unit, e.g. 152.5, got {value!r}")
    return v


def _sex(value: str) -> str:
    v = normalize_text(value).lower()
    if v == "nam":
        return "Nam"
    if v == "nữ":
        return "Nữ"
    raise ValueError(f"sex must be 'Nam' or 'Nữ', got {value!r}")


def _text(value: str) -> str:
    v = normalize_text(value)
    if not v:
        raise ValueError("text must not be empty: leave a field out when it was not found")
    return v


#: Name of each value kind, by its validator (see `field_kind`).
_KIND_OF: dict[Any, str] = {}


def _kind(fn, pattern: str | None, description: str) -> Any:
    _KIND_OF[fn] = fn.__name__.strip("_")
    schema: dict[str, Any] = {"type": "string", "description": description}
    if pattern:
        schema["pattern"] = pattern
    return Annotated[str, AfterValidator(fn), WithJsonSchema(schema)]


Date = _kind(_date, r"^\d{4}-\d{2}-\d{2}$", "date YYYY-MM-DD")
Year = _kind(_year, r"^\d{4}$", "year YYYY")
Time = _kind(_time, r"^\d{2}:\d{2}$", "time HH:MM")
Identifier = _kind(_identifier, r"^[A-Z0-9][A-Z0-9./\-]*$", "serial or registry number as printed, no spaces")
IdentityNumber = _kind(
    _identity_number, r"^(\d{9}|\d{12}|[A-Z]{1,2}\d{6,8})$", "CCCD, CMND or passport number"
)
Area = _kind(_area, r"^\d+(\.\d+)?$", "area in m², decimal with '.', no unit")
Sex = _kind(_sex, r"^(Nam|Nữ)$", "Nam or Nữ")
Text = _kind(_text, None, "text as printed, NFC, single spaces")


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BirthCertificateFields(_Fields):
    """Giấy khai sinh."""

    full_name: Text | None = None
    date_of_birth: Date | None = None
    date_of_birth_in_words: Text | None = None
    sex: Sex | None = None
    ethnicity: Text | None = None
    nationality: Text | None = None
    place_of_birth: Text | None = None
    hometown: Text | None = None
    personal_id: IdentityNumber | None = None
    mother_name: Text | None = None
    mother_birth_year: Year | None = None
    mother_ethnicity: Text | None = None
    mother_nationality: Text | None = None
    mother_residence: Text | None = None
    father_name: Text | None = None
    father_birth_year: Year | None = None
    father_ethnicity: Text | None = None
    father_nationality: Text | None = None
    father_residence: Text | None = None
    registration_place: Text | None = None
    registration_date: Date | None = None
    registration_number: Identifier | None = None
    book_number: Identifier | None = None
    declarant_name: Text | None = None
    declarant_id_paper: IdentityNumber | None = None


class MarriageCertificateFields(_Fields):
    """Giấy chứng nhận kết hôn."""

    husband_name: Text | None = None
    husband_date_of_birth: Date | None = None
    husband_ethnicity: Text | None = None
    husband_nationality: Text | None = None
    husband_residence: Text | None = None
    husband_personal_id: IdentityNumber | None = None
    wife_name: Text | None = None
    wife_date_of_birth: Date | None = None
    wife_ethnicity: Text | None = None
    wife_nationality: Text | None = None
    wife_residence: Text | None = None
    wife_personal_id: IdentityNumber | None = None
    registration_place: Text | None = None
    registration_date: Date | None = None
    registration_number: Identifier | None = None
    book_number: Identifier | None = None


class DeathCertificateFields(_Fields):
    """Trích lục khai tử (original and copy)."""

    full_name: Text | None = None
    date_of_birth: Date | None = None
    sex: Sex | None = None
    ethnicity: Text | None = None
    nationality: Text | None = None
    personal_id: IdentityNumber | None = None
    date_of_death: Date | None = None
    time_of_death: Time | None = None
    date_of_death_in_words: Text | None = None
    place_of_death: Text | None = None
    cause_of_death: Text | None = None
    registration_place: Text | None = None
    registration_date: Date | None = None
    registration_number: Identifier | None = None
    book_number: Identifier | None = None


class LandUseCertificateFields(_Fields):
    """Giấy chứng nhận quyền sử dụng đất (forms of 2014 and 2024)."""

    holder_name: Text | None = None
    holder_birth_year: Year | None = None
    holder_id_number: IdentityNumber | None = None
    holder_address: Text | None = None
    co_holder_name: Text | None = None
    co_holder_birth_year: Year | None = None
    co_holder_id_number: IdentityNumber | None = None
    certificate_serial: Identifier | None = None
    certificate_code: Identifier | None = None
    parcel_number: Identifier | None = None
    map_sheet_number: Identifier | None = None
    parcel_address: Text | None = None
    area_m2: Area | None = None
    area_in_words: Text | None = None
    usage_form: Text | None = None
    land_use_purpose: Text | None = None
    land_use_code: Identifier | None = None
    usage_term: Text | None = None
    usage_origin: Text | None = None
    issue_date: Date | None = None
    registry_number: Identifier | None = None


#: The canonical field model of each document type (`unknown` has no fields).
DOC_TYPE_FIELDS: dict[str, type[BaseModel]] = {
    DocType.birth_certificate: BirthCertificateFields,
    DocType.marriage_certificate: MarriageCertificateFields,
    DocType.death_certificate: DeathCertificateFields,
    DocType.land_use_certificate: LandUseCertificateFields,
}


@cache
def _field_adapter(doc_type: str, name: str) -> TypeAdapter:
    model = DOC_TYPE_FIELDS[doc_type]
    info = model.model_fields[name]
    if info.metadata:
        return TypeAdapter(Annotated[info.annotation, *info.metadata])
    return TypeAdapter(info.annotation)


def field_kind(doc_type: str, name: str) -> str:
    """The value kind of a canonical field: date, year, time, identifier, identity_number, area, sex, text."""
    info = DOC_TYPE_FIELDS[doc_type].model_fields[name]
    for arg in (info.annotation, *get_args(info.annotation)):
        for meta in getattr(arg, "__metadata__", ()):
            kind = _KIND_OF.get(getattr(meta, "func", None))
            if kind:
                return kind
    return "text"


def validate_field_value(doc_type: str, name: str, value: str) -> str:
    """Check one value against its field's format and return it normalised.

    Raises ValueError with a message naming the field and the expected format.
    """
    model = DOC_TYPE_FIELDS.get(doc_type)
    if model is None:
        raise ValueError(f"document type {doc_type!r} has no fields")
    if name not in model.model_fields:
        raise ValueError(f"{name!r} is not a field of {doc_type} (fields: {', '.join(model.model_fields)})")
    out = _field_adapter(doc_type, name).validate_python(value)
    if out is None:
        raise ValueError(f"{doc_type}.{name}: a value is required")
    return out
