"""`sohoa dossier` (`pipeline/dossier.py`) on generated documents, read back with real readers.

Inputs: `sohoa samples` pages (generated here) written as `sohoa process` output folders
(result.json with the truth's fields, one searchable PDF per document); damaged and encrypted
document PDFs made with pikepdf; a self-signed test certificate made with `cryptography` for the
pyHanko strict-mode signature.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import structlog
import zxingcpp
from PIL import Image
from sohoa.pipeline.dossier import (
    DossierDocument,
    DossierInfo,
    add_working_days,
    build_dossier,
    load_documents,
)
from sohoa.pipeline.pdf import PdfPage, TextWord, write_pdf
from sohoa.samples import generate
from sohoa.schemas import DocumentResult, FieldValue, PageResult, ProcessResult
from typer.testing import CliRunner

from sohoa.cli import app

from .test_pdf import _broken_xref_copy, pdfimages_list, qpdf_check

runner = CliRunner()
PUBLIC_URL = "https://dichvucong.quangngoc.example.vn"
CODE = "000.00.12.H56-251030-0007"
ARGS = [
    "--code", CODE,
    "--procedure", "Đăng ký khai sinh kết hợp đăng ký thường trú",
    "--applicant", "Nguyễn Thị Hường",
    "--received", "2025-10-30",
    "--working-days", "5",
    "--holiday", "2025-11-03",
    "--agency", "UBND xã Quảng Ngọc",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_logging():
    """The CLI binds structlog to the stderr CliRunner swapped in (and then closed): undo it."""
    yield
    structlog.reset_defaults()


def _words(lines: list[str], width: int) -> list[TextWord]:
    """The truth's lines as words on rows (the text layer only has to be there and survive)."""
    words = []
    for n, line in enumerate(lines[:12]):
        x = 150
        for word in line.split():
            w = 22 * len(word)
            if x + w > width - 100:
                break
            words.append(TextWord(word, (x, 200 + 60 * n, x + w, 236 + 60 * n), n))
            x += w + 20
    return words


def _processed_folder(root: Path, name: str, docs: list[tuple[str, list[tuple[Path, int, list[str]]], dict]]):
    folder = root / name
    folder.mkdir(parents=True)
    results, pages, index = [], [], 0
    for n, (doc_type, doc_pages, fields) in enumerate(docs, start=1):
        pdf_pages, numbers = [], []
        for image_path, dpi, lines in doc_pages:
            index += 1
            numbers.append(index)
            with Image.open(image_path) as im:
                im.load()
                pdf_pages.append(PdfPage(im.convert("RGB"), dpi, _words(lines, im.width)))
            pages.append(PageResult(index=index, status="document", dpi=dpi, text="\n".join(lines)))
        write_pdf(pdf_pages, folder / f"d{n}.pdf", title=f"{name} d{n}")
        results.append(
            DocumentResult(
                id=f"d{n}",
                doc_type=doc_type,
                doc_type_confidence=0.95,
                pages=numbers,
                pdf=f"d{n}.pdf",
                fields={k: FieldValue(value=v, confidence=0.93) for k, v in fields.items()},
            )
        )
    result = ProcessResult(source=name, documents=results, pages=pages)
    (folder / "result.json").write_text(result.model_dump_json(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("dossier")
    truth = generate(root / "samples", n=2, seed=11, level="easy")
    birth, marriage = truth
    page = lambda doc, k: (root / "samples" / doc.pages[k].file, doc.pages[k].dpi, doc.pages[k].lines)  # noqa: E731
    out = root / "out"
    # Two inputs: one with the birth certificate, one with the marriage certificate and a 2-page
    # document (the birth page again behind it) to have a document of several pages.
    _processed_folder(out, "batch-2", [("marriage_certificate", [page(marriage, 0)], marriage.fields)])
    _processed_folder(
        out,
        "batch-1",
        [
            ("birth_certificate", [page(birth, 0)], birth.fields),
            ("unknown", [page(marriage, 0), page(birth, 0)], {}),
        ],
    )
    return out, truth


@pytest.fixture(scope="module")
def dossier(processed, tmp_path_factory):
    out, truth = processed
    path = tmp_path_factory.mktemp("d") / "ho-so.pdf"
    env = {"SOHOA_PUBLIC_URL": PUBLIC_URL}
    run = runner.invoke(
        app, ["dossier", str(out), "--out", str(path), *ARGS], env=env, catch_exceptions=False
    )
    assert run.exit_code == 0, run.output
    return path, truth


def _pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_clean_pdf_with_every_page(dossier):
    path, _ = dossier
    check = qpdf_check(path)
    assert check.returncode == 0, check.stdout
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1 + 1 + 1 + 2  # cover, birth, unknown (2 pages), marriage
        assert pdf.pdf_version >= "1.4"
    # every scanned page is still one colour image at 200 dpi and 100% scale
    rows = pdfimages_list(path)
    assert [r["page"] for r in rows] == [2, 3, 4, 5]
    assert all(r["xppi"] >= 200 and r["color"] in ("rgb", "index") for r in rows)


def test_cover_text_in_embedded_vietnamese_font(dossier):
    path, truth = dossier
    cover = " ".join(_pdftotext(path, "-f", "1", "-l", "1").split())
    for text in (
        "HỒ SƠ THỦ TỤC HÀNH CHÍNH",
        f"Mã hồ sơ: {CODE}",
        "UBND XÃ QUẢNG NGỌC",
        "Đăng ký khai sinh kết hợp đăng ký thường trú",
        "Nguyễn Thị Hường",
        "30/10/2025",
        "07/11/2025",  # 5 working days after Thursday 30/10, Monday 03/11 a holiday
        "Giấy khai sinh",
        "Giấy chứng nhận kết hôn",
        "Tài liệu khác",
        truth[0].fields["full_name"],
    ):
        assert text in cover, (text, cover)
    fonts = subprocess.run(
        ["pdffonts", "-l", "1", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows), fonts  # embedded, subset, unicode
    assert any(re.match(r"[A-Z]{6}\+LiberationSerif", r[0]) for r in rows), fonts


def test_cover_qr_code_decodes_to_the_lookup_url(dossier, tmp_path):
    path, _ = dossier
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "cover")],
        check=True,
    )
    (png,) = tmp_path.glob("cover*.png")
    with Image.open(png) as im:
        found = zxingcpp.read_barcodes(im)
    assert [b.text for b in found] == [f"{PUBLIC_URL}/tra-cuu/{CODE}"]


