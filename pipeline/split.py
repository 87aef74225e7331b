"""Splitting an input's pages into documents by content, and giving every page a status.

A form's title page opens a document; later pages of a multi-page form (the land certificate's
pages 2–4) continue it; blank pages are set aside as `blank` without closing the open document;
a separator sheet (`sohoa separator`) is set aside as `separator` and closes it, so the next page
starts a new document whatever it looks like; pages of text that is no known form make `unknown`
documents. Nothing is dropped silently: every page ends up in a document or with a status saying
why not, so a clerk can see (and undo) every split.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .classify import PageClass


@dataclass
class DocumentPages:
    doc_type: str
    confidence: float
    pages: list[int] = field(default_factory=list)  # 1-based input page indexes


@dataclass
class Split:
    documents: list[DocumentPages]
    #: Status of every page that was classified: "document", "blank" or "separator".
    status: dict[int, str]


def split_pages(classes: dict[int, PageClass], *, one_document: bool = False) -> Split:
    """Group classified pages (index → class, in input order) into documents."""
    status: dict[int, str] = {}
    if one_document:
        pages = [i for i, c in classes.items() if c.kind not in ("blank", "separator")]
        titled = [c for c in classes.values() if c.kind == "title"]
        best = max(titled, key=lambda c: c.confidence) if titled else None
        doc = DocumentPages(best.doc_type if best else "unknown", best.confidence if best else 0.5, pages)
        for i, c in classes.items():
            status[i] = "document" if i in pages else c.kind
        return Split([doc] if pages else [], status)

    documents: list[DocumentPages] = []
    current: DocumentPages | None = None
    for i, c in classes.items():
        if c.kind == "blank":
            status[i] = "blank"
            continue
        if c.kind == "separator":
            status[i] = "separator"
            current = None
            continue
        status[i] = "document"
        if c.kind == "title":
            current = DocumentPages(c.doc_type, c.confidence, [i])
            documents.append(current)
        elif (
            c.kind == "continuation"
            and current is not None
            and current.doc_type == c.doc_type
            or c.kind == "text"
            and current is not None
            and current.doc_type == "unknown"
        ):
            current.pages.append(i)
        else:
            # A later page with no first page before it, or text after a finished form.
            doc_type = c.doc_type if c.kind == "continuation" else "unknown"
            current = DocumentPages(doc_type, c.confidence * (0.8 if doc_type != "unknown" else 1.0), [i])
            documents.append(current)
    return Split(documents, status)
