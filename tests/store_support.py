"""Rows that the state-database tests of workers and signing start from, made in the test."""

from __future__ import annotations

from sohoa.pipeline.pdf import PdfPage, write_pdf
from sohoa.store import state
from sohoa.store.models import Document, DocumentState, Input, InputState

from tests.drawn import blank


def add_processed_document(runtime, s) -> int:
    """A batch with one input whose one document is done, its PDF (a blank drawn page) in storage;
    returns the document id. `s` is an open session of `runtime`'s database."""
    write_pdf([PdfPage(blank(100), 100)], runtime.storage.path("inputs/1/d1.pdf"))
    batch = state.create_batch(s, "sign", [state.SourceFile("x", "sources/x", "0" * 64, "x.pdf")])
    inp = s.query(Input).filter_by(batch_id=batch).one()
    inp.state = InputState.done
    doc = Document(
        input_id=inp.id, number=1, state=DocumentState.done, doc_type="unknown", doc_type_confidence=0.5,
        pages=[1], issues=[], pdf_key="inputs/1/d1.pdf",
    )  # fmt: skip
    s.add(doc)
    s.flush()
    return doc.id
