"""The directions that must not appear (docs/architecture.md), checked on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(folder: str) -> dict[Path, set[str]]:
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolve against the package of the file
                    parts = ["sohoa", folder, *path.relative_to(ROOT / folder).parts[:-1]]
                    parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                    base = ".".join(parts + ([base] if base else []))
                names.add(base)
        found[path] = names
    return found


def test_pipeline_stays_pure():
    for path, names in _imports("pipeline").items():
        bad = {
            n
            for n in names
            if n.startswith(
                (
                    "sohoa.workers",
                    "sohoa.web",
                    "sohoa.store",
                    "sohoa.db",
                    "sohoa.samples",
                    "dramatiq",
                    "sqlalchemy",
                )
            )
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_schemas_import_nothing_of_the_project():
    for path, names in _imports("schemas").items():
        bad = {n for n in names if n.startswith("sohoa") and not n.startswith("sohoa.schemas")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_one_tesseract_call_site():
    """Only pipeline/ocr.py imports a Tesseract binding (pytesseract, tesserocr)."""
    for folder in ("pipeline", "sohoa", "workers", "schemas", "store", "samples"):
        for path, names in _imports(folder).items():
            if path == ROOT / "pipeline" / "ocr.py":
                continue
            bad = {n for n in names if n.split(".")[0] in ("pytesseract", "tesserocr")}
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_pdfs_built_in_one_place():
    allowed = {ROOT / "pipeline" / "pdf.py", ROOT / "pipeline" / "dossier.py"}
    for folder in ("pipeline", "sohoa", "workers", "samples"):
        for path in (ROOT / folder).rglob("*.py"):
            if path in allowed:
                continue
            text = path.read_text(encoding="utf-8")
            assert "pikepdf.new(" not in text and "img2pdf" not in text, path
