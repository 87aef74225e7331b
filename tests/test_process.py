"""`sohoa process` end to end with real Tesseract on every input kind of the contract, and bad input.

Inputs are drawn by the test (tests/drawn.py) or made here (corrupt, empty and encrypted files).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from sohoa.pipeline.pdf import PdfPage, write_pdf
from sohoa.schemas import ProcessResult, WordsFile
from typer.testing import CliRunner

from sohoa.cli import app

from .drawn import BIRTH_FIELDS, birth_certificate, blank
from .test_pdf import extracted_images, pdftotext, qpdf_check

runner = CliRunner()


def _process(*args: str):
    return runner.invoke(app, ["process", *args], catch_exceptions=False)


def _result(out: Path, name: str) -> ProcessResult:
    return ProcessResult.model_validate_json((out / name / "result.json").read_bytes())


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("inputs")
    page = birth_certificate()
    page.save(d / "birth.png", dpi=(200, 200))
    folder = d / "folder"
    folder.mkdir()
    # Natural order: page-2 (upside down) before page-10 (turned a quarter), a blank page between.
    page.rotate(180).save(folder / "page-2.jpg", dpi=(200, 200), quality=90)
    blank().save(folder / "page-3.jpg", dpi=(200, 200))
    page.rotate(90, expand=True).save(folder / "page-10.jpg", dpi=(200, 200), quality=90)
    page.save(d / "stack.tif", save_all=True, append_images=[page.rotate(-90, expand=True)], dpi=(200, 200))
    write_pdf([PdfPage(page, 200), PdfPage(page.rotate(3, fillcolor="white"), 200)], d / "scan.pdf")
    (d / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (d / "empty.pdf").write_bytes(b"")
    with pikepdf.open(d / "scan.pdf") as pdf:
        pdf.save(d / "locked.pdf", encryption=pikepdf.Encryption(user="mat-khau", owner="chu"))
    return d


@pytest.fixture(scope="module")
def processed(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    names = ["birth.png", "folder", "stack.tif", "scan.pdf", "corrupt.png", "empty.pdf", "locked.pdf"]
    run = _process(*(str(inputs / n) for n in names), "--out", str(out))
    return run, out


def test_exit_code_one_when_some_inputs_failed(processed):
    run, _ = processed
    assert run.exit_code == 1, run.output


def test_single_image(processed):
    _, out = processed
    result = _result(out, "birth")
    assert result.error is None
    assert [p.status for p in result.pages] == ["document"]
    (doc,) = result.documents
    assert doc.doc_type == "birth_certificate" and doc.pdf == "d1.pdf"
    found = {k: v.value for k, v in doc.fields.items()}
    # Real Tesseract on a clean page: most fields come back exactly.
    right = [k for k, v in BIRTH_FIELDS.items() if found.get(k) == v]
    assert len(right) >= len(BIRTH_FIELDS) - 2, found
    assert all(0 <= f.confidence <= 1 for f in doc.fields.values())
    assert "GIẤY KHAI SINH" in result.pages[0].text


def test_folder_in_natural_order_with_blank_and_turned_pages(processed):
    _, out = processed
    result = _result(out, "folder")
    assert [(p.index, p.status, p.rotation) for p in result.pages] == [
        (1, "document", 180),
        (2, "blank", 0),
        (3, "document", 90),
    ]
    assert [d.pages for d in result.documents] == [[1], [3]]
    assert all(d.doc_type == "birth_certificate" for d in result.documents)


def test_multipage_tiff(processed):
    _, out = processed
    result = _result(out, "stack")
    assert [p.rotation for p in result.pages] == [0, 270]
    assert len(result.documents) == 2


def test_pdf_input_and_searchable_pdf_output(processed):
    _, out = processed
    result = _result(out, "scan")
    assert len(result.pages) == 2 and result.pages[0].dpi == 200
    assert abs(result.pages[1].skew_deg - 3.0) < 0.3
    pdf_path = out / "scan" / "d1.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "GIẤY KHAI SINH" in text and "Ngày, tháng, năm sinh: 15/03/2005" in text
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        # 100% scale: an A4 scan at 200 dpi is 595×842 pt.
        assert abs(page.width - 1654 * 72 / 200) < 1 and abs(page.height - 2339 * 72 / 200) < 1
        assert len(page.images) == 1
        words = page.extract_words()
        title = [w for w in words if w["text"] in ("KHAI", "SINH")]
        assert title, [w["text"] for w in words][:20]
        # The title sits where it was drawn (y ≈ 320 px at 200 dpi → 115 pt from the top).
        assert all(100 < w["top"] < 135 for w in title)
    with pikepdf.open(pdf_path) as pdf:
        assert "sohoa" in str(pdf.docinfo["/Producer"])


def test_words_json(processed):
    _, out = processed
    words = WordsFile.model_validate_json((out / "birth" / "words.json").read_bytes())
    (page,) = words.pages
    assert page.width == 1654 and page.height == 2339
    title = [w for w in page.words if w.text == "KHAI"]
    assert title and 580 < title[0].box[0] < 800 and 300 < title[0].box[1] < 360


def test_corrupt_image_is_a_failed_page(processed):
    _, out = processed
    result = _result(out, "corrupt")
    (page,) = result.pages
    assert page.status == "failed" and page.error.code == "corrupt_image"
    assert "quét lại" in page.error.message


@pytest.mark.parametrize(("name", "code"), [("empty", "empty_pdf"), ("locked", "encrypted_pdf")])
def test_unreadable_pdf_gets_a_top_level_error(processed, name, code):
    run, out = processed
    result = _result(out, name)
    assert result.error.code == code and result.pages == [] and result.documents == []
    assert result.error.message in run.output.replace("\n", " ") or code in json.dumps(result.model_dump())


def test_results_match_the_contract_json(processed):
    _, out = processed
    data = json.loads((out / "birth" / "result.json").read_text(encoding="utf-8"))
    assert set(data) == {"source", "documents", "pages", "error"} and data["error"] is None
    assert set(data["documents"][0]) == {
        "id",
        "doc_type",
        "doc_type_confidence",
        "form_version",
        "pages",
        "pdf",
        "fields",
        "issues",
    }
    assert set(data["pages"][0]) >= {"index", "status", "rotation", "skew_deg", "dpi", "warnings", "text"}


def test_done_inputs_are_skipped_unless_forced(inputs, tmp_path):
    first = _process(str(inputs / "birth.png"), "--out", str(tmp_path))
    assert first.exit_code == 0
    result_file = tmp_path / "birth" / "result.json"
    stamp = result_file.stat().st_mtime_ns
    again = _process(str(inputs / "birth.png"), "--out", str(tmp_path))
    assert again.exit_code == 0 and "Bỏ qua 1" in again.output
    assert result_file.stat().st_mtime_ns == stamp
    forced = _process(str(inputs / "birth.png"), "--out", str(tmp_path), "--force")
    assert forced.exit_code == 0 and result_file.stat().st_mtime_ns != stamp


def test_one_document(inputs, tmp_path):
    run = _process(str(inputs / "stack.tif"), "--out", str(tmp_path), "--one-document")
    assert run.exit_code == 0
    result = _result(tmp_path, "stack")
    assert [d.pages for d in result.documents] == [[1, 2]]


def test_digitisation_warnings(tmp_path):
    grey = birth_certificate(dpi=150, mode="L")
    grey.save(tmp_path / "grey.png", dpi=(150, 150))
    run = _process(str(tmp_path / "grey.png"), "--out", str(tmp_path / "out"))
    assert run.exit_code == 0
    (page,) = _result(tmp_path / "out", "grey").pages
    assert {"low_resolution", "not_colour"} <= set(page.warnings)


def test_logs_carry_no_personal_data(inputs, tmp_path):
    """Logs (stderr) hold ids and counts only: never the names or text read from the page."""
    proc = subprocess.run(
        [
            str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "sohoa"),
            "process",
            str(inputs / "birth.png"),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SOHOA_LOG_FORMAT": "json"},
    )
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert {e["event"] for e in events} >= {"input_started", "page_prepared", "document_found", "input_done"}
    for secret in ("NGUYỄN", "TRẦN THỊ", "BÌNH", "Tân Hòa", "2005"):
        assert secret not in proc.stderr


def test_unknown_page_is_not_forced_into_a_type(tmp_path):
    from PIL import ImageDraw, ImageFont

    im = Image.new("RGB", (1654, 2339), "white")
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 36)
    for i, line in enumerate(
        [
            "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO",
            "Kính gửi: Ủy ban nhân dân phường Bến Nghé",
            "Tôi tên là: Phạm Văn Dũng",
            "Đề nghị cấp bản sao giấy tờ hộ tịch",
        ]
    ):
        d.text((150, 300 + i * 90), line, font=f, fill="black")
    im.save(tmp_path / "don.png", dpi=(200, 200))
    run = _process(str(tmp_path / "don.png"), "--out", str(tmp_path / "out"))
    assert run.exit_code == 0
    (doc,) = _result(tmp_path / "out", "don").documents
    assert doc.doc_type == "unknown" and doc.fields == {}


def test_jpeg_scans_are_embedded_as_the_scanner_wrote_them(tmp_path):
    """A JPEG scan (a file, or the one image of a scanned PDF page) keeps its exact bytes in the
    searchable PDF; a turned one is drawn turned, so the page shows it upright."""
    page = birth_certificate()
    scan = tmp_path / "upright.jpg"
    page.save(scan, dpi=(200, 200), quality=85)
    original = scan.read_bytes()
    with Image.open(scan) as im:
        decoded = im.convert("RGB")
    write_pdf([PdfPage(decoded, 200, source_jpeg=original)], tmp_path / "scanner.pdf")
    turned = tmp_path / "turned.jpg"
    page.rotate(90, expand=True).save(turned, dpi=(200, 200), quality=85)
    out = tmp_path / "out"
    run = _process(str(scan), str(tmp_path / "scanner.pdf"), str(turned), "--out", str(out))
    assert run.exit_code == 0, run.output
    for name in ("upright", "scanner"):
        pdf = out / name / "d1.pdf"
        assert extracted_images(pdf, tmp_path / f"{name}-images") == [original]
        assert qpdf_check(pdf).returncode == 0
        assert "GIẤY KHAI SINH" in pdftotext(pdf)
    result = _result(out, "turned")
    assert result.pages[0].rotation == 90
    pdf = out / "turned" / "d1.pdf"
    assert extracted_images(pdf, tmp_path / "turned-images") == [turned.read_bytes()]
    with pdfplumber.open(pdf) as doc:
        shown = doc.pages[0]
        assert abs(shown.width - page.width * 72 / 200) < 1 and abs(shown.height - page.height * 72 / 200) < 1
        title = [w for w in shown.extract_words() if w["text"] in ("KHAI", "SINH")]
        assert title and all(100 < w["top"] < 135 for w in title)  # where it is on the upright page


def test_documents_are_written_as_soon_as_they_are_final(inputs, tmp_path):
    """A document's PDF is written when the next document starts, not at the end of the input, so
    the pages of finished documents are not held in memory while the rest is read."""
    from sohoa.pipeline.process import ProcessOptions, process_input

    seen: list[int] = []
    out_dir = tmp_path / "stack"
    outcome = process_input(
        inputs / "stack.tif",
        tmp_path,
        ProcessOptions(),
        on_page=lambda _: seen.append(len(list(out_dir.glob("d*.pdf")))),
    )
    assert seen == [0, 1]  # after both pages: the first document is final, the second may go on
    assert [d.pages for d in outcome.result.documents] == [[1], [2]]
    assert sorted(p.name for p in out_dir.glob("d*.pdf")) == ["d1.pdf", "d2.pdf"]


def test_pages_only_recorded_are_not_decoded(tmp_path):
    """`InputSource.pages(decode=False)` (the workers' ingest, which only records pages): a page
    of an image file comes undecoded with its size, resolution and origin (file, frame), and
    `read_frame` reads it from there to the pixels and bytes `pages()` gives, or fails as a corrupt
    page for a truncated file; the image of a scanned PDF page comes with its bytes and an image
    opened but not decoded, and a truncated one fails there. Pages: tests/drawn.py, saved as JPEG
    here; the PDF written by `pipeline.pdf.write_pdf`."""
    import io

    from sohoa.pipeline.errors import InputError
    from sohoa.pipeline.ingest import open_input, read_frame
    from sohoa.pipeline.types import PageFailure

    folder = tmp_path / "scans"
    folder.mkdir()
    birth_certificate().save(folder / "page-1.jpg", quality=80, dpi=(200, 200))
    data = (folder / "page-1.jpg").read_bytes()
    (folder / "page-2.jpg").write_bytes(data[: len(data) * 2 // 3])  # cut short
    pdf = tmp_path / "stack.pdf"
    write_pdf([PdfPage(image=Image.open(io.BytesIO(data)), dpi=200, source_jpeg=data)], pdf, title="t")

    full = list(open_input(pdf).pages())[0]
    (page,) = open_input(pdf).pages(decode=False)
    assert page.source_jpeg == data and page.image.tile  # tiles still to decode: not decoded
    assert (page.dpi, page.image.size) == (full.dpi, full.image.size)
    assert page.image.tobytes() == full.image.tobytes()

    decoded = list(open_input(folder).pages())
    recorded = list(open_input(folder).pages(decode=False))
    assert [p.origin for p in recorded] == [(folder / "page-1.jpg", 0), (folder / "page-2.jpg", 0)]
    assert (recorded[0].dpi, recorded[0].image.width, recorded[0].image.height) == (
        200,
        *decoded[0].image.size,
    )
    assert not isinstance(recorded[0].image, Image.Image)  # its size only
    again = read_frame(*recorded[0].origin, 1, recorded[0].dpi)
    assert again.source_jpeg == data and again.image.tobytes() == decoded[0].image.tobytes()
    lazy = read_frame(*recorded[0].origin, 1, recorded[0].dpi, decode=False)
    assert lazy.image.tile and lazy.image.tobytes() == decoded[0].image.tobytes()
    assert isinstance(decoded[1], PageFailure) and decoded[1].error.code == "corrupt_image"
    with pytest.raises(InputError) as err:
        read_frame(*recorded[1].origin, 2, recorded[1].dpi)
    assert err.value.code == "corrupt_image"
    pdf_cut = tmp_path / "cut.pdf"
    write_pdf(
        [PdfPage(image=Image.open(io.BytesIO(data)), dpi=200, source_jpeg=data[: len(data) * 2 // 3])],
        pdf_cut,
        title="t",
    )
    (failed,) = open_input(pdf_cut).pages(decode=False)
    assert isinstance(failed, PageFailure) and failed.error.code == "corrupt_page" and failed.index == 1
