"""What a visible signature looks like and where it goes (Decree 30/2020, Appendix I; DOMAIN.md).

- leader: the handwritten signature image (blue, transparent PNG) at the signing position, with the
  authority lines and title above it and the name and signing time below it. The position is a
  named empty field, a box on a page, or found in the text layer: the signer's name (pdfplumber);
  a document that already prints the title and the name gets only the image and the time, in the
  gap between them.
- seal: the agency's red seal image at real size over the left third of the leader's signature
  image (found through the `/SohoaSignatureImage` entry the leader's widget carries), with the
  agency's name and the time under the leader's block. A second, incremental signature.
- copy: a digitised copy's stamp top right of page 1: the copy form (`SAO Y`), the agency's name
  and the time, the seal image to its left when the profile asks for it.
- digitiser: the digitiser's name and the time, top right of page 1 under the stamps already there.

Text is set in Liberation Serif (metric-compatible with Times New Roman), 10 pt by default,
embedded as a subset through pyHanko's OpenType support (HarfBuzz shaping, ToUnicode map), so the
Vietnamese text shows and extracts. Times are shown in Vietnam time, `hh:mm:ss dd/mm/yyyy +07:00`
by default (the profile's `time_format`, where `%:z` is the offset as ISO 8601 writes it).
"""

from __future__ import annotations

import functools
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image, ImageFont
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.stamp import BaseStamp, BaseStampStyle

from ...schemas.signing import SignerProfile
from .errors import SignaturePositionError, SignerProfileError

# fontTools notes every table it drops while subsetting the embedded font (not a problem).
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

PT_PER_MM = 72 / 25.4
#: Entry of a leader's signature widget: where its signature image is, in page coordinates, so an
#: agency's seal can be put over its left third.
IMAGE_RECT_KEY = "/SohoaSignatureImage"
#: Entry of a leader's signature widget: the whole signature block on the page (the widget, and the
#: name printed by the document under it), so the agency's lines go under it, not over the name.
BLOCK_RECT_KEY = "/SohoaSignatureBlock"
MARGIN = 20.0  # points between a corner stamp and the page edge
GAP = 2.0

FONT_CANDIDATES = {
    False: (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    ),
}


def find_font(bold: bool) -> Path:
    """Liberation Serif (fonts-liberation2), the metric-compatible stand-in for Times New Roman."""
    for candidate in FONT_CANDIDATES[bold]:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        pattern = "Liberation Serif:bold" if bold else "Liberation Serif"
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=30
        ).stdout.strip()
        if found and "LiberationSerif" in found and Path(found).is_file():
            return Path(found)
    raise SignerProfileError(
        "Không tìm thấy phông Liberation Serif để in chữ ký. Cài gói fonts-liberation2 (make system) "
        "hoặc đặt `font`/`font_bold` trong hồ sơ ký.",
        detail="liberation serif not found",
    )


def format_signing_time(
    when: datetime, fmt: str = "%H:%M:%S %d/%m/%Y %:z", tz: str = "Asia/Ho_Chi_Minh"
) -> str:
    """`when` in the time zone `tz`, with `%:z` as `+07:00` (ISO 8601) on every Python."""
    try:
        local = when.astimezone(ZoneInfo(tz))
    except ZoneInfoNotFoundError:
        raise SignerProfileError(f"Múi giờ '{tz}' không tồn tại (ví dụ Asia/Ho_Chi_Minh).") from None
    offset = local.strftime("%z")  # +0700
    return local.strftime(fmt.replace("%:z", f"{offset[:3]}:{offset[3:]}"))


