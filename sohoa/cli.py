"""The `sohoa` command (CONTRACT.md, "Command line"): parses arguments, calls the pipeline, shows
progress. Thin: the work is in `sohoa.pipeline`.

Exit codes: 0 all done; 1 some inputs or pages failed; 2 bad usage; 3 a system tool or data is
missing (`sohoa doctor` says which).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .config import Settings, load_settings
from .logs import configure_logging

app = typer.Typer(
    name="sohoa",
    help="Số hóa: turns scanned Vietnamese one-stop-shop papers into searchable, validated PDF dossiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_MISSING = 0, 1, 2, 3


def _settings() -> Settings:
    try:
        settings = load_settings()
    except ValidationError as exc:
        err.print(f"[red]Cấu hình sai[/red] (SOHOA_* hoặc sohoa.toml):\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None
    configure_logging(settings.log_level, settings.log_format)
    from sohoa.pipeline.ocr import set_engine, set_tesseract_cmd

    set_tesseract_cmd(settings.tesseract_cmd)
    set_engine(settings.ocr_engine)
    return settings


def _missing(exc) -> typer.Exit:
    err.print(f"[red]Thiếu công cụ:[/red] {exc.message}\nChạy [bold]sohoa doctor[/bold] để kiểm tra tất cả.")
    return typer.Exit(EXIT_MISSING)


@app.command()
def process(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Scans to digitise: image files (PNG, JPEG, TIFF; a multi-page TIFF is several pages), "
            "folders of page images (natural filename order), or PDFs of scanned pages.",
            show_default=False,
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Output folder; each input gets DIR/<input-name>/.", show_default=False),
    ],
    one_document: Annotated[
        bool, typer.Option("--one-document", help="Treat each input as exactly one document (no splitting).")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Process inputs again even if DIR already holds their finished result."),
    ] = False,
) -> None:
    """Digitise scans: preprocess, OCR, split, classify, extract; a searchable PDF per document and
    result.json + words.json per input."""
    from sohoa.doctor import require_ocr_tools
    from sohoa.pipeline.errors import MissingDependencyError
    from sohoa.pipeline.parallel import keep_page_memory
    from sohoa.pipeline.process import ProcessOptions, is_done, output_dir_for, process_input

    settings = _settings()
    try:
        require_ocr_tools(settings.ocr_lang)
    except MissingDependencyError as exc:
        raise _missing(exc) from None

    targets: dict[Path, Path] = {}
    for path in inputs:
        target = output_dir_for(path, out_dir)
        if target in targets.values():
            err.print(
                f"[red]Hai đầu vào cùng tên[/red] '{target.name}': kết quả sẽ ghi đè lên nhau. Hãy đổi tên một tệp."
            )
            raise typer.Exit(EXIT_USAGE)
        targets[path] = target

    options = ProcessOptions(
        lang=settings.ocr_lang,
        ocr_timeout=settings.ocr_timeout,
        jpeg_quality=settings.jpeg_quality,
        one_document=one_document,
    )
    keep_page_memory()  # what one page's images freed serves the next (and the page workers do too)
    outcomes = []
    skipped = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("trang"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    ) as progress:
        for path, target in targets.items():
            if not force and is_done(target):
                skipped.append(target.name)
                continue
            task = progress.add_task(target.name, total=None)
            try:
                outcome = process_input(
                    path,
                    out_dir,
                    options,
                    on_count=lambda n, t=task: progress.update(t, total=n),
                    on_page=lambda k, t=task: progress.advance(t, k),
                )
            except MissingDependencyError as exc:
                raise _missing(exc) from None
            outcomes.append(outcome)
    _print_summary(outcomes, skipped, out_dir)
    raise typer.Exit(EXIT_FAILED if any(o.failed for o in outcomes) else EXIT_OK)


def _print_summary(outcomes, skipped: list[str], out_dir: Path) -> None:
    from collections import Counter

    table = Table(title="Kết quả số hóa")
    for col in ("đầu vào", "trang", "văn bản", "trường", "lỗi", "giây/trang"):
        table.add_column(col, justify="left" if col == "đầu vào" else "right")
    types: Counter[str] = Counter()
    for o in outcomes:
        docs = o.result.documents
        types.update(d.doc_type.value for d in docs)
        failed = sum(p.status == "failed" for p in o.result.pages) + (1 if o.result.error else 0)
        per_page = f"{o.seconds / o.page_count:.2f}" if o.page_count else "-"
        fields = sum(len(d.fields) for d in docs)
        table.add_row(o.name, str(len(o.result.pages)), str(len(docs)), str(fields), str(failed), per_page)
    if outcomes:
        out.print(table)
        out.print(
            "Loại văn bản: " + (", ".join(f"{t} {n}" for t, n in sorted(types.items())) or "-"),
            soft_wrap=True,
        )
    for o in outcomes:
        if o.result.error:
            out.print(f"[red]{o.name}[/red]: {o.result.error.message}", soft_wrap=True)
        for p in o.result.pages:
            if p.error:
                out.print(f"[red]{o.name} trang {p.index}[/red]: {p.error.message}", soft_wrap=True)
    if skipped:
        out.print(
            f"Bỏ qua {len(skipped)} đầu vào đã xử lý xong (dùng --force để làm lại): {', '.join(skipped)}",
            soft_wrap=True,
        )
    out.print(
        f"Kết quả trong: {out_dir}/<tên đầu vào>/ (result.json, words.json, d1.pdf, ...)", soft_wrap=True
    )


@app.command()
def samples(
    out_dir: Annotated[
        Path, typer.Argument(help="Folder to write the synthetic set into.", show_default=False)
    ],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of documents.")] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same set.")] = 0,
    level: Annotated[
        str,
        typer.Option(
            "--level",
            help="Scan quality: clean (no degradation), easy, medium, hard (skew to ±15°, turned pages, noise), "
            "or mixed (cycles through all four).",
        ),
    ] = "mixed",
) -> None:
    """Generate synthetic scans of the four document types with ground truth (truth.json)."""
    if level not in ("clean", "easy", "medium", "hard", "mixed"):
        err.print(f"[red]--level[/red] phải là clean, easy, medium, hard hoặc mixed (nhận được '{level}').")
        raise typer.Exit(EXIT_USAGE)
    _settings()
    from sohoa.doctor import check_fonts

    missing = [c for c in check_fonts() if not c.ok]
    if missing:
        err.print(
            "[red]Thiếu phông chữ[/red] cần để vẽ mẫu: "
            + "; ".join(f"{c.name} ({c.advice})" for c in missing)
            + "\nChạy [bold]sohoa doctor[/bold] để kiểm tra tất cả.",
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_MISSING)
    from sohoa.samples import generate

    with Progress(
        TextColumn("[bold]mẫu"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("samples", total=n)
        truth = generate(out_dir, n=n, seed=seed, level=level, progress=lambda k: progress.advance(task, k))
    pages = sum(len(d.pages) for d in truth)
    out.print(f"Đã tạo {len(truth)} văn bản, {pages} trang trong {out_dir} (truth.json, batch.pdf, tiff/).")


@app.command()
def doctor() -> None:
    """Check the system tools and data sohoa needs (Tesseract with vie/osd, qpdf, poppler, fonts)
    and say how to install what is missing. Exits 3 when something is missing."""
    from sohoa.doctor import run_checks

    _settings()
    checks = run_checks()
    table = Table(title="sohoa doctor")
    for col in ("kiểm tra", "kết quả", "cách cài"):
        table.add_column(col)
    for c in checks:
        table.add_row(c.name, ("[green]✓[/green] " if c.ok else "[red]✗[/red] ") + c.found, c.advice)
    out.print(table)
    missing = [c for c in checks if not c.ok]
    for c in missing:
        out.print(f"[red]Thiếu {c.name}[/red]: {c.advice}", soft_wrap=True)
    if missing:
        out.print(
            f"[red]Thiếu {len(missing)} mục.[/red] Cài tất cả một lần: [bold]make demo[/bold] (hoặc lệnh apt ở trên)."
        )
        raise typer.Exit(EXIT_MISSING)
    out.print("[green]Đủ công cụ.[/green]")


@app.command()
def schema(
    out_dir: Annotated[
        Path, typer.Argument(help="Folder to write the JSON Schema files into.", show_default=False)
    ],
) -> None:
    """Write the JSON Schemas of result.json, words.json, truth.json and the four document types."""
    from sohoa.schemas import DOC_TYPE_FIELDS, ProcessResult, Truth, WordsFile

    out_dir.mkdir(parents=True, exist_ok=True)
    models = {"result": ProcessResult, "words": WordsFile, "truth": Truth, **DOC_TYPE_FIELDS}
    for name, model in models.items():
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        (out_dir / f"{name}.schema.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    out.print(f"Đã ghi {len(models)} lược đồ JSON vào {out_dir}")


# Commands that live in their own modules, one per area (each loads its heavy libraries lazily).
from .cli_dossier import dossier  # noqa: E402
from .cli_queue import register as register_queue_commands  # noqa: E402
from .cli_separator import separator  # noqa: E402
from .cli_sign import sign, sign_specimens, verify  # noqa: E402

app.command()(dossier)
app.command()(sign)
app.command()(verify)
app.command(name="sign-specimens")(sign_specimens)
app.command()(separator)
register_queue_commands(app)  # db upgrade, worker, submit, status, retry, watch


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("Đã dừng.")
        sys.exit(130)


if __name__ == "__main__":
    main()
