"""`sohoa sign` and `sohoa verify` (CONTRACT.md, "Command line"): thin wrappers over
`sohoa.pipeline.signing`.

`sohoa sign` takes several PDFs (or a --list file) and signs them with one authorisation of the key
store (a PKCS#12 file, a PKCS#11 token or a CSC service, from --p12 or the --profile); a document that
cannot be signed is reported and the others are signed. Secrets (passphrase, PIN, bearer token) come
from the environment variable the profile or --passphrase-env names, or from a prompt, never from an
argument (arguments are visible in `ps`); they are not logged or stored.
Exit codes: 0 signed / every signature fine; 1 signature refused / some signature has a problem;
2 bad usage; 3 a required tool or file is missing.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

err = Console(stderr=True)
out = Console()

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


def _trust_certs(paths: list[Path]):
    from sohoa.pipeline.signing import load_certificates

    try:
        return load_certificates(paths)
    except (OSError, ValueError) as exc:
        err.print(f"[red]Không đọc được chứng thư tin cậy[/red] (--trust): {type(exc).__name__}.")
        raise typer.Exit(EXIT_USAGE) from None


def _passphrase(env_var: str | None) -> str:
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            err.print(f"[red]Biến môi trường {env_var} chưa được đặt[/red] (--passphrase-env).")
            raise typer.Exit(EXIT_USAGE)
        return value
    try:
        return getpass.getpass("Mật khẩu tệp khóa PKCS#12: ")
    except (EOFError, KeyboardInterrupt):
        err.print("[red]Không nhận được mật khẩu.[/red] Dùng --passphrase-env BIẾN khi chạy không tương tác.")
        raise typer.Exit(EXIT_USAGE) from None


def _inputs(inputs: list[Path], list_file: Path | None) -> list[Path]:
    paths = list(inputs)
    if list_file is not None:
        try:
            lines = list_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            err.print(f"[red]Không đọc được danh sách tệp[/red] (--list): {type(exc).__name__}.")
            raise typer.Exit(EXIT_USAGE) from None
        base = list_file.parent
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                path = Path(line)
                paths.append(path if path.is_absolute() else base / path)
    return list(dict.fromkeys(paths))


def _prompt(what: str) -> str:
    try:
        return getpass.getpass(f"Nhập {what}: ")
    except (EOFError, KeyboardInterrupt):
        err.print("[red]Không nhận được mật khẩu/PIN.[/red] Đặt biến môi trường khi chạy không tương tác.")
        raise typer.Exit(EXIT_USAGE) from None


def sign(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="The PDFs to sign (e.g. written by `sohoa process` or `sohoa dossier`); all of them are "
            "signed with one authorisation of the key store.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    out_pdf: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write the signed PDF, for one input (inputs are never changed).",
            show_default=False,
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="Folder for the signed PDFs of a batch (same file names as the inputs).",
            show_default=False,
            file_okay=False,
        ),
    ] = None,
    list_file: Annotated[
        Path | None,
        typer.Option(
            "--list",
            help="Text file listing PDFs to sign, one path per line (relative to the list's folder; # comments).",
            show_default=False,
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    p12: Annotated[
        Path | None,
        typer.Option(
            "--p12",
            help="PKCS#12 file (.p12/.pfx) with the signing key, its certificate and chain "
            "(default: the key store of the --profile from sohoa.toml: PKCS#12, PKCS#11 token or CSC service).",
            show_default=False,
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    passphrase_env: Annotated[
        str | None,
        typer.Option(
            "--passphrase-env",
            metavar="VAR",
            help="Name of the environment variable holding the PKCS#12 passphrase "
            "(default: the profile's passphrase_env, else ask for it; never pass the passphrase itself).",
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help="PAdES level: B-B (signature), B-T (+ RFC 3161 timestamp), "
            "B-LT (+ certificates, OCSP/CRLs in the DSS), B-LTA (+ document timestamp). "
            "Default: the profile's level, else B-B.",
            show_default=False,
        ),
    ] = None,
    tsa: Annotated[
        str | None,
        typer.Option(
            "--tsa",
            metavar="URL",
            help="RFC 3161 time-stamping authority URL (required from B-T on; default: the profile's).",
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="Signer profile: one from sohoa.toml ([signer_profiles.NAME]: identity, signature or "
            "seal image, position, key store) or a built-in one: default, leader, agency, copy, digitiser, "
            "final (certifies, no later change allowed).",
        ),
    ] = "default",
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            metavar="CERT.pem",
            help="Extra trusted root certificate for the pre-signing "
            "check (the roots inside the key store are used too). Repeatable.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Reason written into the signature (default: the profile's)."),
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="Place of signing written into the signature.")
    ] = None,
) -> None:
    """Sign PDFs with PAdES (B-B, B-T, B-LT, B-LTA) using a key from a PKCS#12 file, a PKCS#11 token
    or a CSC remote signing service, with one authorisation for the whole batch; each signature is
    appended as an incremental update, visible as the profile's appearance says. A document that
    cannot be signed is reported and the others are signed (exit 1)."""
    from sohoa.cli import _settings
    from sohoa.config import config_file
    from sohoa.pipeline.signing import (
        Level,
        Pkcs12KeyStore,
        Signer,
        SigningError,
        SignOptions,
        get_profile,
        open_key_store,
    )

    settings = _settings()
    paths = _inputs(inputs or [], list_file)
    if not paths:
        err.print("[red]Chưa có tệp nào để ký:[/red] nêu các tệp PDF hoặc --list TỆP_DANH_SÁCH.")
        raise typer.Exit(EXIT_USAGE)
    if len(paths) == 1 and out_pdf is not None and out_dir is None:
        pairs = [(paths[0], out_pdf)]
    elif out_dir is not None and out_pdf is None:
        names = [p.name for p in paths]
        if len(set(names)) != len(names):
            err.print("[red]Hai tệp đầu vào trùng tên:[/red] --out-dir cần tên tệp khác nhau.")
            raise typer.Exit(EXIT_USAGE)
        pairs = [(p, out_dir / p.name) for p in paths]
    else:
        err.print(
            "[red]Nơi ghi tệp đã ký:[/red] dùng --out TỆP cho một tệp, hoặc --out-dir THƯ_MỤC cho nhiều tệp."
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        spec = get_profile(profile, settings.signer_profiles).resolved(config_file().resolve().parent)
    except SigningError as exc:
        err.print(f"[red]--profile:[/red] {exc.message}", soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    level = level or spec.level or "B-B"
    tsa = tsa or spec.tsa_url
    if level not in LEVELS:
        err.print(f"[red]--level[/red] phải là {', '.join(LEVELS)} (nhận được '{level}').")
        raise typer.Exit(EXIT_USAGE)
    if p12 is None and spec.key_store is None:
        err.print(
            f"[red]Thiếu khóa ký:[/red] thêm --p12 TỆP.p12, hoặc `key_store` cho hồ sơ '{profile}' trong sohoa.toml."
        )
        raise typer.Exit(EXIT_USAGE)
    if Level(level).needs_timestamp and not tsa:
        err.print(f"[red]Mức {level} cần dấu thời gian:[/red] thêm --tsa URL của máy chủ cấp dấu thời gian.")
        raise typer.Exit(EXIT_USAGE)
    options = SignOptions(
        level=Level(level),
        profile=spec,
        tsa_url=tsa,
        trust=_trust_certs(trust or []),
        reason=reason,
        location=location,
    )
    key = None
    try:
        if p12 is not None:
            env = passphrase_env or (spec.key_store.passphrase_env if spec.key_store else None)
            key = Pkcs12KeyStore(p12, _passphrase(env))
        elif spec.key_store.type == "pkcs12" and passphrase_env:
            key = Pkcs12KeyStore(spec.key_store.path, _passphrase(passphrase_env))
        else:
            key = open_key_store(spec.key_store, prompt=_prompt)
        with Signer(key, options) as signer:
            check = signer.open()
            results = signer.sign_files(pairs)
    except SigningError as exc:
        err.print(f"[red]Không ký:[/red] {exc.message}", soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    finally:
        if key is not None and hasattr(key, "close"):
            key.close()
    for warning in check.warnings:
        err.print(f"[yellow]Lưu ý:[/yellow] {warning}")
    failed = 0
    for (src, dst), result in zip(pairs, results, strict=True):
        if isinstance(result, SigningError):
            failed += 1
            err.print(f"[red]Không ký {src.name}:[/red] {result.message}", soft_wrap=True)
            continue
        where = f", hiển thị ở trang {result.page}" if result.page else ""
        out.print(
            f"Đã ký [bold]{dst}[/bold]: mức {result.level.value}, trường {result.field_name}, "
            f"người ký {check.subject}{where}."
        )
    if len(pairs) > 1:
        out.print(f"Đã ký {len(pairs) - failed}/{len(pairs)} tệp; {failed} tệp lỗi.")
    if failed:
        raise typer.Exit(EXIT_FAILED)


def sign_specimens(
    out_dir: Annotated[
        Path, typer.Argument(help="Folder to write signature.png and seal.png into.", show_default=False)
    ],
    agency: Annotated[
        str, typer.Option("--agency", help="Agency name written around the specimen seal.")
    ] = "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM",
) -> None:
    """Write specimen images (a blue signature, a red seal marked MẪU) to try signature appearances
    without a real signature or seal."""
    from sohoa.pipeline.signing.specimens import write_specimens

    signature, seal = write_specimens(out_dir, agency)
    out.print(f"Đã ghi {signature} và {seal}.")


def verify(
    pdf: Annotated[
        Path, typer.Argument(help="The signed PDF to check.", show_default=False, exists=True, dir_okay=False)
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the result as JSON (the contract's `sohoa verify --json` shape)."),
    ] = False,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            metavar="CERT.pem",
            help="Trusted root certificate (PEM or DER). Repeatable; without any, no signer is trusted.",
        ),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Do not fetch OCSP/CRLs; use only what the PDF carries.")
    ] = False,
) -> None:
    """Check every signature: signer, integrity, chain to the trusted roots, timestamp, PAdES level,
    revocation and whether later changes are allowed. Exits 1 when any problem is found."""
    from sohoa.cli import _settings
    from sohoa.pipeline.signing.verify import verify_pdf

    _settings()
    report = verify_pdf(pdf, _trust_certs(trust or []), allow_fetching=not offline)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FAILED)


def _print_report(report) -> None:
    for problem in report.file_problems:
        out.print(f"[red]{report.file}:[/red] {problem}")
    if report.signatures:
        table = Table(title=f"Chữ ký trong {report.file}")
        for col in ("trường", "người ký", "thời điểm", "nguyên vẹn", "tin cậy", "mức", "thay đổi sau"):
            table.add_column(col)
        for s in report.signatures:
            table.add_row(
                s.field,
                s.signer or "-",
                s.signed_at or "-",
                "✓" if s.intact and s.valid else "✗",
                "✓" if s.trusted else ("thu hồi" if s.revoked else "✗"),
                s.level,
                s.changes_after,
            )
        out.print(table)
    for s in report.signatures:
        for problem in s.problems:
            out.print(f"[red]{s.field}:[/red] {problem}", soft_wrap=True)
    out.print("[green]Mọi chữ ký hợp lệ.[/green]" if report.ok else "[red]Có vấn đề với chữ ký.[/red]")
