"""The batch commands of `sohoa` (workers issue): `db upgrade`, `worker`, `submit`, `status`,
`retry`, `watch`. Thin: the work is in `sohoa.workers` (runtime, actors, watcher) and `sohoa.store`.

Embedded by default (no `SOHOA_BROKER_URL`): `submit` records a batch in the state database and a
`sohoa worker` (or `submit --wait`, or `watch`) on this machine runs it; with a broker URL, `submit`
enqueues the work for the workers on any machine.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress_bar import ProgressBar
from rich.table import Table

err = Console(stderr=True)
out = Console()

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_MISSING = 0, 1, 2, 3

db_app = typer.Typer(help="The state database (SQLite by default, PostgreSQL by SOHOA_DATABASE_URL).")

_STATE_VI = {
    "pending": "chờ",
    "done": "xong",
    "failed": "lỗi",
    "ocr": "đang OCR",
    "split": "đang tách",
    "extracted": "đã trích",
    "submitted": "đã gửi",
    "queued": "đang chạy",
}


def _settings():
    from .cli import _settings as load

    return load()


def _runtime(settings, *, need_ocr: bool = False):
    from sohoa.store.storage import StorageConfigError
    from sohoa.workers.broker import BrokerConfigError
    from sohoa.workers.runtime import DatabaseNotReady, Runtime

    if need_ocr:
        from sohoa.doctor import require_ocr_tools
        from sohoa.pipeline.errors import MissingDependencyError

        try:
            require_ocr_tools(settings.ocr_lang)
        except MissingDependencyError as exc:
            err.print(
                f"[red]Thiếu công cụ:[/red] {exc.message}\nChạy [bold]sohoa doctor[/bold] để kiểm tra tất cả."
            )
            raise typer.Exit(EXIT_MISSING) from None
    try:
        return Runtime(settings)
    except DatabaseNotReady:
        err.print(
            "[red]Cơ sở dữ liệu chưa được tạo hoặc chưa nâng cấp.[/red] Chạy [bold]sohoa db upgrade[/bold] trước."
        )
        raise typer.Exit(EXIT_MISSING) from None
    except BrokerConfigError as exc:
        err.print(f"[red]SOHOA_BROKER_URL không dùng được:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except StorageConfigError as exc:
        err.print(f"[red]SOHOA_STORAGE_DIR không dùng được:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _stop_event() -> threading.Event:
    stop = threading.Event()

    def handler(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def _worker_options(ocr_threads: int, threads: int, queues: str | None, **more):
    from sohoa.workers.runtime import WorkerOptions

    chosen = frozenset(q.strip() for q in queues.split(",") if q.strip()) if queues else None
    return WorkerOptions(ocr_threads=ocr_threads, assemble_threads=threads, queues=chosen, **more)


OcrThreads = Annotated[
    int,
    typer.Option(
        "--ocr-threads",
        min=0,
        help="OCR threads in this process (each takes one page at a time); 0 runs OCR on the --threads "
        "threads (--ocr-threads 0 --threads 1: a single-threaded worker, one per core).",
    ),
]
Threads = Annotated[
    int,
    typer.Option(
        "--threads", min=1, help="Threads for reading inputs, splitting, extraction, PDFs and signing."
    ),
]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the state database or bring it to the newest schema (safe to run again)."""
    from sohoa.store import db

    settings = _settings()
    revision = db.upgrade(settings.database_url)
    out.print(f"Cơ sở dữ liệu ở phiên bản {revision}.")


