"""In-memory data passed between stages (images are not JSON, so these are dataclasses, not schemas).

Page → PreparedPage → OcrPage; what leaves the process is written as `sohoa.schemas` models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from sohoa.schemas import ErrorInfo, OcrWord


@dataclass
class Page:
    """One scanned page as read from the input."""

    index: int  # 1-based position in the input
    image: Image.Image  # RGB or L, 8 bits per channel
    dpi: float
    dpi_known: bool = True  # False when the file carried no resolution and it was estimated
    #: The scanner's own JPEG file when `image` is exactly that file decoded (a .jpg input, or the
    #: one DCT image of a scanned PDF page): the PDF can embed it unchanged. `PagePool` workers
    #: get raw pixels only; the Dramatiq workers store this file as the page image.
    source_jpeg: bytes | None = None
    #: The image file and frame the page was read from, when it is one (not a PDF's page): the
    #: Dramatiq workers record this instead of storing a copy, and `ingest.read_frame` reads the
    #: page from it again.
    origin: tuple[Path, int] | None = None


@dataclass
class PageFailure:
    """A page that could not even be read; it keeps its place in the input."""

    index: int
    error: ErrorInfo


@dataclass
class PreparedPage:
    """A page turned upright, with its measured geometry and the image OCR should read."""

    page: Page
    # the scan turned upright (not deskewed): what the PDF shows (None on a page read back from
    # storage for a stage that reads none of its pixels, such as extraction)
    upright: Image.Image | None
    rotation: int  # contract convention: content turned this far counter-clockwise on the scan
    skew_deg: float  # residual tilt of the upright page, counter-clockwise positive
    # upright, deskewed, cleaned: for recognition only (None on a page read back from storage for
    # a stage that reads no pixels again, such as the PDF)
    ocr_image: Image.Image | None
    ocr_to_upright: np.ndarray  # 2×3 affine: ocr_image pixels → upright pixels
    orientation_confidence: float = 0.0
    ink_ratio: float = 0.0  # share of the page that is ink (blank pages are near 0)
    warnings: list[str] = field(default_factory=list)


@dataclass
class OcrPage:
    """Recognised words of one page, boxes in the upright (not deskewed) image's pixels."""

    prepared: PreparedPage
    words: list[OcrWord]
    lines: list[str]  # reading order

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def index(self) -> int:
        return self.prepared.page.index
