"""Classification: what each page is (a form's first page, a later page, a separator sheet, blank,
other text), and the document type and form version of a document, with a confidence. Titles and
markers come from `pipeline.forms`; matching is on the diacritic-folded text so OCR slips in
diacritics do not matter. A title may wrap over two lines (`GIẤY CHỨNG NHẬN` / `QUYỀN SỬ DỤNG
ĐẤT`), so titles are matched on the top of the page read as one text, and the most specific title
wins; a title line OCR damaged (`GIẤY nà SINH`) counts only with the form's own phrases in the
body. A page of another form is `unknown`, never forced into a type.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .forms import FORMS, fold
from .separator import has_separator_caption, is_separator
from .types import OcrPage

#: Lines from the top of the page where a form's title is looked for.
_TITLE_LINES = 14
_TITLE_MIN = 88.0
_MIN_WORDS = 3
_BLANK_INK = 0.002
#: A page with no readable words is still not blank above this much ink.
_BLANK_INK_UNREADABLE = 0.03


#: A title line read this badly opens a document only with `_BODY_PHRASES` of the form's own phrases.
_TITLE_DAMAGED = 80.0
_BODY_PHRASES = 3


def _own_phrases() -> dict[str, tuple[str, ...]]:
    """Per type, the long phrases of its table (sections, labels, stops) no other form prints."""

    def phrases(form) -> set[str]:
        out = {a for aliases in form.sections.values() for a in aliases} | set(form.stops)
        out |= {a for spec in form.labels for a in spec.aliases}
        return {" ".join(fold(p).replace(":", " ").split()) for p in out if len(p) >= 12}

    every = {t: phrases(f) for t, f in FORMS.items()}
    return {
        t: tuple(sorted(p for p in mine if not any(p in every[o] for o in every if o != t)))
        for t, mine in every.items()
    }


_OWN_PHRASES = _own_phrases()


@dataclass(frozen=True)
class PageClass:
    kind: str  # "title", "continuation", "separator", "blank" or "text"
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


def _title_scores(top_text: str) -> dict[str, tuple[float, int]]:
    """Per type: the best fuzzy score of its titles in the top text, and that title's length."""
    out: dict[str, tuple[float, int]] = {}
    for t, form in FORMS.items():
        best = (0.0, 0)
        for title in form.titles:
            score = fuzz.partial_ratio(title, top_text) if len(top_text) >= len(title) * 0.6 else 0.0
            best = max(best, (score, len(title)))
        out[t] = best
    return out


def classify_page(page: OcrPage) -> PageClass:
    if is_separator(page.prepared.upright) or has_separator_caption(page.text):
        return PageClass("separator", "unknown", 1.0)
    if is_blank(page):
        return PageClass("blank", "unknown", 1.0)
    folded = [" ".join(fold(line).split()) for line in page.lines]
    top = " ".join(folded[:_TITLE_LINES])
    scores = _title_scores(top)
    # Highest score first; between equal scores the longer (more specific) title.
    doc_type, (score, _) = max(scores.items(), key=lambda kv: (round(kv[1][0]), kv[1][1]))
    if score >= _TITLE_MIN:
        return PageClass("title", doc_type, round(score / 100.0, 3))
    damaged = _damaged_title(folded)
    if damaged is not None:
        return damaged
    for t, form in FORMS.items():
        if form.continuation:
            cont = _best_phrase(folded, form.continuation)
            if cont >= _TITLE_MIN:
                return PageClass("continuation", t, round(cont / 100.0 * 0.9, 3))
    return PageClass("text", "unknown", round(1.0 - score / 100.0, 3))


def _damaged_title(folded: list[str]) -> PageClass | None:
    """A title line OCR damaged (`GIẤY nà SINH`): the page is that form's first page only when
    the line reads close to the whole title (not `GIẤY CHỨNG SINH`, another form) and the body
    carries enough of the form's own phrases, which no other form prints."""
    best: tuple[float, str] | None = None
    for line in folded[:_TITLE_LINES]:
        for t, form in FORMS.items():
            for title in form.titles:
                score = fuzz.ratio(title, line)
                if score >= _TITLE_DAMAGED and (best is None or score > best[0]):
                    best = (score, t)
    if best is None:
        return None
    score, doc_type = best
    found = sum(_best_phrase(folded, (p,)) >= _TITLE_MIN for p in _OWN_PHRASES[doc_type])
    if found < _BODY_PHRASES:
        return None
    return PageClass("title", doc_type, round(min(score / 100.0, 0.85), 3))


def form_version(doc_type: str, pages: list[OcrPage]) -> str | None:
    """The form version of a document of a known type (markers, absent phrases and section order of
    the form table's versions; see `extract.detect_version`)."""
    form = FORMS.get(doc_type)
    if form is None or not pages:
        return None
    from .extract import detect_version, read_layout

    return detect_version(read_layout(form, pages))
