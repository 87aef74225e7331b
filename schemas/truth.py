"""`truth.json`: the ground truth `sohoa samples` writes beside its synthetic scans (CONTRACT.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel, model_validator

from .common import StrictModel
from .documents import DOC_TYPE_FIELDS, DocType, validate_field_value

Level = Literal["clean", "easy", "medium", "hard"]


class TruthPage(StrictModel):
    file: str = Field(description="Page image, relative to truth.json")
    rotation: Literal[0, 90, 180, 270] = 0
    skew_deg: float = 0.0
    dpi: int = Field(ge=1)
    lines: list[str] = Field(default_factory=list, description="The text lines drawn on the page, NFC")


class TruthDocument(StrictModel):
    id: str
    doc_type: DocType
    form_version: str
    level: Level
    fields: dict[str, str] = Field(default_factory=dict)
    pages: list[TruthPage] = Field(min_length=1)

    @model_validator(mode="after")
    def _fields_in_format(self) -> TruthDocument:
        if self.fields and self.doc_type not in DOC_TYPE_FIELDS:
            raise ValueError(f"a document of type {self.doc_type.value!r} carries no fields")
        for name, value in list(self.fields.items()):
            try:
                self.fields[name] = validate_field_value(self.doc_type.value, name, value)
            except ValueError as exc:
                raise ValueError(f"field {name!r}: {exc}") from None
        return self


class Truth(RootModel[list[TruthDocument]]):
    """The whole of `truth.json`: a list, one entry per document."""
