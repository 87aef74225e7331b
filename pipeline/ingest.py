"""Reading inputs into pages: image files (PNG, JPEG, TIFF with many pages), folders of page images
(natural filename order) and PDFs of scanned pages (CONTRACT.md, "Command line").

Pages are produced lazily, one at a time, so a 600-page stack never sits in memory at once. A page
that cannot be read becomes a `PageFailure` at its place; an input that cannot be opened at all
raises `InputError` with a message for the clerk.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputError
from .pdf import open_pdf
from .types import Page, PageFailure

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_SUFFIXES = {".pdf"}
#: Resolution at which a PDF page that is not a single scanned image is rendered.
RENDER_DPI = 300
#: Long side of an A4 page in inches, to estimate the resolution of an image that does not say.
_A4_LONG_IN = 297 / 25.4

Image.MAX_IMAGE_PIXELS = 200_000_000  # a 600-dpi A3 scan is ~70 Mpx; refuse only absurd sizes


def natural_key(name: str) -> list:
    """Sort key that puts `page-2` before `page-10`."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


@dataclass
class InputSource:
    """One input of `sohoa process`: its name in the output and how to read its pages."""

    path: Path
    kind: str  # "image", "folder" or "pdf"

    @property
    def name(self) -> str:
        return self.path.stem if self.path.is_file() else self.path.name

    def page_count(self) -> int:
        if self.kind == "pdf":
            with open_pdf(self.path) as pdf:
                return len(pdf.pages)
        return sum(_frame_count(p) for p in self._image_files())

    def pages(self, *, decode: bool = True) -> Iterator[Page | PageFailure]:
        """Every page in order. `decode=False` is for a reader that only records the pages (the
        workers' ingest), so each page is decoded once, where it is read: a frame of an image file
        is not decoded at all (its `image` gives only its size; `read_frame` with its
        `Page.origin` reads it, and a damaged one fails there); a PDF's page that is a scanner's
        JPEG (`Page.source_jpeg`, stored as it is) is checked by a reduced decode (a truncated
        one still fails here) and its `image` is opened, not decoded; other PDF pages are
        decoded."""
        if self.kind == "pdf":
            yield from _pdf_pages(self.path, decode)
            return
        index = 0
        for file in self._image_files():
            try:
                frames = list(_image_frames(file, decode))
            except InputError as exc:
                index += 1
                yield PageFailure(index, exc.info())
                continue
            for frame in frames:
                index += 1
                if isinstance(frame, PageFailure):
                    yield PageFailure(index, frame.error)
                else:
                    image, dpi, jpeg, number = frame
                    yield _page(index, image, dpi, jpeg, origin=(file, number))

    def _image_files(self) -> list[Path]:
        if self.kind == "image":
            return [self.path]
        files = [
            p
            for p in self.path.iterdir()
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES | PDF_SUFFIXES
        ]
        pdfs = [p for p in files if p.suffix.lower() in PDF_SUFFIXES]
        if pdfs:
            raise InputError(
                f"Thư mục {self.path.name} chứa tệp PDF ({pdfs[0].name}): thư mục chỉ được chứa ảnh trang. "
                "Hãy xử lý tệp PDF riêng.",
                code="mixed_folder",
            )
        return sorted(files, key=lambda p: natural_key(p.name))


def open_input(path: Path) -> InputSource:
    """Recognise an input by what it is; raise InputError when it cannot be one."""
    if not path.exists():
        raise InputError(f"Không tìm thấy {path}: hãy kiểm tra lại đường dẫn.", code="not_found")
    if path.is_dir():
        source = InputSource(path, "folder")
        if not source._image_files():
            raise InputError(
                f"Thư mục {path.name} không có ảnh trang nào (PNG, JPEG, TIFF).", code="empty_folder"
            )
        return source
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return InputSource(path, "pdf")
    if suffix in IMAGE_SUFFIXES:
        return InputSource(path, "image")
    raise InputError(
        f"Không đọc được tệp {path.name}: chỉ nhận ảnh PNG, JPEG, TIFF hoặc tệp PDF.",
        code="unsupported_format",
    )


# --- images ------------------------------------------------------------------------------------


def _frame_count(path: Path) -> int:
    try:
        with Image.open(path) as im:
            return getattr(im, "n_frames", 1)
    except (OSError, UnidentifiedImageError, ValueError):
        return 1  # an unreadable file is still one (failed) page


