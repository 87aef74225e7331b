"""The package installs as the contract says: top-level folders as subpackages of `sohoa`, in an
editable install (this venv) and in a normal wheel install."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {
    "sohoa": "sohoa",
    "sohoa.pipeline": "pipeline",
    "sohoa.workers": "workers",
    "sohoa.schemas": "schemas",
    "sohoa.samples": "samples",
    "sohoa.store": "store",
}


def test_installed_package_imports_from_the_project():
    import sohoa.pipeline
    import sohoa.samples
    import sohoa.schemas
    import sohoa.workers

    import sohoa

    assert Path(sohoa.pipeline.__file__).parent == ROOT / "pipeline"
    assert Path(sohoa.schemas.__file__).parent == ROOT / "schemas"
    assert sohoa.__version__


def test_no_bare_top_level_packages_installed():
    """`pipeline` or `schemas` must never be importable as top-level names from the install."""
    code = "import importlib.util, sys; sys.exit(any(importlib.util.find_spec(n) for n in ('pipeline','schemas','workers','samples')))"
    # Run outside the project folder, so the current directory does not put them on sys.path.
    assert subprocess.run([sys.executable, "-c", code], cwd="/").returncode == 0


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for package, folder in MAPPED.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]))
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


@pytest.mark.slow
def test_normal_wheel_install(tmp_path):
    """Build the wheel, install it (without dependencies) into a folder and import from there."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(wheels.glob("sohoa-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "sohoa/pipeline/pdf.py" in names
    assert "sohoa/pipeline/data/GlyphLessFont.ttf" in names
    assert "sohoa/schemas/result.py" in names
    assert not any(n.startswith(("pipeline/", "schemas/", "workers/", "samples/")) for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sohoa.pipeline.pdf as m, sohoa.schemas as s; print(m.__file__); print(s.__file__)",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    for line in out.stdout.splitlines():
        assert line.startswith(str(target)), out.stdout
