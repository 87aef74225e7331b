"""Page geometry and speed of the page stages, on generated sets at every level.

    .venv/bin/python benchmarks/ocr.py [--n 16] [--seed 5] [--pages 12] [--workdir DIR]

Prints three tables:
1. skew error (median / max, degrees) per level for the estimators compared: sohoa's (black-hat ink,
   projection profile), the previous Otsu-mask projection, and jdeskew (adaptive radial projection)
   at full size and reduced to 1024 and 2048 px; measured on pages turned upright by the truth;
2. rotation accuracy and skew error of `preprocess.measure` on the scans as they are;
3. seconds per page, all cores busy, of `sohoa process`'s page stage (prepare + OCR in worker
   processes) against raw `tesseract IMAGE - -l vie` (and `--psm 6`) run side by side in the same
   run on the same pages with the same number of parallel processes; and peak RSS.
A later issue adds the character error rate against OCRmyPDF.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from sohoa.pipeline import preprocess  # noqa: E402
from sohoa.pipeline.ingest import open_input  # noqa: E402
from sohoa.pipeline.parallel import PagePool  # noqa: E402
from sohoa.pipeline.types import Page  # noqa: E402
from sohoa.samples import generate  # noqa: E402

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


def _raw(path: Path, psm: int | None) -> None:
    cmd = ["tesseract", str(path), "-", "-l", "vie"] + (["--psm", str(psm)] if psm else [])
    subprocess.run(cmd, capture_output=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def speed_table(sets: dict[str, Path], per_level: int, workers: int) -> None:
    files = [root / p["file"] for root in sets.values() for p in pages_of(root)[:per_level]]
    print(f"\n## Seconds per page, {workers} pages at a time ({len(files)} pages, all levels)\n")
    pool = PagePool(workers)
    list(pool.run([Page(1, Image.new("RGB", (400, 300), "white"), 200)] * workers))  # start workers
    rows = []
    for label, psm in (("raw `tesseract IMAGE - -l vie`", None), ("raw `tesseract ... --psm 6`", 6)):
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as ex:
            list(ex.map(lambda f, psm=psm: _raw(f, psm), files))
        rows.append((label, (time.perf_counter() - started) / len(files)))

    def pages():
        for f in files:
            yield from open_input(f).pages()

    started = time.perf_counter()
    done = list(pool.run(pages(), timeout=180))
    ours = (time.perf_counter() - started) / len(files)
    failed = sum(not hasattr(r, "words") for _, r in done)
    pool.close()
    base = rows[0][1]
    print("| what | s/page | × raw |")
    print("|---|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {seconds / base:.2f} |")
    print(f"| sohoa decode + prepare + OCR (`--psm 6`), worker processes | {ours:.2f} | {ours / base:.2f} |")
    if failed:
        print(f"\n{failed} pages failed.")
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nPeak RSS: parent {parent:.0f} MB, largest child process {children:.0f} MB.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16, help="documents generated per level")
    ap.add_argument("--seed", type=int, default=5, help="generator seed")
    ap.add_argument("--pages", type=int, default=12, help="pages per level in the speed table")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel pages")
    ap.add_argument("--workdir", type=Path, default=None, help="keep generated sets here (reused)")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sohoa-bench-ocr-"))
    sets = {}
    for level in LEVELS:
        root = work / f"{level}-n{args.n}-s{args.seed}"
        if not (root / "truth.json").exists():
            generate(root, n=args.n, seed=args.seed, level=level)
        sets[level] = root
    print(f"Generated sets: {work} (n={args.n} documents per level, seed {args.seed})")
    skew_table(sets)
    geometry_table(sets)
    speed_table(sets, args.pages, args.workers)


if __name__ == "__main__":
    main()
