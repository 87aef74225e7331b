"""`result.json`: what `sohoa process` writes for one input (CONTRACT.md, "Output of sohoa process")."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .common import ErrorInfo, FieldValue, MultilineText, StrictModel, Text
from .documents import DOC_TYPE_FIELDS, DocType, validate_field_value


class PageStatus(StrEnum):
    document = "document"
    blank = "blank"
    separator = "separator"
    failed = "failed"


class PageResult(StrictModel):
    """One input page. Every input page is listed, in input order, whatever became of it."""

    index: int = Field(ge=1, description="1-based position in the input")
    status: PageStatus
    rotation: Literal[0, 90, 180, 270] = Field(
        default=0,
        description="How far the content was turned counter-clockwise from upright on the scan; "
        "turning the scan clockwise by that amount makes it upright",
    )
    skew_deg: float = Field(
        default=0.0, description="Residual tilt after orientation, counter-clockwise positive"
    )
    dpi: int | None = Field(default=None, ge=1)
    warnings: list[str] = Field(default_factory=list, description="e.g. low_resolution, not_colour")
    text: MultilineText = Field(
        default="", description="Recognised text in reading order, lines separated by \\n"
    )
    error: ErrorInfo | None = None

    @model_validator(mode="after")
    def _failed_has_error(self) -> PageResult:
        if self.status == PageStatus.failed and self.error is None:
            raise ValueError("a failed page must carry an error")
        return self


class DocumentIssue(StrictModel):
    """A validation finding on a document: a field (or None for the whole document), a code, a message."""

    field: str | None = None
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: Text


class DocumentResult(StrictModel):
    """One document found in an input."""

    id: str = Field(pattern=r"^d\d+$")
    doc_type: DocType
    doc_type_confidence: float = Field(ge=0.0, le=1.0)
    form_version: str | None = None
    pages: list[int] = Field(min_length=1, description="1-based indexes into the input's pages")
    pdf: str | None = Field(default=None, description="File name of the searchable PDF, next to result.json")
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    issues: list[DocumentIssue] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fields_belong_to_type(self) -> DocumentResult:
        if self.fields and self.doc_type not in DOC_TYPE_FIELDS:
            raise ValueError(f"a document of type {self.doc_type.value!r} carries no fields")
        for name, field in self.fields.items():
            try:
                field.value = validate_field_value(self.doc_type.value, name, field.value)
            except ValueError as exc:
                raise ValueError(f"field {name!r}: {_first_line(exc)}") from None
        return self


class ProcessResult(StrictModel):
    """The whole of `result.json`."""

    source: str
    documents: list[DocumentResult] = Field(default_factory=list)
    pages: list[PageResult] = Field(default_factory=list)
    error: ErrorInfo | None = None

    @field_validator("pages")
    @classmethod
    def _pages_in_order(cls, pages: list[PageResult]) -> list[PageResult]:
        if [p.index for p in pages] != list(range(1, len(pages) + 1)):
            raise ValueError("pages must be listed in input order with indexes 1, 2, 3, ...")
        return pages

    @model_validator(mode="after")
    def _documents_point_at_pages(self) -> ProcessResult:
        seen: set[int] = set()
        for doc in self.documents:
            for i in doc.pages:
                if not 1 <= i <= len(self.pages):
                    raise ValueError(f"document {doc.id} names page {i}, which is not in pages")
                if i in seen:
                    raise ValueError(f"page {i} belongs to more than one document")
                seen.add(i)
        return self


def _first_line(exc: Exception) -> str:
    """The useful line of a pydantic error: the message, not the URL boilerplate."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in errors())
    return str(exc).splitlines()[0]


_ = Text  # re-exported kind used by DocumentIssue
