"""Searchable PDFs: the original scan of each page with an invisible text layer on the OCR boxes.

The one place (with `dossier.py`) that builds PDFs. Pages are placed at their true size
(pixels ÷ dpi, 100% scale), one image per page, colour kept (Decree 30/2020's digitisation rules).
The text layer uses a glyphless Type0 font (Identity-H, two-byte codes equal to the Unicode code
points, a ToUnicode map) as Tesseract's and OCRmyPDF's renderers do, so that text selection,
search, `pdftotext` and pdfplumber give the recognised Vietnamese text in place.

Images are encoded by measurement (`encode_image`): a 256-colour palette compressed losslessly
when that is both smaller than the JPEG and visibly the same (clean or born-digital pages), else a
progressive JPEG; a scanner's own JPEG of a page shown as scanned is embedded unchanged
(`passthrough_jpeg`, no second lossy generation). Everything written here is a clean,
non-encrypted PDF 1.7 that strict readers (qpdf, pyHanko's strict mode) accept, so later
signatures only append. `open_pdf` / `normalize_pdf` repair damaged input PDFs (scanner or
camera-app made) where qpdf can and refuse encrypted ones with a clear message; no page is dropped.
"""

from __future__ import annotations

import io
import math
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pikepdf
from PIL import Image

from .. import __version__ as _sohoa_version
from .errors import InputError

PRODUCER = f"sohoa {_sohoa_version}"
#: Vietnam time (Asia/Ho_Chi_Minh has had no daylight saving since 1975).
VN_TZ = timezone(timedelta(hours=7), "+07:00")
#: Width of the glyphless font's glyph in text space units (DW of the CID font; the font's advance).
_GLYPH_WIDTH = 500
#: PDF version written: 1.7 (ISO 32000-1), the base of PDF/A-2; the rules ask for 1.4 or newer.
PDF_VERSION = "1.7"

ImageCodec = Literal["auto", "jpeg", "lossless"]
#: A palette image is used instead of the JPEG only when it reproduces the scan at least this well
#: (PSNR in dB against the original; JPEG quality 85 on the generated scans measures 40-41 dB).
PALETTE_MIN_PSNR = 40.0
#: Pages whose sampled colours exceed this are photographed paper with noise: a palette never pays.
_PALETTE_MAX_SAMPLED_COLOURS = 3000


@dataclass(frozen=True)
class TextWord:
    """A word to place: its text and box in pixels of the page image (origin top left).

    As the OCR stage gives them, a box has the size of the word as written (measured along its
    line) and is centred on the word, also on a tilted page. `line` groups the words of a line.
    """

    text: str
    box: tuple[int, int, int, int]
    line: int = 0


@dataclass(frozen=True)
class PdfPage:
    """One page to write: the image as shown, its resolution, its words (may be empty)."""

    image: Image.Image
    dpi: float
    words: Sequence[TextWord] = ()
    #: Tilt of the text lines on the image, counter-clockwise positive, in degrees (used to
    #: straighten the page when `write_pdf(deskew=True)`).
    skew_deg: float = 0.0
    #: The scan's own JPEG file when `image` is exactly that file decoded and then turned
    #: clockwise by `source_rotation` (0, 90, 180, 270; the contract's `rotation`): embedded as it
    #: is, without a second lossy generation (as img2pdf and OCRmyPDF do), and drawn turned so
    #: that the page shows `image`. Dropped when the page is straightened (`deskew=True`).
    source_jpeg: bytes | None = None
    source_rotation: int = 0


@dataclass(frozen=True)
class PdfMetadata:
    """Document information written both to the Info dictionary and to XMP (kept in sync)."""

    title: str | None = None
    subject: str | None = None
    keywords: Sequence[str] = ()
    author: str | None = None
    created: datetime | None = None  # default: now, Vietnam time