@functools.lru_cache(maxsize=4)
def font_1000_upem(path: str) -> bytes:
    """The font scaled to 1000 units per em. pyHanko's glyph accumulator (0.38) writes the font's
    own advance widths into /W and the TJ adjustments, which PDF reads in thousandths of an em:
    with Liberation's 2048 units every glyph would be drawn about twice as far apart."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=8)
def _measure_font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, 1000)


def text_width(text: str, font: Path, size: float) -> float:
    return _measure_font(str(font)).getlength(text) * size / 1000


# -- the drawing: what a stamp holds ----------------------------------------------------------


@dataclass(frozen=True)
class ImageItem:
    image: Image.Image
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class TextItem:
    text: str
    x: float  # left end of the baseline
    y: float
    bold: bool = False


@dataclass(frozen=True)
class DrawnStampStyle(BaseStampStyle):
    """A pyHanko stamp style that draws given images and text lines (no border, no background)."""

    items: tuple = ()
    font: str = ""
    font_bold: str = ""
    font_size: float = 10.0
    border_width: int = 0

    def create_stamp(self, writer, box: layout.BoxConstraints, text_params: dict) -> DrawnStamp:
        return DrawnStamp(writer=writer, style=self, box=box)


class DrawnStamp(BaseStamp):
    def _render_inner_content(self):
        style: DrawnStampStyle = self.style
        commands: list[bytes] = []
        engines: dict[bool, object] = {}
        for n, item in enumerate(style.items):
            if isinstance(item, ImageItem):
                image = PdfImage(
                    item.image,
                    writer=self.writer,
                    name=f"Sig{n}",
                    box=layout.BoxConstraints(width=item.width, height=item.height),
                )
                drawn = image.render()
                self.import_resources(image.resources)
                commands.append(b"q 1 0 0 1 %g %g cm %s Q" % (item.x, item.y, drawn))
            else:
                engine = engines.get(item.bold)
                if engine is None:
                    path = style.font_bold if item.bold else style.font
                    engine = GlyphAccumulator(
                        writer=self.writer,
                        font_handle=io.BytesIO(font_1000_upem(path)),
                        font_size=style.font_size,
                    )
                    engines[item.bold] = engine
                    self.set_resource(
                        category=ResourceType.FONT,
                        name=pdf_name("/FB" if item.bold else "/FR"),
                        value=engine.as_resource(),
                    )
                ops = engine.shape(item.text).graphics_ops
                font_name = b"/FB" if item.bold else b"/FR"
                commands.append(
                    b"q 0 g BT %s %g Tf 1 0 0 1 %g %g Tm %s ET Q"
                    % (font_name, style.font_size, item.x, item.y, ops)
                )
        return commands


# -- placement ---------------------------------------------------------------------------------


@dataclass
class Placement:
    """A visible signature: its widget rectangle on a page and what to draw in it."""

    page_index: int
    rect: tuple[float, float, float, float]
    style: DrawnStampStyle
    #: The signature image's rectangle on the page (leader), recorded in the widget for the seal.
    image_rect: tuple[float, float, float, float] | None = None
    #: Sign into this existing empty field instead of a new one.
    existing_field: str | None = None
    #: The whole signature block on the page (leader), when more than the widget.
    block_rect: tuple[float, float, float, float] | None = None


@dataclass
class _Block:
    """Items laid out in a box of `width` × `height` with the origin at its lower left."""

    width: float
    height: float
    items: list = field(default_factory=list)
    image_rect: tuple[float, float, float, float] | None = None  # relative to the box


class Appearance:
    """A profile's appearance, with its images and fonts loaded once for a whole batch."""

    def __init__(self, profile: SignerProfile):
        self.profile = profile
        self.kind = profile.appearance_kind
        self.font = profile.font or find_font(False)
        self.font_bold = profile.font_bold or find_font(True)
        for f in (self.font, self.font_bold):
            if not Path(f).is_file():
                raise SignerProfileError(f"Không tìm thấy tệp phông '{Path(f).name}' của hồ sơ ký.")
        self.size = profile.font_size
        self.lead = self.size * 1.2
        self.signature = (
            self._image(profile.signature_image, "signature_image") if self.kind == "leader" else None
        )
        needs_seal = self.kind == "seal" or (self.kind == "copy" and profile.copy_seal)
        self.seal = self._image(profile.seal_image, "seal_image") if needs_seal else None
        if self.kind in ("seal", "copy") and not profile.agency:
            raise SignerProfileError(
                "Hồ sơ ký của cơ quan cần `agency` (tên cơ quan).", detail="no agency name"
            )
        if self.kind == "digitiser" and not profile.name:
            raise SignerProfileError("Hồ sơ ký của người số hóa cần `name`.", detail="no digitiser name")

    def _image(self, path: Path | None, key: str) -> Image.Image:
        if path is None:
            raise SignerProfileError(
                f"Hồ sơ ký cần `{key}` (ảnh PNG nền trong suốt) cho kiểu hiển thị '{self.kind}'.",
                detail=f"no {key}",
            )
        try:
            with Image.open(path) as img:
                img.load()
                image = img.convert("RGBA")
        except (OSError, ValueError) as exc:
            raise SignerProfileError(
                f"Không đọc được ảnh '{Path(path).name}' của hồ sơ ký. Dùng ảnh PNG nền trong suốt.",
                detail=type(exc).__name__,
            ) from None
        if image.getextrema()[3][0] == 255:
            raise SignerProfileError(
                f"Ảnh '{Path(path).name}' không có nền trong suốt: cần ảnh PNG có kênh alpha.",
                detail="opaque image",
            )
        return image

    def time_text(self, signed_at: datetime) -> str:
        return format_signing_time(signed_at, self.profile.time_format, self.profile.timezone)

    def _w(self, text: str, bold: bool = False) -> float:
        return text_width(text, self.font_bold if bold else self.font, self.size)

    def _style(self, block: _Block) -> DrawnStampStyle:
        return DrawnStampStyle(
            items=tuple(block.items), font=str(self.font), font_bold=str(self.font_bold), font_size=self.size
        )

    # -- blocks --------------------------------------------------------------------------------

    def _lines_block(self, lines: list[tuple[str, bool]], align: str = "center") -> _Block:
        width = max(self._w(t, b) for t, b in lines) + 2 * GAP
        height = len(lines) * self.lead + GAP
        block = _Block(width, height)
        for i, (text, bold) in enumerate(lines):
            x = (width - self._w(text, bold)) / 2 if align == "center" else GAP
            block.items.append(TextItem(text, x, height - (i + 1) * self.lead + self.size * 0.25, bold))
        return block

    def leader_block(
        self, signed_at: datetime, *, with_text: bool, size: tuple[float, float] | None = None
    ) -> _Block:
        """Title lines, the signature image, name and time (with_text) or image and time only."""
        p = self.profile
        above = [(t, True) for t in p.title_lines] if with_text else []
        below = ([(p.name, True)] if with_text and p.name else []) + [(self.time_text(signed_at), False)]
        text_w = max([self._w(t, b) for t, b in above + below] or [0])
        aspect = self.signature.height / self.signature.width
        img_w = p.signature_width_mm * PT_PER_MM
        img_h = img_w * aspect
        text_h = (len(above) + len(below)) * self.lead + 2 * GAP
        if size is None:
            width, height = max(img_w, text_w) + 2 * GAP, img_h + text_h + 2 * GAP
        else:
            width, height = size
            room_h = max(height - text_h - 2 * GAP, 1.0)
            img_h = min(img_h, room_h)
            img_w = min(img_h / aspect, width - 2 * GAP)
            img_h = img_w * aspect
        block = _Block(width, height)
        y = height - GAP
        for text, bold in above:
            y -= self.lead
            block.items.append(TextItem(text, (width - self._w(text, bold)) / 2, y + self.size * 0.25, bold))
        below_h = len(below) * self.lead + GAP
        # The image fills the room between the lines above and the lines below, centred in it.
        room_top, room_bottom = y - GAP, below_h + GAP
        img_y = room_bottom + max(0.0, (room_top - room_bottom - img_h) / 2)
        img_x = (width - img_w) / 2
        block.items.append(ImageItem(self.signature, img_x, img_y, img_w, img_h))
        block.image_rect = (img_x, img_y, img_x + img_w, img_y + img_h)
        y = below_h
        for text, bold in below:
            y -= self.lead
            block.items.append(TextItem(text, (width - self._w(text, bold)) / 2, y + self.size * 0.25, bold))
        return block

    # -- where ---------------------------------------------------------------------------------

    def place(self, reader: PdfFileReader, data: bytes, signed_at: datetime) -> Placement:
        """Where this signature goes in the PDF read by `reader` (its bytes are `data`)."""
        pos = self.profile.position
        n_pages = int(reader.root["/Pages"]["/Count"])
        if pos.field:
            page_index, rect = _field_widget(reader, pos.field)
            block = self._block_in(signed_at, rect)
            return self._placement(page_index, rect, block, existing=pos.field)
        if pos.box:
            page_index = pos.page - 1 if pos.page > 0 else n_pages + pos.page
            if not 0 <= page_index < n_pages:
                raise SignaturePositionError(
                    f"Tệp PDF không có trang {pos.page} để đặt chữ ký (tệp có {n_pages} trang).",
                    detail="page out of range",
                )
            x1, y1, x2, y2 = pos.box
            rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
            return self._placement(page_index, rect, self._block_in(signed_at, rect))
        if self.kind == "leader":
            return self._place_leader_by_text(data, signed_at)
        if self.kind == "seal":
            return self._place_seal(reader, signed_at)
        return self._place_top_right(reader, signed_at)

    def _block_in(self, signed_at: datetime, rect) -> _Block:
        size = (rect[2] - rect[0], rect[3] - rect[1])
        if self.kind == "leader":
            return self.leader_block(signed_at, with_text=True, size=size)
        block = self._corner_block(signed_at)
        block.width, block.height = size
        return block

    def _placement(self, page_index: int, rect, block: _Block, existing: str | None = None) -> Placement:
        image_rect = None
        if block.image_rect is not None:
            bx1, by1, bx2, by2 = block.image_rect
            image_rect = (rect[0] + bx1, rect[1] + by1, rect[0] + bx2, rect[1] + by2)
        return Placement(page_index, tuple(rect), self._style(block), image_rect, existing)

    def _place_leader_by_text(self, data: bytes, signed_at: datetime) -> Placement:
        import pdfplumber

        p = self.profile
        anchors = p.position.anchor or ([p.name] if p.name else [])
        if not anchors:
            raise SignerProfileError(
                "Hồ sơ ký của lãnh đạo cần `name` hoặc `position` (field, box hay anchor) để biết chỗ ký.",
                detail="no position",
            )
        titles = [t for t in reversed(p.title_lines)]
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_index in range(len(pdf.pages) - 1, -1, -1):
                page = pdf.pages[page_index]
                for anchor in anchors:
                    hits = page.search(anchor, regex=False, case=False)
                    if not hits:
                        continue
                    hit = hits[-1]
                    height = float(page.height)
                    name_top = height - float(hit["top"])
                    centre = (float(hit["x0"]) + float(hit["x1"])) / 2
                    gap_top = None
                    for title in titles:
                        above = [
                            h
                            for h in page.search(title, regex=False, case=False)
                            if height - float(h["bottom"]) > name_top + 10
                        ]
                        if above:
                            gap_top = min(height - float(h["bottom"]) for h in above)
                            break
                    natural = self.leader_block(signed_at, with_text=False)
                    box_h = (
                        natural.height
                        if gap_top is None
                        else min(gap_top - name_top - 2, natural.height * 1.5)
                    )
                    block = self.leader_block(
                        signed_at, with_text=False, size=(natural.width, max(box_h, 24.0))
                    )
                    x1 = centre - block.width / 2
                    rect = (x1, name_top + 1, x1 + block.width, name_top + 1 + block.height)
                    placement = self._placement(page_index, rect, block)
                    name_bottom = height - float(hit["bottom"])
                    placement.block_rect = (
                        min(rect[0], float(hit["x0"])),
                        name_bottom,
                        max(rect[2], float(hit["x1"])),
                        rect[3],
                    )
                    return placement
        raise SignaturePositionError(
            f"Không tìm thấy '{anchors[0]}' trong lớp chữ của tệp PDF để đặt chữ ký. Đặt `position.box` hoặc "
            "`position.field` trong hồ sơ ký, hoặc kiểm tra lớp chữ (OCR) của tệp.",
            detail="anchor text not found",
        )

    def _place_seal(self, reader: PdfFileReader, signed_at: datetime) -> Placement:
        found = _leader_image(reader)
        if found is None:
            raise SignaturePositionError(
                "Tệp PDF chưa có chữ ký của lãnh đạo (có hình chữ ký) để đóng dấu lên: ký bằng hồ sơ lãnh đạo "
                "trước, hoặc đặt `position.box` trong hồ sơ ký của cơ quan.",
                detail="no leader signature image",
            )
        page_index, image_rect, block_rect = found
        ix1, iy1, ix2, iy2 = image_rect
        seal_w = self.profile.seal_size_mm * PT_PER_MM
        seal_h = seal_w * self.seal.height / self.seal.width
        # The seal covers the left third of the signature image: its right edge at one third.
        sx2 = ix1 + (ix2 - ix1) / 3
        sx1 = sx2 - seal_w
        sy1 = (iy1 + iy2) / 2 - seal_h / 2
        lines = [(self.profile.agency, True), (self.time_text(signed_at), False)]
        text_w = max(self._w(t, b) for t, b in lines) + 2 * GAP
        text_top = min(block_rect[1], sy1) - GAP
        text_h = len(lines) * self.lead + GAP
        rect = (sx1, text_top - text_h, max(sx1 + seal_w, sx1 + text_w), max(sy1 + seal_h, text_top))
        block = _Block(rect[2] - rect[0], rect[3] - rect[1])
        block.items.append(ImageItem(self.seal, 0.0, sy1 - rect[1], seal_w, seal_h))
        for i, (text, bold) in enumerate(lines):
            y = text_top - rect[1] - (i + 1) * self.lead + self.size * 0.25
            block.items.append(TextItem(text, GAP, y, bold))
        return self._placement(page_index, rect, block)

    def _corner_block(self, signed_at: datetime) -> _Block:
        p = self.profile
        if self.kind == "copy":
            lines = [(p.copy_form, True), (p.agency, False), (self.time_text(signed_at), False)]
        else:  # digitiser
            lines = [(f"Người số hóa: {p.name}", False), (self.time_text(signed_at), False)]
        text = self._lines_block(lines, align="left")
        if self.kind != "copy" or self.seal is None:
            return text
        seal_w = p.seal_size_mm * PT_PER_MM
        seal_h = seal_w * self.seal.height / self.seal.width
        height = max(seal_h, text.height)
        block = _Block(seal_w + GAP + text.width, height)
        block.items.append(ImageItem(self.seal, 0.0, (height - seal_h) / 2, seal_w, seal_h))
        dy = (height - text.height) / 2
        for item in text.items:
            block.items.append(TextItem(item.text, item.x + seal_w + GAP, item.y + dy, item.bold))
        return block

    def _place_top_right(self, reader: PdfFileReader, signed_at: datetime) -> Placement:
        block = self._corner_block(signed_at)
        llx, lly, urx, ury = _media_box(_pages(reader)[0].get_object())
        top = ury - MARGIN
        # Under the stamps already top right of page 1 (e.g. the copy stamp, then the digitiser's).
        for rect in _widget_rects(reader, 0):
            if rect[2] > (llx + urx) / 2 and rect[3] > lly + (ury - lly) * 0.6:
                top = min(top, rect[1] - 2 * GAP)
        x2 = urx - MARGIN
        rect = (x2 - block.width, top - block.height, x2, top)
        return self._placement(0, rect, block)


