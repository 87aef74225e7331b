"""`sohoa doctor` and the exit code 3 of commands that need a missing tool."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .drawn import birth_certificate

SOHOA = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "sohoa")


def _run(args, path: str, tmp_path: Path):
    env = {"PATH": path, "HOME": str(tmp_path), "SOHOA_CONFIG": str(tmp_path / "none.toml")}
    return subprocess.run([SOHOA, *args], capture_output=True, text=True, env=env, cwd=tmp_path)


@pytest.fixture
def path_without_tesseract(tmp_path) -> str:
    """A PATH with every tool the machine has (qpdf, poppler, fc-list...) except tesseract."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for d in os.environ["PATH"].split(os.pathsep) + ["/usr/bin", "/bin"]:
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if name != "tesseract" and not (bin_dir / name).exists():
                (bin_dir / name).symlink_to(os.path.join(d, name))
    assert shutil.which("tesseract", path=str(bin_dir)) is None
    return str(bin_dir)


def test_doctor_all_present(tmp_path):
    run = _run(["doctor"], os.environ["PATH"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "tesseract" in run.stdout and "Đủ công cụ" in run.stdout


def test_doctor_tesseract_missing(path_without_tesseract, tmp_path):
    run = _run(["doctor"], path_without_tesseract, tmp_path)
    assert run.returncode == 3
    assert "apt-get install tesseract-ocr" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_process_stops_with_exit_3_and_advice(path_without_tesseract, tmp_path):
    birth_certificate().save(tmp_path / "p.png", dpi=(200, 200))
    run = _run(["process", "p.png", "--out", "out"], path_without_tesseract, tmp_path)
    assert run.returncode == 3
    assert "Thiếu công cụ" in run.stderr and "sohoa doctor" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not (tmp_path / "out").exists()


def test_missing_language_data(tmp_path):
    """A Tesseract without `vie`: a fake tesseract that lists only eng (a real script, not a mock of doctor)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "tesseract"
    fake.write_text(
        "#!/bin/sh\ncase \"$1\" in --version) echo 'tesseract 5.3.0';; "
        "--list-langs) printf 'List of available languages (1):\\neng\\n';; esac\n"
    )
    fake.chmod(0o755)
    run = _run(["doctor"], f"{bin_dir}:{os.environ['PATH']}", tmp_path)
    assert run.returncode == 3
    assert "tesseract-ocr-vie" in run.stdout and "tesseract-ocr-osd" in run.stdout


def test_bad_usage_exit_2(tmp_path):
    run = _run(["samples", "x", "--level", "extreme"], os.environ["PATH"], tmp_path)
    assert run.returncode == 2
    run = _run(["process"], os.environ["PATH"], tmp_path)
    assert run.returncode == 2