@dataclass(frozen=True)
class EncodedImage:
    """An image ready to be a PDF image XObject."""

    data: bytes
    filter: str  # "/DCTDecode", "/FlateDecode" or "/FlateDecode /DCTDecode" (applied in that order)
    width: int
    height: int
    colour_space: object  # a pikepdf Name or an [/Indexed ...] array spec (palette, base)
    palette: bytes | None = None
    kind: str = "jpeg"  # "jpeg", "palette" or "lossless"
    stats: dict = field(default_factory=dict)


def write_pdf(
    pages: Iterable[PdfPage],
    out: Path,
    *,
    title: str | None = None,
    jpeg_quality: int = 85,
    codec: ImageCodec = "auto",
    deskew: bool = False,
    metadata: PdfMetadata | None = None,
    pdfa: bool = False,
) -> Path:
    """Write the pages as one PDF at `out` (atomically: a temporary file renamed into place).

    `codec`: "auto" picks per page between a lossless palette and JPEG by measurement, "jpeg"
    always JPEG, "lossless" always lossless (palette when the page has ≤256 colours, else Flate).
    `deskew`: straighten the image by its measured tilt (off by default: auditors want the scan as
    taken); the text layer follows. `pdfa`: best-effort PDF/A-2b markers (sRGB output intent, XMP
    identification); no validator is run, so conformance is not claimed.
    """
    pdf = pikepdf.new()
    font = None
    for page in pages:
        if deskew and abs(page.skew_deg) > 0.05:
            page = _deskewed(page)
        if page.words and font is None:
            font = _glyphless_font(pdf)
        _add_page(pdf, page, font, jpeg_quality, codec)
    if len(pdf.pages) == 0:
        raise ValueError("a PDF needs at least one page")
    meta = metadata or PdfMetadata()
    if title and not meta.title:
        meta = replace(meta, title=title)
    set_metadata(pdf, meta, pdfa=pdfa)
    if pdfa:
        add_pdfa_output_intent(pdf)
    save_pdf(pdf, out)
    return out


def save_pdf(pdf: pikepdf.Pdf, out: Path) -> Path:
    """Save as a clean PDF 1.7 (object and xref streams, fresh /ID), atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    pdf.save(
        tmp,
        linearize=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        min_version=PDF_VERSION,
        fix_metadata_version=True,
    )
    tmp.replace(out)
    return out


# --- metadata ----------------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def set_metadata(pdf: pikepdf.Pdf, meta: PdfMetadata, *, pdfa: bool = False) -> None:
    """Info dictionary and XMP with the same title, subject, keywords, author, dates, producer."""
    created = (meta.created or datetime.now(VN_TZ)).replace(microsecond=0)
    if created.tzinfo is None:
        created = created.replace(tzinfo=VN_TZ)
    keywords = [_nfc(k) for k in meta.keywords if k and k.strip()]
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["pdf:Producer"] = PRODUCER
        xmp["xmp:CreatorTool"] = PRODUCER
        xmp["xmp:CreateDate"] = created.isoformat()
        xmp["xmp:ModifyDate"] = created.isoformat()
        xmp["xmp:MetadataDate"] = created.isoformat()
        if meta.title:
            xmp["dc:title"] = _nfc(meta.title)
        if meta.subject:
            xmp["dc:description"] = _nfc(meta.subject)
        if meta.author:
            xmp["dc:creator"] = [_nfc(meta.author)]
        if keywords:
            xmp["pdf:Keywords"] = "; ".join(keywords)
            xmp["dc:subject"] = set(keywords)
        if pdfa:
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
    info = pdf.docinfo
    info["/Producer"] = PRODUCER
    info["/Creator"] = PRODUCER
    info["/CreationDate"] = _pdf_date(created)
    info["/ModDate"] = _pdf_date(created)
    if meta.title:
        info["/Title"] = _nfc(meta.title)
    if meta.subject:
        info["/Subject"] = _nfc(meta.subject)
    if meta.author:
        info["/Author"] = _nfc(meta.author)
    if keywords:
        info["/Keywords"] = "; ".join(keywords)
    if meta.title:
        # Readers show the title, not the file name, in their window bar.
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)


def _pdf_date(when: datetime) -> str:
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def add_pdfa_output_intent(pdf: pikepdf.Pdf) -> None:
    """An sRGB output intent (the ICC profile from Pillow's littleCMS), as PDF/A asks for."""
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    profile = pdf.make_stream(icc)
    profile.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB",
        Info="sRGB IEC61966-2.1",
        DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])


