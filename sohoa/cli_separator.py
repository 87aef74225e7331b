"""`sohoa separator OUT.pdf`: prints a separator sheet to put between documents of a feeder stack.

`sohoa process` sets such pages aside (status `separator`) and starts a new document after them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def separator(
    out: Annotated[
        Path,
        typer.Argument(help="Where to write the one-page PDF of the separator sheet.", show_default=False),
    ],
) -> None:
    """Write a separator sheet (a QR code and a caption) to print and put between documents."""
    from sohoa.pipeline.separator import write_separator_pdf

    if out.suffix.lower() != ".pdf":
        typer.echo("Tên tệp phải kết thúc bằng .pdf (ví dụ: phan-cach.pdf).", err=True)
        raise typer.Exit(2)
    try:
        write_separator_pdf(out)
    except OSError as exc:
        typer.echo(
            f"Không ghi được tệp {out}: {exc.strerror or exc}. Hãy kiểm tra thư mục và quyền ghi.", err=True
        )
        raise typer.Exit(1) from None
    typer.echo(str(out))
