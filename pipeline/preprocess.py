"""Page geometry and clean-up: turn each page upright (0/90/180/270), measure its tilt, and make the
image OCR reads (deskewed, grey). The image the PDF keeps is the colour scan turned upright.

Tilt is estimated from text lines (projection profiles of the ink of a reduced image, the margins
left out so scanner borders do not count); whether text runs across or along the page is decided
the same way; up against upside down is Tesseract's orientation detection on the deskewed page,
confirmed by recognition confidence when it is unsure.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .ocr import detect_orientation, recognize
from .types import Page, PreparedPage

#: Long side of the reduced image the geometry is measured on.
_WORK_SIZE = 1400
_MAX_SKEW = 15.0
#: Below this OSD confidence a turn is checked by recognition confidence.
_OSD_SURE = 2.0
LOW_DPI = 200

_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Skew:
    angle: float  # counter-clockwise positive, degrees
    score: float  # sharpness of the line profile at that angle


def turn_upright(image: Image.Image, rotation: int) -> Image.Image:
    """Undo a rotation in the contract's convention (turn the scan clockwise by `rotation`)."""
    return image.transpose(_TRANSPOSE[rotation]) if rotation else image


def _reduced_ink(image: Image.Image) -> tuple[np.ndarray, float]:
    """A binary ink mask (text = 1) of the page reduced to about _WORK_SIZE, and the reduction factor."""
    grey = np.asarray(image.convert("L"))
    factor = min(1.0, _WORK_SIZE / max(grey.shape))
    if factor < 1.0:
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # A page with almost no contrast (blank) gives a meaningless Otsu split: call it empty.
    if grey.std() < 8:
        ink[:] = 0
    return ink, factor


def estimate_skew(ink: np.ndarray) -> Skew:
    """Tilt of the text lines in a binary ink mask: the angle whose row projection is sharpest."""
    h, w = ink.shape
    my, mx = int(h * 0.06), int(w * 0.06)
    ys, xs = np.nonzero(ink[my : h - my, mx : w - mx])
    if len(xs) < 50:
        return Skew(0.0, 0.0)
    if len(xs) > 80_000:
        pick = np.random.default_rng(0).choice(len(xs), 80_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)

    def score(angle: float) -> float:
        a = np.radians(angle)
        p = ys * np.cos(a) + xs * np.sin(a)
        hist = np.bincount((p - p.min()).astype(np.int64))
        return float(np.dot(hist, hist)) / len(xs)

    coarse = np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.5)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.5, best + 0.5001, 0.05)
    best = max(fine, key=score)
    return Skew(round(float(best), 2), score(best))


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
    small = np.asarray(image.reduce(max(1, max(image.size) // 400)), dtype=np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float(np.percentile(spread, 99)) < 12


def deskew_image(image: Image.Image, angle: float) -> tuple[Image.Image, np.ndarray]:
    """The image turned clockwise by `angle` degrees on a canvas that keeps every corner, and the
    2×3 affine matrix that maps its pixels back to the input image's pixels."""
    w, h = image.size
    if abs(angle) < 0.05:
        return image, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    a = np.radians(angle)
    nw = int(np.ceil(abs(w * np.cos(a)) + abs(h * np.sin(a))))
    nh = int(np.ceil(abs(w * np.sin(a)) + abs(h * np.cos(a))))
    # OpenCV angles are counter-clockwise positive in image display; rotating by -angle undoes the tilt.
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    m[0, 2] += (nw - w) / 2
    m[1, 2] += (nh - h) / 2
    arr = np.asarray(image)
    fill = 255 if arr.ndim == 2 else (255, 255, 255)
    out = cv2.warpAffine(arr, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)
    return Image.fromarray(out), cv2.invertAffineTransform(m)


def _mean_confidence(image: Image.Image) -> float:
    """Mean word confidence of Tesseract on a central band of the page (cheap orientation check)."""
    w, h = image.size
    band = image.crop((0, int(h * 0.2), w, int(h * 0.5)))
    words = recognize(band, psm=3, timeout=60).words
    if not words:
        return 0.0
    return sum(x.confidence * len(x.text) for x in words) / max(1, sum(len(x.text) for x in words))


def _turn_ink(ink: np.ndarray, rotation: int) -> np.ndarray:
    """The ink mask turned the way `turn_upright` turns the page."""
    return np.ascontiguousarray(np.rot90(ink, k=-(rotation // 90))) if rotation else ink


def prepare(page: Page) -> PreparedPage:
    """Turn a page upright, measure its tilt and build the image for recognition."""
    warnings = digitisation_warnings(page)
    ink, _ = _reduced_ink(page.image)
    ink_ratio = float(ink.mean())
    across = estimate_skew(ink)
    along = estimate_skew(np.ascontiguousarray(ink.T))
    sideways = along.score > across.score
    # A transposed frame mirrors angles: a tilt of `along.angle` there is `-along.angle` here.
    tilt = -along.angle if sideways else across.angle

    rotation, confidence = (90 if sideways else 0), 0.0
    if ink_ratio > 0.002:
        grey, _ = deskew_image(page.image.convert("L"), tilt)
        osd = detect_orientation(grey)
        if osd is not None and osd.confidence >= _OSD_SURE:
            rotation, confidence = osd.rotate, osd.confidence
        else:
            # OSD unsure: the line direction gives the axis, recognition confidence the side.
            first = turn_upright(grey, rotation)
            conf_first = _mean_confidence(first)
            conf_second = _mean_confidence(first.transpose(Image.Transpose.ROTATE_180))
            if conf_second > conf_first + 0.05:
                rotation = (rotation + 180) % 360
            confidence = abs(conf_second - conf_first)

    upright = turn_upright(page.image, rotation)
    skew = estimate_skew(_turn_ink(ink, rotation))
    ocr_image, back = deskew_image(upright.convert("L"), skew.angle)
    return PreparedPage(
        page=page,
        upright=upright,
        rotation=rotation,
        skew_deg=skew.angle,
        ocr_image=ocr_image,
        ocr_to_upright=back,
        orientation_confidence=confidence,
        ink_ratio=ink_ratio,
        warnings=warnings,
    )
