"""Values a form also prints as a QR code (`FormSpec.codes`: the 2024 land certificate's code),
read off the page image and set against what OCR read of the printed value. A QR code carries its
own error correction, so its text is exact where OCR slips on a random code (`UM` read `LIM`,
`J` read `I`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein
from sohoa.schemas import field_kind

from ..barcodes import read_qr_codes

if TYPE_CHECKING:
    from .assemble import RawValue
    from .layout import Layout

#: The code and OCR's reading of the printed value agree.
AGREED = 0.99
#: OCR's reading is the code with a few characters misread: the code's text, sure.
CLOSE = 0.97
#: At most this many characters of OCR's reading may differ from the code's for CLOSE.
_CLOSE_EDITS = 3
#: Nothing printed agrees (the label or its value lost): the code's text, below the bar, for a
#: clerk to confirm that this QR code is the form's own.
ALONE = 0.85


def apply_codes(doc_type: str, layout: Layout, chosen: dict[str, RawValue]) -> None:
    """Set each field the form prints as a QR code from that code, where one is found on its page:
    in `chosen` (a new RawValue of source `code`, whose `notes["code_confidence"]` is its
    confidence). Fields whose code is not found keep what OCR read."""
    from .assemble import RawValue

    images: dict[int, list[str]] = {}
    for spec in layout.form.codes:
        k = spec.page - 1
        if k >= len(layout.pages):
            continue
        pl = layout.pages[k]
        image = pl.ocr_page.prepared.ocr_image if pl.ocr_page is not None else None
        if image is None:
            continue
        if k not in images:
            images[k] = read_qr_codes(image)
        rx = re.compile(spec.regex)
        found = {m.group(1) for text in images[k] if (m := rx.search(text))}
        if len(found) != 1:
            continue  # none, or two codes of that shape: which is the form's is not known
        code = found.pop()
        read = chosen.get(spec.field)
        ocr = read.value if read is not None else None
        if ocr == code:
            confidence = AGREED
        elif ocr and Levenshtein.distance(ocr.upper(), code.upper()) <= _CLOSE_EDITS:
            confidence = CLOSE
        else:
            confidence = ALONE
        rv = RawValue(spec.field, field_kind(doc_type, spec.field), code, [], 1.0, k)
        rv.value = code
        rv.source = "code"
        rv.notes["code_confidence"] = confidence
        chosen[spec.field] = rv
