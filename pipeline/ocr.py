"""The one Tesseract wrapper: version and language checks, recognition with word boxes and
confidences, orientation detection. No other module calls Tesseract (ARCHITECTURE.md).

Two engines behind one interface. `tesserocr` (the C++ API in-process: each model is loaded once
per thread and no image is written or process started per page) is used when it is installed and
recent, because it measures faster (docs/benchmarks.md); `pytesseract` (the `tesseract` program)
is the fallback. Either way the `tesseract` program must be installed: its language data is what
both read, and `sohoa doctor` checks it. A page's recognition stops after `timeout` seconds
(tesserocr's cancel callback, or pytesseract killing its child); `pipeline/parallel.py` adds a hard
kill of the worker process for anything that still does not return.

The OCR stage (`ocr_page`) reads a page as sparse text, puts the words back into lines
(`assemble_lines`), reads again, from their crops, the lines the page reading lost
(`reread_lost_lines`) or read with doubt (`reread_doubtful_lines`) and then the words it still
doubts, each alone (`reread_doubtful_words`), a word over two lines' ink (a value typed over a
label) in its two parts (`reread_stacked_words`), and puts back the known text
it slipped on: the forms' printed phrases, surnames, `m²` (`mend_known_text`, `pipeline/printed.py`).

Failures are mapped here to `MissingDependencyError` (exit 3, with install advice) and `OcrError`.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

# One Tesseract thread per process (pages run in parallel processes instead). Set before the
# Tesseract library is loaded: OpenMP reads it once.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image  # noqa: E402
from sohoa.schemas import OcrWord, normalize_text  # noqa: E402

from . import printed  # noqa: E402
from .errors import MissingDependencyError, OcrError  # noqa: E402

try:  # the in-process binding is optional: pytesseract is the fallback
    import tesserocr
except ImportError:  # pragma: no cover - depends on the installation
    tesserocr = None

MIN_VERSION = (4, 1)
INSTALL_ADVICE = "apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd (hoặc chạy: make demo)"
#: Page segmentation for whole form pages (see `ocr_page`).
FORM_PSM = 11
#: Tesseract settings for every recognition. Scans here are dark print on light paper: no word is
#: worth a second, inverted reading (Tesseract 5 tries one for every doubtful word). The legacy
#: layout's fixed-pitch test (a dynamic-programming search over pitches for every text row) only
#: decides how a row is cut into words for the legacy classifier: with it off, the page reading
#: took 2.6% fewer instructions (callgrind, 4 generated pages), read the same words on 23 of 24
#: generated pages (one word differed on the 24th) and the same text on typewriter-like pages in
#: two monospace fonts (docs/benchmarks.md).
VARIABLES = {"tessedit_do_invert": "0", "textord_disable_pitch_test": "1"}
ENGINES = ("auto", "tesserocr", "pytesseract")

_TIMEOUT_MESSAGE = "Nhận dạng chữ trên trang này quá lâu và đã bị dừng: hãy kiểm tra ảnh quét rồi thử lại."
_FAILED_MESSAGE = "Tesseract không nhận dạng được trang này: hãy kiểm tra ảnh quét rồi thử lại."


@dataclass(frozen=True)
class TesseractInfo:
    path: str
    version: tuple[int, ...]
    version_text: str
    languages: frozenset[str]
    tessdata: str | None = None  # the folder the program reads its language data from


@dataclass(frozen=True)
class Recognition:
    """Words (boxes in the pixels of the image given) and text lines in reading order."""

    words: list[OcrWord]
    lines: list[str]

    @property
    def mean_confidence(self) -> float:
        """Word confidence weighted by word length (0..1); 0 when nothing was read."""
        chars = sum(len(w.text) for w in self.words)
        return sum(w.confidence * len(w.text) for w in self.words) / chars if chars else 0.0


@dataclass(frozen=True)
class Orientation:
    rotate: int  # contract convention: content turned this far counter-clockwise
    confidence: float  # Tesseract's orientation confidence (roughly 0..30+)


_tesseract_cmd: str | None = None
_engine = os.environ.get("SOHOA_OCR_ENGINE", "auto")


def set_tesseract_cmd(cmd: str | None) -> None:
    """Use this Tesseract executable (a name on PATH or a path); None: `tesseract`."""
    global _tesseract_cmd
    _tesseract_cmd = cmd


def set_engine(name: str) -> None:
    """Choose the engine: `auto` (tesserocr when usable, else pytesseract), `tesserocr` or `pytesseract`."""
    global _engine
    if name not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {name!r}")
    _engine = name


def settings() -> tuple[str | None, str]:
    """The executable and engine chosen in this process (worker processes are given the same)."""
    return _tesseract_cmd, _engine


def _cmd() -> str:
    return _tesseract_cmd or "tesseract"


def _parse_version(text: str) -> tuple[int, ...]:
    m = re.search(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(x) for x in m.groups() if x is not None) if m else (0,)


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
    listing = langs.stdout.splitlines()
    m = re.search(r'"(.+?)/?"', listing[0]) if listing else None
    languages = frozenset(line.strip() for line in listing[1:] if line.strip() and " " not in line.strip())
    return TesseractInfo(
        path,
        _parse_version(text),
        text.splitlines()[0] if text else "",
        languages,
        m.group(1) if m else None,
    )


def tesseract_info() -> TesseractInfo:
    """Where Tesseract is, its version and languages; raises MissingDependencyError when absent."""
    return _info_for(_cmd(), os.environ.get("PATH", ""))


def _too_old(version: tuple[int, ...], what: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"{what} {'.'.join(map(str, version))} quá cũ (cần ≥ {'.'.join(map(str, MIN_VERSION))}). "
        f"Cài bản mới: {INSTALL_ADVICE}",
        code="tesseract_too_old",
    )


def check_tesseract(languages: tuple[str, ...] = ("vie", "osd")) -> TesseractInfo:
    """Raise MissingDependencyError (with advice) unless Tesseract is recent and has the languages."""
    info = tesseract_info()
    if info.version < MIN_VERSION:
        raise _too_old(info.version, "Tesseract")
    missing = [lang for lang in languages if lang not in info.languages]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise MissingDependencyError(
            f"Tesseract thiếu dữ liệu ngôn ngữ: {', '.join(missing)}. Cài bằng: apt-get install {packages}",
            code="tesseract_language_missing",
        )
    return info


@functools.cache
def tesserocr_version() -> tuple[int, ...] | None:
    """Version of the Tesseract library tesserocr is built on, or None when tesserocr is absent."""
    if tesserocr is None:
        return None
    return _parse_version(tesserocr.tesseract_version())


def engine() -> str:
    """The engine recognition uses now: `tesserocr` or `pytesseract`."""
    if _engine == "pytesseract":
        return "pytesseract"
    version = tesserocr_version()
    if version is None or version < MIN_VERSION:
        if _engine == "tesserocr":
            if version is None:
                raise MissingDependencyError(
                    "Chưa cài tesserocr (pip install tesserocr; cần libtesseract-dev libleptonica-dev).",
                    code="tesserocr_missing",
                )
            raise _too_old(version, "tesserocr (libtesseract)")
        return "pytesseract"
    return "tesserocr"


# --- tesserocr: one API object per (language, mode) and thread ------------------------------------

_local = threading.local()


def _api(lang: str, psm: int):
    """This thread's API object for `lang` (one model in memory per language), set to `psm`."""
    info = tesseract_info()  # the program must be installed: its tessdata is what we read
    cache = _local.__dict__.setdefault("apis", {})
    key = (info.tessdata, lang)
    api = cache.get(key)
    if api is None:
        try:
            api = tesserocr.PyTessBaseAPI(path=(info.tessdata or "") + "/", lang=lang, psm=psm)
        except RuntimeError as exc:
            raise MissingDependencyError(
                f"Tesseract không nạp được dữ liệu ngôn ngữ '{lang}'. Cài bằng: {INSTALL_ADVICE}",
                code="tesseract_language_missing",
                detail=str(exc)[:300],
            ) from None
        for name, value in VARIABLES.items():
            api.SetVariable(name, value)
        cache[key] = api
    api.SetPageSegMode(psm)
    return api


