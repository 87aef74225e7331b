"""Typed data that crosses a boundary: result.json, words.json, truth.json and the document types.

Imports nothing else of the project (ARCHITECTURE.md). Every text value is normalised on the way in
(NFC, single spaces) and every canonical field is checked against its format in CONTRACT.md.
"""

from .common import ErrorInfo, FieldValue, normalize_text
from .documents import (
    DOC_TYPE_FIELDS,
    DOC_TYPES,
    BirthCertificateFields,
    DeathCertificateFields,
    DocType,
    LandUseCertificateFields,
    MarriageCertificateFields,
    field_kind,
    validate_field_value,
)
from .result import DocumentIssue, DocumentResult, PageResult, PageStatus, ProcessResult
from .truth import Truth, TruthDocument, TruthPage
from .words import OcrWord, WordsFile, WordsPage

__all__ = [
    "DOC_TYPES",
    "DOC_TYPE_FIELDS",
    "BirthCertificateFields",
    "DeathCertificateFields",
    "DocType",
    "DocumentIssue",
    "DocumentResult",
    "ErrorInfo",
    "FieldValue",
    "LandUseCertificateFields",
    "MarriageCertificateFields",
    "OcrWord",
    "PageResult",
    "PageStatus",
    "ProcessResult",
    "Truth",
    "TruthDocument",
    "TruthPage",
    "WordsFile",
    "WordsPage",
    "field_kind",
    "normalize_text",
    "validate_field_value",
]