def worker(
    ocr_threads: OcrThreads = 1,
    threads: Threads = 2,
    queues: Annotated[
        str | None,
        typer.Option(
            "--queues",
            help="Comma-separated queues to consume: ocr, assemble, sign, and sign.<keystore> for a key "
            "store only this machine reaches (one signature at a time); default ocr,assemble,sign.",
        ),
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port",
            envvar="SOHOA_METRICS_PORT",
            min=0,
            max=65535,
            help="Serve /health and /metrics (Prometheus) on this port; default: off.",
        ),
    ] = None,
    metrics_host: Annotated[
        str,
        typer.Option(
            "--metrics-host",
            envvar="SOHOA_METRICS_HOST",
            help="Address for /health and /metrics (0.0.0.0 inside a container).",
        ),
    ] = "127.0.0.1",
    shutdown_seconds: Annotated[
        float,
        typer.Option(
            "--shutdown-seconds",
            min=0.0,
            help="On Ctrl+C or SIGTERM, how long the pages being processed may take to finish "
            "(unfinished ones go back to the queue).",
        ),
    ] = 60.0,
    stall_seconds: Annotated[
        float,
        typer.Option(
            "--stall-seconds",
            min=0.0,
            help="With a broker: re-send unfinished work when nothing progressed while this worker "
            "was idle this long, twice (lost messages); 0: only on start.",
        ),
    ] = 60.0,
) -> None:
    """Run the workers until stopped (Ctrl+C or SIGTERM). On start they re-queue every unfinished
    step the database records; embedded, they also pick up batches submitted by `sohoa submit`."""
    settings = _settings()
    need_ocr = queues is None or "ocr" in {q.strip() for q in queues.split(",")}
    runtime = _runtime(settings, need_ocr=need_ocr)
    stop = _stop_event()
    options = _worker_options(
        ocr_threads,
        threads,
        queues,
        metrics_port=metrics_port,
        metrics_host=metrics_host,
        shutdown_seconds=shutdown_seconds,
        stall_seconds=stall_seconds,
    )
    err.print("Worker đang chạy. Dừng bằng Ctrl+C.")
    try:
        runtime.serve(stop, options)
    except ValueError as exc:  # a bad sign.<keystore> queue name
        err.print(f"[red]--queues không dùng được:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    err.print("Đã dừng worker.")


def submit(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Scans: image files, folders of page images, or PDFs (as for sohoa process).",
            show_default=False,
        ),
    ],
    one_document: Annotated[
        bool, typer.Option("--one-document", help="Treat each input as exactly one document (no splitting).")
    ] = False,
    name: Annotated[
        str | None, typer.Option("--name", help="A name for the batch (default: the input names).")
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="Run the batch now in this process (embedded) or wait for the workers, with progress.",
        ),
    ] = False,
    ocr_threads: OcrThreads = 1,
) -> None:
    """Record a batch of inputs and print its id; the workers process it."""
    missing = [p for p in inputs if not p.exists()]
    if missing:
        err.print(f"[red]Không tìm thấy[/red] {missing[0]}: hãy kiểm tra lại đường dẫn.")
        raise typer.Exit(EXIT_USAGE)
    settings = _settings()
    runtime = _runtime(settings, need_ocr=wait)
    batch_id = runtime.submit(inputs, one_document=one_document, name=name)
    out.print(batch_id)
    if not wait:
        if runtime.embedded:
            err.print(f"Đã ghi lô {batch_id}. Một [bold]sohoa worker[/bold] trên máy này sẽ xử lý nó.")
        runtime.stop()
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(_run_and_wait(runtime, [batch_id], ocr_threads))