def _recognize_tesserocr(
    image: Image.Image, lang: str, psm: int, timeout: float, dpi: float | None, variables: dict[str, str]
):
    api = _api(lang, psm)
    # The API object is shared by every call of this thread: settings of one call are undone after it.
    saved = {name: api.GetVariableAsString(name) or "" for name in variables}
    for name, value in variables.items():
        api.SetVariable(name, value)
    try:
        return _read_tesserocr(api, image, timeout, dpi)
    finally:
        for name, value in saved.items():
            api.SetVariable(name, value)


def _read_tesserocr(api, image: Image.Image, timeout: float, dpi: float | None) -> Recognition:
    started = time.monotonic()
    try:
        # The pixels as they are: `SetImage` would write the image as a BMP for Leptonica to read
        # back. The resolution is what that BMP carried (`dpi`, else the image's, else 96).
        data = image.tobytes()  # kept alive until Recognize is done: Tesseract does not copy it
        depth = len(image.getbands())
        api.SetImageBytes(data, image.width, image.height, depth, depth * image.width)
        api.SetSourceResolution(int(round(dpi or image.info.get("dpi", (96, 96))[1])))
        ok = api.Recognize(timeout=max(1, int(timeout * 1000)))
    except RuntimeError as exc:
        raise OcrError(_FAILED_MESSAGE, code="ocr_failed", detail=str(exc)[:300]) from None
    if not ok:
        api.Clear()
        if time.monotonic() - started >= timeout * 0.9:
            raise OcrError(_TIMEOUT_MESSAGE, code="ocr_timeout", detail=f"stopped after {timeout:.0f} s")
        raise OcrError(_FAILED_MESSAGE, code="ocr_failed", detail="Recognize() returned false")
    words: list[OcrWord] = []
    lines: list[list[str]] = []
    word_level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
    it = api.GetIterator()
    new_line = True
    for r in tesserocr.iterate_level(it, word_level) if it is not None else ():
        if r.IsAtBeginningOf(line_level):
            new_line = True
        try:
            text = normalize_text(r.GetUTF8Text(word_level) or "")
        except RuntimeError:  # "No text returned": an empty page
            continue
        conf = r.Confidence(word_level)
        box = r.BoundingBox(word_level)
        if not text or conf < 0 or box is None:
            continue
        if new_line:
            lines.append([])
            new_line = False
        lines[-1].append(text)
        words.append(
            OcrWord(
                text=text,
                box=tuple(int(v) for v in box),
                confidence=max(0.0, min(1.0, conf / 100.0)),
                line=len(lines) - 1,
            )
        )
    api.Clear()
    return Recognition(words=words, lines=[" ".join(line) for line in lines])


# --- pytesseract: the `tesseract` program, one child process per call ---------------------------


