"""`words.json`: the OCR words of every page with their boxes and confidences.

Boxes are `[x0, y0, x1, y1]` in pixels of the upright page image (orientation corrected, not
deskewed: the image the searchable PDF shows), origin top left.
"""

from __future__ import annotations

from pydantic import Field

from .common import StrictModel, Text


class OcrWord(StrictModel):
    text: Text = Field(min_length=1)
    box: tuple[int, int, int, int] = Field(description="x0, y0, x1, y1 in pixels, origin top left")
    confidence: float = Field(ge=0.0, le=1.0)
    line: int = Field(ge=0, description="Line number on the page, in reading order")


class WordsPage(StrictModel):
    index: int = Field(ge=1)
    width: int = Field(ge=0, description="Width in pixels of the upright page image")
    height: int = Field(ge=0)
    dpi: int | None = None
    skew_deg: float = 0.0
    words: list[OcrWord] = Field(default_factory=list)


class WordsFile(StrictModel):
    source: str
    pages: list[WordsPage] = Field(default_factory=list)