# --- images ------------------------------------------------------------------------------------


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    diff = a.astype(np.int16) - b.astype(np.int16)
    mse = float(np.mean(diff.astype(np.float32) ** 2))
    return 99.0 if mse == 0 else 10.0 * math.log10(255.0**2 / mse)


def _sampled_colours(arr: np.ndarray, step: int = 37) -> int:
    flat = arr.reshape(-1, arr.shape[2]) if arr.ndim == 3 else arr.reshape(-1, 1)
    sample = flat[::step].astype(np.uint32)
    packed = (
        (sample[:, 0] << 16) | (sample[:, 1] << 8) | sample[:, 2] if sample.shape[1] == 3 else sample[:, 0]
    )
    return int(np.unique(packed).size)


def _jpeg(image: Image.Image, quality: int) -> EncodedImage:
    buf = io.BytesIO()
    # Progressive Huffman coding: ~10% smaller than baseline at the same quality, read everywhere.
    image.save(buf, format="JPEG", quality=quality, optimize=True, progressive=True)
    space = pikepdf.Name.DeviceRGB if image.mode == "RGB" else pikepdf.Name.DeviceGray
    return EncodedImage(buf.getvalue(), "/DCTDecode", image.width, image.height, space, kind="jpeg")


def _flate(image: Image.Image) -> EncodedImage:
    space = pikepdf.Name.DeviceRGB if image.mode == "RGB" else pikepdf.Name.DeviceGray
    data = zlib.compress(image.tobytes(), 6)
    return EncodedImage(data, "/FlateDecode", image.width, image.height, space, kind="lossless")


def _palette(indexed: Image.Image) -> EncodedImage:
    raw_palette = indexed.getpalette() or []
    colours = max(int(np.asarray(indexed).max()) + 1, 1)
    palette = bytes(raw_palette[: colours * 3]).ljust(colours * 3, b"\x00")
    data = zlib.compress(indexed.tobytes(), 6)
    return EncodedImage(
        data, "/FlateDecode", indexed.width, indexed.height, pikepdf.Name.DeviceRGB, palette, kind="palette"
    )


def encode_image(image: Image.Image, *, jpeg_quality: int = 85, codec: ImageCodec = "auto") -> EncodedImage:
    """Encode a page image for the PDF, choosing the codec by measurement.

    "auto": an image with at most 256 colours is stored exactly (palette or grey, Flate); a colour
    image whose sampled colour count is low enough is also tried as a 256-colour palette, kept only
    when it is smaller than the JPEG and at least `PALETTE_MIN_PSNR` dB close to the scan;
    otherwise a progressive JPEG at `jpeg_quality`. Colour stays colour in every case.
    """
    if image.mode not in ("RGB", "L"):
        image = image.convert("L" if image.mode in ("1", "LA", "I", "I;16", "F") else "RGB")
    if codec == "jpeg":
        return _jpeg(image, jpeg_quality)
    arr = np.asarray(image)
    if image.mode == "L":
        if codec == "lossless":
            return _flate(image)
        jpeg = _jpeg(image, jpeg_quality)
        flate = _flate(image) if _sampled_colours(arr) <= 64 else None
        return flate if flate is not None and len(flate.data) < len(jpeg.data) else jpeg
    sampled = _sampled_colours(arr)
    if sampled <= 256 and int(np.unique(_pack_rgb(arr)).size) <= 256:
        exact = _palette(image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE))
        if _psnr(arr, _decode_palette(exact)) >= 99.0:
            return exact
    if codec == "lossless":
        return _flate(image)
    jpeg = _jpeg(image, jpeg_quality)
    if sampled > _PALETTE_MAX_SAMPLED_COLOURS:
        return jpeg
    indexed = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    candidate = _palette(indexed)
    if len(candidate.data) >= len(jpeg.data):
        return jpeg
    psnr = _psnr(arr, np.asarray(indexed.convert("RGB")))
    if psnr < PALETTE_MIN_PSNR:
        return jpeg
    return replace(candidate, stats={"psnr": round(psnr, 2)})