def _run(fn, *args, **kwargs):
    info = tesseract_info()
    pytesseract.pytesseract.tesseract_cmd = info.path
    try:
        return fn(*args, **kwargs)
    except pytesseract.TesseractNotFoundError:
        raise MissingDependencyError(
            f"Chưa cài Tesseract OCR. Cài bằng: {INSTALL_ADVICE}", code="tesseract_missing"
        ) from None
    except RuntimeError as exc:  # pytesseract kills the child and raises RuntimeError on its timeout
        if "timeout" in str(exc).lower():
            raise OcrError(_TIMEOUT_MESSAGE, code="ocr_timeout") from None
        raise


def _recognize_pytesseract(
    image: Image.Image, lang: str, psm: int, timeout: float, dpi: float | None, variables: dict[str, str]
):
    config = f"--psm {psm}" + (f" --dpi {int(round(dpi))}" if dpi else "")
    config += "".join(f" -c {name}={value}" for name, value in {**VARIABLES, **variables}.items())
    try:
        data = _run(
            pytesseract.image_to_data,
            image,
            lang=lang,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except pytesseract.TesseractError as exc:
        raise OcrError(_FAILED_MESSAGE, code="ocr_failed", detail=str(exc)[:300]) from None
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


# --- the interface the pipeline uses ---------------------------------------------------------------


def recognize(
    image: Image.Image,
    *,
    lang: str = "vie",
    psm: int = 3,
    timeout: float = 120,
    dpi: float | None = None,
    variables: dict[str, str] | None = None,
) -> Recognition:
    """Recognise one image: every word with its box and confidence (0..1), and the text lines.

    `variables`: Tesseract settings for this call only (`tessedit_char_whitelist` for a crop that
    holds only figures)."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if engine() == "tesserocr":
        return _recognize_tesserocr(image, lang, psm, timeout, dpi, variables or {})
    return _recognize_pytesseract(image, lang, psm, timeout, dpi, variables or {})


def detect_orientation(image: Image.Image, *, timeout: float = 60) -> Orientation | None:
    """Tesseract's orientation guess, or None when the page has too little text to tell."""
    if engine() == "tesserocr":
        api = _api("osd", int(tesserocr.PSM.OSD_ONLY))
        try:
            api.SetImage(image)
            found = api.DetectOrientationScript()
        except RuntimeError:
            return None
        finally:
            api.Clear()
        if not found:
            return None
        # tesserocr gives the clockwise turn the scan shows; the contract counts counter-clockwise.
        return Orientation((360 - int(found["orient_deg"])) % 360, float(found["orient_conf"]))
    try:
        osd = _run(pytesseract.image_to_osd, image, config="--psm 0", timeout=timeout)
    except pytesseract.TesseractError:
        return None
    rotate = re.search(r"Rotate:\s*(\d+)", osd)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
    if not rotate:
        return None
    return Orientation(int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0)


#: Words without a letter or digit read at a confidence below this are specks, not text.
_JUNK_CONFIDENCE = 0.5
#: Lines side by side whose centres are closer than this many word heights are one line.
_SAME_LINE = 1.3
#: Words of two lines that overlap across the page by less than twice this many word heights do
#: not keep the lines apart: a value typed up and left of its place starts over its label's colon
#: (`Giới tính:` with `Nam` over the colon), and would otherwise join the label line above it; a
#: raised `Quyển số:`'s value stands over the whole colon (0.35 kept it off its line on hard pages).
_OVERLAP = 0.5


def _is_junk(word: OcrWord) -> bool:
    return word.confidence < _JUNK_CONFIDENCE and not any(c.isalnum() for c in word.text)


#: A date (day, month, four-digit year) whose slashes were read as the strokes they look like.
_SLASHED_DATE = re.compile(r"(?<!\d)(\d{1,2})[/Il|\\](\d{1,2})[/Il|\\](\d{4})(?!\d)")


def _mend_date(word: OcrWord) -> OcrWord:
    """The word with a date's slashes read as `I`, `l`, `|` or `\\` put back (`17I07I2016`): no
    other reading of a day, a stroke, a month, a stroke and a year exists."""
    text = _SLASHED_DATE.sub(r"\1/\2/\3", word.text)
    return word if text == word.text else word.model_copy(update={"text": text})


def _seam(text: str) -> int:
    """Where a word read as one is two run together, or 0: a label's last word and the value typed
    over its end (`tộcKinh`, `tính:Nam`, `ngày06/05/2021`, `2015ghi`). A Vietnamese word has no
    capital or figure after small letters, nor a letter after a colon; one figure at the end after
    small letters is a unit (`m2`, `km2`)."""
    for k in range(2, len(text)):
        a, b = text[k - 1], text[k]
        if a == ":" and text[k - 2].isalpha() and b.isalnum():
            return k
        if a.islower() and text[k - 2].islower() and (b.isupper() or b.isdigit()):
            if b.isdigit() and not text[k + 1 :].strip(".,;)"):  # a unit: km2, m3
                continue
            return k
        if a.isdigit() and text[k - 2].isdigit() and b.islower() and text[k + 1 : k + 2].islower():
            return k
    return 0


def _mend_word(word: OcrWord) -> list[OcrWord]:
    """The word, its date mended (`_mend_date`), as the two words it is when two were run
    together (`_seam`); the box is cut in proportion to the letters."""
    word = _mend_date(word)
    k = _seam(word.text)
    if not k:
        return [word]
    x0, y0, x1, y1 = word.box
    cut = x0 + round((x1 - x0) * k / len(word.text))
    return [
        word.model_copy(update={"text": word.text[:k], "box": (x0, y0, cut, y1)}),
        *_mend_word(word.model_copy(update={"text": word.text[k:], "box": (cut, y0, x1, y1)})),
    ]


def assemble_lines(words: list[OcrWord]) -> tuple[list[OcrWord], list[str]]:
    """Words regrouped into the page's lines, in reading order (top to bottom, left to right).

    Data typed on a form sits off its dotted line (mis-registered), so Tesseract gives the value
    a line of its own above or below its label. Two of Tesseract's lines are one line when no word
    of one overlaps a word of the other across the page (by more than twice `_OVERLAP` word
    heights: a raised value's first letter over its label's colon does not count) and their
    centres are within `_SAME_LINE` word heights; the closest such pairs join first. A value so
    given to the label over its own goes down to it (`_pass_values_down`). Then a label
    without its value takes a value typed further off it (`_join_values`). Specks read as
    punctuation at low confidence are dropped; a date's slashes read as strokes are put back and
    two words read as one are cut apart (`_mend_word`).
    """
    words = [part for w in words if not _is_junk(w) for part in _mend_word(w)]
    if not words:
        return [], []
    height = float(np.median([w.box[3] - w.box[1] for w in words]))
    groups: dict[int, list[OcrWord]] = {}
    for w in words:
        groups.setdefault(w.line, []).append(w)
    members = list(groups.values())
    # Punctuation alone (a colon Tesseract read apart) does not keep two lines apart.
    spans = [
        np.array([[w.box[0], w.box[2]] for w in g if any(c.isalnum() for c in w.text)], float).reshape(-1, 2)
        for g in members
    ]
    centre = [float(np.median([(w.box[1] + w.box[3]) / 2 for w in g])) for g in members]
    order = sorted(range(len(members)), key=centre.__getitem__)
    reach = _SAME_LINE * height
    pairs = []
    for k, i in enumerate(order):
        for j in order[k + 1 :]:
            if centre[j] - centre[i] >= reach:
                break
            pairs.append((centre[j] - centre[i], i, j))
    pairs.sort()
    root = list(range(len(members)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    slack = 2 * _OVERLAP * height  # the overlap two lines' words may have
    for _, i, j in pairs:
        a, b = find(i), find(j)
        if a == b or abs(centre[a] - centre[b]) >= reach:
            continue
        sa, sb = spans[a], spans[b]
        if ((sa[:, None, 0] + slack < sb[None, :, 1]) & (sb[None, :, 0] + slack < sa[:, None, 1])).any():
            continue  # a word of one stands over a word of the other: two lines
        root[b] = a
        members[a] = members[a] + members[b]
        spans[a] = np.vstack((sa, sb))
        centre[a] = float(np.median([(w.box[1] + w.box[3]) / 2 for w in members[a]]))
    lines = sorted(
        (sorted(members[r], key=lambda w: w.box[0]) for r in {find(i) for i in range(len(members))}),
        key=lambda line: float(np.median([(w.box[1] + w.box[3]) / 2 for w in line])),
    )
    lines = _join_values(_pass_values_down(lines, height), height)
    out = [w.model_copy(update={"line": n}) for n, line in enumerate(lines) for w in line]
    return out, [" ".join(w.text for w in line) for line in lines]


#: A value is looked for this many word heights above or below a label line ending in a colon,
#: and starting at most `_VALUE_SPAN` word heights to the right of the colon.
_VALUE_REACH = 2.0
_VALUE_SPAN = 6.0
#: A label followed on its line by the next label is without its value when the two stand this
#: many word heights apart at least (the value's empty place).
_VALUE_SLOT = 2.0


def _join_values(lines: list[list[OcrWord]], height: float) -> list[list[OcrWord]]:
    """Lines (each a list of words, in reading order) with a value typed off its label's line
    joined to it: a label (a word ending in a colon) with nothing after it on its line, or with
    the next label after it at least `_VALUE_SLOT` word heights off, takes the nearest line within `_VALUE_REACH` word heights that holds
    no colon and starts right of the colon word's start (a value pushed left over the colon still
    counts) and, before the next label, left of that label's start (its tail may run over it).
    The value goes right after its label: the line's order on the form (`Ngày, tháng, năm sinh:
    10/06/2024 ghi bằng chữ: …` with the date raised off its line). `assemble_lines` cannot join
    them itself where the value's ink stands over the label's colon or the next label, or where
    the value is raised further than `_SAME_LINE` heights."""
    centre = [float(np.median([(w.box[1] + w.box[3]) / 2 for w in line])) for line in lines]
    taken: dict[int, tuple[int, int]] = {}  # value line -> (label line, the colon word's place)
    for n, line in enumerate(lines):
        for k, label in enumerate(line):
            if not label.text.endswith(":"):
                continue
            after = line[k + 1] if k + 1 < len(line) else None
            if after is not None and (
                after.box[0] - label.box[2] < _VALUE_SLOT * height or not _is_label(line, k + 1)
            ):
                continue
            best = None
            for m, other in enumerate(lines):
                gap = abs(centre[m] - centre[n])
                if m == n or m in taken or gap > _VALUE_REACH * height:
                    continue
                left = other[0].box[0]
                if not label.box[0] <= left <= label.box[2] + _VALUE_SPAN * height:
                    continue
                if after is not None and left >= after.box[0]:
                    continue
                if any(":" in w.text for w in other):
                    continue
                if best is None or gap < best[0]:
                    best = (gap, m)
            if best is not None:
                taken[best[1]] = (n, k)
    if not taken:
        return lines
    values: dict[int, dict[int, list[OcrWord]]] = {}
    for m, (n, k) in taken.items():
        values.setdefault(n, {})[k] = lines[m]
    out = []
    for n, line in enumerate(lines):
        if n in taken:
            continue
        joined = []
        for k, w in enumerate(line):
            joined.append(w)
            joined += values.get(n, {}).get(k, [])
        out.append(joined)
    return out


def _centre(words: list[OcrWord]) -> float:
    return float(np.median([(w.box[1] + w.box[3]) / 2 for w in words]))


#: A value is passed to the label under its own only when it sits at least this many word heights
#: nearer the page's usual place of a value there.
_VALUE_NEARER = 0.5


def _pass_values_down(lines: list[list[OcrWord]], height: float) -> list[list[OcrWord]]:
    """Lines with a value joined to the label over its own passed down to its label. The typed
    values of a page stand off their labels by about the same height (the typed layer's
    registration): the median, over the page's labels with a value, of the value's centre less
    its colon word's. Values raised by more than half a line sit between two labels, and
    `assemble_lines` gives such a value to the nearer, the label above, whose own value (raised
    too) then stays alone (`Nơi đăng ký kết hôn: 08/06/2017` and `Ngày, tháng, năm đăng ký:`). A
    line whose last label has a value, followed by a line that is a label alone (ending in its
    colon), in the same column, whose colon the value starts near: the value goes to the lower
    label when its offset from that label is nearer the page's by `_VALUE_NEARER` heights."""
    offsets = []
    for line in lines:
        for k, w in enumerate(line[:-1]):
            if w.text.endswith(":") and not _is_label(line, k + 1):
                value = list(itertools.takewhile(lambda v: not v.text.endswith(":"), line[k + 1 :]))
                if value:
                    offsets.append(_centre(value) - _centre([w]))
    if len(offsets) < 3:
        return lines
    usual = float(np.median(offsets))
    lines = [list(line) for line in lines]
    for n in range(len(lines) - 1):
        line, below = lines[n], lines[n + 1]
        colons = [k for k, w in enumerate(line) if w.text.endswith(":")]
        if not colons or colons[-1] == len(line) - 1 or not below[-1].text.endswith(":"):
            continue
        if not _is_label(below, 0) or abs(below[0].box[0] - line[0].box[0]) > 2 * height:
            continue
        k, label = colons[-1], below[-1]
        value = line[k + 1 :]
        if not label.box[0] <= value[0].box[0] <= label.box[2] + _VALUE_SPAN * height:
            continue
        here = abs(_centre(value) - _centre([line[k]]) - usual)
        there = abs(_centre(value) - _centre([label]) - usual)
        if there + _VALUE_NEARER * height < here:
            lines[n], lines[n + 1] = line[: k + 1], below + value
    return lines


def _is_label(line: list[OcrWord], k: int) -> bool:
    """Whether the words of `line` from `k` on start a label: up to its colon, letters only
    (`ghi bằng chữ:`, `Dân tộc:`), not a value typed after a colon (`27 Quyển số:`)."""
    for w in line[k:]:
        if not any(c.isalpha() for c in w.text) or any(c.isdigit() for c in w.text):
            return False
        if w.text.endswith(":"):
            return True
    return False


#: Ink darker than this in the cleaned page is print (the page is grey on white after clean-up).
_INK = 140
#: A cluster of ink no word covers is a lost line when its height is within these multiples of the
#: page's median word height, it is at least `_LOST_MIN_WIDTH` heights wide and ink covers at
#: least `_LOST_DENSITY` of its box (a table rule is thin, a speck small, a blank box empty).
_LOST_HEIGHT = (0.5, 2.5)
_LOST_MIN_WIDTH = 1.2
_LOST_DENSITY = 0.04
#: Words read again in a lost line are kept from this confidence, when they hold a letter or digit.
_LOST_CONFIDENCE = 0.6


def _grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image if image.mode == "L" else image.convert("L"))


def lost_lines(image: Image.Image, words: list[OcrWord]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of text-line-sized clusters of ink that no recognised word covers.

    Tesseract's page layout drops whole lines now and then, clean ones too (a value typed off its
    dotted line next to its label, a line over a few leader dots left under its descenders). The
    ink it did not read is what is left of the page's dark pixels once every word box (and a rim)
    is taken out; letters are joined into lines by a closing about half a word height wide, on a
    copy at half the resolution (a quarter of the work, the same clusters).
    """
    text = [w for w in words if any(c.isalnum() for c in w.text)]
    if not text:
        return []
    height = float(np.median([w.box[3] - w.box[1] for w in text]))
    f = 2  # found at half the resolution: a pixel there is ink when any of its four is
    a = _grey(image)
    small = cv2.erode(a, np.ones((f, f), np.uint8), anchor=(0, 0))[::f, ::f]
    rest = (small < _INK).view(np.uint8)
    rim = max(2, int(height * 0.15))
    for w in words:
        x0, y0, x1, y1 = w.box
        rest[max(0, y0 - rim) // f : (y1 + rim) // f + 1, max(0, x0 - rim) // f : (x1 + rim) // f + 1] = 0
    h = height / f
    kernel = np.ones((max(2, int(h * 0.25)), max(3, int(h * 0.6))), np.uint8)
    joined = cv2.morphologyEx(rest, cv2.MORPH_CLOSE, kernel)
    # The clusters' outlines (a fraction of the time of labelling every pixel of a noisy page).
    outlines, _ = cv2.findContours(joined, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lo, hi = _LOST_HEIGHT
    boxes = []
    for x, y, bw, bh in map(cv2.boundingRect, outlines):
        if not (lo * h <= bh <= hi * h and bw >= _LOST_MIN_WIDTH * h):
            continue
        if rest[y : y + bh, x : x + bw].mean() < _LOST_DENSITY:
            continue
        boxes.append((int(x * f), int(y * f), int((x + bw) * f), int((y + bh) * f)))
    return boxes


def _median_height(words: list[OcrWord]) -> float:
    """The median height of the words with a letter or digit (a line of text: 30 px when none)."""
    text = [w for w in words if any(c.isalnum() for c in w.text)]
    return float(np.median([w.box[3] - w.box[1] for w in text])) if text else 30.0


def _crop(
    a: np.ndarray,
    box: tuple[int, int, int, int],
    pad: tuple[int, int],
    others: list[OcrWord],
    rim: int = 0,
    *,
    keep_box: bool = False,
) -> tuple[np.ndarray, int, int]:
    """The box of the grey page with `pad` (x, y) pixels around it, the `others` words' boxes (grown
    by `rim` pixels) in it whited out, so only the ink looked at is read; and the crop's top left
    corner. `keep_box`: the box's own ink is kept whole where others' boxes overlap it (a word
    read alone, its neighbour's box reaching into it)."""
    x0, y0 = max(0, box[0] - pad[0]), max(0, box[1] - pad[1])
    x1, y1 = min(a.shape[1], box[2] + pad[0]), min(a.shape[0], box[3] + pad[1])
    crop = a[y0:y1, x0:x1].copy()
    for w in others:
        wx0, wy0, wx1, wy1 = w.box[0] - rim, w.box[1] - rim, w.box[2] + rim, w.box[3] + rim
        if wx1 > x0 and wx0 < x1 and wy1 > y0 and wy0 < y1:
            crop[max(0, wy0 - y0) : max(0, wy1 - y0), max(0, wx0 - x0) : max(0, wx1 - x0)] = 255
    if keep_box:
        crop[box[1] - y0 : box[3] - y0, box[0] - x0 : box[2] - x0] = a[box[1] : box[3], box[0] : box[2]]
    return crop, x0, y0


def _read_crop(crop: np.ndarray, x0: int, y0: int, line: int, *, lang: str, timeout: float) -> list[OcrWord]:
    """A crop read as one text line (`--psm 7`) at full contrast (`_stretch`), its words' boxes in
    the page's pixels and on `line`."""
    rec = recognize(Image.fromarray(_stretch(crop)), lang=lang, psm=7, timeout=timeout)
    return [
        w.model_copy(
            update={"box": (w.box[0] + x0, w.box[1] + y0, w.box[2] + x0, w.box[3] + y0), "line": line}
        )
        for w in rec.words
    ]


def reread_lost_lines(
    image: Image.Image, words: list[OcrWord], *, lang: str = "vie", timeout: float = 120
) -> list[OcrWord]:
    """Words read in the lines the page reading lost (`lost_lines`), one line crop at a time, in
    the image's pixels. A crop is read as one text line (`--psm 7`); where Tesseract's line finder
    gives nothing on it (it does on some clean crops), as a raw line (`--psm 13`). Words already
    read on the page are whited out in the crop, so only the lost ink is read."""
    boxes = lost_lines(image, words)
    if not boxes:
        return []
    a = _grey(image)
    height = _median_height(words)
    rim = max(2, int(height * 0.15))
    pad = (int(height * 0.4), int(height * 0.3))
    found: list[OcrWord] = []
    line = max((w.line for w in words), default=0) + 1
    for box in boxes:
        crop, x0, y0 = _crop(a, box, pad, words, rim)
        piece = Image.fromarray(crop)
        rec = recognize(piece, lang=lang, psm=7, timeout=timeout)
        if not rec.words:
            rec = recognize(piece, lang=lang, psm=13, timeout=timeout)
        for w in rec.words:
            if w.confidence < _LOST_CONFIDENCE or not any(c.isalnum() for c in w.text):
                continue
            wx0, wy0, wx1, wy1 = w.box
            found.append(w.model_copy(update={"box": (wx0 + x0, wy0 + y0, wx1 + x0, wy1 + y0), "line": line}))
        line += 1
    return found


#: Lines read at a mean confidence below this are read again from their crop (`reread_doubtful_lines`).
_DOUBTFUL = 0.9
#: The crop's reading replaces the page's when its mean confidence is higher by at least this.
_BETTER = 0.02


def _mean_confidence(words: list[OcrWord]) -> float:
    chars = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / chars if chars else 0.0


def _stretch(crop: np.ndarray) -> np.ndarray:
    """The crop's grey levels stretched so its darkest percent is black and its lightest white:
    faded, blurred ink on a grey page is read better at full contrast. A crop of nearly one grey
    (nothing to stretch) is returned as it is."""
    lo, hi = np.percentile(crop, (1, 99))
    if hi - lo < 10:
        return crop
    return cv2.convertScaleAbs(crop, alpha=255.0 / (hi - lo), beta=-lo * 255.0 / (hi - lo))


def reread_doubtful_lines(
    image: Image.Image, words: list[OcrWord], *, lang: str = "vie", timeout: float = 120
) -> list[OcrWord]:
    """The page's words (assembled into lines), with each line read at a mean confidence below
    `_DOUBTFUL` read again from its own crop as one text line (`--psm 7`), the other lines' words
    whited out and its contrast stretched (`_stretch`); the crop's reading is kept when Tesseract
    is more confident of it. On the page, sparse-text reading cuts a line into pieces read apart,
    and an overlapping neighbour's ink pulls words off it; read as one line, the letters are seen
    in their line's context."""
    lines: dict[int, list[OcrWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    doubtful = {n for n, ws in lines.items() if _mean_confidence(ws) < _DOUBTFUL}
    if not doubtful:
        return words
    a = _grey(image)
    height = _median_height(words)
    pad = (int(height * 0.4), int(height * 0.3))
    out: list[OcrWord] = []
    for n, ws in lines.items():
        if n not in doubtful:
            out += ws
            continue
        box = (
            min(w.box[0] for w in ws),
            min(w.box[1] for w in ws),
            max(w.box[2] for w in ws),
            max(w.box[3] for w in ws),
        )
        crop, x0, y0 = _crop(a, box, pad, [w for w in words if w.line != n])
        again = _read_crop(crop, x0, y0, n, lang=lang, timeout=timeout)
        out += again if again and _mean_confidence(again) > _mean_confidence(ws) + _BETTER else ws
    return out


#: Words (with a letter or digit) read at a confidence below this are read again alone
#: (`reread_doubtful_words`); the reading replaces the word when its confidence is at least
#: `_WORD_KEEP` and higher by `_WORD_BETTER`.
_DOUBTFUL_WORD = 0.8
_WORD_KEEP = 0.6
_WORD_BETTER = 0.1
#: The crop of a doubtful word reaches this many word heights left and right, and above and below.
_WORD_PAD = (0.3, 0.25)


def reread_doubtful_words(
    image: Image.Image, words: list[OcrWord], *, lang: str = "vie", timeout: float = 120
) -> list[OcrWord]:
    """The page's words with each word read at a confidence below `_DOUBTFUL_WORD` read again
    from its own crop (`--psm 7`, at full contrast), every other word's box whited out but its
    own ink kept whole. A line read again whole still mixes its words with a neighbour's ink
    (a value typed over its label: `Số:` with its `5` read `và)`, `Quốc tịc Yiệt Nam`); read
    alone, the word's letters are seen without the ink around it. The reading (one word or
    several) replaces the word only when Tesseract is clearly more confident of it."""
    a = _grey(image)
    height = _median_height(words)
    pad = (int(height * _WORD_PAD[0]), int(height * _WORD_PAD[1]))
    out: list[OcrWord] = []
    for w in words:
        if w.confidence >= _DOUBTFUL_WORD or not any(c.isalnum() for c in w.text):
            out.append(w)
            continue
        crop, x0, y0 = _crop(a, w.box, pad, [o for o in words if o is not w], keep_box=True)
        again = _read_crop(crop, x0, y0, w.line, lang=lang, timeout=timeout)
        better = again and _mean_confidence(again) >= max(_WORD_KEEP, w.confidence + _WORD_BETTER)
        out += again if better else [w]
    return out


#: A doubtful word at least `_STACKED` word heights tall that reaches `_STACK_REACH` word heights
#: over or under the rest of its line holds the ink of two lines (`reread_stacked_words`).
_STACKED = 1.4
_STACK_REACH = 0.5
#: A part of such a word read at a mean confidence below this is left out (a letter cut in two).
_STACK_PART = 0.8


def _stack_masks(crop: np.ndarray, cut: int, letter: float) -> tuple[np.ndarray, np.ndarray]:
    """The ink of a crop (darker than 160) parted at row `cut`: (above, below). A stroke wholly on
    one side goes with it; one across the cut goes with the side of its centre (a tone mark over
    a letter of the lower line), unless it is taller than 1.3 `letter` heights (a letter of one
    line touching a letter of the other): that is cut at the row."""
    ink = (crop < 160).view(np.uint8)
    n, labels, stats, cent = cv2.connectedComponentsWithStats(ink, connectivity=8)
    top, bottom = stats[:, 1], stats[:, 1] + stats[:, 3]
    side = np.where(cent[:, 1] < cut, 1, 2)  # 1 above, 2 below
    side[bottom <= cut + 2] = 1
    side[top >= cut - 2] = 2
    across = (top < cut - 2) & (bottom > cut + 2) & (stats[:, 3] > 1.3 * letter)
    side[0] = 0
    where = side[labels]
    rows = np.arange(crop.shape[0])[:, None]
    cut_here = across[labels] & (labels > 0)
    where[cut_here] = np.where(np.broadcast_to(rows < cut, crop.shape)[cut_here], 1, 2)
    return where == 1, where == 2


def reread_stacked_words(
    image: Image.Image, words: list[OcrWord], *, lang: str = "vie", timeout: float = 120
) -> list[OcrWord]:
    """The page's words (assembled into lines, in reading order) with each word still doubtful
    that is a line and a half tall and stands over or under the rest of its line read again as
    the two words it is: a value typed over a label (`Giới tính:` with `Nữ` raised onto it, read
    `vn`) or over a title. Such words side by side (a value over the end of one label word and
    the start of the next, `tên: (GUYỄN`) are read as one. The crop's ink is parted at the edge
    of the line's other words (`_stack_masks`), and each part is read alone, the other whited out
    (with a rim: its edges' grey); the part on the line keeps the words' line, the other gets a
    line of its own, for `assemble_lines` to join where it belongs. The readings (their words from
    `_WORD_KEEP`) replace the words when Tesseract is clearly more confident of them."""
    a = _grey(image)
    height = _median_height(words)
    pad = (int(height * _WORD_PAD[0]), int(height * _WORD_PAD[1]))
    spare = max((w.line for w in words), default=0) + 1
    grow, keep_rim = np.ones((5, 5), np.uint8), np.ones((3, 3), np.uint8)

    def stacked(w: OcrWord) -> bool:
        return (
            w.confidence < _DOUBTFUL_WORD
            and w.box[3] - w.box[1] >= _STACKED * height
            and any(c.isalnum() for c in w.text)
        )

    groups: list[list[OcrWord]] = []
    for w in words:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and stacked(last)
            and stacked(w)
            and w.line == last.line
            and w.box[0] - last.box[2] <= _STACK_REACH * height
        ):
            groups[-1].append(w)
        else:
            groups.append([w])
    out: list[OcrWord] = []
    for group in groups:
        if not stacked(group[0]):
            out += group
            continue
        n = group[0].line
        line = [
            o
            for o in words
            if o.line == n
            and o.confidence >= _DOUBTFUL_WORD
            and o.box[3] - o.box[1] < _STACKED * height
            and any(c.isalnum() for c in o.text)
        ]
        box = (
            min(w.box[0] for w in group),
            min(w.box[1] for w in group),
            max(w.box[2] for w in group),
            max(w.box[3] for w in group),
        )
        top = float(np.median([o.box[1] for o in line])) if line else 0.0
        bottom = float(np.median([o.box[3] for o in line])) if line else 0.0
        over, under = top - box[1], box[3] - bottom
        if not line or max(over, under) < _STACK_REACH * height:
            out += group
            continue
        crop, x0, y0 = _crop(a, box, pad, [o for o in words if all(o is not w for w in group)], keep_box=True)
        cut = round((top if over >= under else bottom) - y0)
        above, below = _stack_masks(crop, cut, bottom - top)
        again: list[OcrWord] = []
        for keep, drop, on_line in ((above, below, over < under), (below, above, over >= under)):
            piece = crop.copy()
            hide = (cv2.dilate(drop.view(np.uint8), grow) > 0) & ~(
                cv2.dilate(keep.view(np.uint8), keep_rim) > 0
            )
            piece[hide] = 255
            part = [
                r
                for r in _read_crop(piece, x0, y0, n if on_line else spare, lang=lang, timeout=timeout)
                if any(c.isalnum() for c in r.text)
            ]
            if _mean_confidence(part) >= _STACK_PART:  # a part read with doubt is left out
                again += [r for r in part if r.confidence >= _WORD_KEEP]
        if again and _mean_confidence(again) >= _mean_confidence(group) + _WORD_BETTER:
            out += again
            spare += 1
        else:
            out += group
    return out


def mend_known_text(words: list[OcrWord]) -> tuple[list[OcrWord], list[str]]:
    """The assembled words with the forms' printed phrases and other known text put back where
    recognition slipped on them (`pipeline/printed.py`), and the lines they make."""
    words = printed.mend_printed(words)
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return words, [" ".join(line) for line in lines.values()]


def ocr_page(prepared, *, lang: str = "vie", timeout: float = 120, psm: int = FORM_PSM, reread: bool = True):
    """The OCR stage: recognise a prepared page and give the word boxes in upright-image pixels.

    Recognition runs on the cleaned, deskewed image (`pipeline/cleanup.py`) with `--psm 11`
    (sparse text) by default, and the words are put back into lines by `assemble_lines`. The
    block layouts (`--psm 6`, `3`, `4`) drop a whole text line where a mis-registered value
    overlaps the line under it, and give a value typed off its dotted line a line of its own;
    on a generated set of all levels CER was 3.1% with `--psm 6` against 2.6% with `--psm 11` and
    the line assembly (docs/benchmarks.md). Then lines are read again from their crops: those the
    page reading lost (`reread_lost_lines`) and those it read with doubt (`reread_doubtful_lines`),
    then each word still read with doubt from its own crop (`reread_doubtful_words`), and a
    doubtful word that holds two lines' ink as its two parts (`reread_stacked_words`);
    `reread=False` skips them. Last, the forms' printed phrases and other known text are put back
    where recognition slipped on them (`mend_known_text`). Each box is moved
    back by its centre through the inverse tilt (and scale), keeping its shape, so boxes sit on
    the scan the PDF shows.
    """
    from .types import OcrPage  # local: types imports schemas only, this keeps the wrapper light

    m = prepared.ocr_to_upright
    scale = float(abs(m[0][0] * m[1][1] - m[0][1] * m[1][0])) ** 0.5 or 1.0
    dpi = prepared.page.dpi / scale if prepared.page.dpi else None
    rec = recognize(prepared.ocr_image, lang=lang, timeout=timeout, psm=psm, dpi=dpi)
    read = rec.words
    if reread:
        read = read + reread_lost_lines(prepared.ocr_image, read, lang=lang, timeout=timeout)
    found, lines = assemble_lines(read)
    if reread:
        again = reread_doubtful_lines(prepared.ocr_image, found, lang=lang, timeout=timeout)
        found, lines = assemble_lines(again)
        again = reread_doubtful_words(prepared.ocr_image, found, lang=lang, timeout=timeout)
        found, lines = assemble_lines(again)
        again = reread_stacked_words(prepared.ocr_image, found, lang=lang, timeout=timeout)
        found, lines = assemble_lines(again)
    found, lines = mend_known_text(found)
    width, height = prepared.upright.size
    words = []
    for w in found:
        x0, y0, x1, y1 = w.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ux = m[0][0] * cx + m[0][1] * cy + m[0][2]
        uy = m[1][0] * cx + m[1][1] * cy + m[1][2]
        hw, hh = (x1 - x0) * scale / 2, (y1 - y0) * scale / 2
        box = (
            max(0, round(ux - hw)),
            max(0, round(uy - hh)),
            min(width, round(ux + hw)),
            min(height, round(uy + hh)),
        )
        words.append(w.model_copy(update={"box": box}))
    return OcrPage(prepared=prepared, words=words, lines=lines)
