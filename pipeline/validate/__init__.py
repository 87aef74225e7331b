"""Domain rules as code: pure checks over extracted values (see DOMAIN.md and docs/validation.md).

- `number_words`: Vietnamese number words — dates and areas in words, read and written;
- `identity`: CCCD / CMND / passport numbers and their cross-checks;
- `places`: province / district / commune names before and after 2025 (offline tables);
- `land`: land-use purposes and codes, terms, areas, serials and registry numbers;
- `cross_checks`: `check_document(doc_type, fields)`, the entry point of the extraction stage;
- `issues`: the result types (`ValidationIssue`, `ParseResult`).

Every check is a pure function that never raises on bad data and never corrects silently.
"""

from .cross_checks import check_document
from .issues import ParseResult, Severity, ValidationIssue

__all__ = ["ParseResult", "Severity", "ValidationIssue", "check_document"]
