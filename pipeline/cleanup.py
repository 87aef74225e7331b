"""Clean-up of a page for recognition only: the image Tesseract reads, never the one the PDF keeps.

The steps, each measured on generated sets and kept only where it lowered the character error rate
(docs/benchmarks.md, "Clean-up steps"):

- `dropout_colour`: grey from the colour scan in which coloured ink that is not print fades to
  paper: blue signature ink everywhere, light colours (guilloche, security tint) everywhere, and red
  inside a round seal. Each such pixel takes its brightest channel — the way a scanner's colour
  dropout filter sees it — so black print crossing a seal or a signature stays dark while the
  red/blue ink around it turns light. Red print outside seals (titles, serials) is kept.
- `flatten_background`: divides the page by its smooth background (a large grey closing of a
  reduced copy), so uneven light and gradients go and a dark scanner bed becomes paper white.
- `drop_leaders`: whitens the forms' dotted leaders (runs of evenly spaced dots on one baseline),
  which Tesseract otherwise reads as text (`ĐOÀN.BÁ.VĂN`) or takes as noise, with the words typed on
  them. Dot-below diacritics and colons stay.
- `binarise` (off): Tesseract's own Otsu on the cleaned grey page keeps the diacritics as well as
  Otsu or Sauvola here did (within noise, worse on clean pages); a 3×3 median and reading 200-dpi
  pages at 300 dpi did not help either, so they are options for the benchmark only.

`clean_for_ocr` chains them with a deskew: colour and background on the upright page, then the
turn, then the leaders (they need level baselines). `CleanupOptions` switches steps for the
benchmark's ablation.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

#: Chroma (max - min of R, G, B) from which a pixel counts as coloured ink rather than grey/black.
_CHROMA = 48
#: Coloured pixels at least this light (luminance) are security print / faint ink: dropped anywhere.
_LIGHT = 150
#: A background darker than this is the scanner bed around the sheet, not paper.
_BED = 110
#: A seal's diameter range, in millimetres.
_SEAL_MM = (14.0, 60.0)


@dataclass(frozen=True)
class CleanupOptions:
    colour: bool = True  # colour dropout (seals, signatures, guilloche)
    background: bool = True  # flatten uneven light, whiten the scanner bed
    leaders: bool = True  # whiten dotted leaders
    binarise: str = "none"  # "none", "otsu" or "sauvola"
    denoise: bool = False  # a 3×3 median against sensor noise and JPEG ringing
    min_dpi: float = 0.0  # pages below this resolution are read scaled up to it (0: never)


DEFAULT = CleanupOptions()
#: No clean-up at all: the grey deskewed page (what sohoa read before issue 6; for comparisons).
NONE = CleanupOptions(colour=False, background=False, leaders=False)


def _seal_mask(red: np.ndarray, dpi: float) -> np.ndarray:
    """Round, seal-sized blobs of red ink (a red title or serial is wide, not round), filled."""
    factor = 4
    small = cv2.resize(red.astype(np.uint8), None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    small = (small > 0).astype(np.uint8)
    px_per_mm = dpi / 25.4 / factor
    close = max(3, int(round(2.5 * px_per_mm)) | 1)
    blobs = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((close, close), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    out = np.zeros_like(small)
    lo, hi = (s * px_per_mm for s in _SEAL_MM)
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if lo <= w <= hi and lo <= h <= hi and 0.7 <= w / h <= 1.4:
            cv2.ellipse(out, ((x + w / 2, y + h / 2), (w * 1.1, h * 1.1), 0), 1, -1)
    if not out.any():
        return np.zeros(red.shape, bool)
    return cv2.resize(out, (red.shape[1], red.shape[0]), interpolation=cv2.INTER_NEAREST) > 0


def dropout_colour(image: Image.Image, dpi: float) -> Image.Image:
    """Grey image in which seal, signature and security-print colours fade to paper (see module)."""
    if image.mode != "RGB":
        return image.convert("L")
    r, g, b = cv2.split(np.asarray(image))  # planes: OpenCV's per-pixel ops beat numpy's axis=2
    grey = np.asarray(image.convert("L")).copy()
    top = cv2.max(cv2.max(r, g), b)
    coloured = cv2.subtract(top, cv2.min(cv2.min(r, g), b)) >= _CHROMA
    if not coloured.any():
        return Image.fromarray(grey)
    blue = coloured & (cv2.subtract(b, r) > 30) & (b >= g)
    red = coloured & (cv2.subtract(r, g) > 40) & (cv2.subtract(r, b) > 30)
    drop = blue | (coloured & (grey >= _LIGHT))
    if red.any():
        drop |= red & _seal_mask(red, dpi)
    grey[drop] = top[drop]
    return Image.fromarray(grey)


def flatten_background(grey: Image.Image, dpi: float) -> Image.Image:
    """The page divided by its background (uneven light, a dark scanner bed → white paper)."""
    a = np.asarray(grey)
    factor = max(1, int(round(dpi / 50)))  # the background is estimated at about 50 dpi
    small = cv2.resize(
        a, (max(1, a.shape[1] // factor), max(1, a.shape[0] // factor)), interpolation=cv2.INTER_AREA
    )
    # A closing wider than any stroke gives the paper under the text; the blur smooths its steps.
    k = max(3, int(round(50 / 25.4 * 4)) | 1)  # ~4 mm
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), k / 2)
    background = cv2.resize(background, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(a, np.maximum(background, 1), scale=255)
    # Where the "background" is dark it is the scanner bed, not paper: dividing would only blow up
    # its noise into specks. It becomes paper.
    out[background < _BED] = 255
    return Image.fromarray(out)


def drop_leaders(image: Image.Image, dpi: float) -> Image.Image:
    """Grey image with the dotted leaders whitened.

    A leader is a run of at least five dot-sized specks on one baseline at an even pitch; every
    dot-sized speck on that baseline goes, except a dot right under a letter (a dot-below
    diacritic) and the lower dot of a colon.
    """
    a = np.asarray(image.convert("L")).copy()
    n, labels, stats, cent = cv2.connectedComponentsWithStats((a < 160).astype(np.uint8), connectivity=8)
    scale = dpi / 200
    lim = 7 * scale
    small = np.where((stats[:, 2] <= lim) & (stats[:, 3] <= lim) & (stats[:, 4] >= 2))[0]
    small = small[small > 0]
    rows: list[float] = []
    groups: list[list[int]] = []
    for i in sorted(small, key=lambda k: cent[k, 1]):
        if groups and cent[i, 1] - cent[groups[-1][-1], 1] <= 1.5:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        group.sort(key=lambda k: cent[k, 0])
        run = [group[0]]
        for prev, cur in zip(group, group[1:], strict=False):
            step = cent[cur, 0] - cent[prev, 0]
            even = len(run) < 2 or abs(step - (cent[run[-1], 0] - cent[run[-2], 0])) < 1.6
            if 3 < step < 14 * scale and even:
                run.append(cur)
                continue
            if len(run) >= 5:
                rows.append(float(np.median(cent[run, 1])))
            run = [cur]
        if len(run) >= 5:
            rows.append(float(np.median(cent[run, 1])))
    if not rows:
        return Image.fromarray(a)
    ink = a < 160
    gap = max(int(round(4 * scale)), 2)
    kill = np.zeros(n, bool)
    for y in rows:
        kill[small[np.abs(cent[small, 1] - y) <= 2.0]] = True
    for i in np.where(kill)[0]:
        x, top, w = stats[i, 0], stats[i, 1], stats[i, 2]
        # A dot right under a letter is a diacritic (dot below), not a leader.
        if ink[max(top - gap, 0) : top, x : x + w].any():
            kill[i] = False
            continue
        above = (np.abs(cent[small, 0] - cent[i, 0]) < 2.0) & (cent[small, 1] < cent[i, 1] - 3)
        if np.any(above & (cent[small, 1] > cent[i, 1] - 16 * scale)):
            kill[i] = False  # the lower dot of a colon
    # Paint the dots with their anti-aliased rims in the paper around them (the lightest pixel
    # near each), not pure white, so no light specks are left on darker paper.
    mask = cv2.dilate(kill[labels].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    size = max(3, int(round(9 * scale)) | 1)
    paper = cv2.dilate(a, np.ones((size, size), np.uint8))
    a[mask] = paper[mask]
    return Image.fromarray(a)


def binarise(grey: Image.Image, method: str, dpi: float) -> Image.Image:
    """Black and white (as mode L, 0/255) by Otsu or Sauvola; `none` returns the grey image."""
    if method == "none":
        return grey
    a = np.asarray(grey)
    if method == "otsu":
        _, out = cv2.threshold(a, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    elif method == "sauvola":
        window = max(15, int(round(dpi / 10)) | 1)
        f = a.astype(np.float32)
        mean = cv2.boxFilter(f, -1, (window, window))
        sq = cv2.boxFilter(f * f, -1, (window, window))
        std = np.sqrt(np.maximum(sq - mean * mean, 0))
        out = np.where(f > mean * (1 + 0.2 * (std / 128 - 1)), 255, 0).astype(np.uint8)
    else:
        raise ValueError(f"unknown binarisation {method!r}")
    return Image.fromarray(out)


def clean_for_ocr(
    upright: Image.Image,
    skew_deg: float,
    dpi: float,
    scale: float = 1.0,
    options: CleanupOptions = DEFAULT,
) -> tuple[Image.Image, np.ndarray]:
    """The image OCR reads from the upright colour page: cleaned, deskewed (turned clockwise by
    `skew_deg`) and scaled; and the 2×3 affine from its pixels back to the upright page's."""
    from .preprocess import deskew_image  # local: preprocess imports this module

    grey = dropout_colour(upright, dpi) if options.colour else upright.convert("L")
    if options.background:
        grey = flatten_background(grey, dpi)
    if options.denoise:
        grey = Image.fromarray(cv2.medianBlur(np.asarray(grey), 3))
    if options.min_dpi and dpi * scale < options.min_dpi:
        scale = options.min_dpi / dpi
    image, back = deskew_image(grey, skew_deg, scale)
    read_dpi = dpi * scale
    if options.leaders:
        image = drop_leaders(image, read_dpi)
    image = binarise(image, options.binarise, read_dpi)
    return image, back
