"""Page geometry: turn each page upright (0/90/180/270), measure its tilt, and have the image OCR
reads made from it (cleaned, deskewed, grey: `pipeline/cleanup.py`). The image the PDF keeps is the
colour scan turned upright.

Everything is measured on a reduced grey copy of the page (long side `_WORK_SIZE`):

- Ink is the black-hat of the page (dark strokes thinner than a small square), so a dark scanner
  bed, its cut edges and shadows, which are wide, are not ink; thin text strokes and rules are.
- Tilt is the angle whose projection profile of that ink is sharpest (text lines give sharp
  peaks), searched over ±15° coarse to fine and refined by a parabola through the best three
  angles. Rows against columns give the axis: text running across or along the page.
- Up against down: upright Vietnamese lines are top-heavy (ascenders, diacritics), which decides
  most pages in microseconds. A turn, or a page where that is unclear, is decided by recognition
  confidence on the densest band of text read both ways up (the likelier way first; the other
  is not read when the first reading is sure); a tie by Tesseract's orientation detection on the
  deskewed page. Tesseract's OSD alone was slower (0.5 s a page) and less sure
  (88 of 108 hard pages right and confident); see docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .cleanup import DEFAULT as DEFAULT_CLEANUP
from .cleanup import CleanupOptions, clean_for_ocr
from .errors import OcrError
from .ocr import detect_orientation, recognize
from .types import Page, PreparedPage

#: Long side of the reduced image tilt and orientation are measured on.
_WORK_SIZE = 1600
_MAX_SKEW = 15.0
#: At or above this line asymmetry a page is taken as upright without a recognition check; at or
#: below `-_LINES_SURE_TURNED` as upside down. On 636 generated pages of all levels (seeds 5,
#: 80-82), upright pages measured down to -0.27 and upside-down ones up to +0.18; 467 were decided
#: upright and 65 upside down from the lines alone (with `_LINES_TURNED_MIN`), all right.
_LINES_SURE = 0.4
_LINES_SURE_TURNED = 0.5
#: ... and only on a page of this many text lines: on a strip of two lines, one of them a value
#: typed over its label's line, the profile read -0.5 upright.
_LINES_TURNED_MIN = 8
#: Below this recognition-confidence margin the two readings are a tie, broken by OSD.
_CONF_MARGIN = 0.05
#: A band read at this mean confidence is the right way up; the other way is not read. The wrong
#: way up, bands of generated pages read at 0.04-0.50; the right way up, 0.33-0.97 (144 pages of
#: all levels, seeds 5 and 7; every rotation found as before).
_CONF_SURE = 0.8
#: Side of the black-hat square: strokes thinner than this (in reduced pixels) are ink.
_STROKE = 9
#: Below this share of ink pixels a page is blank: no orientation is looked for.
_BLANK_INK = 0.0008
#: Pages scanned above this resolution are read by OCR at `_OCR_DPI` (Tesseract gains nothing).
_OCR_MAX_DPI = 400
_OCR_DPI = 300
LOW_DPI = 200

_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Skew:
    angle: float  # counter-clockwise positive, degrees
    score: float  # sharpness of the line profile at that angle


@dataclass(frozen=True)
class Geometry:
    """What `measure` finds on a page (contract conventions)."""

    rotation: int
    skew_deg: float
    #: OSD's confidence, the recognition-confidence margin ("confirmed"), the sure reading's
    #: confidence ("sure") or the line asymmetry ("lines")
    orientation_confidence: float
    ink_ratio: float
    method: str  # "blank", "lines", "sure", "confirmed" or "osd": how the rotation was decided


def turn_upright(image: Image.Image, rotation: int) -> Image.Image:
    """Undo a rotation in the contract's convention (turn the scan clockwise by `rotation`)."""
    return image.transpose(_TRANSPOSE[rotation]) if rotation else image