# -- reading what is already in the PDF ----------------------------------------------------------


def _media_box(page) -> tuple[float, float, float, float]:
    node = page
    while "/MediaBox" not in node and "/Parent" in node:  # inheritable
        node = node["/Parent"].get_object()
    return tuple(float(v) for v in node["/MediaBox"])


def _pages(reader: PdfFileReader) -> list:
    out = []

    def walk(node_ref):
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node["/Kids"]:
                walk(kid)
        else:
            out.append(node_ref)

    walk(reader.root.raw_get("/Pages"))
    return out


def _annots(reader: PdfFileReader, page_index: int) -> list:
    page = _pages(reader)[page_index].get_object()
    annots = page.get("/Annots")
    if annots is None:
        return []
    return [a.get_object() for a in annots.get_object()]


def _is_sig_widget(annot) -> bool:
    if annot.get("/Subtype") != "/Widget":
        return False
    ft = annot.get("/FT")
    if ft is None and "/Parent" in annot:
        ft = annot["/Parent"].get_object().get("/FT")
    return ft == "/Sig"


def _rect(annot) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _widget_rects(reader: PdfFileReader, page_index: int) -> list[tuple[float, float, float, float]]:
    rects = []
    for annot in _annots(reader, page_index):
        if _is_sig_widget(annot):
            r = _rect(annot)
            if r[2] - r[0] > 1 and r[3] - r[1] > 1:
                rects.append(r)
    return rects


