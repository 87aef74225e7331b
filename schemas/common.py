"""Building blocks shared by every schema: text normalisation, a field value, an error entry."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """NFC, runs of whitespace collapsed to one space, no leading or trailing space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


#: A single-line text: NFC with single spaces.
Text = Annotated[str, AfterValidator(normalize_text)]
#: A multi-line text (page text): NFC, lines kept.
MultilineText = Annotated[str, AfterValidator(_nfc)]


class StrictModel(BaseModel):
    """Base of every schema: unknown keys are an error, so a typo in a field name never passes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorInfo(StrictModel):
    """An error on an input or a page: a stable code for programs, a Vietnamese message for the clerk."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case error code")
    message: Text = Field(description="What went wrong and what to do, in Vietnamese")


class Correction(StrictModel):
    """Who corrected a field by hand, when, and what OCR had read."""

    by: Text
    at: str = Field(description="ISO 8601 date-time")
    ocr_value: Text | None = None


class FieldValue(StrictModel):
    """One extracted field: the value in the contract's format and how sure the pipeline is."""

    value: Text = Field(min_length=1, description="The value in the contract's format; never empty")
    confidence: float = Field(ge=0.0, le=1.0)
    normalized: dict[str, Any] | None = Field(
        default=None, description="Optional normalised forms, e.g. place codes before and after 2025"
    )
    corrected: Correction | None = None
