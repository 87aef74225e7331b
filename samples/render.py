"""Drawing a form page: fonts, the pre-printed labels on dotted lines, typed data, and every line recorded.

A `PageWriter` owns one upright page image at its scan resolution and a cursor running down it. Each
call draws one printed line (or one row of label/value segments) and appends the text as it reads
left to right to `lines`, which becomes the page's ground truth. Seals, signatures, guilloche and QR
codes are drawn by `ornaments`; scan degradations by `degrade`.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
)

#: Font families with full Vietnamese coverage: (regular, bold, italic, bold italic) file names.
FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "Liberation Serif": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    "Liberation Sans": (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf",
        "LiberationSans-BoldItalic.ttf",
    ),
    "DejaVu Serif": (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
    "DejaVu Sans": (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    "Noto Serif": (
        "NotoSerif-Regular.ttf",
        "NotoSerif-Bold.ttf",
        "NotoSerif-Italic.ttf",
        "NotoSerif-BoldItalic.ttf",
    ),
    "Noto Sans": (
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSans-Italic.ttf",
        "NotoSans-BoldItalic.ttf",
    ),
}
#: Pre-printed form text is set in a serif face; typed data in any family.
FORM_FAMILIES = ("Liberation Serif", "DejaVu Serif", "Noto Serif")
DATA_FAMILIES = tuple(FAMILIES)

INK = (28, 28, 30)
DATA_INK = (18, 18, 40)
RED = (200, 32, 36)


def _font_path(name: str) -> Path:
    for d in _FONT_DIRS:
        p = d / name
        if p.exists():
            return p
    raise FileNotFoundError(
        f"font {name} not found (install fonts-liberation2, fonts-dejavu-core, fonts-noto-core)"
    )


@cache
def font(family: str, px: int, bold: bool = False, italic: bool = False) -> ImageFont.FreeTypeFont:
    files = FAMILIES[family]
    name = files[(1 if bold else 0) + (2 if italic else 0)]
    return ImageFont.truetype(str(_font_path(name)), max(int(px), 6))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class Style:
    """Fonts and sizes of one document: the form's printed face and the clerk's typing face."""

    form_family: str
    data_family: str
    size_pt: float = 12.5
    data_size_pt: float = 12.5
    data_bold: bool = False
    #: Largest data offset from its dotted line, in pt (mis-registered printing); (dx, dy).
    misregister_pt: tuple[float, float] = (0.0, 0.0)
    #: Share of values drawn off their line by up to `misregister_pt`.
    misregister_share: float = 0.0


@dataclass
class PageWriter:
    """One upright page being drawn, with its cursor and the truth lines recorded so far."""

    width_mm: float
    height_mm: float
    dpi: int
    style: Style
    rng: random.Random
    paper: tuple[int, int, int] = (250, 249, 245)
    margin_mm: tuple[float, float, float, float] = (20.0, 15.0, 15.0, 15.0)  # left, top, right, bottom
    lines: list[str] = field(default_factory=list)
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    y: float = field(init=False)

    def __post_init__(self) -> None:
        w, h = self.px(self.width_mm), self.px(self.height_mm)
        self.image = Image.new("RGB", (w, h), self.paper)
        self.draw = ImageDraw.Draw(self.image)
        self.y = self.px(self.margin_mm[1])

    # --- units -------------------------------------------------------------------------------
    def px(self, mm: float) -> int:
        return int(round(mm * self.dpi / 25.4))

    def pt(self, points: float) -> int:
        return int(round(points * self.dpi / 72.0))

    @property
    def left(self) -> int:
        return self.px(self.margin_mm[0])

    @property
    def right(self) -> int:
        return self.image.width - self.px(self.margin_mm[2])

    # --- fonts -------------------------------------------------------------------------------
    def form_font(self, scale: float = 1.0, bold: bool = False, italic: bool = False):
        return font(self.style.form_family, self.pt(self.style.size_pt * scale), bold, italic)

    def data_font(self, scale: float = 1.0, bold: bool | None = None):
        return font(
            self.style.data_family,
            self.pt(self.style.data_size_pt * scale),
            self.style.data_bold if bold is None else bold,
            False,
        )

    @staticmethod
    def text_width(text: str, fnt) -> int:
        return int(round(fnt.getlength(text)))

    # --- primitives --------------------------------------------------------------------------
    def gap(self, mm: float) -> None:
        self.y += self.px(mm)

    def dots(self, x0: int, x1: int, baseline: int) -> None:
        """A dotted leader from x0 to x1 on the baseline: the pre-printed line to write on.

        Drawn as the form font's full stops, as word processors print tab leaders.
        """
        fnt = self.form_font()
        dot_w = max(self.text_width(".", fnt), 1)
        count = int((x1 - x0) / dot_w)
        if count <= 0:
            return
        asc = fnt.getmetrics()[0]
        self.draw.text((x0, baseline - asc), "." * count, font=fnt, fill=INK)

    def text(
        self,
        text: str,
        *,
        align: str = "left",
        x: int | None = None,
        scale: float = 1.0,
        bold: bool = False,
        italic: bool = False,
        color: tuple[int, int, int] = INK,
        x_center: int | None = None,
        spacing: float = 1.45,
        record: bool = True,
    ) -> None:
        """One printed line of form text at the cursor, then the cursor moves down one line."""
        text = nfc(text)
        fnt = self.form_font(scale, bold, italic)
        w = self.text_width(text, fnt)
        if x_center is not None:
            x0 = x_center - w // 2
        elif align == "center":
            x0 = (self.image.width - w) // 2
        elif align == "right":
            x0 = self.right - w
        else:
            x0 = self.left if x is None else x
        asc = fnt.getmetrics()[0]
        self.draw.text((x0, self.y), text, font=fnt, fill=color)
        baseline = self.y + asc
        self.y = baseline + int(fnt.size * (spacing - 0.85))
        if record and text.strip():
            self.lines.append(text)

    def row(
        self,
        segments: list[tuple[str, str | None, float | None]],
        *,
        x0: int | None = None,
        x1: int | None = None,
        pitch: float = 1.75,
    ) -> None:
        """A row of `label value` segments on dotted lines, wrapping long values onto extra dotted lines.

        Each segment is (label, value or None when left blank, share of the row width or None for
        the rest). The recorded line is the labels and values as they read left to right.
        """
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        label_font = self.form_font()
        value_font = self.data_font()
        asc = label_font.getmetrics()[0]
        baseline = self.y + asc
        span = x1 - x0
        shares = [s for _, _, s in segments if s is not None]
        rest = max(0.0, 1.0 - sum(shares))
        n_rest = sum(1 for _, _, s in segments if s is None) or 1
        parts: list[str] = []
        overflow: str | None = None
        x = x0
        for i, (label, value, share) in enumerate(segments):
            seg_w = span * (share if share is not None else rest / n_rest)
            seg_end = x1 if i == len(segments) - 1 else int(x + seg_w)
            label = nfc(label)
            if label:
                self.draw.text((x, self.y), label, font=label_font, fill=INK)
            lw = self.text_width(label, label_font)
            vx = x + lw + self.pt(4)
            self.dots(x + lw + self.pt(1.5), seg_end - self.pt(3), baseline)
            text = label
            if value:
                value = nfc(value)
                room = seg_end - vx - self.pt(4)
                shown, more = self._fit(value, value_font, room)
                if more and i != len(segments) - 1:
                    value_font_small = self.data_font(0.85)
                    shown, more = self._fit(value, value_font_small, room)
                    self._data(vx, baseline, shown, value_font_small)
                else:
                    self._data(vx, baseline, shown, value_font)
                text = f"{label} {shown}" if label else shown
                if more:
                    overflow = more
            parts.append(text)
            x = seg_end + self.pt(6)
        self.lines.append(nfc(" ".join(p for p in parts if p).strip()))
        self.y = baseline + int(label_font.size * (pitch - 0.85))
        while overflow:
            baseline = self.y + asc
            self.dots(x0, x1 - self.pt(3), baseline)
            shown, overflow = self._fit(overflow, value_font, x1 - x0 - self.pt(12))
            self._data(x0 + self.pt(6), baseline, shown, value_font)
            self.lines.append(shown)
            self.y = baseline + int(label_font.size * (pitch - 0.85))

    def _fit(self, text: str, fnt, room: int) -> tuple[str, str | None]:
        """Split `text` at a space so the first part fits in `room` pixels."""
        if self.text_width(text, fnt) <= room:
            return text, None
        words = text.split(" ")
        out: list[str] = []
        for k, word in enumerate(words):
            trial = " ".join([*out, word])
            if out and self.text_width(trial, fnt) > room:
                return " ".join(out), " ".join(words[k:])
            out.append(word)
        return text, None

    def _data(self, x: int, baseline: int, text: str, fnt, printed: bool = False) -> None:
        """Typed data sitting on the dots, sometimes off the line (mis-registered printing).
        `printed`: pre-printed form text set in this face: on its baseline, never off it."""
        dx = dy = 0
        st = self.style
        if st.misregister_share and self.rng.random() < st.misregister_share:
            dx = self.pt(self.rng.uniform(-st.misregister_pt[0], st.misregister_pt[0]))
            dy = self.pt(self.rng.uniform(-st.misregister_pt[1], st.misregister_pt[1] * 0.6))
        # Pre-printed text still draws its offset above, so the generator's random sequence, and
        # with it every later value and degradation of the set, stays the same.
        if printed:
            dx = dy = 0
        asc = fnt.getmetrics()[0]
        # Typed data sits a little above the dots (a third of the type size), as typists align it.
        raise_px = 0 if printed else int(fnt.size * 0.3)
        self.draw.text((x + dx, baseline - asc - raise_px + dy), text, font=fnt, fill=DATA_INK)

    def typed(
        self,
        text: str,
        *,
        x: int | None = None,
        bold: bool | None = None,
        scale: float = 1.0,
        pitch: float = 1.6,
        indent_mm: float = 6.0,
        x1: int | None = None,
        printed: bool = False,
    ) -> None:
        """Free typed data (no dots), wrapped within the margins; continuation lines indented.
        `printed`: pre-printed form text in the typing face (a notice): never mis-registered."""
        rest: str | None = nfc(text)
        fnt = self.data_font(scale, bold)
        asc = fnt.getmetrics()[0]
        x0 = self.left if x is None else x
        x1 = self.right if x1 is None else x1
        first = True
        while rest:
            xs = x0 if first else x0 + self.px(indent_mm)
            shown, rest = self._fit(rest, fnt, x1 - xs)
            baseline = self.y + asc
            self._data(xs, baseline, shown, fnt, printed)
            self.lines.append(shown)
            self.y = baseline + int(fnt.size * (pitch - 0.85))
            first = False
