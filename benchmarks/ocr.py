"""Recognition quality, page geometry and speed against raw Tesseract and OCRmyPDF, on generated sets.

    .venv/bin/python benchmarks/ocr.py [--n 16] [--seed 5] [--workdir DIR] [--rounds 3] [--geometry]

Needs the `bench` extra and its system tools for the OCRmyPDF column (`make bench-deps`: OCRmyPDF,
ghostscript, unpaper for `--clean`). Prints:
1. side by side on the same pages (every page of `--n` documents per level, all four levels), the
   same number of pages at a time for each tool: raw `tesseract IMAGE - -l vie`, OCRmyPDF
   (`--deskew --rotate-pages --clean -l vie`, text from its sidecar) and sohoa's page stage
   (decode, geometry, clean-up, OCR in worker processes): line CER, word recall, orientation
   accuracy, skew error, seconds per page, peak RSS — per level and over all pages. Raw Tesseract
   and sohoa are timed `--rounds` times, one right after the other, and the round with the median
   ratio gives their seconds per page (a shared machine's speed drifts between minutes);
2. the clean-up steps of `pipeline/cleanup.py` switched on one by one (and the binarisation,
   resolution and page-segmentation choices) on the first `--ablation-pages` pages of each level,
   geometry found once per page: CER per level, word recall, seconds per page (one process each);
3. with `--geometry`, the skew-estimator comparison and `preprocess.measure` tables of issue 5.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from sohoa.pipeline import cleanup, ocr, preprocess  # noqa: E402
from sohoa.pipeline.ingest import open_input  # noqa: E402
from sohoa.pipeline.ocr import recognize  # noqa: E402
from sohoa.pipeline.parallel import PagePool, keep_page_memory  # noqa: E402
from sohoa.pipeline.types import Page  # noqa: E402
from sohoa.samples import generate  # noqa: E402
from sohoa.samples.scoring import page_cer, word_recall  # noqa: E402

LEVELS = ("clean", "easy", "medium", "hard")


def otsu_projection(grey: np.ndarray) -> float:
    """The estimator sohoa used before: Otsu ink mask of the reduced page, projection profile."""
    factor = min(1.0, 1400 / max(grey.shape))
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else grey
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    h, w = ink.shape
    my, mx = int(h * 0.06), int(w * 0.06)
    inner = np.zeros_like(ink)
    inner[my : h - my, mx : w - mx] = ink[my : h - my, mx : w - mx]
    return preprocess.estimate_skew(inner).angle


def jdeskew(size: int | None):
    from jdeskew.estimator import get_angle

    # jdeskew answers the angle to turn by (clockwise positive): negated for counter-clockwise.
    return lambda grey: -get_angle(grey, vertical_image_shape=size, angle_max=15)


def sohoa_estimator(grey: np.ndarray) -> float:
    small = np.asarray(preprocess.reduce(Image.fromarray(grey)))
    return preprocess.estimate_skew(preprocess.ink_mask(small)).angle


ESTIMATORS = {
    "sohoa (black-hat + projection)": sohoa_estimator,
    "previous (Otsu + projection)": otsu_projection,
    "jdeskew full size": jdeskew(None),
    "jdeskew 2048 px": jdeskew(2048),
    "jdeskew 1024 px": jdeskew(1024),
}


def pages_of(root: Path) -> list[dict]:
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    return [p for doc in truth for p in doc["pages"]]


def skew_table(sets: dict[str, Path]) -> None:
    print("\n## Skew estimators (pages turned upright by the truth; error in degrees)\n")
    print("| estimator | " + " | ".join(f"{lv} median / max" for lv in sets) + " | s/page |")
    print("|---|" + "---|" * len(sets) + "---|")
    for name, fn in ESTIMATORS.items():
        cells, seconds, count = [], 0.0, 0
        for root in sets.values():
            errors = []
            for p in pages_of(root):
                grey = np.asarray(
                    preprocess.turn_upright(Image.open(root / p["file"]).convert("L"), p["rotation"])
                )
                started = time.perf_counter()
                angle = fn(grey)
                seconds += time.perf_counter() - started
                count += 1
                errors.append(abs(angle - p["skew_deg"]))
            cells.append(f"{np.median(errors):.3f} / {max(errors):.3f}")
        print(f"| {name} | " + " | ".join(cells) + f" | {seconds / count:.3f} |")


def geometry_table(sets: dict[str, Path]) -> None:
    print("\n## preprocess.measure on the scans as they are\n")
    print("| level | pages | turned | rotation right | skew median | skew max | decided by | s/page |")
    print("|---|---|---|---|---|---|---|---|")
    for level, root in sets.items():
        right, errors, methods, seconds = 0, [], {}, 0.0
        pages = pages_of(root)
        for p in pages:
            page = next(open_input(root / p["file"]).pages())
            started = time.perf_counter()
            found = preprocess.measure(page)
            seconds += time.perf_counter() - started
            right += found.rotation == p["rotation"]
            errors.append(abs(found.skew_deg - p["skew_deg"]))
            methods[found.method] = methods.get(found.method, 0) + 1
            if found.rotation != p["rotation"]:
                print(f"<!-- wrong: {p['file']} truth {p['rotation']} found {found.rotation} -->")
        turned = sum(p["rotation"] != 0 for p in pages)
        how = ", ".join(f"{k} {v}" for k, v in sorted(methods.items()))
        print(
            f"| {level} | {len(pages)} | {turned} | {right}/{len(pages)} | {np.median(errors):.3f} | "
            f"{max(errors):.3f} | {how} | {seconds / len(pages):.2f} |"
        )


@dataclass
class Read:
    """What one tool made of one page."""

    text: str
    rotation: int | None  # None: the tool does not turn pages
    skew: float | None  # None: the tool does not measure tilt
    seconds: float = 0.0
    rss_mb: float = 0.0
    failed: str = ""


def _run_measured(cmd: list[str], timeout: float) -> tuple[int, bytes, bytes, float]:
    """Run a program under GNU time: (exit code, stdout, stderr, peak RSS in MB of it and the
    children it waited for). `time` is the forked process, so the RSS the fork inherits from this
    (large) Python process before `exec` is not counted, as it would be by wait4 here."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.NamedTemporaryFile(suffix=".rss") as rss:
        try:
            proc = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd],
                capture_output=True,
                env=env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            return 124, exc.stdout or b"", exc.stderr or b"", 0.0
        kb = Path(rss.name).read_text().split()
        return (
            proc.returncode,
            proc.stdout,
            proc.stderr,
            int(kb[-1]) / 1024 if kb and kb[-1].isdigit() else 0.0,
        )


