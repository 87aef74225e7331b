"""Separator sheets (issue 8): the drawn sheet's QR code is found on scans of every level, turned or
not, at 200 and 300 dpi; a generated form page is not taken for one."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image
from sohoa.pipeline.separator import is_separator, separator_image
from sohoa.samples import generate
from sohoa.samples.degrade import LEVELS, scan


@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
@pytest.mark.parametrize("dpi", [200, 300])
def test_degraded_separator_is_found(level, dpi):
    rng, nrng = random.Random(dpi), np.random.default_rng(dpi)
    for _ in range(3):
        scanned = scan(separator_image(dpi), LEVELS[level], dpi, rng, nrng)
        assert is_separator(scanned.image), (level, dpi, scanned.rotation, scanned.skew)


def test_form_pages_are_not_separators(tmp_path):
    docs = generate(tmp_path, n=4, seed=11, level="hard")
    pages = [Image.open(tmp_path / p.file) for d in docs for p in d.pages]
    assert pages and not any(is_separator(p) for p in pages)
