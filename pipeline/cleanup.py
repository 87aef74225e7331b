"""Clean-up of a page for recognition only: the image Tesseract reads, never the one the PDF keeps.

The steps, each measured on generated sets and kept only where it lowered the character error rate
(docs/benchmarks.md, "Clean-up steps"):

- `dropout_colour`: grey from the colour scan in which coloured ink that is not print fades to
  paper: blue signature ink everywhere, light colours (guilloche, security tint) everywhere, and red
  inside a round seal. Such a pixel takes its brightest channel — the way a scanner's colour
  dropout filter sees it — and, when that is light, the paper's grey, so black print crossing a
  seal or a signature stays dark while the red/blue ink around it turns to paper. The colour
  thresholds are low enough for faded, blurred ink on JPEG scans. Red print outside seals (titles,
  serials) is kept.
- `flatten_background`: divides the page by its smooth background (a large grey closing of a
  reduced copy), so uneven light and gradients go and a dark scanner bed becomes paper white.
- `drop_leaders`: whitens the forms' dotted leaders (runs of evenly spaced dots on one baseline),
  which Tesseract otherwise reads as text (`ĐOÀN.BÁ.VĂN`) or takes as noise, with the words typed on
  them. Dot-below diacritics, colons and commas on the same baseline stay; the dots under a value
  typed right onto its leader go too where they fall on the leader's beat (`_on_leader_beat`), and
  a leader the value's letters break into a dot or two between words is found by its dots' steps
  of whole pitches (`_broken_leaders`).
- a 3×3 median on noisy scans only (`noise_level`): it helps on noisy JPEG scans, and costs
  diacritics on clean ones.
- `binarise` (off): Tesseract's own Otsu on the cleaned grey page keeps the diacritics better than
  Otsu or Sauvola here (Sauvola on 96 pages: 2.23% CER against 2.03% without, and 20% slower);
  reading 200-dpi pages at 300 dpi did not help either (nor 300-dpi pages at 200-270 dpi), so
  both are options for the benchmark only.

`clean_for_ocr` chains them with a deskew: colour and background on the upright page, then the
turn, then the leaders (they need level baselines), then the median. `CleanupOptions` switches
steps for the benchmark's ablation.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

#: Chroma (max - min of R, G, B) from which a pixel counts as coloured ink rather than grey/black.
#: Faded, blurred seal rings and signature strokes on JPEG scans drop to 25-40; paper tint and
#: black print stay under 15 (48 left the seals of medium/hard pages in: docs/benchmarks.md).
_CHROMA = 24
#: How much redder than green and blue (or bluer than red) seal (signature) ink is at least.
_RED_OVER_GREEN, _RED_OVER_BLUE, _BLUE_OVER_RED = 20, 14, 18
#: Coloured pixels at least this light (luminance) are security print / faint ink: dropped anywhere.
_LIGHT = 150
#: A dropped pixel at least this light becomes paper; a darker one (black print crossing the ink,
#: blurred into it) keeps its brightest channel.
_INK_FILL = 120
#: Pages whose `noise_level` reaches this are read through a 3×3 median: on clean and lightly
#: noisy pages (level 0-0.05) it costs diacritics, on noisy JPEG scans (0.4-3) it wins.
_NOISY = 0.25
_NOISE_WINDOW = 512  # half the side of the square the noise is measured on, in pixels
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
    #: a 3×3 median against sensor noise and JPEG ringing: "auto" on noisy pages only, "always", "never"
    denoise: str = "auto"
    min_dpi: float = 0.0  # pages below this resolution are read scaled up to it (0: never)


DEFAULT = CleanupOptions()
#: No clean-up at all: the grey deskewed page (what sohoa read before issue 6; for comparisons).
NONE = CleanupOptions(colour=False, background=False, leaders=False)


def _seal_mask(red: np.ndarray, dpi: float) -> np.ndarray:
    """Round, seal-sized blobs of red ink (a red title or serial is wide, not round), filled."""
    factor = 4
    # Any red in a cell counts (a 0/1 image averaged would round thin ring strokes away).
    small = cv2.resize(
        red.view(np.uint8) * 255, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA
    )
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


def dropout_colour(image: Image.Image, dpi: float, grey: Image.Image | None = None) -> Image.Image:
    """Grey image in which seal, signature and security-print colours fade to paper (see module).
    `grey` is the image's own grey conversion when the caller has it already."""
    grey = grey if grey is not None else image.convert("L")
    if image.mode != "RGB":
        return grey
    # Planes (OpenCV's per-pixel ops beat numpy's axis=2), taken by Pillow: a third of the time of
    # the whole colour array on a 300-dpi page.
    r, g, b = (np.asarray(plane) for plane in image.split())
    grey = np.asarray(grey).copy()
    top = cv2.max(cv2.max(r, g), b)
    coloured = cv2.subtract(top, cv2.min(cv2.min(r, g), b)) >= _CHROMA
    if not coloured.any():
        return Image.fromarray(grey)
    blue = coloured & (cv2.subtract(b, r) > _BLUE_OVER_RED) & (b >= g)
    red = coloured & (cv2.subtract(r, g) > _RED_OVER_GREEN) & (cv2.subtract(r, b) > _RED_OVER_BLUE)
    drop = blue | (coloured & (grey >= _LIGHT))
    if red.any():
        drop |= red & _seal_mask(red, dpi)
    # Seal ink is darker than paper in every channel (a stamp absorbs some red light too), so its
    # brightest channel alone leaves a grey ring: light dropped pixels become the paper's grey.
    paper = np.uint8(np.percentile(grey[::8, ::8], 90))
    grey[drop] = top[drop]
    light = drop & (top >= _INK_FILL)
    grey[light] = np.maximum(top[light], paper)
    return Image.fromarray(grey)