def read_raw(path: Path, page: dict) -> Read:
    started = time.perf_counter()
    code, out, err, rss = _run_measured(["tesseract", str(path), "-", "-l", "vie"], 600)
    return Read(
        out.decode("utf-8", "replace"),
        None,
        None,
        time.perf_counter() - started,
        rss,
        "" if code == 0 else err.decode()[-200:],
    )


_FACING = {"⇧": 0, "⇦": 90, "⇩": 180, "⇨": 270}  # where the content's top points: contract rotation


def read_ocrmypdf(path: Path, page: dict, tmp: Path) -> Read:
    stem = tmp / path.parent.parent.name / path.parent.name / path.stem  # level set / document / page
    stem.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(Path(sys.executable).parent / "ocrmypdf"),
        "-v1",
        "-j1",
        "-l",
        "vie",
        "--deskew",
        "--rotate-pages",
        "--clean",
        "--output-type",
        "pdf",
        "--image-dpi",
        str(page["dpi"]),
        "--sidecar",
        f"{stem}.txt",
        str(path),
        f"{stem}.pdf",
    ]
    started = time.perf_counter()
    code, _out, err, rss = _run_measured(cmd, 900)
    seconds = time.perf_counter() - started
    log = err.decode("utf-8", "replace")
    if code != 0:
        return Read("", None, None, seconds, rss, log[-300:])
    rotation = 0  # the turn OCRmyPDF applied (it leaves pages below its confidence threshold)
    m = re.search(r"page is facing (\S), confidence [\d.]+ - will rotate", log)
    if m:
        rotation = _FACING.get(m.group(1), 0)
    d = re.search(r"Deskew angle: (-?[\d.]+)", log)
    # OCRmyPDF turns the image by this angle counter-clockwise (PIL) to undo the tilt: the tilt
    # it found is the opposite, in the contract's counter-clockwise-positive convention.
    skew = -float(d.group(1)) if d else 0.0
    return Read(Path(f"{stem}.txt").read_text(encoding="utf-8"), rotation, skew, seconds, rss)


