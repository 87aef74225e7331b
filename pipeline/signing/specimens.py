"""Specimen images for demos and tests: a blue handwritten-looking signature and a red round seal,
drawn with Pillow as transparent PNGs, so nobody needs a real person's signature or an agency's seal
to try the appearances. Every specimen seal carries the word `MẪU` (specimen) in its centre.

`sohoa sign-specimens DIR` writes them; tests draw them in memory.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .appearance import find_font

SIGNATURE_BLUE = (20, 50, 170)
SEAL_RED = (215, 25, 35)


def draw_signature(seed: int = 1, size: tuple[int, int] = (600, 240)) -> Image.Image:
    """A blue scribble on a transparent background (RGBA), like a handwritten signature."""
    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    # A few loops drifting right, then a long underline flourish.
    points = []
    x = 0.06 * w
    for i in range(6):
        loop_w, loop_h = rnd.uniform(0.05, 0.08) * w, rnd.uniform(0.22, 0.42) * h * (1.15 if i == 0 else 1)
        cy = h * rnd.uniform(0.42, 0.52)
        for t in range(41):
            a = 2 * math.pi * t / 40
            y = cy - loop_h * math.cos(a)
            # Slanted to the right like handwriting, each loop drifting on to the next.
            points.append((x + 1.6 * loop_w * t / 40 + 0.5 * loop_w * math.sin(a) + 0.35 * (cy - y), y))
        x += loop_w * 1.9
    for t in range(31):
        points.append((x - (x - 0.04 * w) * t / 30, h * (0.8 + 0.07 * math.sin(math.pi * t / 30))))
    draw.line(points, fill=(*SIGNATURE_BLUE, 255), width=max(3, h // 40), joint="curve")
    return img


def draw_seal(agency: str = "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM", size: int = 480) -> Image.Image:
    """A red round seal on a transparent background (RGBA): two rings, the agency's name around,
    a star and `MẪU` in the centre."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (*SEAL_RED, 235)
    c = size / 2
    r_out, r_in = c - 6, c * 0.68
    draw.ellipse((c - r_out, c - r_out, c + r_out, c + r_out), outline=red, width=max(6, size // 45))
    draw.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=red, width=max(3, size // 110))
    font_path = str(find_font(True))
    letter_font = ImageFont.truetype(font_path, int(size * 0.075))
    text = agency.upper()
    # Letters around the ring, over about 300 degrees starting at the lower left.
    span = math.radians(300)
    r_text = (r_out + r_in) / 2
    for i, ch in enumerate(text):
        angle = math.radians(-240) + span * (i + 0.5) / len(text)
        tile = Image.new("RGBA", (int(size * 0.12),) * 2, (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (tile.width / 2, tile.height / 2), ch, font=letter_font, fill=red, anchor="mm"
        )
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = c + r_text * math.cos(angle) - tile.width / 2
        y = c + r_text * math.sin(angle) - tile.height / 2
        img.alpha_composite(tile, (int(x), int(y)))
    # A five-pointed star and the specimen mark.
    star = []
    for k in range(10):
        rad = size * (0.12 if k % 2 == 0 else 0.05)
        a = math.radians(-90 + 36 * k)
        star.append((c + rad * math.cos(a), c * 0.85 + rad * math.sin(a)))
    draw.polygon(star, fill=red)
    mark_font = ImageFont.truetype(font_path, int(size * 0.1))
    draw.text((c, c * 1.25), "MẪU", font=mark_font, fill=red, anchor="mm")
    return img


def write_specimens(directory: Path, agency: str = "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM") -> tuple[Path, Path]:
    """signature.png and seal.png in `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    signature, seal = directory / "signature.png", directory / "seal.png"
    draw_signature().save(signature)
    draw_seal(agency).save(seal)
    return signature, seal
