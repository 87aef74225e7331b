"""Comparing recognised text and fields with the ground truth: used by the tests and the benchmark.

- `line_errors`: for each truth line, the fewest edits that turn it into some stretch of the page's
  recognised text (order-insensitive: lines may be found anywhere, in any order, even merged with
  a neighbouring column). The page CER is the sum of those edits over the truth characters.
- `word_recall`: the share of truth words (as a multiset) found among the recognised words.
- `normalize_ocr`: drops the dotted leaders of the forms, which OCR reads as runs of dots.
- `same_field`: the normalised comparison of an extracted field with its truth value.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import Counter

import numpy as np

_LEADERS = re.compile(r"(?:[.…·•_,:;'`\-](?:\s?)){3,}")
_SPACES = re.compile(r"\s+")


def nfc_spaces(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def normalize_ocr(text: str) -> str:
    """OCR text of a page on one line: NFC, dotted leaders removed, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("…", "...")
    text = _LEADERS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def substring_distance(needle: str, haystack: str) -> int:
    """Levenshtein distance from `needle` to the closest substring of `haystack` (semi-global)."""
    m = len(needle)
    if m == 0:
        return 0
    if not haystack:
        return m
    hay = _codes(haystack)
    n = len(hay)
    ramp = np.arange(n + 1, dtype=np.int64)
    prev = np.zeros(n + 1, dtype=np.int64)  # a match may start anywhere
    for i, ch in enumerate(_codes(needle), start=1):
        diag = prev[:-1] + (hay != ch)
        up = prev[1:] + 1
        e = np.empty(n + 1, dtype=np.int64)
        e[0] = i
        e[1:] = np.minimum(diag, up)
        # cur[j] = min over k <= j of e[k] + (j - k): insertions along the haystack.
        prev = np.minimum.accumulate(e - ramp) + ramp
    return int(prev.min())


def line_errors(truth_lines: list[str], ocr_text: str) -> list[tuple[str, int]]:
    """(truth line, edits to find it in the page text) for every non-empty truth line."""
    hay = normalize_ocr(ocr_text)
    out = []
    for line in truth_lines:
        line = nfc_spaces(line)
        if line:
            out.append((line, substring_distance(line, hay)))
    return out


def page_cer(truth_lines: list[str], ocr_text: str) -> tuple[int, int]:
    """(edits, truth characters) of one page; CER = edits / characters."""
    errs = line_errors(truth_lines, ocr_text)
    return sum(e for _, e in errs), sum(len(line) for line, _ in errs)


_WORD = re.compile(r"[\w./\-²]+", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.strip(".,;:-") for w in _WORD.findall(unicodedata.normalize("NFC", text)) if w.strip(".,;:-")]


def word_recall(truth_lines: list[str], ocr_text: str) -> tuple[int, int]:
    """(truth words found, truth words) as multisets, case-sensitive, punctuation at the ends ignored."""
    want = Counter(w for line in truth_lines for w in words(line))
    got = Counter(words(normalize_ocr(ocr_text)))
    found = sum(min(c, got[w]) for w, c in want.items())
    return found, sum(want.values())


def normalize_field(value: str) -> str:
    """Case, spacing and trailing punctuation do not count; diacritics do."""
    v = nfc_spaces(value).casefold()
    v = re.sub(r"\s*([,;:/])\s*", r"\1 ", v)
    return v.strip(" .,;:")


def same_field(doc_type: str, name: str, got: str, want: str) -> bool:
    """Whether an extracted value equals the truth after both are put in the field's canonical format."""
    from ..schemas import validate_field_value

    with contextlib.suppress(ValueError):
        got = validate_field_value(doc_type, name, got)
    return normalize_field(got) == normalize_field(want)