def _image_frames(
    path: Path, decode: bool = True
) -> Iterator[tuple[Image.Image, float | None, bytes | None, int] | PageFailure]:
    """Every frame of an image file with its resolution (None when the file does not say), for a
    JPEG file that decodes to the page as it is the file's bytes (see `Page.source_jpeg`), and the
    frame's number. `decode=False`: frames are opened, not decoded, and come with their size only
    (no bytes): `read_frame` decodes one later, to the same pixels, and fails there if it is
    damaged."""
    try:
        im = Image.open(path)
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise _corrupt_image(path, exc) from None
    kept = False  # the file's own decoded image is the page: not closed here
    try:
        for frame in range(getattr(im, "n_frames", 1)):
            try:
                im.seek(frame)
                if decode:
                    decoded = _decoded_frame(path, im, frame)
                    kept = decoded[0] is im
                    yield (*decoded, frame)
                else:
                    # The size the page will have (an EXIF turn swaps it) and the resolution; the
                    # pixels are decoded where the page is read (a damaged frame fails there).
                    turned = frame == 0 and im.getexif().get(_EXIF_ORIENTATION, 1) in (5, 6, 7, 8)
                    size = (im.height, im.width) if turned else im.size
                    yield _Unread(size), _dpi_of(im), None, frame
            except (OSError, ValueError, SyntaxError) as exc:
                yield PageFailure(0, _corrupt_image(path, exc).info())
    finally:
        if not kept:
            im.close()


def _decoded_frame(path: Path, im: Image.Image, frame: int) -> tuple[Image.Image, float | None, bytes | None]:
    im.load()
    if _is_page_as_decoded(im, frame):
        image = im  # nothing to turn or convert, and load() closed the file: no copy (26 MB at 300 dpi)
    else:
        image = to_8bit(ImageOps.exif_transpose(im) if frame == 0 else im.copy())
    return image, _dpi_of(im), _jpeg_as_is(path, im)


def _is_page_as_decoded(im: Image.Image, frame: int) -> bool:
    """A decoded single-frame RGB or grey image shown as stored, whose file `load()` has closed
    and whose pixels are not a map of the file: closing it is not needed, so it can be the page."""
    return (
        frame == 0
        and getattr(im, "n_frames", 1) == 1
        and im.mode in ("RGB", "L")
        and getattr(im, "fp", None) is None
        and getattr(im, "map", None) is None
        and im.getexif().get(_EXIF_ORIENTATION, 1) == 1
    )


@dataclass(frozen=True)
class _Unread:
    """Stands for a frame's image in a `Page` of `pages(decode=False)`: its size only (the page's
    `origin` says where the frame is)."""

    size: tuple[int, int]

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]


def read_frame(
    path: Path, frame: int, index: int, dpi: float, dpi_known: bool = True, *, decode: bool = True
) -> Page:
    """Frame `frame` of an image file as the page `pages()` gives (same pixels, same
    `source_jpeg`), at the resolution recorded for it. Raises InputError for a file or frame that
    cannot be read. `decode=False`, for a page read well once already: a frame that is the page as
    stored (8-bit RGB or grey, no EXIF turn) is opened, not decoded, and decoded where its pixels
    are first used (a step that only needs the page's words never decodes it; a scanner's JPEG
    that only goes into a PDF is embedded unchanged)."""
    try:
        data = path.read_bytes()
        im = Image.open(io.BytesIO(data))  # a buffer, not the file: nothing to close later
        jpeg = _jpeg_as_is(path, im, data) if getattr(im, "n_frames", 1) == 1 else None
        im.seek(frame)
        turned = frame == 0 and im.getexif().get(_EXIF_ORIENTATION, 1) != 1
        image = im if im.mode in ("RGB", "L") and not turned else _decoded_frame(path, im, frame)[0]
        if decode:
            image.load()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError) as exc:
        raise _corrupt_image(path, exc) from None
    return Page(index, image, dpi=dpi, dpi_known=dpi_known, source_jpeg=jpeg, origin=(path, frame))


def _jpeg_as_is(path: Path, im: Image.Image, data: bytes | None = None) -> bytes | None:
    """The file's bytes (`data`, when read already) when it is an RGB or grey JPEG shown as stored
    (no EXIF turn), else None."""
    if im.format != "JPEG" or im.mode not in ("RGB", "L"):
        return None
    if im.getexif().get(_EXIF_ORIENTATION, 1) != 1:
        return None
    return data if data is not None else path.read_bytes()


_EXIF_ORIENTATION = 0x0112


