"""Separator sheets: a printed page with a QR code that marks a document boundary in a feeder stack.

`separator_image()` draws the sheet (A4 at 200 dpi: the QR code, a caption, a dashed frame);
`write_separator_pdf()` writes it through `pipeline.pdf.write_pdf`; `is_separator()` decodes a
scanned page's QR code (`barcodes.py`, zxing-cpp) and says whether it is one. The QR code
holds `SOHOA-SEPARATOR/1`; the caption also names it, so a sheet whose code is torn or smudged is
still recognised by its text (`classify` checks both).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from .barcodes import read_qr_codes
from .forms import fold
from .pdf import PdfPage, write_pdf

PAYLOAD = "SOHOA-SEPARATOR/1"
CAPTION = "TỜ PHÂN CÁCH TÀI LIỆU"
CAPTION_HINT = "Đặt tờ này giữa hai hồ sơ khi quét cả chồng giấy - sohoa"
#: Folded caption words OCR must find to call a page a separator without its code.
CAPTION_FOLDED = "to phan cach tai lieu"
_DPI = 200
_READ_SIDE = 1600  # longest side a page is reduced to before its QR code is looked for
_A4_MM = (210, 297)
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def _font(size: int) -> ImageFont.ImageFont:
    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def separator_image(dpi: int = _DPI) -> Image.Image:
    """The separator sheet as an RGB image of an A4 page."""
    w, h = (round(mm / 25.4 * dpi) for mm in _A4_MM)
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    qr = segno.make(PAYLOAD, error="h")
    scale = max(4, round(dpi * 2.2 / qr.symbol_size(border=0)[0]))  # about 55 mm wide
    modules = np.array(
        [[0 if bit else 255 for bit in row] for row in qr.matrix_iter(border=4)], dtype=np.uint8
    )
    qr_img = (
        Image.fromarray(modules, "L")
        .resize((modules.shape[1] * scale, modules.shape[0] * scale), Image.Resampling.NEAREST)
        .convert("RGB")
    )
    img.paste(qr_img, ((w - qr_img.width) // 2, round(h * 0.3)))
    for text, size, y in (
        (CAPTION, dpi // 4, 0.12),
        (CAPTION_HINT, dpi // 10, 0.2),
        (CAPTION, dpi // 4, 0.72),
    ):
        font = _font(size)
        tw = draw.textlength(text, font=font)
        draw.text(((w - tw) / 2, h * y), text, fill="black", font=font)
    m = dpi // 3
    for x in range(m, w - m, dpi // 8):
        draw.line([(x, m), (x + dpi // 16, m)], fill="black", width=3)
        draw.line([(x, h - m), (x + dpi // 16, h - m)], fill="black", width=3)
    return img


def write_separator_pdf(out: Path) -> Path:
    """Write a one-page PDF of the separator sheet, ready to print."""
    return write_pdf([PdfPage(image=separator_image(), dpi=_DPI)], out, title="sohoa separator sheet")


def is_separator(image: Image.Image) -> bool:
    """Whether the page carries the separator's QR code (any rotation). Decoded as QR only, on a
    copy at most 1600 px long: the code is 55 mm wide, so it keeps 6-7 px per module there, and
    every page is checked — reading all formats on the full page cost 0.4 s per page (0.02 s now;
    all 24 degraded separators of every level at 200 and 300 dpi are still found)."""
    return PAYLOAD in read_qr_codes(image, max_side=_READ_SIDE)


def has_separator_caption(text: str) -> bool:
    """Whether OCR text of a page holds the separator's caption."""
    return CAPTION_FOLDED in " ".join(fold(text).split())
