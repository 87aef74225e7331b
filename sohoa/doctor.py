"""`sohoa doctor`: checks the system tools and data sohoa needs and says how to install what is
missing. Each check is a small function returning a `Check`; commands that need a tool call the
same checks and stop with exit code 3 and the advice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from sohoa.pipeline.errors import MissingDependencyError
from sohoa.pipeline.ocr import INSTALL_ADVICE, check_tesseract

APT = "apt-get install"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    found: str
    advice: str = ""


def _version(cmd: list[str]) -> str | None:
    path = shutil.which(cmd[0])
    if path is None:
        return None
    try:
        out = subprocess.run([path, *cmd[1:]], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout + out.stderr).strip()
    return text.splitlines()[0] if text else path


def check_tesseract_tool() -> list[Check]:
    try:
        info = check_tesseract(())
    except MissingDependencyError as exc:
        return [Check("tesseract", False, "không có", exc.message)]
    checks = [Check("tesseract", True, f"{info.version_text} ({info.path})")]
    for lang, what in (("vie", "tiếng Việt"), ("osd", "nhận hướng trang")):
        ok = lang in info.languages
        checks.append(
            Check(
                f"tesseract {lang}",
                ok,
                f"dữ liệu {what}" if ok else "thiếu",
                "" if ok else f"{APT} tesseract-ocr-{lang}",
            )
        )
    return checks


def check_command(name: str, cmd: list[str], package: str) -> Check:
    found = _version(cmd)
    if found is None:
        return Check(name, False, "không có", f"{APT} {package}")
    return Check(name, True, found)


#: Fonts with full Vietnamese glyphs that sohoa uses (dossier covers, signature text, samples).
FONTS = (
    ("Liberation Serif", "fonts-liberation2"),
    ("DejaVu Sans", "fonts-dejavu-core"),
    ("Noto Serif", "fonts-noto-core"),
)


def check_fonts() -> list[Check]:
    listing = _fc_list()
    checks = []
    for family, package in FONTS:
        ok = (
            listing is not None
            and re.search(rf"(^|[:,]){re.escape(family)}([,:]|$)", listing, re.M) is not None
        )
        checks.append(
            Check(f"font {family}", ok, "có" if ok else "không có", "" if ok else f"{APT} {package}")
        )
    return checks


def _fc_list() -> str | None:
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=60)
    return out.stdout


def run_checks() -> list[Check]:
    return [
        *check_tesseract_tool(),
        check_command("qpdf", ["qpdf", "--version"], "qpdf"),
        check_command("poppler (pdftoppm)", ["pdftoppm", "-v"], "poppler-utils"),
        check_command("poppler (pdftotext)", ["pdftotext", "-v"], "poppler-utils"),
        check_command("fontconfig (fc-list)", ["fc-list", "--version"], "fontconfig"),
        *check_fonts(),
    ]


def require_ocr_tools(lang: str = "vie") -> None:
    """What `sohoa process` needs; raises MissingDependencyError with install advice."""
    check_tesseract(tuple(dict.fromkeys([*lang.split("+"), "osd"])))


__all__ = ["Check", "INSTALL_ADVICE", "require_ocr_tools", "run_checks"]
