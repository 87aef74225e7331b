"""Classification: what each page is (a form's first page, a later page, blank, other text), and the
document type and form version of a document, with a confidence. Titles and markers come from
`pipeline.forms`; matching is on the diacritic-folded text so OCR slips in diacritics do not matter.
A page of another form is `unknown`, never forced into a type.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .forms import FORMS, fold
from .types import OcrPage

#: Lines from the top of the page where a form's title is looked for.
_TITLE_LINES = 14
_TITLE_MIN = 88.0
_MIN_WORDS = 3
_BLANK_INK = 0.002
#: A page with no readable words is still not blank above this much ink.
_BLANK_INK_UNREADABLE = 0.03


@dataclass(frozen=True)
class PageClass:
    kind: str  # "title", "continuation", "blank" or "text"
    doc_type: str  # a document type, or "unknown"
    confidence: float


def _best_phrase(lines: list[str], phrases: tuple[str, ...]) -> float:
    """Best fuzzy score (0..100) of any phrase against any of the lines (folded)."""
    best = 0.0
    for line in lines:
        for phrase in phrases:
            if len(line) < len(phrase) * 0.6:
                continue
            best = max(best, fuzz.partial_ratio(phrase, line, score_cutoff=best))
    return best


def is_blank(page: OcrPage) -> bool:
    """Blank: (almost) no ink, or no readable words and little ink. A page full of ink that OCR
    cannot read is not blank: it stays visible as an `unknown` document for a person to look at."""
    readable = [w for w in page.words if w.confidence >= 0.5 and len(w.text) >= 2]
    ink = page.prepared.ink_ratio
    return ink < _BLANK_INK or (len(readable) < _MIN_WORDS and ink < _BLANK_INK_UNREADABLE)


def classify_page(page: OcrPage) -> PageClass:
    if is_blank(page):
        return PageClass("blank", "unknown", 1.0)
    folded = [fold(line) for line in page.lines]
    top = folded[:_TITLE_LINES]
    scores = {t: _best_phrase(top, form.titles) for t, form in FORMS.items()}
    doc_type, score = max(scores.items(), key=lambda kv: kv[1])
    if score >= _TITLE_MIN:
        return PageClass("title", doc_type, round(score / 100.0, 3))
    for t, form in FORMS.items():
        if form.continuation:
            cont = _best_phrase(folded, form.continuation)
            if cont >= _TITLE_MIN:
                return PageClass("continuation", t, round(cont / 100.0 * 0.9, 3))
    return PageClass("text", "unknown", round(1.0 - score / 100.0, 3))


def form_version(doc_type: str, pages: list[OcrPage]) -> str | None:
    """The first version of the type whose markers all appear (and none of its absent phrases)."""
    form = FORMS.get(doc_type)
    if form is None:
        return None
    text = fold("\n".join(line for p in pages for line in p.lines))
    lines = text.splitlines()
    for version in form.versions:
        if all(_best_phrase(lines, (m,)) >= _TITLE_MIN for m in version.markers) and not any(
            _best_phrase(lines, (a,)) >= _TITLE_MIN for a in version.absent
        ):
            return version.name
    return None
