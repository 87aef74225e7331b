"""The one Tesseract wrapper: version and language checks, recognition with word boxes and
confidences, orientation detection. No other module calls Tesseract (ARCHITECTURE.md).

Failures are mapped here to `MissingDependencyError` (exit 3, with install advice) and `OcrError`.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytesseract
from PIL import Image
from sohoa.schemas import OcrWord, normalize_text

from .errors import MissingDependencyError, OcrError

MIN_VERSION = (4, 1)
INSTALL_ADVICE = "apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd (hoặc chạy: make demo)"
#: One Tesseract thread per process: pages run in parallel processes instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class TesseractInfo:
    path: str
    version: tuple[int, ...]
    version_text: str
    languages: frozenset[str]


@dataclass(frozen=True)
class Recognition:
    """Words (boxes in the pixels of the image given) and text lines in reading order."""

    words: list[OcrWord]
    lines: list[str]


@dataclass(frozen=True)
class Orientation:
    rotate: int  # contract convention: content turned this far counter-clockwise
    confidence: float  # Tesseract's orientation confidence (roughly 0..30+)


_tesseract_cmd: str | None = None


def set_tesseract_cmd(cmd: str | None) -> None:
    """Use this Tesseract executable (a name on PATH or a path); None: `tesseract`."""
    global _tesseract_cmd
    _tesseract_cmd = cmd


def _cmd() -> str:
    return _tesseract_cmd or "tesseract"


@functools.cache
def _info_for(cmd: str, path_env: str) -> TesseractInfo:
    path = shutil.which(cmd, path=path_env)
    if path is None:
        raise MissingDependencyError(
            f"Chưa cài Tesseract OCR (không tìm thấy lệnh '{cmd}'). Cài bằng: {INSTALL_ADVICE}",
            code="tesseract_missing",
        )
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        langs = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependencyError(
            f"Không chạy được Tesseract ({path}). Cài lại bằng: {INSTALL_ADVICE}",
            code="tesseract_broken",
            detail=str(exc),
        ) from None
    text = (out.stdout or out.stderr).strip()
    m = re.search(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", text)
    version = tuple(int(x) for x in m.groups() if x is not None) if m else (0,)
    languages = frozenset(
        line.strip() for line in langs.stdout.splitlines()[1:] if line.strip() and " " not in line.strip()
    )
    return TesseractInfo(path, version, text.splitlines()[0] if text else "", languages)


def tesseract_info() -> TesseractInfo:
    """Where Tesseract is, its version and languages; raises MissingDependencyError when absent."""
    return _info_for(_cmd(), os.environ.get("PATH", ""))


def check_tesseract(languages: tuple[str, ...] = ("vie", "osd")) -> TesseractInfo:
    """Raise MissingDependencyError (with advice) unless Tesseract is recent and has the languages."""
    info = tesseract_info()
    if info.version < MIN_VERSION:
        raise MissingDependencyError(
            f"Tesseract {'.'.join(map(str, info.version))} quá cũ (cần ≥ {'.'.join(map(str, MIN_VERSION))}). "
            f"Cài bản mới: {INSTALL_ADVICE}",
            code="tesseract_too_old",
        )
    missing = [lang for lang in languages if lang not in info.languages]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise MissingDependencyError(
            f"Tesseract thiếu dữ liệu ngôn ngữ: {', '.join(missing)}. Cài bằng: apt-get install {packages}",
            code="tesseract_language_missing",
        )
    return info


def _run(fn, *args, **kwargs):
    info = tesseract_info()
    pytesseract.pytesseract.tesseract_cmd = info.path
    try:
        return fn(*args, **kwargs)
    except pytesseract.TesseractNotFoundError:
        raise MissingDependencyError(
            f"Chưa cài Tesseract OCR. Cài bằng: {INSTALL_ADVICE}", code="tesseract_missing"
        ) from None
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
        if "timeout" in str(exc).lower():
            raise OcrError(
                "Nhận dạng chữ trên trang này quá lâu và đã bị dừng: hãy kiểm tra ảnh quét rồi thử lại.",
                code="ocr_timeout",
            ) from None
        raise


def recognize(image: Image.Image, *, lang: str = "vie", psm: int = 3, timeout: float = 120) -> Recognition:
    """Recognise one page: every word with its box and confidence (0..1), and the text lines."""
    try:
        data = _run(
            pytesseract.image_to_data,
            image,
            lang=lang,
            config=f"--psm {psm}",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except pytesseract.TesseractError as exc:
        raise OcrError(
            "Tesseract không nhận dạng được trang này: hãy kiểm tra ảnh quét rồi thử lại.",
            code="ocr_failed",
            detail=str(exc)[:300],
        ) from None
    words: list[OcrWord] = []
    lines: list[list[str]] = []
    line_keys: dict[tuple[int, int, int, int], int] = {}
    for i, raw in enumerate(data["text"]):
        text = normalize_text(raw or "")
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if key not in line_keys:
            line_keys[key] = len(lines)
            lines.append([])
        line_no = line_keys[key]
        lines[line_no].append(text)
        left, top = int(data["left"][i]), int(data["top"][i])
        words.append(
            OcrWord(
                text=text,
                box=(left, top, left + int(data["width"][i]), top + int(data["height"][i])),
                confidence=max(0.0, min(1.0, conf / 100.0)),
                line=line_no,
            )
        )
    return Recognition(words=words, lines=[" ".join(line) for line in lines])


def detect_orientation(image: Image.Image, *, timeout: float = 60) -> Orientation | None:
    """Tesseract's orientation guess, or None when the page has too little text to tell."""
    try:
        osd = _run(pytesseract.image_to_osd, image, config="--psm 0", timeout=timeout)
    except pytesseract.TesseractError:
        return None
    rotate = re.search(r"Rotate:\s*(\d+)", osd)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
    if not rotate:
        return None
    return Orientation(int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0)


def ocr_page(prepared, *, lang: str = "vie", timeout: float = 120):
    """The OCR stage: recognise a prepared page and give the word boxes in upright-image pixels.

    Recognition runs on the deskewed image; each box is moved back by its centre through the
    inverse tilt, keeping its size, so boxes sit on the scan the PDF shows.
    """
    from .types import OcrPage  # local: types imports schemas only, this keeps the wrapper light

    rec = recognize(prepared.ocr_image, lang=lang, timeout=timeout)
    m = prepared.ocr_to_upright
    width, height = prepared.upright.size
    words = []
    for w in rec.words:
        x0, y0, x1, y1 = w.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ux = m[0][0] * cx + m[0][1] * cy + m[0][2]
        uy = m[1][0] * cx + m[1][1] * cy + m[1][2]
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        box = (
            max(0, round(ux - hw)),
            max(0, round(uy - hh)),
            min(width, round(ux + hw)),
            min(height, round(uy + hh)),
        )
        words.append(w.model_copy(update={"box": box}))
    return OcrPage(prepared=prepared, words=words, lines=rec.lines)
