"""Result types shared by every validator: a finding (`ValidationIssue`) and a parse result.

A `ValidationIssue` maps one to one onto the `{"field", "code", "message"}` issue of result.json
(CONTRACT.md); its severity is extra information for the web desk and is not serialised. A
`ParseResult` carries the parsed value (or None), a confidence in 0..1, and any issues the parser
found along the way. Checks never raise on bad data and never correct silently: they say what they
found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Severity(StrEnum):
    """How sure a check is that the value is wrong: `error` = it breaks a rule, `warning` = look again."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One finding on a field (or on the whole document when `field` is None).

    `code` is a stable snake_case code for programs; `message` is Vietnamese text for the clerk that
    carries no personal data beyond what is needed to find the problem.
    """

    field: str | None
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", unicodedata.normalize("NFC", self.message))

    def to_dict(self) -> dict[str, str | None]:
        """The result.json shape: exactly `field`, `code` and `message`."""
        return {"field": self.field, "code": self.code, "message": self.message}

    def for_field(self, name: str | None) -> ValidationIssue:
        """The same finding attached to another field name (checks are written field-agnostic)."""
        return ValidationIssue(name, self.code, self.message, self.severity)


@dataclass(frozen=True, slots=True)
class ParseResult(Generic[T]):
    """What a parser made of a text: the value (None when it could not), a confidence in 0..1 and
    the issues it met (e.g. an ambiguous spelling that lowered the confidence)."""

    value: T | None
    confidence: float
    issues: tuple[ValidationIssue, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.value is not None

    @classmethod
    def failed(cls, *issues: ValidationIssue) -> ParseResult[T]:
        return cls(None, 0.0, tuple(issues))


def error(field_name: str | None, code: str, message: str) -> ValidationIssue:
    return ValidationIssue(field_name, code, message, Severity.ERROR)


def warning(field_name: str | None, code: str, message: str) -> ValidationIssue:
    return ValidationIssue(field_name, code, message, Severity.WARNING)