def _pack_rgb(arr: np.ndarray) -> np.ndarray:
    a = arr.astype(np.uint32)
    return (a[..., 0] << 16) | (a[..., 1] << 8) | a[..., 2]


def _decode_palette(enc: EncodedImage) -> np.ndarray:
    idx = np.frombuffer(zlib.decompress(enc.data), dtype=np.uint8).reshape(enc.height, enc.width)
    pal = np.frombuffer(enc.palette or b"", dtype=np.uint8).reshape(-1, 3)
    return pal[idx]


#: A scanner's JPEG is wrapped in Flate only when that saves at least this share: scanners write
#: the standard Huffman tables, which zlib squeezes by 2–7% on the generated scans (as OCRmyPDF's
#: `--optimize 2` does); an optimised JPEG gains nothing and stays plain.
_FLATE_OVER_JPEG_MIN_GAIN = 0.02


def passthrough_jpeg(data: bytes, image: Image.Image, rotation: int = 0) -> EncodedImage | None:
    """The JPEG file as it is, when it is a baseline or progressive RGB/grey JPEG of `image`'s size
    (of its size turned back by `rotation`: a quarter turn swaps width and height).

    The JPEG bytes are stored unchanged (no second lossy generation), inside a Flate layer when
    that makes them measurably smaller (filters `[/FlateDecode /DCTDecode]`; `pdfimages -all`
    still extracts the original file)."""
    size = image.size[::-1] if rotation in (90, 270) else image.size
    try:
        with Image.open(io.BytesIO(data)) as probe:
            ok = probe.format == "JPEG" and probe.mode in ("RGB", "L") and probe.size == size
            mode = probe.mode
    except (OSError, ValueError):
        return None
    if not ok or (image.mode == "L") != (mode == "L") or rotation not in (0, 90, 180, 270):
        return None
    space = pikepdf.Name.DeviceRGB if mode == "RGB" else pikepdf.Name.DeviceGray
    deflated = zlib.compress(data, 6)
    if len(deflated) <= len(data) * (1 - _FLATE_OVER_JPEG_MIN_GAIN):
        return EncodedImage(deflated, "/FlateDecode /DCTDecode", *size, space, kind="jpeg-original")
    return EncodedImage(data, "/DCTDecode", *size, space, kind="jpeg-original")


def _placement(rotation: int, width_pt: float, height_pt: float) -> str:
    """The `cm` that draws an image's unit square over the whole page turned clockwise by
    `rotation` (a quarter turn draws a landscape image on a portrait page and back)."""
    w, h = width_pt, height_pt
    matrix = {
        0: (w, 0, 0, h, 0, 0),
        90: (0, -h, w, 0, 0, h),
        180: (-w, 0, 0, -h, w, h),
        270: (0, h, -w, 0, w, 0),
    }
    return " ".join(f"{v:.4f}" for v in matrix[rotation]) + " cm"


def _page_image(page: PdfPage, jpeg_quality: int, codec: ImageCodec) -> tuple[EncodedImage, int]:
    """The page's image as encoded for the PDF, and how far it must be turned when drawn."""
    if page.source_jpeg and codec != "lossless":
        enc = passthrough_jpeg(page.source_jpeg, page.image, page.source_rotation)
        if enc is not None:
            return enc, page.source_rotation
    return encode_image(page.image, jpeg_quality=jpeg_quality, codec=codec), 0