def noise_level(image: Image.Image) -> float:
    """Mean distance of the paper's pixels from their 3×3 median, in grey levels, measured on the
    middle of the scan: ~0 on a clean scan, 0.5-3 with sensor noise and JPEG artefacts."""
    w, h = image.size
    x, y = max(0, w // 2 - _NOISE_WINDOW), max(0, h // 2 - _NOISE_WINDOW)
    crop = np.asarray(
        image.crop((x, y, min(w, x + 2 * _NOISE_WINDOW), min(h, y + 2 * _NOISE_WINDOW))).convert("L")
    )
    smooth = cv2.medianBlur(crop, 3)
    # Paper is light in the page and in its median (a leader's dot, gone from the median, is not).
    level = np.percentile(smooth, 40)
    paper = (smooth >= level) & (crop >= level)
    return float(cv2.absdiff(crop, smooth)[paper].mean()) if paper.any() else 0.0


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


def _windows(x0: np.ndarray, y0: np.ndarray, size: int, shape: tuple[int, ...]):
    """Row and column indexes of `size`×`size` windows at (x0, y0), clipped to the image."""
    r = np.arange(size)
    ys = np.clip(y0[:, None, None] + r[None, :, None], 0, shape[0] - 1)
    xs = np.clip(x0[:, None, None] + r[None, None, :], 0, shape[1] - 1)
    return np.broadcast_to(ys, (len(x0), size, size)), np.broadcast_to(xs, (len(x0), size, size))


def _components(ink: np.ndarray):
    """`cv2.connectedComponentsWithStats` (8-connected) with 16-bit labels, less than half the
    time of 32-bit ones on a page; 32-bit where a page has 65,535 specks or more."""
    try:
        return cv2.connectedComponentsWithStats(ink, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        return cv2.connectedComponentsWithStats(ink, connectivity=8)


#: A dot under a letter is a leader's (not a dot-below diacritic) when its centre is within this
#: many pixels of its row's baseline and of a whole number of leader pitches (at most
#: `_BEAT_REACH`) from a leader dot of that row on either side.
_BEAT_TOLERANCE = 1.0
_BEAT_REACH = 24


def _on_leader_beat(points: np.ndarray, anchors: np.ndarray, pitch: float) -> np.ndarray:
    """Which (x, y) centres lie on the beat of a leader that runs on at both sides of them: within
    `_BEAT_TOLERANCE` of the centre of a known leader dot (`anchors`, x and y) of their row
    carried on by whole `pitch`es, one to the left and one to the right. A label's own dot below
    (left of its leader) has leader dots on one side only."""
    hit = np.zeros(len(points), bool)
    for i, (x, y) in enumerate(points):
        row = anchors[np.abs(anchors[:, 1] - y) <= _BEAT_TOLERANCE, 0] - x
        steps = np.abs(row) / pitch
        beat = (steps >= 0.5) & (steps <= _BEAT_REACH + 0.5)
        beat &= np.abs(steps - np.round(steps)) * pitch <= _BEAT_TOLERANCE
        hit[i] = bool((row[beat] < 0).any() and (row[beat] > 0).any())
    return hit


#: A leader with a value typed over it shows a few dots between the words only: dot-sized specks
#: of one row at whole multiples of the page's leader pitch (up to `_GAP_PITCHES`, within
#: `_GAP_TOLERANCE` pixels each) are a leader when at least `_GAP_DOTS` of them chain so.
_GAP_PITCHES = 12
_GAP_TOLERANCE = 1.0
_GAP_DOTS = 5


def _broken_leaders(ink, ids, row, cent, stats, dots, pitch: float, gap: int) -> list[np.ndarray]:
    """Runs of leader dots (speck ids) broken by the letters of a value typed onto the leader:
    the dot-sized specks of a row (`ids` in row then x order, `row` their rows) whose steps are
    whole leader pitches. The page's unbroken leaders (`dots`) give the pitch and the dots' size.
    A speck with ink right under it (within `gap` pixels) is a tone mark over a letter, not a
    leader's dot: a line's tone marks stand in a row too."""
    size = (stats[ids, 3] <= np.median(stats[dots, 3]) * 1.3 + 1) & (
        stats[ids, 2] <= np.median(stats[dots, 2]) * 1.3 + 1
    )
    ids, row = ids[size], row[size]
    x0, w, below = stats[ids, 0], stats[ids, 2], stats[ids, 1] + stats[ids, 3]
    span = int(w.max(initial=1)) if len(ids) else 1
    ys, xs = _windows(x0, below, max(gap, span), ink.shape)
    inside = (np.arange(max(gap, span))[None, :, None] < gap) & (
        np.arange(max(gap, span))[None, None, :] < w[:, None, None]
    )
    inside &= below[:, None, None] + np.arange(max(gap, span))[None, :, None] < ink.shape[0]
    free = ~(ink[ys, xs] & inside).any(axis=(1, 2))
    ids, row = ids[free], row[free]
    if len(ids) < _GAP_DOTS:
        return []
    step = np.diff(cent[ids, 0])
    k = np.round(step / pitch)
    link = (
        (row[1:] == row[:-1]) & (k >= 1) & (k <= _GAP_PITCHES) & (np.abs(step - k * pitch) <= _GAP_TOLERANCE)
    )
    edges = np.diff(np.concatenate(([0], link.view(np.int8), [0])))
    runs = zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    return [ids[s : e + 1] for s, e in runs if e - s >= _GAP_DOTS - 1]


def drop_leaders(image: Image.Image, dpi: float) -> Image.Image:
    """Grey image with the dotted leaders whitened.

    A leader is a run of at least five dot-sized specks on one baseline at an even pitch, or
    (`_broken_leaders`) five or more on one baseline at whole multiples of that pitch from each
    other; every dot-sized speck on that baseline goes, except a dot right under a letter (a
    dot-below diacritic) and the lower dot of a colon. Vectorised over the specks (no loop per
    speck).
    """
    a = np.asarray(image.convert("L")).copy()
    ink = a < 160
    n, labels, stats, cent = _components(ink.view(np.uint8))
    scale = dpi / 200
    lim = 7 * scale
    small = np.flatnonzero((stats[:, 2] <= lim) & (stats[:, 3] <= lim) & (stats[:, 4] >= 2))
    small = small[small > 0]
    if len(small) < 5:
        return Image.fromarray(a)
    # Rows: specks whose centres lie within 1.5 px of the previous one (in y order) share a row.
    by_y = small[np.argsort(cent[small, 1], kind="stable")]
    row = np.concatenate(([0], np.cumsum(np.diff(cent[by_y, 1]) > 1.5)))
    order = np.lexsort((cent[by_y, 0], row))
    ids, row = by_y[order], row[order]
    step = np.diff(cent[ids, 0])
    ok = (row[1:] == row[:-1]) & (step > 3) & (step < 14 * scale)
    even = np.ones_like(ok)
    even[1:] = np.abs(step[1:] - step[:-1]) < 1.6
    # A speck links to the one before when the step fits, and matches the step before it when
    # that was a link too; a leader is a run of at least five specks (four links).
    link = ok & (np.concatenate(([False], ~ok[:-1])) | even)
    edges = np.diff(np.concatenate(([0], link.view(np.int8), [0])))
    runs = zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    runs = [ids[s : e + 1] for s, e in runs if e - s >= 4]
    if not runs:
        return Image.fromarray(a)
    pitch = sum(np.ptp(cent[run, 0]) for run in runs) / sum(len(run) - 1 for run in runs)
    dots = np.concatenate(runs)
    gap = max(int(round(4 * scale)), 2)
    runs += _broken_leaders(ink, ids, row, cent, stats, dots, pitch, gap)
    rows = np.sort([np.median(cent[run, 1]) for run in runs])
    # Only specks the size of the leaders' own dots: a comma on the same baseline is taller.
    small = small[
        (stats[small, 3] <= np.median(stats[dots, 3]) * 1.3 + 1)
        & (stats[small, 2] <= np.median(stats[dots, 2]) * 1.3 + 1)
    ]
    cy = cent[small, 1]
    pos = np.searchsorted(rows, cy)
    near = np.minimum(
        np.abs(cy - rows[np.clip(pos - 1, 0, len(rows) - 1)]),
        np.abs(cy - rows[np.clip(pos, 0, len(rows) - 1)]),
    )
    cand = small[near <= 2.0]
    x0, top, w = stats[cand, 0], stats[cand, 1], stats[cand, 2]
    # A dot right under a letter is a diacritic (dot below), not a leader: ink in the gap above it.
    span = int(lim) + 1
    ys, xs = _windows(x0, top - gap, max(gap, span), a.shape)
    inside = (np.arange(max(gap, span))[None, :, None] < gap) & (
        np.arange(max(gap, span))[None, None, :] < w[:, None, None]
    )
    inside &= (top - gap)[:, None, None] + np.arange(max(gap, span))[None, :, None] >= 0
    keep = (ink[ys, xs] & inside).any(axis=(1, 2))
    # ...unless it stands on the beat of a leader of its row: a value typed onto its dotted line
    # keeps the dots under its letters otherwise, which Tesseract reads as dot-below diacritics
    # and full stops (`Thộn 10. Xã Hội`).
    # A dot-below that falls on a leader's dot makes one speck larger than a leader dot: it stays.
    single = (stats[cand, 4] <= 1.5 * np.median(stats[dots, 4])) & (
        stats[cand, 3] <= np.median(stats[dots, 3]) + 1
    )
    doubt = keep & single
    if doubt.any() and not keep.all():
        keep[doubt] = ~_on_leader_beat(cent[cand[doubt]], cent[cand[~keep]], pitch)
    # The lower dot of a colon: another speck centred just above it.
    other = small[near > 2.0]
    if len(other):
        order = np.argsort(cent[other, 0])
        ox, oy = cent[other[order], 0], cent[other[order], 1]
        lo = np.searchsorted(ox, cent[cand, 0] - 2.0, side="right")
        hi = np.searchsorted(ox, cent[cand, 0] + 2.0, side="left")
        counts = np.maximum(hi - lo, 0)
        if counts.sum():
            which = np.repeat(np.arange(len(cand)), counts)
            idx = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts) + np.arange(
                counts.sum()
            )
            dy = cent[cand[which], 1] - oy[idx]
            keep[which[(dy > 3) & (dy < 16 * scale)]] = True
    kill = cand[~keep]
    if not len(kill):
        return Image.fromarray(a)
    # Paint each dot and a one-pixel rim (its anti-aliased edge) with the paper around it (the
    # lightest pixel near it), not pure white, so no light specks are left on darker paper.
    size = span + 2
    ys, xs = _windows(stats[kill, 0] - 1, stats[kill, 1] - 1, size, a.shape)
    mine = labels[ys, xs] == kill[:, None, None]
    grown = mine.copy()
    grown[:, 1:] |= mine[:, :-1]
    grown[:, :-1] |= mine[:, 1:]
    rim = grown.copy()
    rim[:, :, 1:] |= grown[:, :, :-1]
    rim[:, :, :-1] |= grown[:, :, 1:]
    paper = cv2.dilate(a, np.ones((max(3, int(round(9 * scale)) | 1),) * 2, np.uint8))
    py, px = ys[rim], xs[rim]
    a[py, px] = paper[py, px]
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
    grey: Image.Image | None = None,
) -> tuple[Image.Image, np.ndarray]:
    """The image OCR reads from the upright colour page: cleaned, deskewed (turned clockwise by
    `skew_deg`) and scaled; and the 2×3 affine from its pixels back to the upright page's.
    `grey` is the upright page in grey when the caller has it already."""
    from .preprocess import deskew_image  # local: preprocess imports this module

    denoise = options.denoise == "always" or (options.denoise == "auto" and noise_level(upright) >= _NOISY)
    if options.colour:
        grey = dropout_colour(upright, dpi, grey)
    elif grey is None:
        grey = upright.convert("L")
    if options.background:
        grey = flatten_background(grey, dpi)
    if options.min_dpi and dpi * scale < options.min_dpi:
        scale = options.min_dpi / dpi
    image, back = deskew_image(grey, skew_deg, scale)
    read_dpi = dpi * scale
    if options.leaders:
        image = drop_leaders(image, read_dpi)
    if denoise:  # after the leaders: their dots are told by size, which a median blurs
        image = Image.fromarray(cv2.medianBlur(np.asarray(image), 3))
    image = binarise(image, options.binarise, read_dpi)
    return image, back
