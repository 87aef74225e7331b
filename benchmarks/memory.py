"""Memory of the page workers and of the process that writes the documents (issue 6).

Worker: generated scans (`sohoa.samples.generate`, one level, default the hardest) at one
resolution (default 300 dpi) are read one at a time by a single `pipeline/parallel.PagePool` worker,
reused for every page as `sohoa process` does; after each page the worker's resident size (VmRSS)
and its peak so far (VmHWM) are read from /proc. Summary: the peak over the whole run, RSS after the
first and the last pages (growth), seconds per page.

Parent (`--parent`): the generated set's `batch.pdf` (every page of every document, one input)
through `process_input` with the default split and with `--one-document` (every page held until
the end); the peak RSS of this process is reset before each (/proc/self/clear_refs) and read after.
Linux only (/proc). Issue 6's target: peak RSS ≤ 500 MB per worker process.

    .venv/bin/python benchmarks/memory.py [--pages 60] [--level hard] [--dpi 300] [--docs 40]
        [--each] [--parent]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sohoa.pipeline.ingest import open_input
from sohoa.pipeline.parallel import PagePool
from sohoa.samples import generate

from sohoa.logs import configure_logging


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss, hwm = (int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) / 1024 for k in ("VmRSS", "VmHWM"))
    return rss, hwm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=60, help="pages to read (the set is cycled if smaller)")
    ap.add_argument("--level", default="hard")
    ap.add_argument("--dpi", type=int, default=300, help="keep only pages at this resolution (0: all)")
    ap.add_argument("--docs", type=int, default=40, help="documents to generate")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--each", action="store_true", help="print every page's figures")
    ap.add_argument("--parent", action="store_true", help="also measure process_input on the batch PDF")
    args = ap.parse_args()
    configure_logging("warning")

    work = Path(tempfile.mkdtemp(prefix="sohoa-memory-"))
    truth = generate(work, n=args.docs, seed=args.seed, level=args.level)
    files = [work / p.file for d in truth for p in d.pages if not args.dpi or p.dpi == args.dpi]
    if not files:
        raise SystemExit("no page at that resolution: generate more documents (--docs)")
    pool = PagePool(1)
    rows = []
    started = time.perf_counter()
    for n in range(args.pages):
        (page,) = open_input(files[n % len(files)]).pages()
        page.index = n + 1
        t = time.perf_counter()
        ((_, result),) = list(pool.run([page], timeout=300))
        seconds = time.perf_counter() - t
        (pid,) = pool.worker_pids()
        rss, hwm = memory_mb(pid)
        rows.append((n + 1, seconds, rss, hwm, type(result).__name__))
        if args.each:
            print(f"page {n + 1:3d}  {seconds:5.2f} s  RSS {rss:5.0f} MB  peak {hwm:5.0f} MB  {rows[-1][4]}")
    wall = time.perf_counter() - started
    pool.close()
    k = min(5, len(rows))
    print(
        f"\n{len(rows)} pages ({len(files)} distinct, {args.level}, "
        f"{args.dpi or 'any'} dpi), one worker process reused for all\n"
    )
    print("| worker peak RSS | RSS after pages 1–5 | RSS after the last 5 | max RSS after a page | s/page |")
    print("|---|---|---|---|---|")
    print(
        f"| {rows[-1][3]:.0f} MB | {statistics.mean(r[2] for r in rows[:k]):.0f} MB "
        f"| {statistics.mean(r[2] for r in rows[-k:]):.0f} MB | {max(r[2] for r in rows):.0f} MB "
        f"| {wall / len(rows):.2f} |"
    )
    failed = [r[0] for r in rows if r[4] != "OcrPage"]
    if failed:
        print(f"\npages that failed: {failed}")
    if args.parent:
        parent_table(work / "batch.pdf", work / "out")
    shutil.rmtree(work, ignore_errors=True)


def parent_table(batch: Path, out: Path, workers: int = 2) -> None:
    """Peak RSS of this process while `process_input` reads one long input, split or not."""
    from sohoa.pipeline.process import ProcessOptions, process_input

    print(f"\n`process_input` on the set's {batch.name} (one input), {workers} page workers\n")
    print("| split | pages | documents | parent peak RSS | s/page |")
    print("|---|---|---|---|---|")
    for label, one_document in (
        ("by content (default)", False),
        ("`--one-document` (every page held)", True),
    ):
        Path("/proc/self/clear_refs").write_text("5")  # reset this process's VmHWM
        t = time.perf_counter()
        options = ProcessOptions(one_document=one_document, workers=workers)
        outcome = process_input(batch, out / ("one" if one_document else "split"), options)
        seconds = time.perf_counter() - t
        _, peak = memory_mb(os.getpid())
        print(
            f"| {label} | {outcome.page_count} | {len(outcome.result.documents)} | {peak:.0f} MB "
            f"| {seconds / outcome.page_count:.2f} |"
        )


if __name__ == "__main__":
    main()