def _image_xobject(pdf: pikepdf.Pdf, enc: EncodedImage) -> pikepdf.Stream:
    if enc.palette is not None:
        colour_space = pikepdf.Array(
            [
                pikepdf.Name.Indexed,
                pikepdf.Name.DeviceRGB,
                len(enc.palette) // 3 - 1,
                pikepdf.String(enc.palette),
            ]
        )
    else:
        colour_space = enc.colour_space
    stream = pikepdf.Stream(pdf, enc.data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width = enc.width
    stream.Height = enc.height
    stream.ColorSpace = colour_space
    stream.BitsPerComponent = 8
    filters = enc.filter.split()
    stream.Filter = (
        pikepdf.Name(filters[0]) if len(filters) == 1 else pikepdf.Array(map(pikepdf.Name, filters))
    )
    return stream


# --- pages and the text layer ------------------------------------------------------------------


def _deskewed(page: PdfPage) -> PdfPage:
    """The page straightened by its tilt, word boxes moved with their centres."""
    theta = math.radians(page.skew_deg)
    fill = 255 if page.image.mode == "L" else (255, 255, 255)
    image = page.image.rotate(-page.skew_deg, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    cx, cy = page.image.width / 2.0, page.image.height / 2.0
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    words = []
    for w in page.words:
        x0, y0, x1, y1 = w.box
        dx, dy = (x0 + x1) / 2.0 - cx, (y0 + y1) / 2.0 - cy
        # Turning the picture clockwise by the tilt (image y points down).
        nx, ny = cx + dx * cos_t - dy * sin_t, cy + dx * sin_t + dy * cos_t
        hw, hh = (x1 - x0) / 2.0, (y1 - y0) / 2.0
        words.append(
            TextWord(w.text, (round(nx - hw), round(ny - hh), round(nx + hw), round(ny + hh)), w.line)
        )
    return PdfPage(image=image, dpi=page.dpi, words=words, skew_deg=0.0)


def _add_page(pdf: pikepdf.Pdf, page: PdfPage, font, jpeg_quality: int, codec: ImageCodec) -> None:
    scale = 72.0 / page.dpi
    width_pt = page.image.width * scale
    height_pt = page.image.height * scale
    enc, turn = _page_image(page, jpeg_quality, codec)
    ops = [f"q {_placement(turn, width_pt, height_pt)} /Im0 Do Q"]
    if page.words:
        ops.append(text_layer(page, scale, height_pt))
    resources_dict = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=_image_xobject(pdf, enc)))
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


def _runs(line: list[TextWord]) -> list[list[TextWord]]:
    """Split a line's words (left to right) into runs that can share one horizontal baseline:
    the run's mean word centre stays inside every word's box (less a tenth of its height at
    either edge), so each word's text is vertically centred within its box."""
    runs: list[list[TextWord]] = []
    for word in line:
        if runs:
            trial = [*runs[-1], word]
            mean = sum((w.box[1] + w.box[3]) / 2.0 for w in trial) / len(trial)
            if all(
                w.box[1] + 0.1 * (w.box[3] - w.box[1]) <= mean <= w.box[3] - 0.1 * (w.box[3] - w.box[1])
                for w in trial
            ):
                runs[-1].append(word)
                continue
        runs.append([word])
    return runs


