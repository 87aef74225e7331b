"""Scan degradations by level: what a feeder scanner does to a clean upright page.

`clean` leaves the page untouched. The other levels add, with growing strength: skew (the sheet
tilted on the glass), dark scanner borders around the sheet, uneven light, noise, blur, JPEG
compression, and a share of pages turned 90/180/270 degrees. The truth of a page records the
rotation (content turned counter-clockwise from upright) and the skew (counter-clockwise positive).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image


@dataclass(frozen=True)
class LevelSpec:
    name: str
    dpis: tuple[int, ...]
    skew_max: float  # degrees, either way
    turned_share: float  # share of pages turned 90/180/270
    border_mm: tuple[float, float]  # dark scanner border around the sheet
    light: float  # depth of uneven lighting (0 = even)
    noise: float  # sigma of sensor noise, in grey levels
    blur: tuple[float, float]  # Gaussian blur sigma range, in pixels at 200 dpi
    jpeg_quality: tuple[int, int] | None  # None: written as PNG
    misregister_pt: tuple[float, float]  # largest data offset from its line (dx, dy)
    misregister_share: float
    fade: float  # ink fading (0..1)


LEVELS: dict[str, LevelSpec] = {
    "clean": LevelSpec(
        "clean", (200, 200, 300), 0.0, 0.0, (0, 0), 0.0, 0.0, (0, 0), None, (0.0, 0.0), 0.0, 0.0
    ),
    "easy": LevelSpec("easy", (200, 300), 2.0, 0.2, (0, 3), 0.12, 0.0, (0, 0.4), None, (8.0, 3.0), 0.4, 0.05),
    "medium": LevelSpec(
        "medium", (200, 300), 6.0, 0.2, (2, 6), 0.25, 6.0, (0.3, 0.8), (55, 80), (12.0, 5.0), 0.5, 0.15
    ),
    "hard": LevelSpec(
        "hard", (200, 300), 15.0, 0.2, (3, 10), 0.4, 10.0, (0.6, 1.3), (30, 55), (16.0, 8.0), 0.6, 0.3
    ),
}


@dataclass
class ScannedPage:
    image: Image.Image
    rotation: int
    skew_deg: float


def scan(
    page: Image.Image, spec: LevelSpec, dpi: int, rng: random.Random, nrng: np.random.Generator
) -> ScannedPage:
    """Degrade an upright page as the level says. Deterministic for the given generators."""
    if spec.name == "clean":
        return ScannedPage(page, 0, 0.0)
    a = np.asarray(page, dtype=np.uint8)
    skew = 0.0
    if spec.skew_max:
        # Most sheets are slightly tilted; a few are badly so.
        skew = (
            rng.uniform(-spec.skew_max, spec.skew_max)
            if rng.random() < 0.4
            else rng.gauss(0, spec.skew_max / 3)
        )
        skew = round(max(-spec.skew_max, min(spec.skew_max, skew)), 2)
    border = int(round(rng.uniform(*spec.border_mm) * dpi / 25.4))
    bg = rng.randint(15, 70) if spec.border_mm[1] > 3 else rng.randint(120, 200)
    a = _place_on_bed(a, skew, border, bg)
    h, w = a.shape[:2]
    # One float pass for the photometric effects (the slow part at 300 dpi).
    out = a.astype(np.float32)
    if spec.fade:
        amount = spec.fade * rng.random()
        patches = nrng.random((12, 9), dtype=np.float32)
        field = cv2.resize(patches, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1) * (amount * 0.6)
        out += (245.0 - out) * field[..., None]
    if spec.light:
        out *= _light_field(w, h, spec.light * rng.uniform(0.5, 1.0), rng)[..., None]
    if spec.blur[1]:
        sigma = rng.uniform(*spec.blur) * dpi / 200
        if sigma > 0.25:
            out = cv2.GaussianBlur(out, (0, 0), sigma)
    if spec.noise:
        sigma = spec.noise * rng.uniform(0.5, 1.0)
        out += (nrng.standard_normal((h, w), dtype=np.float32) * sigma)[..., None]
    a = out.clip(0, 255).astype(np.uint8)
    rotation = 0
    if rng.random() < spec.turned_share:
        rotation = rng.choice([90, 180, 270])
        a = np.ascontiguousarray(np.rot90(a, rotation // 90))  # np.rot90 turns counter-clockwise
    return ScannedPage(Image.fromarray(a), rotation, skew)


def _place_on_bed(a: np.ndarray, skew: float, border: int, bg: int) -> np.ndarray:
    """Rotate the sheet by `skew` (counter-clockwise) on a dark bed `border` pixels wider all round."""
    h, w = a.shape[:2]
    rad = math.radians(abs(skew))
    nw = int(math.ceil(w * math.cos(rad) + h * math.sin(rad))) + 2 * border
    nh = int(math.ceil(h * math.cos(rad) + w * math.sin(rad))) + 2 * border
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(
        a, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(bg, bg, bg)
    )


def _light_field(w: int, h: int, depth: float, rng: random.Random) -> np.ndarray:
    """A smooth multiplier: a lamp brighter on one side, a shadow near a fold or the spine."""
    gy, gx = np.mgrid[0:32, 0:32].astype(np.float32) / 31.0
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (gx - 0.5) * math.cos(angle) + (gy - 0.5) * math.sin(angle)
    cx, cy = rng.uniform(0, 1), rng.uniform(0, 1)
    blob = np.exp(-((gx - cx) ** 2 + (gy - cy) ** 2) / rng.uniform(0.05, 0.3))
    field = 1.0 - depth * (0.6 * (ramp + 0.5) + 0.4 * blob)
    return cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC)
