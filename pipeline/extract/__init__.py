"""Field extraction: the contract's fields of one document, read from its OCR word boxes.

1. `layout.read_layout` finds the form table's labels, stop phrases, sections and headings on the
   pages (fuzzy matching on folded words, so OCR slips in diacritics do not lose a label); rows OCR
   lost or garbled are read again first (`reread.recover_rows`).
2. Each word that is no label goes to the label it stands right of on the same row, up to the next
   label (a value set off its dotted line, raised or lowered, still finds its label: the nearest
   row wins). A multi-line label's value runs on to the next rows of its column until a label, a
   stop phrase or a new numbered item; a value may also sit below a label that ends its line.
3. Values printed without a label (the 2014 land serial, the issue date) are found by their shape
   (`FormSpec.patterns`).
4. Each value is cut to its kind (`values.cut`) and checked against the contract's format; the
   domain validators (`sohoa.pipeline.validate`) add `normalized` and the document's `issues`.
5. Confidence (`confidence.py`) combines OCR word confidence, how well the label matched, how
   cleanly the value was cut and what the validators say; a field below the bar is read again from
   its crop of the page (`reread.py`) before it is reported or left out; a label with nothing
   usable after it has its row read again (`reread.read_blank`).

A field that was not found is left out: never an empty string, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sohoa.schemas import DocumentIssue, FieldValue

from ..forms import FORMS
from ..types import OcrPage
from .assemble import assemble
from .layout import Layout, read_layout
from .reread import recover_rows

__all__ = ["Extraction", "extract_fields", "read_layout", "detect_version"]


@dataclass
class Extraction:
    fields: dict[str, FieldValue]
    issues: list[DocumentIssue]
    form_version: str | None = None
    #: Per field, what the confidence was made of (for the benchmark's calibration table).
    evidence: dict[str, dict] = field(default_factory=dict)


def extract_fields(doc_type: str, pages: list[OcrPage], *, reread: bool = True) -> Extraction:
    """Read the fields of one document of a known type from its pages' OCR words.

    `reread`: give low-confidence fields a second, targeted OCR of their crop (costs a fraction of a
    second per field; off in pure-function tests).
    """
    form = FORMS.get(doc_type)
    if form is None or not pages:
        return Extraction({}, [])
    layout = read_layout(form, pages, recover_rows=recover_rows if reread else None)
    version = detect_version(layout)
    fields, issues, evidence = assemble(doc_type, for_version(layout, version), reread=reread)
    return Extraction(fields, issues, version, evidence)


def for_version(layout: Layout, version: str | None) -> Layout:
    """The layout without the labels and codes its form version does not print (`LabelSpec.versions`,
    `CodeSpec.versions`): what
    matched one of them is another phrase read badly, and a field the version has no place for is
    never reported. A page whose version is not known keeps every label."""
    absent = {
        s for s in layout.form.labels if version and s.versions is not None and version not in s.versions
    }
    codes = tuple(c for c in layout.form.codes if not version or c.versions is None or version in c.versions)
    if not absent and codes == layout.form.codes:
        return layout
    form = replace(layout.form, labels=tuple(s for s in layout.form.labels if s not in absent), codes=codes)
    hits = [
        h
        for h in layout.hits
        if not (h.kind == "label" and (h.resolved in absent or (h.specs and set(h.specs) <= absent)))
    ]
    return replace(layout, form=form, hits=hits)


def detect_version(layout: Layout) -> str | None:
    """The first version of the form whose markers all appear, absent phrases do not, and sections
    come in its order."""
    from ..forms.spec import tokens
    from .layout import _lines, _match

    lines = [ws for pl in layout.pages for ws in _lines(pl)]
    order = layout.section_order()

    def present(phrase: str) -> bool:
        toks = tokens(phrase)
        return any(_match(ws, toks, False) for ws in lines)

    for version in layout.form.versions:
        if not all(present(m) for m in version.markers):
            continue
        if any(present(a) for a in version.absent):
            continue
        if version.order:
            seen = [s for s in order if s in version.order]
            if seen[: len(version.order)] != list(version.order):
                continue
        return version.name
    return None
