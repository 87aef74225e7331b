"""Scale-out: pages per minute of `sohoa worker` processes on each broker and database, against
the pipeline called directly (issue 14).

For each configuration a fresh state database (a SQLite file, or a PostgreSQL database of its own),
a fresh broker namespace (a Redis key prefix, a RabbitMQ vhost) and a fresh storage folder are made
and removed afterwards. Workers are single-threaded processes (`sohoa worker --ocr-threads 0
--threads 1`: every queue on one thread, as the issue's target asks; `--layout split` runs the
default shape instead, one OCR thread beside one thread for the rest) started before the clock; each run first finishes a small warm-up batch (models
loaded), then the timed batch is submitted and the clock stops when the database marks it done.
The embedded broker (Dramatiq's in-process broker + SQLite) runs its one worker inside this process.
"direct" is the same inputs through `pipeline.process.process_input` in this process, one page at
a time on one thread (no queue, no database, no storage folder).

Stages: "light" pages are small drawn strips with one line of text (500×300 px: a page stage of a
few tenths of a second, so queue and database costs and any growth with the batch size show);
"real" pages are generated scans (`sohoa samples`, one level).

Columns: pages/min over the timed batch; s/page = wall seconds × workers ÷ pages (worker time per
page); overhead = s/page against "direct" with the same stage and batch (one worker; with two
workers on two cores it also holds CPU contention); scaling = pages/min of two workers ÷ one;
worker peak RSS = the largest VmHWM of the worker processes; busy cores = the machine's CPU time
during the timed batch ÷ its wall time (all processes: workers, broker, database), which bounds
what a second worker can add on a 2-core machine; CPU s/page = CPU seconds of the workers, the
local PostgreSQL, Redis and RabbitMQ processes and this process during the timed batch ÷ pages
("direct": this process's), and CPU overhead = that against "direct" — the overhead that other
jobs on a shared machine do not blur (`--renice` keeps them off the wall-clock figures too);
page faults/page = minor page faults of the worker processes (embedded and "direct": this
process's) ÷ pages. With `--repeat N` the runs go in N rounds (direct, then every configuration
once; every other round in the reverse order, configurations first), a row shows its median run,
and both overheads are the median of each round's ratio to its own direct run: a single run on this
kind of VM moves by up to ±10%, and what drifts over minutes then weighs on both sides of each
ratio.

    .venv/bin/python benchmarks/scale.py [--stage light|real] [--pages 100,1000,5000]
        [--configs redis/postgresql,rabbitmq/postgresql,embedded/sqlite] [--workers 1,2]
        [--per-input 10] [--level medium] [--files pages|tiff] [--warmup 2] [--layout single|split] [--repeat 3] [--renice -10]
        [--json scale.json]

Needs Redis on 127.0.0.1:6379, RabbitMQ on 127.0.0.1:5672 (`rabbitmqctl` to add a vhost; run as
root or a user allowed to) and PostgreSQL (SOHOA_BENCH_POSTGRES, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres) for the configurations that use them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sohoa.pipeline.parallel import keep_page_memory, one_thread_per_page
from sohoa.pipeline.process import ProcessOptions, process_input
from sohoa.store import db
from sqlalchemy import create_engine, text

from sohoa.config import load_settings
from sohoa.logs import configure_logging

SOHOA = Path(sys.executable).with_name("sohoa")
PG_ADMIN = os.environ.get("SOHOA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


@dataclass
class Row:
    broker: str
    db: str
    workers: int
    pages: int
    seconds: float
    pages_per_min: float
    s_per_page: float
    overhead_pct: float | None = None
    scaling: float | None = None
    worker_peak_mb: float | None = None  # largest VmHWM of the worker processes
    busy_cores: float | None = None  # machine CPU seconds per wall second during the timed batch
    cpu_s_per_page: float | None = None  # CPU seconds per page: workers + broker + database
    cpu_overhead_pct: float | None = None
    faults_per_page: float | None = None  # minor page faults per page of the pipeline's processes
    overhead_rounds: list[float] | None = None  # each round's overhead %, in round order


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


#: The local servers a run talks to (their CPU time is part of the queue and database overhead).
SERVICES = ("postgres", "beam.smp", "redis-server", "epmd", "erl_child_setup")


def _pids_named(names: tuple[str, ...], database: str | None = None) -> list[int]:
    """Processes with these names; PostgreSQL's connection processes only when they serve
    `database` (not another client's work on a shared server), its background processes always."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() not in names:
                    continue
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            connection = "(" in cmdline or "[local]" in cmdline
            if (
                cmdline.startswith("postgres:")
                and connection
                and (database is None or database not in cmdline)
            ):
                continue
            pids.append(int(entry.name))
    return pids


def _cpu_seconds(pids: list[int]) -> dict[int, tuple[float, int]]:
    """User + system CPU seconds and minor page faults of each of these processes still running."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = ((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), int(fields[7]))
    return seconds


class BusyCores:
    """Average busy CPUs of the machine between start() and stop()."""

    def start(self) -> None:
        self._start = _cpu_ticks()

    def stop(self) -> float:
        busy, total = _cpu_ticks()
        return (os.cpu_count() or 1) * (busy - self._start[0]) / max(1, total - self._start[1])


# --- inputs -------------------------------------------------------------------------------------


def light_inputs(root: Path, pages: int, per_input: int) -> list[Path]:
    """Folders of `per_input` small pages (the last may hold fewer), one line of text each."""
    font = ImageFont.truetype(FONT, 28)
    folders = []
    for i in range((pages + per_input - 1) // per_input):
        folder = root / f"in-{i + 1:05d}"
        folder.mkdir(parents=True)
        for p in range(min(per_input, pages - i * per_input)):
            im = Image.new("RGB", (500, 300), "white")
            ImageDraw.Draw(im).text((30, 120), f"Hồ sơ {i + 1} trang {p + 1}", font=font, fill="black")
            im.save(folder / f"page-{p + 1}.png", dpi=(200, 200))
        folders.append(folder)
    return folders


def real_inputs(root: Path, pages: int, level: str, files: str = "pages") -> list[Path]:
    """Generated documents until `pages` pages; the last document is cut short. `files`: "pages",
    a folder of page files per document (PNG, or JPEG at levels with JPEG artefacts); "tiff", one
    multi-page TIFF per document (compressed as the level's scanner writes it)."""
    from sohoa.samples import generate

    docs = generate(root / "gen", n=max(1, pages), seed=7, level=level)
    folders, total = [], 0
    for doc in docs:
        take = doc.pages[: pages - total]
        if files == "tiff":
            src = root / "gen" / "tiff" / f"{doc.id}.tif"
            path = root / src.name
            if len(take) == len(doc.pages):
                shutil.copy(src, path)
            else:  # the first frames only, compressed alike
                with Image.open(src) as tif:
                    frames = []
                    for k in range(len(take)):
                        tif.seek(k)
                        frames.append(tif.copy())
                    options = {"compression": tif.info.get("compression"), "dpi": tif.info.get("dpi")}
                frames[0].save(path, save_all=True, append_images=frames[1:], **options)
            folders.append(path)
            total += len(take)
            if total >= pages:
                break
            continue
        folder = root / doc.id
        folder.mkdir()
        for k, page in enumerate(take, start=1):
            src = root / "gen" / page.file
            shutil.copy(src, folder / f"page-{k}{src.suffix}")
        folders.append(folder)
        total += len(take)
        if total >= pages:
            break
    shutil.rmtree(root / "gen")
    return folders


def make_inputs(
    root: Path, stage: str, pages: int, per_input: int, level: str, files: str = "pages"
) -> list[Path]:
    root.mkdir(parents=True)
    return (
        light_inputs(root, pages, per_input) if stage == "light" else real_inputs(root, pages, level, files)
    )


# --- services -----------------------------------------------------------------------------------


@contextmanager
def database(kind: str, base: Path):
    if kind == "sqlite":
        yield f"sqlite:///{base / 'state.db'}"
        return
    name = f"sohoa_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def broker(kind: str):
    if kind == "embedded":
        yield None
    elif kind == "redis":
        import redis

        namespace = f"sohoa-bench-{uuid.uuid4().hex[:8]}"
        yield f"redis://127.0.0.1:6379/13?namespace={namespace}"
        client = redis.Redis.from_url("redis://127.0.0.1:6379/13")
        keys = list(client.scan_iter(f"{namespace}*"))
        if keys:
            client.delete(*keys)
        client.close()
    elif kind == "rabbitmq":
        vhost = f"sohoa-bench-{uuid.uuid4().hex[:8]}"
        ctl = ["rabbitmqctl", "-q"]
        subprocess.run([*ctl, "add_vhost", vhost], check=True, capture_output=True, timeout=60)
        subprocess.run(
            [*ctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        try:
            yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
        finally:
            subprocess.run([*ctl, "delete_vhost", vhost], capture_output=True, timeout=60)
    else:
        raise SystemExit(f"unknown broker {kind!r}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


# --- runs ---------------------------------------------------------------------------------------


def _batch_finished(engine, batch: int) -> datetime | None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT state, finished_at FROM batches WHERE id = :b"), {"b": batch}).first()
    if row is None or row[0] != "done":
        return None
    finished = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(row[1])
    return finished if finished.tzinfo else finished.replace(tzinfo=UTC)  # SQLite: naive, UTC


#: How often the benchmark asks whether the batch is done. The time is the batch's own
#: `finished_at` (written by the worker that finished it), so this only bounds the wait; asking
#: every 0.05 s was 20 PostgreSQL queries a second that the workers competed with.
POLL_SECONDS = 0.5


def _run_batch(runtime, engine, inputs: list[Path], embedded: bool, timeout: float) -> float:
    """Submit one batch and return the seconds from its submission until the worker that finished
    it recorded it done."""
    started = time.time()
    batch = runtime.submit(inputs, one_document=True, name="scale")
    deadline = time.monotonic() + timeout
    while (finished := _batch_finished(engine, batch)) is None:
        if time.monotonic() > deadline:
            raise SystemExit(f"batch {batch} not done after {timeout:.0f} s")
        if embedded:
            runtime.claim()
        time.sleep(POLL_SECONDS)
    return finished.timestamp() - started


def run_workers(
    broker_kind: str,
    db_kind: str,
    workers: int,
    warmup: list[Path],
    inputs: list[Path],
    base: Path,
    layout: str = "single",
) -> tuple[float, float | None, float]:
    """Seconds for the timed batch, the workers' largest peak RSS in MB (None: embedded), the
    machine's busy cores meanwhile, and the CPU seconds of the workers, the broker and the database
    (and of this process, which submits and polls; with the embedded broker it runs the worker)."""
    from sohoa.workers.runtime import Runtime, WorkerOptions

    with ExitStack() as stack:
        url = stack.enter_context(database(db_kind, base))
        broker_url = stack.enter_context(broker(broker_kind))
        storage = base / "storage"
        db.upgrade(url)
        settings = load_settings(database_url=url, storage_dir=storage, broker_url=broker_url)
        env = {
            **os.environ,
            "SOHOA_DATABASE_URL": url,
            "SOHOA_STORAGE_DIR": str(storage),
            "SOHOA_LOG_LEVEL": "warning",
        }
        if broker_url:
            env["SOHOA_BROKER_URL"] = broker_url
        runtime = Runtime(settings)
        engine = db.make_engine(url)
        stack.callback(engine.dispose)
        procs: list[subprocess.Popen] = []
        if broker_url is None:  # embedded: the one worker runs here
            runtime.start(WorkerOptions(ocr_threads=0 if layout == "single" else 1, assemble_threads=1))
            stack.callback(runtime.stop)
        else:
            stack.callback(runtime.broker.close)
            log = open(base / "workers.log", "ab")  # noqa: SIM115 - closed by the stack
            stack.callback(log.close)
            ports = [_free_port() for _ in range(workers)]
            for port in ports:
                cmd = [
                    str(SOHOA),
                    "worker",
                    "--ocr-threads",
                    "0" if layout == "single" else "1",
                    "--threads",
                    "1",
                    "--metrics-port",
                    str(port),
                ]
                procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log))
            stack.callback(_stop, procs)
            deadline = time.monotonic() + 120
            while not all(_healthy(p) for p in ports):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise SystemExit(f"workers did not start: see {base / 'workers.log'}")
                time.sleep(0.2)
        _run_batch(runtime, engine, warmup, broker_url is None, 600)
        busy = BusyCores()
        busy.start()
        name = url.rsplit("/", 1)[1]
        workers = [p.pid for p in procs]
        before, own = _cpu_seconds(workers + _pids_named(SERVICES, name)), time.process_time()
        own_faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        seconds = _run_batch(runtime, engine, inputs, broker_url is None, 24 * 3600)
        after = _cpu_seconds(workers + _pids_named(SERVICES, name))
        # a process started meanwhile (a database connection) counts from zero
        cpu = (
            sum(v - before.get(pid, (0.0, 0))[0] for pid, (v, _) in after.items()) + time.process_time() - own
        )
        # the pipeline's own page faults: the worker processes', or this process's when embedded
        if procs:
            faults = sum(after[pid][1] - before[pid][1] for pid in workers if pid in after and pid in before)
        else:
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - own_faults
        return seconds, max((_peak_mb(p.pid) for p in procs), default=None), busy.stop(), cpu, faults


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]) / 1024


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(90)
        except subprocess.TimeoutExpired:
            p.kill()


def run_direct(warmup: list[Path], inputs: list[Path], out: Path) -> tuple[float, float, float, int]:
    """Seconds for the inputs through the pipeline in this process, the busy cores meanwhile, and
    this process's CPU seconds and minor page faults."""
    options = ProcessOptions(one_document=True, workers=0)
    for path in warmup:
        process_input(path, out / "warmup", options)
    busy = BusyCores()
    busy.start()
    started, cpu = time.perf_counter(), time.process_time()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for path in inputs:
        process_input(path, out / "timed", options)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    return time.perf_counter() - started, busy.stop(), time.process_time() - cpu, faults


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=("light", "real"), default="light")
    ap.add_argument("--pages", default="100,1000", help="batch sizes, comma-separated")
    ap.add_argument(
        "--configs",
        default="redis/postgresql,rabbitmq/postgresql,embedded/sqlite",
        help="broker/database pairs: embedded, redis or rabbitmq / sqlite or postgresql",
    )
    ap.add_argument("--workers", default="1,2", help="worker process counts (embedded runs 1 only)")
    ap.add_argument("--per-input", type=int, default=10, help="light stage: pages per input folder")
    ap.add_argument("--level", default="medium", help="real stage: sample level")
    ap.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="pages of a first, untimed batch (each worker process and `direct` alike): what a "
        "process does once (loading the OCR model, form tables, place lists) is not timed",
    )
    ap.add_argument(
        "--files",
        choices=("pages", "tiff"),
        default="pages",
        help="real stage: each document as a folder of page files (PNG, or JPEG at levels with JPEG "
        "artefacts) or as one multi-page TIFF",
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds (direct, then each configuration once); a row shows its median run, overheads are "
        "the median of the rounds' ratios",
    )
    ap.add_argument(
        "--layout",
        choices=("single", "split"),
        default="single",
        help="worker threads: single (every queue on one thread) or split (one OCR thread + one for the rest)",
    )
    ap.add_argument("--json", type=Path, default=Path("scale.json"), help="where to write the rows")
    ap.add_argument(
        "--renice",
        type=int,
        default=None,
        help="run this benchmark, its workers and the local PostgreSQL, Redis and RabbitMQ at this nice "
        "value (root; e.g. -10; this session's autogroup too), so other jobs of a shared machine running "
        "at a higher nice value get only the CPU left over; the servers' nice value is put back to 0 "
        "afterwards",
    )
    args = ap.parse_args()
    if args.renice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.renice)  # the workers inherit it
        # With the kernel's autogroups, nice values only order processes of one session: raise
        # this session's group too (the workers are in it).
        with suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(args.renice))
        _renice_services(args.renice)
    configure_logging("warning")
    one_thread_per_page()  # "direct" reads on one thread, as a worker does
    keep_page_memory()  # and keeps a page's memory for the next, as a worker does
    sizes = [int(n) for n in args.pages.split(",")]
    configs = [tuple(c.split("/")) for c in args.configs.split(",")]
    counts = [int(n) for n in args.workers.split(",")]

    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="sohoa-scale-"))
    try:
        warmup = make_inputs(work / "warmup", args.stage, args.warmup, 2, args.level, args.files)
        for pages in sizes:
            inputs = make_inputs(
                work / f"in-{pages}", args.stage, pages, args.per_input, args.level, args.files
            )
            # Rounds: the direct run, then one run of every configuration, so that what drifts on a
            # shared or virtual machine over minutes weighs on both sides of each comparison.
            keys = [(b, d, n) for b, d in configs for n in (counts if b != "embedded" else [1])]
            direct_runs: list[tuple] = []
            runs: dict[tuple, list[tuple]] = {key: [] for key in keys}
            # Every other round runs in the reverse order (the configurations, then direct), so that
            # a drift within a round, or a run's effect on the next, weighs on both sides alike.
            for k in range(args.repeat):
                order: list[tuple | None] = [None, *keys]
                for key in order if k % 2 == 0 else reversed(order):
                    if key is None:
                        direct_runs.append(run_direct(warmup, inputs, work / f"direct-{pages}-{k}"))
                        continue
                    base = Path(tempfile.mkdtemp(prefix="run-", dir=work))
                    runs[key].append(run_workers(*key, warmup, inputs, base, args.layout))
                    shutil.rmtree(base, ignore_errors=True)
            seconds, busy, cpu, faults = _median(direct_runs)
            direct = Row("direct", "-", 1, pages, seconds, 60 * pages / seconds, seconds / pages)
            direct.busy_cores = busy
            direct.cpu_s_per_page = cpu / pages
            direct.faults_per_page = faults / pages
            rows.append(direct)
            _print(rows[-1])
            one = None
            for (broker_kind, db_kind, n), these in runs.items():
                seconds, peak, busy, cpu, faults = _median(these)
                row = Row(broker_kind, db_kind, n, pages, seconds, 60 * pages / seconds, seconds * n / pages)
                # overhead: the median of each round's ratio to that round's direct run
                row.overhead_rounds = [
                    round(100 * (r[0] * n / d[0] - 1), 1) for r, d in zip(these, direct_runs, strict=True)
                ]
                row.overhead_pct = statistics.median(row.overhead_rounds)
                row.worker_peak_mb = peak
                row.busy_cores = busy
                row.cpu_s_per_page = cpu / pages
                row.faults_per_page = faults / pages
                row.cpu_overhead_pct = 100 * (
                    statistics.median(r[3] / d[2] for r, d in zip(these, direct_runs, strict=True)) - 1
                )
                if n == 1:
                    one = row
                elif one is not None and one.broker == broker_kind and one.db == db_kind:
                    row.scaling = row.pages_per_min / one.pages_per_min
                rows.append(row)
                _print(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.renice is not None:
            _renice_services(0)
    print(
        f"\nstage {args.stage}; layout {args.layout}; median of {args.repeat}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(
        "| broker | db | workers | pages | pages/min | s/page | overhead % | scaling | worker peak RSS "
        "| busy cores | CPU s/page | CPU overhead % | page faults/page |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        overhead = "" if r.overhead_pct is None else f"{r.overhead_pct:+.1f}"
        scaling = "" if r.scaling is None else f"{r.scaling:.2f}×"
        peak = "" if r.worker_peak_mb is None else f"{r.worker_peak_mb:.0f} MB"
        cpu_overhead = "" if r.cpu_overhead_pct is None else f"{r.cpu_overhead_pct:+.1f}"
        print(
            f"| {r.broker} | {r.db} | {r.workers} | {r.pages} | {r.pages_per_min:.0f} | "
            f"{r.s_per_page:.3f} | {overhead} | {scaling} | {peak} | {r.busy_cores:.2f} | "
            f"{r.cpu_s_per_page:.3f} | {cpu_overhead} | {r.faults_per_page:,.0f} |"
        )
    args.json.write_text(
        json.dumps(
            {
                "stage": args.stage,
                "layout": args.layout,
                "repeat": args.repeat,
                "cpus": os.cpu_count(),
                "rows": [asdict(r) for r in rows],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten: {args.json}")


def _renice_services(value: int) -> None:
    for pid in _pids_named(SERVICES):
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, value)


def _median(runs: list[tuple]) -> tuple:
    """The run with the median time (the middle one of an odd count, the faster middle of an even)."""
    ordered = sorted(runs, key=lambda r: r[0])
    return ordered[(len(ordered) - 1) // 2]


def _print(row: Row) -> None:
    rounds = (
        f"; overhead by round: {', '.join(f'{v:+.1f}%' for v in row.overhead_rounds)}"
        if row.overhead_rounds
        else ""
    )
    print(
        f"{row.broker}/{row.db} ×{row.workers}: {row.pages} pages in {row.seconds:.1f} s "
        f"({row.pages_per_min:.0f} pages/min){rounds}",
        flush=True,
    )


if __name__ == "__main__":
    main()
