"""Normalised forms of field values, for the optional `normalized` entry of a result.json field.

`normalized_value(field, value)` gives, per kind of field, what the validators read out of the
value: place names and codes before and after 2025, the date or area a words field spells, what an
identity number says, the codes of a land-use purpose, the form of a certificate serial. It returns
None when the field has no normalised form or the value could not be read (the issues of
`check_document` say why). Like the checks, it never raises on bad data.
"""

from __future__ import annotations

from typing import Any

from .identity import parse_identity_number
from .land import normalize_registry_number, parse_certificate_serial, parse_purposes
from .number_words import parse_area_words, parse_date_words
from .places import normalize_place

__all__ = ["NAME_FIELDS", "PLACE_FIELDS", "normalized_value"]

# The contract's fields that hold a person's name.
NAME_FIELDS = (
    "full_name",
    "mother_name",
    "father_name",
    "declarant_name",
    "husband_name",
    "wife_name",
    "holder_name",
    "co_holder_name",
)
# The contract's fields that hold a place (in the order the issues about them are reported).
PLACE_FIELDS = (
    "place_of_birth",
    "hometown",
    "mother_residence",
    "father_residence",
    "registration_place",
    "husband_residence",
    "wife_residence",
    "place_of_death",
    "holder_address",
    "parcel_address",
)
_DATE_WORDS_FIELDS = frozenset({"date_of_birth_in_words", "date_of_death_in_words"})
_ID_FIELDS = frozenset(
    {
        "personal_id",
        "husband_personal_id",
        "wife_personal_id",
        "holder_id_number",
        "co_holder_id_number",
        "declarant_id_paper",
    }
)


def normalized_value(field: str, value: str) -> dict[str, Any] | None:
    """The normalised form of one field's value, or None (see the module docstring)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if field in PLACE_FIELDS:
        place = normalize_place(value)
        return {**place.value.to_normalized(), "confidence": place.confidence} if place.value else None
    if field in _DATE_WORDS_FIELDS:
        parsed = parse_date_words(value)
        return {"date": parsed.value.isoformat(), "confidence": parsed.confidence} if parsed.value else None
    if field == "area_in_words":
        area = parse_area_words(value)
        if area.value is None:
            return None
        return {"area_m2": format(area.value.normalize(), "f"), "confidence": area.confidence}
    if field in _ID_FIELDS:
        ident = parse_identity_number(value).value
        if ident is None:
            return None
        out = {
            "kind": ident.kind.value,
            "place_code": ident.place_code,
            "sex": ident.sex,
            "birth_year": ident.birth_year,
            "province_code_2025": ident.province_code_2025,
        }
        return {k: v for k, v in out.items() if v is not None}
    if field == "land_use_purpose":
        parts = parse_purposes(value)
        if parts.value is None:
            return None
        return {"codes": [list(p.codes) for p in parts.value], "confidence": parts.confidence}
    if field == "certificate_serial":
        serial = parse_certificate_serial(value).value
        return {"serial": serial.value, "form": serial.form} if serial else None
    if field == "registry_number":
        registry = normalize_registry_number(value)
        return {"registry_number": registry.value} if registry.value else None
    return None