def _leader_image(reader: PdfFileReader):
    """(page index, image rect, block rect) of the last leader's signature image in the PDF."""
    for page_index in range(len(_pages(reader)) - 1, -1, -1):
        for annot in reversed(_annots(reader, page_index)):
            if _is_sig_widget(annot) and IMAGE_RECT_KEY in annot:
                image_rect = tuple(float(v) for v in annot[IMAGE_RECT_KEY])
                block = annot.get(BLOCK_RECT_KEY)
                block_rect = tuple(float(v) for v in block) if block is not None else _rect(annot)
                return page_index, image_rect, block_rect
    return None


def _field_widget(reader: PdfFileReader, name: str):
    """(page index, rect) of the empty signature field `name`."""
    for page_index in range(len(_pages(reader))):
        for annot in _annots(reader, page_index):
            if not _is_sig_widget(annot):
                continue
            field_dict = annot if "/T" in annot else annot.get("/Parent", generic.NullObject()).get_object()
            if str(field_dict.get("/T", "")) == name:
                if "/V" in field_dict:
                    raise SignaturePositionError(
                        f"Trường chữ ký '{name}' đã được ký. Chọn trường khác.", detail="field filled"
                    )
                return page_index, _rect(annot)
    raise SignaturePositionError(
        f"Tệp PDF không có trường chữ ký '{name}' (position.field của hồ sơ ký).", detail="no such field"
    )


def record_image_rect(writer, field_name: str, image_rect, block_rect=None) -> None:
    """Write the signature image's (and block's) rectangle into the new field's widget (same
    revision as the field, so covered by the signature)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    for _name, _, ref in enumerate_sig_fields(writer, with_name=field_name):
        widget = ref.get_object()
        if "/Kids" in widget:
            widget = widget["/Kids"][0].get_object()
        for key, rect in ((IMAGE_RECT_KEY, image_rect), (BLOCK_RECT_KEY, block_rect)):
            if rect is not None:
                widget[pdf_name(key)] = generic.ArrayObject([generic.FloatObject(round(v, 2)) for v in rect])
        writer.update_container(widget)
        return
