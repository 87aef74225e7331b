"""QR codes read off a page image: the one place sohoa calls zxing-cpp (a maintained barcode
library). Separator sheets (`separator.py`) and the codes a form prints as a QR code
(`FormSpec.codes`, the 2024 land certificate's code) are read through it."""

from __future__ import annotations

import numpy as np
import zxingcpp
from PIL import Image


def read_qr_codes(image: Image.Image, *, max_side: int | None = None) -> list[str]:
    """The texts of the QR codes found on `image` (any rotation), in no particular order; [] when
    none can be read. `max_side`: the image is first reduced so that its longest side is at most
    this (a large code needs no more pixels, and reading costs less)."""
    grey = image.convert("L")
    if max_side is not None and max(grey.size) > max_side:
        f = max_side / max(grey.size)
        grey = grey.resize((round(grey.width * f), round(grey.height * f)), Image.Resampling.BOX)
    try:
        results = zxingcpp.read_barcodes(np.asarray(grey), formats=zxingcpp.BarcodeFormat.QRCode)
    except (ValueError, RuntimeError):
        return []
    return [r.text for r in results if r.valid and r.text]
