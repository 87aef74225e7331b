"""The errors a user can cause or meet, each with a stable code, a Vietnamese message that says what
to do, and the exit code of the command line (CONTRACT.md: 1 input failed, 3 tool missing).

Lower layers' exceptions (pikepdf, PIL, pytesseract) are mapped to these once, at the boundary.
"""

from __future__ import annotations

from sohoa.schemas import ErrorInfo


class SohoaError(Exception):
    """Base of every error sohoa reports. `message` is for the clerk (Vietnamese)."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        #: English technical detail for logs (never personal data).
        self.detail = detail

    def info(self) -> ErrorInfo:
        return ErrorInfo(code=self.code, message=self.message)


class InputError(SohoaError):
    """An input (file, folder or page) that cannot be read: corrupt, empty, encrypted, unsupported."""

    code = "bad_input"


class OcrError(SohoaError):
    """Tesseract failed or took too long on a page."""

    code = "ocr_failed"


class MissingDependencyError(SohoaError):
    """A system tool or data file is missing; `sohoa doctor` says how to install it."""

    exit_code = 3
    code = "missing_dependency"
