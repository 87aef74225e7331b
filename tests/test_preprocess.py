"""Page geometry on generated pages with known rotation and skew, and on awkward pages.

Pages come from the generator (`sohoa.samples.generate`, seed 5 at the hard level: dark scanner
borders, strong skew, a page upside down and one turned a quarter) or are drawn here / in
tests/drawn.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw
from sohoa.pipeline.ingest import open_input
from sohoa.pipeline.parallel import read_page
from sohoa.pipeline.preprocess import digitisation_warnings, measure, prepare
from sohoa.pipeline.types import Page
from sohoa.samples import generate

from .drawn import birth_certificate, blank


@pytest.fixture(scope="module")
def hard_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("hard")
    generate(out, n=3, seed=5, level="hard")
    return out, json.loads((out / "truth.json").read_text(encoding="utf-8"))


def test_generated_hard_pages_found_upright_and_straight(hard_set):
    """Every generated page as scanned, and turned a further 180° and 90° (counter-clockwise) here,
    so upside-down and sideways hard pages are covered whatever the generator's draw."""
    out, truth = hard_set
    pages = [p for doc in truth for p in doc["pages"]]
    assert max(abs(p["skew_deg"]) for p in pages) > 5
    for n, p in enumerate(pages):
        page = next(open_input(out / p["file"]).pages())
        for extra in (0, 180, 90 if n % 2 else 270):
            image = page.image.rotate(extra, expand=True) if extra else page.image
            found = measure(Page(1, image, page.dpi))
            assert found.rotation == (p["rotation"] + extra) % 360, (p["file"], extra, found)
            assert abs(found.skew_deg - p["skew_deg"]) <= 0.3, (p["file"], found.skew_deg, p["skew_deg"])


@pytest.mark.parametrize(("turn", "rotation"), [(0, 0), (90, 90), (180, 180), (270, 270)])
def test_drawn_page_every_turn_and_a_tilt(turn, rotation):
    # PIL's rotate turns counter-clockwise, as the contract counts.
    image = birth_certificate().rotate(4.0, expand=True, fillcolor="white").rotate(turn, expand=True)
    found = measure(Page(1, image, 200))
    assert found.rotation == rotation
    assert abs(found.skew_deg - 4.0) <= 0.15


def _spy_readings(monkeypatch) -> list[float]:
    from sohoa.pipeline import preprocess

    readings = []
    real = preprocess._confidence

    def spy(image, timeout):
        readings.append(real(image, timeout))
        return readings[-1]

    monkeypatch.setattr(preprocess, "_confidence", spy)
    return readings


def test_a_page_whose_lines_are_clearly_upside_down_is_turned_without_reading(monkeypatch):
    from sohoa.pipeline import preprocess

    readings = _spy_readings(monkeypatch)
    image = birth_certificate().rotate(2.0, expand=True, fillcolor="white").rotate(180, expand=True)
    found = measure(Page(1, image, 200))
    assert found.rotation == 180 and found.method == "lines"
    assert readings == [] and found.orientation_confidence >= preprocess._LINES_SURE_TURNED


def test_a_sure_reading_of_the_likelier_way_up_is_the_only_one(monkeypatch):
    """A page whose lines are unclear is decided by reading its densest band; the likelier way up
    (by the lines) is read first, and when that reading is sure the other way is not read at all.
    The lines are made unclear here by giving the measure a weak asymmetry (the reading is real)."""
    from sohoa.pipeline import preprocess

    readings = _spy_readings(monkeypatch)
    monkeypatch.setattr(preprocess, "line_profile", lambda ink: (-0.2, 40))
    image = birth_certificate().rotate(2.0, expand=True, fillcolor="white").rotate(180, expand=True)
    found = measure(Page(1, image, 200))
    assert found.rotation == 180 and found.method == "sure"
    assert len(readings) == 1 and found.orientation_confidence == readings[0] >= preprocess._CONF_SURE


def test_blank_page():
    prepared = prepare(Page(1, blank(), 200))
    assert prepared.rotation == 0 and prepared.skew_deg == 0.0 and prepared.ink_ratio < 0.001
    assert read_page(Page(1, blank(), 200)).words == []


def test_one_pixel_image():
    ocr = read_page(Page(1, Image.new("RGB", (1, 1), "white"), 200))
    assert ocr.prepared.rotation == 0 and ocr.words == []
    assert ocr.prepared.upright.size == (1, 1)


def test_page_that_is_all_seal():
    image = Image.new("RGB", (1654, 2339), (250, 248, 244))
    d = ImageDraw.Draw(image)
    for r in range(700, 300, -60):  # concentric red rings and a star, like a big official seal
        d.ellipse((827 - r, 1170 - r, 827 + r, 1170 + r), outline=(200, 30, 40), width=14)
    d.regular_polygon((827, 1170, 250), 5, fill=(200, 30, 40))
    ocr = read_page(Page(1, image, 200))
    assert ocr.prepared.rotation in (0, 90, 180, 270)
    assert abs(ocr.prepared.skew_deg) <= 15
    assert len(ocr.text) < 200  # no invented page of text


def test_600_dpi_page_is_read_at_300_dpi():
    image = birth_certificate(dpi=600).rotate(-2.5, expand=True, fillcolor="white").rotate(90, expand=True)
    page = Page(1, image, 600)
    prepared = prepare(page)
    assert prepared.rotation == 90 and abs(prepared.skew_deg + 2.5) <= 0.15
    assert digitisation_warnings(page) == []
    # The OCR image is scaled to 300 dpi; boxes still come back in the 600-dpi scan's pixels.
    assert abs(np.linalg.det(prepared.ocr_to_upright[:, :2]) - 4.0) < 0.01
    assert prepared.ocr_image.width < prepared.upright.width * 0.6


def test_digitisation_warnings():
    assert set(digitisation_warnings(Page(1, birth_certificate(dpi=150, mode="L"), 150))) == {
        "low_resolution",
        "not_colour",
    }
    grey_rgb = birth_certificate(dpi=200, mode="L").convert("RGB")
    assert digitisation_warnings(Page(1, grey_rgb, 200)) == ["not_colour"]
    colour = birth_certificate(dpi=200)
    assert digitisation_warnings(Page(1, colour, 200, dpi_known=False)) == ["dpi_unknown"]