def test_bookmarks_and_page_labels(dossier):
    path, truth = dossier
    with pikepdf.open(path) as pdf:
        labels = [p.label for p in pdf.pages]
        assert labels == ["Bìa", "1.1", "2.1", "2.2", "3.1"]
        with pdf.open_outline() as outline:
            top = outline.root
            assert [i.title for i in top] == [
                "Bìa hồ sơ",
                f"1. Giấy khai sinh — {truth[0].fields['full_name']}",
                "2. Tài liệu khác",
                f"3. Giấy chứng nhận kết hôn — {truth[1].fields['husband_name']}",
            ]
            pages = {p.objgen: i for i, p in enumerate(pdf.pages)}

            def target(item):
                return pages[item.destination[0].objgen]

            assert [target(i) for i in top] == [0, 1, 2, 4]
            assert [[c.title for c in i.children] for i in top[1:]] == [
                ["Trang 1"],
                ["Trang 1", "Trang 2"],
                ["Trang 1"],
            ]
            assert [target(c) for c in top[2].children] == [2, 3]
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines


def test_metadata_info_and_xmp(dossier):
    path, truth = dossier
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           Hồ sơ {CODE}: Đăng ký khai sinh" in info
    assert "Author:          UBND xã Quảng Ngọc" in info
    assert re.search(r"Producer:\s+sohoa ", info)
    keywords = re.search(r"Keywords:\s+(.*)", info).group(1)
    for word in (
        CODE,
        "Giấy khai sinh",
        "birth_certificate",
        "marriage_certificate",
        truth[0].fields["full_name"],
    ):
        assert word in keywords
    assert "Nguyễn Thị Hường" in re.search(r"Subject:\s+(.*)", info).group(1)
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:title"].startswith(f"Hồ sơ {CODE}")
        assert CODE in meta["pdf:Keywords"] and CODE in meta["dc:subject"]
        assert meta["xmp:CreateDate"].endswith("+07:00")
        assert meta["pdf:Producer"].startswith("sohoa")


def _test_signer(tmp_path: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xa Quang Ngoc (test)")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return signers.SimpleSigner.load(str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"))