def reduce(grey: Image.Image, size: int = _WORK_SIZE) -> Image.Image:
    """The image with its long side at most `size` (area-averaged)."""
    factor = size / max(grey.size)
    if factor >= 1:
        return grey
    return grey.resize(
        (max(1, round(grey.width * factor)), max(1, round(grey.height * factor))), Image.Resampling.BOX
    )


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Thin dark strokes (text, rules) as 1, everything else, including a dark scanner bed, as 0."""
    pad = _STROKE
    # Padding with black keeps a thin strip of bed along the image edge from reading as a stroke.
    padded = cv2.copyMakeBorder(grey, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_STROKE, _STROKE))
    hat = cv2.morphologyEx(padded, cv2.MORPH_BLACKHAT, kernel)[pad:-pad, pad:-pad]
    threshold, _ = cv2.threshold(hat, 0, 1, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return (hat > max(35.0, threshold)).astype(np.uint8)


def estimate_skew(ink: np.ndarray, max_skew: float = _MAX_SKEW) -> Skew:
    """Tilt of the text lines in a binary ink mask: the angle whose row projection is sharpest,
    found on a quarter-degree grid, then to a fiftieth of a degree."""
    xs, ys = _points(ink)
    return _refine(xs, ys, _coarse_skew(xs, ys, max_skew).angle, max_skew)


def _points(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (x, y) of the ink, at most 120,000 of them (a fixed sample)."""
    ys, xs = np.nonzero(ink)
    if len(xs) > 120_000:
        pick = np.random.default_rng(0).choice(len(xs), 120_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    return xs.astype(np.float64), ys.astype(np.float64)


def _score(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    a = np.radians(angle)
    p = ys * np.cos(a) + xs * np.sin(a)
    hist = np.bincount((p - p.min()).astype(np.int64))
    return float(np.dot(hist, hist)) / len(xs)


def _coarse_skew(xs: np.ndarray, ys: np.ndarray, max_skew: float) -> Skew:
    """The sharpest angle on a quarter-degree grid, on a sample of the points (the score compares
    the rows of a page with its columns: the same points with x and y swapped)."""
    if len(xs) < 50:
        return Skew(0.0, 0.0)
    xs, ys = xs[:: max(1, len(xs) // 30_000)], ys[:: max(1, len(ys) // 30_000)]
    score, angle = max((_score(xs, ys, a), float(a)) for a in np.arange(-max_skew, max_skew + 0.01, 0.25))
    return Skew(angle, score)


def _refine(xs: np.ndarray, ys: np.ndarray, best: float, max_skew: float) -> Skew:
    """The angle to a fiftieth of a degree around `best`, with a parabola through the top three."""
    if len(xs) < 50:
        return Skew(0.0, 0.0)
    step = 0.02
    fine = np.arange(best - 0.3, best + 0.3001, step)
    values = [_score(xs, ys, a) for a in fine]
    i = int(np.argmax(values))
    best = float(fine[i])
    if 0 < i < len(fine) - 1:
        y0, y1, y2 = values[i - 1], values[i], values[i + 1]
        curve = y0 - 2 * y1 + y2
        if curve < 0:
            best += step * 0.5 * (y0 - y2) / curve
    best = max(-max_skew, min(max_skew, best))
    return Skew(round(best, 2) + 0.0, values[i])


def digitisation_warnings(page: Page) -> list[str]:
    """The digitisation rules' checks: at least 200 dpi, in colour."""
    warnings = []
    if not page.dpi_known:
        warnings.append("dpi_unknown")
    if page.dpi < LOW_DPI - 0.5:
        warnings.append("low_resolution")
    if page.image.mode != "RGB" or _is_grey(page.image):
        warnings.append("not_colour")
    return warnings


def _is_grey(image: Image.Image) -> bool:
    """No colour worth the name: fewer than 1 pixel in 2000 clearly coloured (a red seal alone is
    colour; the tint of old paper and a scanner's colour noise are not)."""
    small = np.asarray(image.reduce(max(1, max(image.size) // 800)))
    if small.ndim != 3:
        return True
    # OpenCV's per-plane max/min: numpy's reductions over the colour axis took 40 ms a page.
    r, g, b = cv2.split(small[:, :, :3])
    spread = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    return float((spread > 40).mean()) < 0.0005


def deskew_image(image: Image.Image, angle: float, scale: float = 1.0) -> tuple[Image.Image, np.ndarray]:
    """The image turned clockwise by `angle` degrees (and scaled) on a canvas that keeps every
    corner, and the 2×3 affine matrix that maps its pixels back to the input image's pixels."""
    w, h = image.size
    if abs(angle) < 0.05 and scale == 1.0:
        return image, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    a = np.radians(angle)
    nw = max(1, int(np.ceil((abs(w * np.cos(a)) + abs(h * np.sin(a))) * scale)))
    nh = max(1, int(np.ceil((abs(w * np.sin(a)) + abs(h * np.cos(a))) * scale)))
    # OpenCV angles are counter-clockwise positive in image display; rotating by -angle undoes the tilt.
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, scale)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    arr = np.asarray(image)
    fill = 255 if arr.ndim == 2 else (255, 255, 255)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    out = cv2.warpAffine(arr, m, (nw, nh), flags=interpolation, borderValue=fill)
    return Image.fromarray(out), cv2.invertAffineTransform(m)


def line_profile(ink: np.ndarray) -> tuple[float, int]:
    """How much more ink sits above the core (x-height) band of each text line than below it,
    -1..1, and the number of text lines it was measured on.

    Upright Vietnamese is top-heavy (ascenders and the diacritics over most syllables outweigh
    descenders and dots below): clearly positive when upright, the same negated upside down.
    """
    rows = ink.sum(axis=1).astype(np.float64)
    on = rows > max(2.0, 0.02 * ink.shape[1])
    above = below = 0.0
    lines = 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        line = rows[start:stop]
        if 4 <= len(line) <= 80:
            core = np.flatnonzero(line >= 0.5 * line.max())
            above += line[: core[0]].sum()
            below += line[core[-1] + 1 :].sum()
            lines += 1
    return float((above - below) / max(1.0, above + below)), lines


def _text_band(grey: Image.Image) -> Image.Image:
    """The band of an upright (or upside-down) reduced page with the most ink: a quarter of its
    height, so a confidence check reads text even on a page that is mostly a drawing."""
    w, h = grey.size
    rows = ink_mask(np.asarray(grey)).sum(axis=1).astype(np.float64)
    band = max(1, h // 4)
    sums = np.convolve(rows, np.ones(band), mode="valid")
    top = int(np.argmax(sums)) if len(sums) else 0
    return grey.crop((0, top, w, min(h, top + band)))


def _confidence(image: Image.Image, timeout: float) -> float:
    try:
        return recognize(image, psm=6, timeout=timeout).mean_confidence
    except OcrError:
        return 0.0


def measure(page: Page, grey: Image.Image | None = None, *, timeout: float = 60) -> Geometry:
    """Rotation and tilt of a page (the page's grey image may be given when already made)."""
    grey = grey if grey is not None else page.image.convert("L")
    small = reduce(grey)
    ink = ink_mask(np.asarray(small))
    ink_ratio = float(ink.mean()) if ink.size else 0.0
    # Rows against columns on the coarse grid (the transposed page is the same points with x and
    # y swapped); only the winner is refined. A transposed frame mirrors angles: a tilt of `a`
    # there is `-a` here. The tilt stays the same once the page is turned by quarter turns, so it
    # is the skew too.
    xs, ys = _points(ink)
    across, along = _coarse_skew(xs, ys, _MAX_SKEW), _coarse_skew(ys, xs, _MAX_SKEW)
    sideways = along.score > across.score
    if sideways:
        tilt = -_refine(ys, xs, along.angle, _MAX_SKEW).angle + 0.0
    else:
        tilt = _refine(xs, ys, across.angle, _MAX_SKEW).angle + 0.0
    if ink_ratio < _BLANK_INK:
        return Geometry(0, 0.0, 0.0, ink_ratio, "blank")

    # The line direction gives the axis; which way up is left to decide.
    first, second = (90, 270) if sideways else (0, 180)
    straight = turn_upright(deskew_image(small, tilt)[0], first)
    asymmetry, lines = line_profile(ink_mask(np.asarray(straight)))
    if asymmetry >= _LINES_SURE:
        return Geometry(first, tilt, asymmetry, ink_ratio, "lines")
    if asymmetry <= -_LINES_SURE_TURNED and lines >= _LINES_TURNED_MIN:
        return Geometry(second, tilt, -asymmetry, ink_ratio, "lines")
    # A turn or an unclear page: read the densest band of text both ways up, keep the more
    # confident reading; a tie goes to Tesseract's orientation detection, then to the lines. The
    # likelier way up (by the lines) is read first, and the other way not at all when that reading
    # is sure: text read upside down is never read that confidently.
    band = _text_band(straight)
    turned = band.transpose(Image.Transpose.ROTATE_180)
    if asymmetry < 0:
        conf_second = _confidence(turned, timeout)
        if conf_second >= _CONF_SURE:
            return Geometry(second, tilt, conf_second, ink_ratio, "sure")
        conf_first = _confidence(band, timeout)
    else:
        conf_first = _confidence(band, timeout)
        if conf_first >= _CONF_SURE:
            return Geometry(first, tilt, conf_first, ink_ratio, "sure")
        conf_second = _confidence(turned, timeout)
    margin = abs(conf_second - conf_first)
    if margin >= _CONF_MARGIN:
        return Geometry(second if conf_second > conf_first else first, tilt, margin, ink_ratio, "confirmed")
    osd = detect_orientation(straight, timeout=timeout)
    if osd is not None and osd.rotate in (0, 180):
        rotation = (first + osd.rotate) % 360
        return Geometry(rotation, tilt, osd.confidence, ink_ratio, "osd")
    return Geometry(first if asymmetry >= 0 else second, tilt, abs(asymmetry), ink_ratio, "lines")


def ocr_scale(dpi: float) -> float:
    """Scale of the OCR image against the scan: pages above `_OCR_MAX_DPI` are read at `_OCR_DPI`."""
    return _OCR_DPI / dpi if dpi > _OCR_MAX_DPI else 1.0


def ocr_image_of(
    upright: Image.Image,
    skew_deg: float,
    dpi: float,
    cleanup: CleanupOptions = DEFAULT_CLEANUP,
    *,
    grey: Image.Image | None = None,
) -> tuple[Image.Image, np.ndarray]:
    """The image recognition reads (cleaned, deskewed, scaled) and its affine back to the upright
    page. Deterministic: a later stage that kept only the upright page and its recorded tilt (the
    workers' extraction, re-reading weak fields) rebuilds exactly what `prepare` gave OCR."""
    # The colour upright page goes to the clean-up: seal and signature ink are told from print by
    # their colour, which the grey image has lost.
    return clean_for_ocr(upright, skew_deg, dpi, ocr_scale(dpi), cleanup, grey=grey)


def prepare(page: Page, *, timeout: float = 60, cleanup: CleanupOptions = DEFAULT_CLEANUP) -> PreparedPage:
    """Turn a page upright, measure its tilt and build the cleaned image for recognition."""
    warnings = digitisation_warnings(page)
    grey = page.image.convert("L")  # once: geometry and the OCR image both come from it
    geometry = measure(page, grey, timeout=timeout)
    upright = turn_upright(page.image, geometry.rotation)
    ocr_image, back = ocr_image_of(
        upright, geometry.skew_deg, page.dpi, cleanup, grey=turn_upright(grey, geometry.rotation)
    )
    return PreparedPage(
        page=page,
        upright=upright,
        rotation=geometry.rotation,
        skew_deg=geometry.skew_deg,
        ocr_image=ocr_image,
        ocr_to_upright=back,
        orientation_confidence=geometry.orientation_confidence,
        ink_ratio=geometry.ink_ratio,
        warnings=warnings,
    )
