"""`sohoa dossier`: joins processed documents of one procedure into one dossier PDF (docs/dossier.md).

Thin: parses and checks the options, reads the `sohoa process` output folders, calls
`sohoa.pipeline.dossier.build_dossier`. Exit codes: 0 written, 1 an input is missing or broken,
2 bad usage, 3 a font is missing.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from .cli import EXIT_FAILED, EXIT_MISSING, EXIT_OK, EXIT_USAGE, _settings, err, out


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]{option}[/red] phải là ngày dạng YYYY-MM-DD (nhận được '{value}').")
        raise typer.Exit(EXIT_USAGE) from None


def dossier(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Output of 'sohoa process': the --out folder (every input in it, natural order) or "
            "single DIR/<input-name> folders holding result.json, in the order the documents go in.",
            show_default=False,
        ),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The dossier PDF to write.", show_default=False)],
    code: Annotated[
        str,
        typer.Option(
            "--code",
            help="Dossier code (letters without diacritics, digits, '.', '-', '_'); printed on the cover "
            "and in the QR code {SOHOA_PUBLIC_URL}/tra-cuu/<code>.",
            show_default=False,
        ),
    ],
    procedure: Annotated[
        str,
        typer.Option(
            "--procedure", help="Name of the administrative procedure (thủ tục).", show_default=False
        ),
    ],
    applicant: Annotated[
        str,
        typer.Option("--applicant", help="Who submitted the dossier (người nộp hồ sơ).", show_default=False),
    ],
    received: Annotated[
        str | None,
        typer.Option("--received", help="Date received, YYYY-MM-DD (default: today, Vietnam time)."),
    ] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help="Date the result is due, YYYY-MM-DD (ngày hẹn trả kết quả)."),
    ] = None,
    working_days: Annotated[
        int | None,
        typer.Option(
            "--working-days",
            min=0,
            help="Compute the due date as this many working days after --received (Monday-Friday, "
            "minus --holiday dates). Not with --due.",
        ),
    ] = None,
    holiday: Annotated[
        list[str] | None,
        typer.Option("--holiday", help="A public holiday YYYY-MM-DD skipped by --working-days (repeatable)."),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option("--agency", help="Receiving agency, printed at the top of the cover and set as Author."),
    ] = None,
    skip_unknown: Annotated[
        bool,
        typer.Option("--skip-unknown", help="Leave out documents whose type was not recognised (unknown)."),
    ] = False,
    pdfa: Annotated[
        bool,
        typer.Option(
            "--pdfa",
            help="Best-effort PDF/A-2b markers (sRGB output intent, XMP identification); not validated.",
        ),
    ] = False,
) -> None:
    """Join processed documents of one procedure into one dossier PDF: cover page with QR code,
    bookmarks per document and page, page labels, metadata."""
    from sohoa.pipeline.dossier import (
        DossierInfo,
        add_working_days,
        build_dossier,
        load_documents,
        validate_code,
    )
    from sohoa.pipeline.errors import InputError, MissingDependencyError
    from sohoa.pipeline.pdf import VN_TZ

    settings = _settings()
    try:
        validate_code(code)
    except ValueError as exc:
        err.print(f"[red]--code[/red]: {exc} (nhận được '{code}').")
        raise typer.Exit(EXIT_USAGE) from None
    for name, value in (("--procedure", procedure), ("--applicant", applicant)):
        if not value.strip():
            err.print(f"[red]{name}[/red] không được để trống.")
            raise typer.Exit(EXIT_USAGE)
    received_on = _parse_date(received, "--received") if received else datetime.now(VN_TZ).date()
    if due and working_days is not None:
        err.print("[red]--due[/red] và [red]--working-days[/red]: chỉ dùng một trong hai.")
        raise typer.Exit(EXIT_USAGE)
    due_on = _parse_date(due, "--due") if due else None
    if working_days is not None:
        holidays = [_parse_date(h, "--holiday") for h in holiday or []]
        due_on = add_working_days(received_on, working_days, holidays)
    if due_on is not None and due_on < received_on:
        err.print("[red]--due[/red] phải từ ngày tiếp nhận trở đi.")
        raise typer.Exit(EXIT_USAGE)

    info = DossierInfo(
        code=code,
        procedure=procedure,
        applicant=applicant,
        received=received_on,
        due=due_on,
        agency=agency,
        public_url=settings.public_url,
    )
    try:
        documents = load_documents(inputs, skip_unknown=skip_unknown)
        summary = build_dossier(info, documents, out_file, pdfa=pdfa)
    except MissingDependencyError as exc:
        err.print(f"[red]Thiếu:[/red] {exc.message}\nChạy [bold]sohoa doctor[/bold] để kiểm tra tất cả.")
        raise typer.Exit(EXIT_MISSING) from None
    except InputError as exc:
        err.print(f"[red]Không lập được hồ sơ:[/red] {exc.message}")
        raise typer.Exit(EXIT_FAILED) from None
    out.print(
        f"Đã lập hồ sơ {code}: {summary.documents} tài liệu, {summary.pages} trang "
        f"(bìa {summary.cover_pages} trang) → {summary.path}"
    )
    raise typer.Exit(EXIT_OK)