def test_pyhanko_strict_signature_keeps_text_and_bookmarks(dossier, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    path, truth = dossier
    signed = tmp_path / "signed.pdf"
    signer = _test_signer(tmp_path)
    with path.open("rb") as inf, signed.open("wb") as outf:
        writer = IncrementalPdfFileWriter(inf, strict=True)
        signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(field_name="Sig1"),
            signer=signer,
            output=outf,
        )
    original = path.read_bytes()
    assert signed.read_bytes().startswith(original)  # the signature only appends
    with signed.open("rb") as f:
        reader = PdfFileReader(f, strict=True)
        (sig,) = reader.embedded_signatures
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[signer.signing_cert]))
        assert status.intact and status.valid and status.trusted and sig.coverage.name == "ENTIRE_FILE"
    assert qpdf_check(signed).returncode == 0
    assert _pdftotext(signed) == _pdftotext(path)
    with pikepdf.open(signed) as pdf, pdf.open_outline() as outline:
        assert len(outline.root) == 4 and [p.label for p in pdf.pages][0] == "Bìa"


def test_long_list_continues_on_a_second_cover_page(processed, tmp_path):
    out, _ = processed
    docs = load_documents([out])
    many = [docs[0]] * 40
    info = DossierInfo(CODE, "Thủ tục", "Lê Văn Ánh", dt.date(2025, 10, 30), public_url=PUBLIC_URL)
    summary = build_dossier(info, many, tmp_path / "many.pdf")
    assert summary.cover_pages == 2 and summary.pages == 42
    with pikepdf.open(tmp_path / "many.pdf") as pdf:
        assert [p.label for p in pdf.pages][:3] == ["Bìa 1", "Bìa 2", "1.1"]
    text = _pdftotext(tmp_path / "many.pdf", "-f", "1", "-l", "2")
    assert "40" in text and "bìa 2/2" in text


def test_working_days():
    thursday = dt.date(2025, 10, 30)
    assert add_working_days(thursday, 1) == dt.date(2025, 10, 31)
    assert add_working_days(thursday, 2) == dt.date(2025, 11, 3)  # over the weekend
    assert add_working_days(thursday, 2, [dt.date(2025, 11, 3)]) == dt.date(2025, 11, 4)
    assert add_working_days(thursday, 0) == thursday


def test_damaged_document_pdf_is_repaired(processed, tmp_path):
    out, _ = processed
    docs = load_documents([out / "batch-1"])
    broken = tmp_path / "d1.pdf"
    _broken_xref_copy(docs[0].pdf, broken)
    assert qpdf_check(broken).returncode != 0
    repaired = [DossierDocument(broken, docs[0].doc_type, docs[0].pages, docs[0].fields, "batch-1/d1")]
    info = DossierInfo(CODE, "Thủ tục", "Lê Văn Ánh", dt.date(2025, 10, 30))
    summary = build_dossier(info, repaired, tmp_path / "hs.pdf")
    assert summary.pages == 2
    assert qpdf_check(tmp_path / "hs.pdf").returncode == 0


def _copy_folder(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_refusals_and_exit_codes(processed, tmp_path):
    out, _ = processed
    base = ["--out", str(tmp_path / "x.pdf"), *ARGS]

    def run(*args):
        return runner.invoke(app, ["dossier", *args], catch_exceptions=False)

    # An encrypted document PDF: refused with a clear message, exit 1, nothing written.
    locked = _copy_folder(out / "batch-1", tmp_path / "locked")
    with pikepdf.open(out / "batch-1" / "d1.pdf") as pdf:
        pdf.save(locked / "d1.pdf", encryption=pikepdf.Encryption(user="mk", owner="mk2"))
    r = run(str(locked), *base)
    assert r.exit_code == 1 and "mật khẩu" in r.output
    assert not (tmp_path / "x.pdf").exists()
    # A document PDF that lost a page: refused rather than a dossier with a page missing.
    short = _copy_folder(out / "batch-1", tmp_path / "short")
    with pikepdf.open(out / "batch-1" / "d2.pdf") as pdf:
        del pdf.pages[1]
        pdf.save(short / "d2.pdf")
    r = run(str(short), *base)
    assert r.exit_code == 1 and "2 trang" in r.output
    # Not a result folder; a bad code; a bad date: usage or input errors.
    assert run(str(tmp_path / "nowhere"), *base).exit_code == 1
    bad_code = [a if a != CODE else "HS/1 2" for a in base]
    assert run(str(out), *bad_code).exit_code == 2
    bad_date = [a if a != "2025-10-30" else "30/10/2025" for a in base]
    assert run(str(out), *bad_date).exit_code == 2
    both = [*base, "--due", "2025-11-10"]
    assert run(str(out), *both).exit_code == 2
    # A character the cover font cannot print: a clear message, not a broken cover.
    foreign = [a if a != "Nguyễn Thị Hường" else "王小明" for a in base]
    r = run(str(out), *foreign)
    assert r.exit_code == 1 and "không có 3 ký tự" in r.output
