"""Small text helpers for the validators: NFC, single spaces, and the diacritic-free "folded" form.

OCR often loses or swaps Vietnamese diacritics (ư/u, ơ/o, ă/â/a, tone marks). Matching on the folded
form makes such slips harmless; the callers compare the original spelling as well and lower their
confidence when only the folded form matched.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters whose base letter NFD does not expose.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC with runs of whitespace collapsed to one space and the ends stripped."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """Lower case without any diacritic: `Mười Lăm` -> `muoi lam`, `Đất` -> `dat`."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_key(text: str) -> str:
    """Folded form with everything but letters and digits removed (for name lookups)."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))