def _worker_rss(pool: PagePool) -> float:
    """Largest peak RSS (VmHWM, MB) of the pool's worker processes, read before they stop."""
    peak = 0.0
    for slot in pool._slots:  # noqa: SLF001 - a benchmark looking at its own pool
        try:
            status = Path(f"/proc/{slot.process.pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        if m:
            peak = max(peak, int(m.group(1)) / 1024)
    return peak


OCRMYPDF = "OCRmyPDF `--deskew --rotate-pages --clean`"


def comparison_table(
    sets: dict[str, Path], workers: int, tmp: Path, with_ocrmypdf: bool = True, rounds: int = 1
) -> None:
    items = [(level, root / p["file"], p) for level, root in sets.items() for p in pages_of(root)]
    print(f"\n## Raw Tesseract, OCRmyPDF and sohoa side by side ({len(items)} pages, {workers} at a time)\n")
    results: dict[str, list[Read]] = {}
    wall: dict[str, float] = {}
    raw = "raw `tesseract -l vie`"

    def read_all_raw() -> float:
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as ex:
            results[raw] = list(ex.map(lambda it: read_raw(it[1], it[2]), items))
        return time.perf_counter() - started

    if with_ocrmypdf:
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as ex:
            results[OCRMYPDF] = list(ex.map(lambda it: read_ocrmypdf(it[1], it[2], tmp), items))
        wall[OCRMYPDF] = time.perf_counter() - started

    keep_page_memory()  # as `sohoa process` does: the pages this process decodes reuse one heap
    pool = PagePool(workers)
    list(pool.run([Page(1, Image.new("RGB", (400, 300), "white"), 200)] * workers))  # start workers

    def pages():
        for n, (_level, path, _p) in enumerate(items):
            page = next(open_input(path).pages())
            yield Page(n, page.image, page.dpi, page.dpi_known)

    # Raw Tesseract and sohoa alternate, `rounds` times: each round's ratio is of two runs made one
    # right after the other (a shared machine's speed drifts over minutes); the median round counts.
    walls: dict[str, list[float]] = {raw: [], "sohoa": []}
    for _ in range(rounds):
        walls[raw].append(read_all_raw())
        started = time.perf_counter()
        done = {item.index: result for item, result in pool.run(pages(), timeout=300)}
        walls["sohoa"].append(time.perf_counter() - started)
    ratios = [so / rw for so, rw in zip(walls["sohoa"], walls[raw], strict=True)]
    middle = sorted(range(rounds), key=lambda i: ratios[i])[rounds // 2]  # the higher of two middles
    wall[raw], wall["sohoa"] = walls[raw][middle], walls["sohoa"][middle]
    rss = _worker_rss(pool)
    pool.close()
    reads = []
    for n in range(len(items)):
        r = done[n]
        if hasattr(r, "words"):
            reads.append(Read(r.text, r.prepared.rotation, r.prepared.skew_deg, 0.0, rss))
        else:
            reads.append(Read("", None, None, 0.0, rss, getattr(r, "code", "failed")))
    results["sohoa"] = reads

    print(
        "| tool | level | pages | line CER | word recall | orientation right | skew error median / max ° | s/page | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for tool, reads in results.items():
        for level in [*sets, "all"]:
            pick = [i for i, it in enumerate(items) if level in ("all", it[0])]
            errors = chars = found = words = right = 0
            skews = []
            for i in pick:
                truth, read = items[i][2], reads[i]
                e, c = page_cer(truth["lines"], read.text)
                f, w = word_recall(truth["lines"], read.text)
                errors, chars, found, words = errors + e, chars + c, found + f, words + w
                right += (read.rotation or 0) == truth["rotation"]
                skews.append(abs((read.skew or 0.0) - truth["skew_deg"]))
            failed = sum(bool(reads[i].failed) for i in pick)
            seconds = wall[tool] / len(items) if level == "all" else None
            peak = max(reads[i].rss_mb for i in pick)
            no_geometry = all(reads[i].rotation is None for i in pick)
            print(
                f"| {tool} | {level} | {len(pick)}{f' ({failed} failed)' if failed else ''} | "
                f"{errors / max(1, chars):.2%} | {found / max(1, words):.1%} | "
                f"{right}/{len(pick)}{' (never turns)' if no_geometry else ''} | "
                f"{np.median(skews):.2f} / {max(skews):.2f}{' (never deskews)' if no_geometry else ''} | "
                f"{'' if seconds is None else f'{seconds:.2f}'} | {peak:.0f} |"
            )
    base = wall[raw]
    if rounds > 1:
        each = ", ".join(f"{r:.2f}×" for r in ratios)
        print(f"\n{rounds} rounds of raw Tesseract then sohoa: {each}; s/page above from the median round.")
    print(f"\nsohoa against raw Tesseract: {wall['sohoa'] / base:.2f}× the time", end="")
    print(f"; throughput {wall[OCRMYPDF] / wall['sohoa']:.1f}× OCRmyPDF's." if OCRMYPDF in wall else ".")
    for tool, reads in results.items():
        for (_level, path, _p), read in zip(items, reads, strict=True):
            if read.failed:
                print(f"<!-- {tool} failed on {path}: {read.failed[-160:]!r} -->")


#: name: (clean-up, page segmentation, lines rebuilt by `ocr.assemble_lines`, lines read again:
#: 0 none, 1 the lost ones (`ocr.reread_lost_lines`), 2 also the doubtful ones (`reread_doubtful_lines`),
#: 3 also the doubtful words (`reread_doubtful_words`), 4 also a word over two lines' ink in its two
#: parts (`reread_stacked_words`), 5 and then the known text put back (`ocr.mend_known_text`))
ABLATION = {
    "no clean-up (grey deskewed page), psm 6": (cleanup.NONE, 6, False, 0),
    "+ dotted leaders whitened": (
        cleanup.CleanupOptions(colour=False, background=False, denoise="never"),
        6,
        False,
        0,
    ),
    "+ colour dropout (seals, signatures, guilloche)": (
        cleanup.CleanupOptions(background=False, denoise="never"),
        6,
        False,
        0,
    ),
    "+ background flattened": (cleanup.CleanupOptions(denoise="never"), 6, False, 0),
    "+ psm 11 and line assembly": (cleanup.CleanupOptions(denoise="never"), 11, True, 0),
    "+ 3×3 median on noisy pages": (cleanup.DEFAULT, 11, True, 0),
    "+ lost lines read again": (cleanup.DEFAULT, 11, True, 1),
    "+ doubtful lines read again": (cleanup.DEFAULT, 11, True, 2),
    "+ doubtful words read again": (cleanup.DEFAULT, 11, True, 3),
    "+ stacked words read in two parts": (cleanup.DEFAULT, 11, True, 4),
    "+ printed phrases, surnames, m² put back (sohoa default)": (cleanup.DEFAULT, 11, True, 5),
    "default, 3×3 median on every page": (cleanup.CleanupOptions(denoise="always"), 11, True, 5),
    "default + Otsu binarisation": (cleanup.CleanupOptions(binarise="otsu"), 11, True, 5),
    "default + Sauvola binarisation": (cleanup.CleanupOptions(binarise="sauvola"), 11, True, 5),
    "default read at ≥ 300 dpi": (cleanup.CleanupOptions(min_dpi=300), 11, True, 5),
    "default, psm 6 and line assembly": (cleanup.DEFAULT, 6, True, 5),
}


def _ablate(job: tuple[str, str, dict]) -> tuple[str, dict[str, tuple[int, int, int, int, float]]]:
    cv2.setNumThreads(1)
    level, path, truth = job
    page = next(open_input(Path(path)).pages())
    geometry = preprocess.measure(page)
    upright = preprocess.turn_upright(page.image, geometry.rotation)
    out = {}
    for name, (options, psm, assemble, reread) in ABLATION.items():
        started = time.perf_counter()
        image, _ = cleanup.clean_for_ocr(
            upright, geometry.skew_deg, page.dpi, preprocess.ocr_scale(page.dpi), options
        )
        rec = recognize(image, psm=psm, dpi=page.dpi * preprocess.ocr_scale(page.dpi))
        words = rec.words + (ocr.reread_lost_lines(image, rec.words) if reread else [])
        found, lines = ocr.assemble_lines(words) if assemble else (words, rec.lines)
        if reread > 1:
            found, lines = ocr.assemble_lines(ocr.reread_doubtful_lines(image, found))
        if reread > 2:
            found, lines = ocr.assemble_lines(ocr.reread_doubtful_words(image, found))
        if reread > 3:
            found, lines = ocr.assemble_lines(ocr.reread_stacked_words(image, found))
        if reread > 4:
            found, lines = ocr.mend_known_text(found)
        text = "\n".join(lines)
        out[name] = (
            *page_cer(truth["lines"], text),
            *word_recall(truth["lines"], text),
            time.perf_counter() - started,
        )
    return level, out


def ablation_table(sets: dict[str, Path], per_level: int, workers: int) -> None:
    jobs = [
        (level, str(root / p["file"]), p) for level, root in sets.items() for p in pages_of(root)[:per_level]
    ]
    print(
        f"\n## Clean-up steps ({len(jobs)} pages: the first {per_level} of each level; geometry found once)\n"
    )
    # Fresh processes (forkserver): forking this one, with Tesseract loaded, can deadlock.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as ex:
        done = list(ex.map(_ablate, jobs))
    print(
        "| clean-up | "
        + " | ".join(f"CER {lv}" for lv in sets)
        + " | CER all | word recall | s/page (clean-up + OCR) |"
    )
    print("|---|" + "---|" * len(sets) + "---|---|---|")
    for name in ABLATION:
        cells, e_all, c_all, f_all, w_all, secs = [], 0, 0, 0, 0, 0.0
        for level in sets:
            rows = [out[name] for lv, out in done if lv == level]
            e, c = sum(r[0] for r in rows), sum(r[1] for r in rows)
            cells.append(f"{e / max(1, c):.2%}")
            e_all, c_all = e_all + e, c_all + c
            f_all, w_all = f_all + sum(r[2] for r in rows), w_all + sum(r[3] for r in rows)
            secs += sum(r[4] for r in rows)
        print(
            f"| {name} | " + " | ".join(cells) + f" | {e_all / max(1, c_all):.2%} | "
            f"{f_all / max(1, w_all):.1%} | {secs / len(done):.2f} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16, help="documents generated per level")
    ap.add_argument("--seed", type=int, default=5, help="generator seed")
    ap.add_argument("--ablation-pages", type=int, default=12, help="pages per level in the clean-up table")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel pages")
    ap.add_argument("--workdir", type=Path, default=None, help="keep generated sets here (reused)")
    ap.add_argument("--geometry", action="store_true", help="also the skew-estimator and measure tables")
    ap.add_argument("--skip-compare", action="store_true", help="no side-by-side table")
    ap.add_argument("--skip-ablation", action="store_true", help="no clean-up table")
    ap.add_argument("--skip-ocrmypdf", action="store_true", help="side by side without OCRmyPDF (slow)")
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="raw Tesseract and sohoa timed this many times, alternately; the median round's ratio is reported",
    )
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sohoa-bench-ocr-"))
    sets = {}
    for level in LEVELS:
        root = work / f"{level}-n{args.n}-s{args.seed}"
        if not (root / "truth.json").exists():
            generate(root, n=args.n, seed=args.seed, level=level)
        sets[level] = root
    pages = sum(len(pages_of(root)) for root in sets.values())
    print(f"Generated sets: {work} (n={args.n} documents per level, seed {args.seed}, {pages} pages)")
    print(f"Tesseract: {ocr.tesseract_info().version_text}; engine {ocr.engine()}")
    if args.geometry:
        skew_table(sets)
        geometry_table(sets)
    if not args.skip_compare:
        comparison_table(
            sets, args.workers, work / "ocrmypdf-out", not args.skip_ocrmypdf, max(1, args.rounds)
        )
    if not args.skip_ablation:
        ablation_table(sets, args.ablation_pages, args.workers)


if __name__ == "__main__":
    main()