def _run_and_wait(runtime, batch_ids: list[int], ocr_threads: int) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    stop = _stop_event()
    if runtime.embedded:
        runtime.start(_worker_options(ocr_threads, 2, None))
    try:
        with Progress(
            TextColumn("[bold]lô {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("trang"),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
        ) as progress:
            tasks = {b: progress.add_task(str(b), total=None) for b in batch_ids}

            def show(statuses):
                for st in statuses:
                    total = sum(st.pages.values())
                    progress.update(tasks[st.id], total=total or None, completed=total - st.pages["pending"])

            finished = runtime.wait(batch_ids, on_status=show, stop=stop)
        statuses = [runtime.status(b) for b in batch_ids]
    finally:
        runtime.stop()
    for st in statuses:
        _print_status(st)
    if not finished:
        err.print("Đã dừng trước khi lô xong; phần còn lại sẽ chạy tiếp khi worker chạy lại.")
        return EXIT_FAILED
    return EXIT_FAILED if any(st.failures for st in statuses) else EXIT_OK


def _print_status(st) -> None:
    total = sum(st.pages.values())
    finished_pages = total - st.pages["pending"]
    out.print(
        f"[bold]Lô {st.id}[/bold] ({st.name}): {_STATE_VI.get(st.state, st.state)}"
        + (" — [green]đã xong[/green]" if st.finished else "")
    )
    out.print(
        ProgressBar(total=max(total, 1), completed=finished_pages, width=50),
        f"{finished_pages}/{total} trang",
    )
    table = Table(show_header=True)
    table.add_column("")
    for state_name in ("pending", "done", "failed"):
        table.add_column(_STATE_VI[state_name], justify="right")
    table.add_row("đầu vào", *(str(st.inputs.get(k, 0)) for k in ("pending", "done", "failed")))
    table.add_row("trang", *(str(st.pages.get(k, 0)) for k in ("pending", "done", "failed")))
    docs_pending = st.documents.get("pending", 0) + st.documents.get("extracted", 0)
    table.add_row(
        "văn bản", str(docs_pending), str(st.documents.get("done", 0)), str(st.documents.get("failed", 0))
    )
    out.print(table)
    for f in st.failures[:20]:
        where = (
            f["input"]
            + (f" trang {f['page']}" if f.get("page") else "")
            + (f" {f['document']}" if f.get("document") else "")
        )
        out.print(f"[red]{where}[/red]: {f['message']} ({f['code']})")


def status(
    batch: Annotated[
        int | None, typer.Argument(help="Batch id; none: the latest batches.", show_default=False)
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Counts of pages and documents per state and whether it is finished."),
    ] = False,
) -> None:
    """Show a batch's progress: a progress bar and counts per state (or the latest batches)."""
    settings = _settings()
    runtime = _runtime(settings)
    try:
        if batch is None:
            from sohoa.store import state

            with runtime.sessions() as s:
                batches = state.list_batches(s)
                rows = [state.batch_status(s, b.id) for b in batches]
            if as_json:
                out.print_json(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
                return
            table = Table(title="Các lô gần đây")
            for col in ("lô", "tên", "trạng thái", "trang xong", "trang lỗi", "văn bản"):
                table.add_column(col)
            for r in rows:
                table.add_row(
                    str(r.id),
                    r.name,
                    _STATE_VI.get(r.state, r.state),
                    f"{r.pages['done']}/{sum(r.pages.values())}",
                    str(r.pages["failed"]),
                    str(r.documents["done"]),
                )
            out.print(table)
            return
        st = runtime.status(batch)
        if st is None:
            err.print(f"[red]Không có lô {batch}.[/red] Xem các lô: sohoa status")
            raise typer.Exit(EXIT_USAGE)
        if as_json:
            out.print_json(json.dumps(st.as_json(), ensure_ascii=False))
        else:
            _print_status(st)
    finally:
        runtime.stop()


def retry(
    batch: Annotated[
        int, typer.Argument(help="Batch id whose failed inputs, pages and documents to run again.")
    ],
    wait: Annotated[
        bool, typer.Option("--wait", help="Run them now in this process and show progress.")
    ] = False,
    ocr_threads: OcrThreads = 1,
) -> None:
    """Run again what failed in a batch (after fixing the cause: a tool, a disk, the database)."""
    settings = _settings()
    runtime = _runtime(settings, need_ocr=wait)
    try:
        counts = runtime.retry(batch)
    except KeyError:
        runtime.stop()
        err.print(f"[red]Không có lô {batch}.[/red] Xem các lô: sohoa status")
        raise typer.Exit(EXIT_USAGE) from None
    if not counts.get("inputs"):
        runtime.stop()
        out.print(f"Lô {batch} không có gì lỗi để chạy lại.")
        raise typer.Exit(EXIT_OK)
    out.print(
        f"Chạy lại lô {batch}: {counts.get('inputs', 0)} đầu vào, {counts.get('pages', 0)} trang, "
        f"{counts.get('documents', 0)} văn bản."
    )
    if not wait:
        runtime.stop()
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(_run_and_wait(runtime, [batch], ocr_threads))


def watch(
    directory: Annotated[
        Path, typer.Argument(help="Folder the scanner drops files into.", show_default=False)
    ],
    settle: Annotated[
        float,
        typer.Option("--settle", min=0.0, help="Seconds a file must stay unchanged before it is taken."),
    ] = 3.0,
    poll: Annotated[
        float, typer.Option("--poll", min=0.1, help="Seconds between looks at the folder.")
    ] = 1.0,
    one_document: Annotated[
        bool, typer.Option("--one-document", help="Treat each file as exactly one document.")
    ] = False,
    run_worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Also run the workers in this process (default when no SOHOA_BROKER_URL is set).",
        ),
    ] = True,
    ocr_threads: OcrThreads = 1,
) -> None:
    """Submit each new scan dropped into DIR once (also while it is still being written: it is
    taken when it stops changing). Runs until stopped."""
    from sohoa.workers.watch import Watcher

    if not directory.is_dir():
        err.print(f"[red]{directory} không phải là thư mục.[/red]")
        raise typer.Exit(EXIT_USAGE)
    settings = _settings()
    runtime = _runtime(settings, need_ocr=run_worker and not settings.broker_url)
    stop = _stop_event()
    if run_worker and runtime.embedded:
        runtime.start(_worker_options(ocr_threads, 2, None))
    watcher = Watcher(runtime, directory, settle=settle, one_document=one_document)
    err.print(f"Đang theo dõi {directory}. Dừng bằng Ctrl+C.")
    try:
        while not stop.is_set():
            for batch_id in watcher.scan():
                out.print(f"Lô {batch_id}")
            if runtime.embedded and run_worker:
                runtime.claim()
            stop.wait(poll)
    finally:
        runtime.stop()


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command()(worker)
    app.command()(submit)
    app.command()(status)
    app.command()(retry)
    app.command()(watch)
