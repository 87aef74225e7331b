"""Searchable PDFs: the original scan of each page with an invisible text layer on the OCR boxes.

The one place (with `dossier.py`) that builds PDFs. Pages are placed at their true size
(pixels ÷ dpi, 100% scale), one image per page, colour kept (Decree 30/2020's digitisation rules).
The text layer uses a glyphless Type0 font (Identity-H, two-byte codes equal to the Unicode code
points, a ToUnicode map) as Tesseract's and OCRmyPDF's renderers do, so that text selection,
search, `pdftotext` and pdfplumber give the recognised Vietnamese text in place.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pikepdf
from PIL import Image

from .. import __version__ as _sohoa_version

PRODUCER = f"sohoa {_sohoa_version}"
#: Width of the glyphless font's glyph in text space units (DW of the CID font).
_GLYPH_WIDTH = 500


@dataclass(frozen=True)
class TextWord:
    """A word to place: its text and box in pixels of the page image (origin top left)."""

    text: str
    box: tuple[int, int, int, int]
    line: int = 0


@dataclass(frozen=True)
class PdfPage:
    """One page to write: the image as shown, its resolution, its words (may be empty)."""

    image: Image.Image
    dpi: float
    words: Sequence[TextWord] = ()
    #: Tilt of the text lines on the image, counter-clockwise positive, in degrees.
    skew_deg: float = 0.0


def write_pdf(
    pages: Iterable[PdfPage],
    out: Path,
    *,
    title: str | None = None,
    jpeg_quality: int = 85,
) -> Path:
    """Write the pages as one PDF at `out` (atomically: a temporary file renamed into place)."""
    pdf = pikepdf.new()
    font = None
    for page in pages:
        if page.words and font is None:
            font = _glyphless_font(pdf)
        _add_page(pdf, page, font, jpeg_quality)
    if len(pdf.pages) == 0:
        raise ValueError("a PDF needs at least one page")
    _set_metadata(pdf, title)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    pdf.save(tmp, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    tmp.replace(out)
    return out


def _set_metadata(pdf: pikepdf.Pdf, title: str | None) -> None:
    now = datetime.now(UTC)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = PRODUCER
        meta["xmp:CreateDate"] = now.isoformat()
        if title:
            meta["dc:title"] = unicodedata.normalize("NFC", title)
    pdf.docinfo["/Producer"] = PRODUCER
    pdf.docinfo["/Creator"] = PRODUCER
    if title:
        pdf.docinfo["/Title"] = unicodedata.normalize("NFC", title)


def _image_xobject(pdf: pikepdf.Pdf, image: Image.Image, jpeg_quality: int) -> pikepdf.Stream:
    if image.mode not in ("RGB", "L"):
        image = image.convert("L" if image.mode in ("1", "LA", "I", "I;16", "F") else "RGB")
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=jpeg_quality, optimize=True)
    return pikepdf.Stream(
        pdf,
        buf.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=image.width,
        Height=image.height,
        ColorSpace=pikepdf.Name.DeviceRGB if image.mode == "RGB" else pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )


def _add_page(pdf: pikepdf.Pdf, page: PdfPage, font, jpeg_quality: int) -> None:
    scale = 72.0 / page.dpi
    width_pt = page.image.width * scale
    height_pt = page.image.height * scale
    ops = [f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /Im0 Do Q"]
    if page.words:
        ops.append(_text_layer(page, scale, height_pt))
    resources_dict = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary(Im0=_image_xobject(pdf, page.image, jpeg_quality))
    )
    if page.words:
        resources_dict.Font = pikepdf.Dictionary(F0=font)
    pdf_page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(width_pt, 4), round(height_pt, 4)],
            Resources=resources_dict,
            Contents=pikepdf.Stream(pdf, "\n".join(ops).encode("ascii")),
        )
    )
    pdf.pages.append(pdf_page)


def _hex_utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _text_layer(page: PdfPage, scale: float, height_pt: float) -> str:
    """Invisible text (render mode 3), one run per word, each stretched to its box.

    A space ends every word but the last of its line and is stretched to reach the next word, so
    readers that rebuild words from gaps still get the right spacing.
    """
    words = sorted(page.words, key=lambda w: (w.line, w.box[0]))
    theta = math.radians(page.skew_deg)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    out = ["BT", "3 Tr"]
    for i, word in enumerate(words):
        text = unicodedata.normalize("NFC", word.text)
        if not text:
            continue
        x0, y0, x1, y1 = word.box
        nxt = words[i + 1] if i + 1 < len(words) else None
        same_line = nxt is not None and nxt.line == word.line and nxt.box[0] > x1
        if same_line:
            text += " "
            right = nxt.box[0]
        else:
            right = x1
        height = max(y1 - y0, 1) * scale
        size = max(height, 1.0)
        width = max(right - x0, 1) * scale
        stretch = 100.0 * width / (len(text) * size * _GLYPH_WIDTH / 1000.0)
        # Baseline at the bottom of the box, rotated with the tilt of the line around its start.
        bx = x0 * scale
        by = height_pt - y1 * scale
        out.append(
            f"/F0 {size:.2f} Tf {stretch:.2f} Tz "
            f"{cos_t:.5f} {sin_t:.5f} {-sin_t:.5f} {cos_t:.5f} {bx:.2f} {by:.2f} Tm "
            f"<{_hex_utf16(text)}> Tj"
        )
    out.append("ET")
    return "\n".join(out)


def _glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    font_file = resources.files(__package__).joinpath("data/GlyphLessFont.ttf").read_bytes()
    # Every two-byte code maps to glyph 1 of the font (the empty glyph).
    cid_to_gid = pikepdf.Stream(pdf, b"\x00\x01" * 65536)
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name.GlyphLessFont,
            Flags=5,
            FontBBox=[0, 0, _GLYPH_WIDTH, 1000],
            ItalicAngle=0,
            Ascent=1000,
            Descent=0,
            CapHeight=1000,
            StemV=80,
            FontFile2=pikepdf.Stream(pdf, font_file),
        )
    )
    cid_font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=pikepdf.Name.GlyphLessFont,
            CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
            FontDescriptor=descriptor,
            DW=_GLYPH_WIDTH,
            CIDToGIDMap=cid_to_gid,
        )
    )
    to_unicode = pikepdf.Stream(pdf, _TO_UNICODE)
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name.GlyphLessFont,
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[cid_font],
            ToUnicode=to_unicode,
        )
    )


# Two-byte code = UTF-16 code unit: the identity map, split so no range crosses a first byte.
_TO_UNICODE = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    + b"".join(
        b"%d beginbfrange\n" % len(chunk)
        + b"".join(b"<%02X00> <%02XFF> <%02X00>\n" % (hi, hi, hi) for hi in chunk)
        + b"endbfrange\n"
        for chunk in (range(0, 100), range(100, 200), range(200, 256))
    )
    + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
)