def text_layer(page: PdfPage, scale: float, height_pt: float, font_name: str = "/F0") -> str:
    """Invisible text (render mode 3), one horizontal run per line, each word across its box.

    Readers rebuild lines from baselines (poppler's pdftotext splits a line whose glyphs drift up
    or down, even by a degree), so the words of a line share one horizontal baseline and one size:
    the run's median word height, centred on the mean of the word centres. Each word is stretched
    (Tz) to span its box exactly; a tilted line is cut into several runs where its words would
    otherwise leave their boxes (straighten such pages with `deskew=True` for unbroken lines). A
    space follows every word but the last of its line, stretched on its own to reach the next
    word, so readers that rebuild words from gaps get the right spacing.
    """
    by_line: dict[int, list[TextWord]] = {}
    for w in page.words:
        if w.text.strip():
            by_line.setdefault(w.line, []).append(w)
    glyph_w = _GLYPH_WIDTH / 1000.0
    out = ["BT", "3 Tr"]
    for line_no in sorted(by_line):
        line = sorted(by_line[line_no], key=lambda w: w.box[0])
        for r, run in enumerate(runs := _runs(line)):
            size = max(float(np.median([w.box[3] - w.box[1] for w in run])) * scale, 1.0)
            centre = sum((w.box[1] + w.box[3]) / 2.0 for w in run) / len(run) * scale
            # The glyphless font spans 0..1000 above the baseline: the baseline is half a size below.
            baseline = height_pt - centre - size / 2.0
            for i, word in enumerate(run):
                text = _nfc(word.text.strip())
                x0, _, x1, _ = word.box
                w_pt = max(x1 - x0, 1) * scale
                stretch = 100.0 * w_pt / (len(text) * size * glyph_w)
                out.append(
                    f"{font_name} {size:.3f} Tf {stretch:.3f} Tz 1 0 0 1 {x0 * scale:.3f} {baseline:.3f} Tm "
                    f"<{_hex_utf16(text)}> Tj"
                )
                nxt = run[i + 1] if i + 1 < len(run) else (runs[r + 1][0] if r + 1 < len(runs) else None)
                if nxt is not None:
                    gap_pt = max(nxt.box[0] - x1, 1) * scale
                    out.append(f"{100.0 * gap_pt / (size * glyph_w):.3f} Tz <0020> Tj")
    out.append("ET")
    return "\n".join(out)


def _glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    font_file = resources.files(__package__).joinpath("data/GlyphLessFont.ttf").read_bytes()
    # Every two-byte code maps to glyph 1 of the font (the empty glyph, never .notdef).
    cid_to_gid = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536, 9))
    cid_to_gid.Filter = pikepdf.Name.FlateDecode
    font_stream = pikepdf.Stream(pdf, font_file)
    font_stream.Length1 = len(font_file)
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
            FontFile2=font_stream,
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


# --- input PDFs: repair, refuse encrypted ------------------------------------------------------


def open_pdf(path: Path) -> pikepdf.Pdf:
    """Open a PDF someone else made, repairing a damaged cross-reference table as qpdf can.

    Raises InputError: `empty_pdf`, `encrypted_pdf` (a password is needed to open it; sohoa never
    guesses one), `corrupt_pdf` (beyond repair) or `not_found`. A file encrypted with an owner
    password only opens without one; what sohoa writes from it is not encrypted.
    """
    if not path.exists():
        raise InputError(f"Không tìm thấy {path}: hãy kiểm tra lại đường dẫn.", code="not_found")
    if path.stat().st_size == 0:
        raise InputError(f"Tệp {path.name} rỗng (0 byte): hãy quét hoặc sao chép lại.", code="empty_pdf")
    try:
        pdf = pikepdf.open(path, attempt_recovery=True)
    except pikepdf.PasswordError:
        raise InputError(
            f"Tệp {path.name} được đặt mật khẩu: hãy gỡ mật khẩu (hoặc xin bản không mật khẩu) rồi chạy lại.",
            code="encrypted_pdf",
        ) from None
    except pikepdf.PdfError as exc:
        raise InputError(
            f"Tệp {path.name} không phải PDF hợp lệ hoặc hỏng không sửa được: hãy quét hoặc xuất lại tệp.",
            code="corrupt_pdf",
            detail=str(exc)[:200],
        ) from None
    try:
        count = len(pdf.pages)
    except pikepdf.PdfError as exc:
        pdf.close()
        raise InputError(
            f"Tệp {path.name} hỏng, không đọc được danh sách trang: hãy quét hoặc xuất lại tệp.",
            code="corrupt_pdf",
            detail=str(exc)[:200],
        ) from None
    if count == 0:
        pdf.close()
        raise InputError(f"Tệp {path.name} không có trang nào.", code="empty_pdf")
    return pdf


def normalize_pdf(src: Path, out: Path) -> int:
    """Rewrite an input PDF as a clean one (repaired, unencrypted, PDF 1.7); returns its page count.

    Every page qpdf finds is kept in order, including pages whose content cannot be parsed.
    """
    with open_pdf(src) as pdf:
        count = len(pdf.pages)
        pdf.remove_unreferenced_resources()
        save_pdf(pdf, out)
    return count