def checked_jpeg(data: bytes) -> Image.Image:
    """The JPEG opened but not decoded, after a decode at an eighth of its size (~5× faster than
    a full decode, and it still reads every coded block, so a truncated or damaged file raises)."""
    with Image.open(io.BytesIO(data)) as probe:
        probe.draft(probe.mode, (max(1, probe.width // 8), max(1, probe.height // 8)))
        probe.load()
    return Image.open(io.BytesIO(data))


def _corrupt_image(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"Tệp ảnh {path.name} bị hỏng hoặc không phải ảnh: hãy quét lại trang này rồi chạy lại.",
        code="corrupt_image",
        detail=f"{type(exc).__name__}: {exc}",
    )


def _dpi_of(im: Image.Image) -> float | None:
    dpi = im.info.get("dpi")
    if dpi and dpi[0] and float(dpi[0]) > 1:
        return float(dpi[0])
    return None


def to_8bit(im: Image.Image) -> Image.Image:
    """Any Pillow image as RGB or L with 8 bits per channel (16-bit, CMYK, palette, alpha...); an
    RGB or L image is returned as it is (callers pass an image of their own, not a file's)."""
    if im.mode in ("RGB", "L"):
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = 65535.0 if arr.max() > 255 else 255.0
        return Image.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if im.mode == "F":
        arr = np.asarray(im, dtype=np.float64)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode == "1":
        return im.convert("L")
    return im.convert("RGB")


def _page(
    index: int,
    image: Image.Image,
    dpi: float | None,
    source_jpeg: bytes | None = None,
    origin: tuple[Path, int] | None = None,
) -> Page:
    if dpi is None:
        long_side = max(image.width, image.height)
        return Page(
            index,
            image,
            dpi=round(long_side / _A4_LONG_IN),
            dpi_known=False,
            source_jpeg=source_jpeg,
            origin=origin,
        )
    return Page(index, image, dpi=dpi, source_jpeg=source_jpeg, origin=origin)


# --- PDFs --------------------------------------------------------------------------------------


def _pdf_pages(path: Path, decode: bool = True) -> Iterator[Page | PageFailure]:
    with open_pdf(path) as pdf:
        renderer = None
        for i, page in enumerate(pdf.pages, start=1):
            try:
                found = _single_scan_image(page, decode)
                if found is None:
                    if renderer is None:
                        renderer = _PdfRenderer(path)
                    yield Page(i, renderer.render(i - 1, RENDER_DPI), dpi=RENDER_DPI)
                else:
                    image, dpi, jpeg = found
                    yield Page(i, image, dpi=dpi, source_jpeg=jpeg)
            except Exception as exc:  # noqa: BLE001 - one bad page must not stop the others
                yield PageFailure(
                    i,
                    InputError(
                        f"Không đọc được trang {i} của {path.name}: hãy quét lại trang này.",
                        code="corrupt_page",
                        detail=f"{type(exc).__name__}: {exc}",
                    ).info(),
                )


def _single_scan_image(
    page: pikepdf.Page, decode: bool = True
) -> tuple[Image.Image, float, bytes | None] | None:
    """The page's image, its resolution and (for a plain JPEG shown unturned) the JPEG's bytes,
    when the page is exactly one image (a scan), else None. `decode=False`: such a JPEG is only
    checked, see `InputSource.pages`."""
    images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
    if len(images) != 1:
        return None
    box = page.mediabox
    width_pt = float(box[2]) - float(box[0])
    height_pt = float(box[3]) - float(box[1])
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    jpeg = None if rotate else _plain_jpeg(images[0])
    if not decode and jpeg is not None:
        image = checked_jpeg(jpeg)
        if image.mode in ("RGB", "L") and width_pt > 0:
            return image, round(image.width / (width_pt / 72.0), 1), jpeg
    image = to_8bit(pikepdf.PdfImage(images[0]).as_pil_image())
    if rotate:
        # /Rotate turns the page clockwise when shown; show the image the way a reader would.
        image = image.rotate(-rotate, expand=True)
        if rotate in (90, 270):
            width_pt, height_pt = height_pt, width_pt
    if width_pt <= 0:
        return None
    return image, round(image.width / (width_pt / 72.0), 1), jpeg


def _plain_jpeg(xobject: pikepdf.Stream) -> bytes | None:
    """The JPEG file inside an image XObject that a reader shows exactly as the JPEG decodes:
    DCTDecode (alone or under Flate), 8-bit DeviceRGB/DeviceGray, no decode array, mask or
    parameters."""
    filters = xobject.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
    if names not in (["/DCTDecode"], ["/FlateDecode", "/DCTDecode"]):
        return None
    if xobject.get("/BitsPerComponent") != 8:
        return None
    if xobject.get("/ColorSpace") not in (pikepdf.Name.DeviceRGB, pikepdf.Name.DeviceGray):
        return None
    if any(k in xobject for k in ("/Decode", "/DecodeParms", "/SMask", "/Mask", "/ImageMask")):
        return None
    raw = xobject.read_raw_bytes()
    return zlib.decompress(raw) if len(names) == 2 else raw


class _PdfRenderer:
    """Renders pages that are not a single image (born-digital or composite) with PDFium."""

    def __init__(self, path: Path):
        import pypdfium2

        self._doc = pypdfium2.PdfDocument(str(path))

    def render(self, index: int, dpi: int) -> Image.Image:
        bitmap = self._doc[index].render(scale=dpi / 72.0)
        return bitmap.to_pil().convert("RGB")
