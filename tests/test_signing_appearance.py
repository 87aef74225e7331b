"""Signer profiles and the Vietnamese signature appearances (issue 11), checked on rendered pages.

The documents are drawn here (a decision with its signature block in a text layer, written with
`sohoa.pipeline.pdf.write_pdf`); the signature and seal images are the project's specimens drawn
with Pillow. Signed pages are rendered with `pdftoppm` and their pixels checked (blue ink where the
signature image is, red seal over its left third, the copy stamp top right of page 1); the text of
the appearances is read back with `pdftotext`; every output is validated by pyHanko and `pdfsig`.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils.reader import PdfFileReader
from sohoa.pipeline.pdf import PdfPage, TextWord, write_pdf
from sohoa.pipeline.signing import (
    Level,
    Pkcs12KeyStore,
    Signer,
    SignerProfile,
    SignOptions,
)
from sohoa.pipeline.signing import errors as E
from sohoa.pipeline.signing.appearance import IMAGE_RECT_KEY, find_font, format_signing_time
from sohoa.pipeline.signing.specimens import write_specimens
from sohoa.pipeline.signing.verify import verify_pdf
from typer.testing import CliRunner

from sohoa.cli import app
from tests.pki import assert_pdfsig_accepts
from tests.test_signing import PASS

DPI = 150
RENDER_DPI = 144  # 2 pixels per point
TIME_RE = re.compile(r"\d{2}:\d{2}:\d{2} \d{2}/\d{2}/\d{4} \+07:00")
LEADER = dict(
    role="leader",
    name="Nguyễn Văn Lãnh",
    title="PHÓ CHỦ TỊCH",
    authority=["KT. CHỦ TỊCH"],
)
AGENCY = "UBND xã Thử Nghiệm"


def _draw_page(lines, size=(1240, 1754)) -> PdfPage:
    """A page image with `lines` [(text, x, y, bold)] drawn, and the same words as its text layer."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    words = []
    for n, (text, x, y, bold) in enumerate(lines):
        font = ImageFont.truetype(str(find_font(bold)), 27)
        draw.text((x, y), text, font=font, fill="black")
        cx = x
        for word in text.split(" "):
            bb = font.getbbox(word)
            words.append(
                TextWord(word, (int(cx), int(y + bb[1]), int(cx + font.getlength(word)), int(y + bb[3])), n)
            )
            cx += font.getlength(word + " ")
    return PdfPage(img, DPI, words)


@pytest.fixture(scope="module")
def decision_pdf(tmp_path_factory) -> Path:
    """A decision whose signature block (authority, title, space, name) is in the text layer."""
    body = [
        (f"Điều {i + 1}. Nội dung quyết định thử nghiệm chữ ký số.", 150, 420 + 45 * i, False)
        for i in range(10)
    ]
    lines = [
        ("ỦY BAN NHÂN DÂN", 120, 120, True),
        ("XÃ THỬ NGHIỆM", 140, 160, True),
        ("QUYẾT ĐỊNH", 520, 320, True),
        *body,
        ("KT. CHỦ TỊCH", 800, 1080, True),
        ("PHÓ CHỦ TỊCH", 800, 1120, True),
        ("Nguyễn Văn Lãnh", 790, 1330, True),
    ]
    return write_pdf([_draw_page(lines)], tmp_path_factory.mktemp("decision") / "decision.pdf")


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory) -> Path:
    """A two-page digitised paper (for the copy stamp)."""
    pages = [
        _draw_page([("GIẤY KHAI SINH", 480, 300, True), ("Họ, chữ đệm, tên: Lê Thị Mai", 150, 420, False)]),
        _draw_page([("Trang 2", 560, 300, False)]),
    ]
    return write_pdf(pages, tmp_path_factory.mktemp("scan") / "scan.pdf")


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> tuple[Path, Path]:
    return write_specimens(tmp_path_factory.mktemp("images"))


def _sign(pki, src, dst, profile, label, level=Level.B_B):
    key = Pkcs12KeyStore(pki.p12(label, PASS), PASS)
    options = SignOptions(level=level, tsa_url=pki.tsa_url, profile=profile)
    with Signer(key, options) as signer:
        return signer.sign_file(src, dst)


def _render(pdf: Path, page: int = 1) -> np.ndarray:
    """The page as RGB pixels (2 px per point), top row first."""
    out = pdf.with_name(f"{pdf.stem}-p{page}")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(RENDER_DPI),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            pdf,
            out,
        ],
        check=True,
        timeout=60,
    )
    return np.asarray(Image.open(out.with_suffix(".png")).convert("RGB")).astype(int)


def _px(rect, page_height):
    """A PDF rectangle (points, origin bottom left) as pixel slices (rows, cols) of the render."""
    s = RENDER_DPI / 72
    x1, y1, x2, y2 = rect
    return slice(int((page_height - y2) * s), int((page_height - y1) * s)), slice(int(x1 * s), int(x2 * s))


def _blue(a):
    return (a[..., 2] > 110) & (a[..., 0] < 110) & (a[..., 2] - a[..., 0] > 60)


def _red(a):
    return (a[..., 0] > 150) & (a[..., 1] < 110) & (a[..., 2] < 110)


def _widgets(pdf: Path, page_index: int = 0) -> dict[str, dict]:
    with pdf.open("rb") as f:
        reader = PdfFileReader(f)
        page = reader.root["/Pages"]["/Kids"][page_index].get_object()
        found = {}
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            entry = {"rect": tuple(float(v) for v in annot["/Rect"])}
            if IMAGE_RECT_KEY in annot:
                entry["image"] = tuple(float(v) for v in annot[IMAGE_RECT_KEY])
            found[str(annot["/T"])] = entry
        height = float(page["/MediaBox"][3])
    return found | {"_height": height}


def _text(pdf: Path, page: int = 1, rect=None, page_height=None) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-layout", "-r", "72"]
    if rect is not None:
        x1, y1, x2, y2 = rect
        args += ["-x", str(int(x1)), "-y", str(int(page_height - y2)), "-W", str(int(x2 - x1) + 1)]
        args += ["-H", str(int(y2 - y1) + 1)]
    proc = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60)
    return unicodedata.normalize("NFC", proc.stdout)


def _shown_time(when: datetime) -> str:
    return format_signing_time(when)


# -- the leader's signature and the agency's seal -----------------------------------------------


def test_leader_then_agency_seal_over_left_third(pki, trust, nss_db, decision_pdf, images, tmp_path):
    signature, seal = images
    leader = SignerProfile(**LEADER, signature_image=signature)
    agency = SignerProfile(role="agency", agency=AGENCY, seal_image=seal)
    first, both = tmp_path / "leader.pdf", tmp_path / "both.pdf"
    r1 = _sign(pki, decision_pdf, first, leader, "leader", Level.B_T)
    r2 = _sign(pki, first, both, agency, "agency", Level.B_T)
    assert (r1.field_name, r1.page, r2.field_name, r2.page) == ("Leader1", 1, "Agency2", 1)

    # Both signatures validate; the agency's is an allowed change after the leader's.
    report = verify_pdf(both, trust)
    assert report.ok, report
    lead, ag = report.signatures
    assert (lead.signer, lead.changes_after, lead.level) == ("Nguyễn Văn Lãnh", "allowed", "B-T")
    assert (ag.signer, ag.changes_after, ag.level) == ("UBND xã Thử Nghiệm", "none", "B-T")
    assert_pdfsig_accepts(both, nss_db, 2)

    widgets = _widgets(both)
    h = widgets["_height"]
    image = widgets["Leader1"]["image"]
    x1, y1, x2, y2 = image
    # The image sits in the space the document left between the title and the name.
    import pdfplumber

    with pdfplumber.open(decision_pdf) as pdf:
        page = pdf.pages[0]
        (name,) = page.search("Nguyễn Văn Lãnh")
        (title,) = page.search("PHÓ CHỦ TỊCH")
    assert h - name["top"] <= y1 and y2 <= h - title["bottom"]
    assert x1 < (name["x0"] + name["x1"]) / 2 < x2

    pixels = _render(both)
    rows, cols = _px(image, h)
    third = (x2 - x1) / 3
    blue_right = _blue(pixels[rows, _px((x1 + third, y1, x2, y2), h)[1]]).sum()
    red_left = _red(pixels[rows, _px((x1, y1, x1 + third, y2), h)[1]]).sum()
    red_beyond = _red(pixels[rows, _px((x1 + third + 2, y1, x2, y2), h)[1]]).sum()
    assert blue_right > 200, "the signature image's ink is not where its widget says"
    assert red_left > 500, "no red seal over the left third of the signature image"
    assert red_beyond == 0, "the seal reaches past the left third of the signature image"
    # The seal is at real size (36 mm wide by default).
    seal_rect = widgets["Agency2"]["rect"]
    red_cols = np.where(_red(pixels[_px(seal_rect, h)]).any(axis=0))[0]
    assert abs((red_cols.max() - red_cols.min()) / (RENDER_DPI / 25.4) - 36) < 2

    text = _text(both)
    assert _shown_time(r1.signed_at) in text and _shown_time(r2.signed_at) in text
    assert AGENCY in text and "Nguyễn Văn Lãnh" in text
    assert len(TIME_RE.findall(text)) == 2
    fonts = subprocess.run(["pdffonts", str(both)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"LiberationSerif\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes", fonts), fonts


def test_leader_full_block_in_a_box(pki, trust, nss_db, scan_pdf, images, tmp_path):
    """A box on the last page: authority lines, title, image, name and time all in the appearance."""
    box = (330.0, 120.0, 540.0, 290.0)
    profile = SignerProfile(**LEADER, signature_image=images[0], position={"box": box, "page": -1})
    out = tmp_path / "box.pdf"
    result = _sign(pki, scan_pdf, out, profile, "leader")
    assert result.page == 2
    assert verify_pdf(out, trust).ok
    assert_pdfsig_accepts(out, nss_db, 1)
    widgets = _widgets(out, 1)
    h = widgets["_height"]
    assert widgets["Leader1"]["rect"] == box
    text = _text(out, 2, box, h)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Lãnh", _shown_time(result.signed_at)]
    pixels = _render(out, 2)
    assert _blue(pixels[_px(widgets["Leader1"]["image"], h)]).sum() > 300
    assert _blue(pixels).sum() == _blue(pixels[_px(box, h)]).sum()  # no blue ink elsewhere


# -- digitised copies ---------------------------------------------------------------------------


@pytest.mark.parametrize("with_seal", [True, False])
def test_digitised_copy_stamp_top_right_of_page_one(
    pki, trust, nss_db, scan_pdf, images, tmp_path, with_seal
):
    copy = SignerProfile(
        role="agency", appearance="copy", agency=AGENCY, seal_image=images[1], copy_seal=with_seal
    )
    digitiser = SignerProfile(role="digitiser", name="Trần Thị Số Hóa")
    stamped, both = tmp_path / "copy.pdf", tmp_path / "copy-digitiser.pdf"
    r1 = _sign(pki, scan_pdf, stamped, copy, "agency", Level.B_T)
    r2 = _sign(pki, stamped, both, digitiser, "digitiser")
    assert r1.page == r2.page == 1

    report = verify_pdf(both, trust)
    assert report.ok, report
    assert [s.changes_after for s in report.signatures] == ["allowed", "none"]
    assert_pdfsig_accepts(both, nss_db, 2)

    widgets = _widgets(both)
    h = widgets["_height"]
    width = 595.0  # A4 at 150 dpi: 1240 px
    stamp, under = widgets["Agency1"]["rect"], widgets["Digitiser2"]["rect"]
    # Top right of page 1: right edge and top within 25 pt of the page's corner.
    assert width - 25 < stamp[2] <= width and h - 25 < stamp[3] <= h
    assert stamp[0] > width / 2
    assert under[3] <= stamp[1] and under[2] > width - 25  # the digitiser's under the agency's
    assert not _widgets(both, 1).keys() - {"_height"}  # nothing on page 2

    stamp_text = _text(both, 1, stamp, h)
    assert "SAO Y" in stamp_text and AGENCY in stamp_text
    assert _shown_time(r1.signed_at) in stamp_text
    under_text = _text(both, 1, under, h)
    assert "Trần Thị Số Hóa" in under_text and _shown_time(r2.signed_at) in under_text

    pixels = _render(both)
    red = _red(pixels[_px(stamp, h)]).sum()
    assert (red > 2000) if with_seal else (red == 0)


# -- refusals and profile checks ------------------------------------------------------------------


def test_seal_without_a_leader_signature_is_refused(pki, decision_pdf, images, tmp_path):
    agency = SignerProfile(role="agency", agency=AGENCY, seal_image=images[1])
    out = tmp_path / "out.pdf"
    with pytest.raises(E.SignaturePositionError) as exc:
        _sign(pki, decision_pdf, out, agency, "agency")
    assert "lãnh đạo" in exc.value.message and not out.exists()


def test_signer_name_not_in_text_layer_is_refused(pki, scan_pdf, images, tmp_path):
    profile = SignerProfile(**LEADER, signature_image=images[0])
    with pytest.raises(E.SignaturePositionError) as exc:
        _sign(pki, scan_pdf, tmp_path / "out.pdf", profile, "leader")
    assert "Nguyễn Văn Lãnh" in exc.value.message and exc.value.exit_code == 1


def test_opaque_or_missing_images_are_refused(pki, tmp_path):
    opaque = tmp_path / "opaque.png"
    Image.new("RGB", (300, 100), "white").save(opaque)
    key = Pkcs12KeyStore(pki.p12("leader", PASS), PASS)
    for path in (opaque, tmp_path / "missing.png"):
        with pytest.raises(E.SignerProfileError) as exc:
            Signer(key, SignOptions(profile=SignerProfile(**LEADER, signature_image=path))).close()
        assert exc.value.exit_code == 2 and "PNG" in exc.value.message


def test_profiles_validate_authority_lines_and_follow_their_role():
    p = SignerProfile(role="leader", authority=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], title="PHÓ CHỦ TỊCH")
    assert p.title_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert (p.reason, p.field_prefix) == ("Lãnh đạo phê duyệt", "Leader")
    assert p.appearance_kind == "none"  # no signature image: an invisible signature
    for line in ("TL. CHỦ TỊCH", "TUQ. CHỦ TỊCH", "Q. CHỦ TỊCH"):
        assert SignerProfile(authority=[line]).authority == [line]
    with pytest.raises(ValueError, match="KT."):
        SignerProfile(authority=["Kt. Chủ tịch"])


def test_signing_time_format():
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert format_signing_time(when) == "10:04:05 02/01/2026 +07:00"
    assert format_signing_time(when, "%d/%m/%Y %H:%M (%:z)") == "02/01/2026 10:04 (+07:00)"


# -- configuration and command line ------------------------------------------------------------------


def test_cli_profile_from_sohoa_toml(pki, trust, decision_pdf, images, tmp_path, monkeypatch):
    """`sohoa sign --profile NAME` with identity, images and key store from sohoa.toml (relative paths)."""
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "keys").mkdir()
    (conf / "keys" / "leader.p12").write_bytes(pki.p12("leader", PASS).read_bytes())
    (conf / "signature.png").write_bytes(images[0].read_bytes())
    (conf / "sohoa.toml").write_text(
        """
[signer_profiles.pho-chu-tich]
role = "leader"
name = "Nguyễn Văn Lãnh"
title = "PHÓ CHỦ TỊCH"
authority = ["KT. CHỦ TỊCH"]
signature_image = "signature.png"
time_format = "%H:%M:%S ngày %d/%m/%Y %:z"
key_store = { type = "pkcs12", path = "keys/leader.p12", passphrase_env = "SOHOA_TEST_LEADER_PASS" }
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOHOA_CONFIG", str(conf / "sohoa.toml"))
    monkeypatch.setenv("SOHOA_TEST_LEADER_PASS", PASS)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "signed.pdf"
    runner = CliRunner()
    result = runner.invoke(app, ["sign", str(decision_pdf), "--out", str(out), "--profile", "pho-chu-tich"])
    assert result.exit_code == 0, result.output
    assert "trang 1" in result.output
    report = verify_pdf(out, trust)
    assert report.ok and report.signatures[0].field == "Leader1"
    assert re.search(r"\d{2}:\d{2}:\d{2} ngày \d{2}/\d{2}/\d{4} \+07:00", _text(out))

    # Built-in profiles still work without configuration; an unknown one is bad usage.
    plain = runner.invoke(
        app, ["sign", str(decision_pdf), "--out", str(tmp_path / "plain.pdf"), "--profile", "leader"]
    )
    assert plain.exit_code == 2 and "--p12" in plain.output  # the built-in leader has no key store
    unknown = runner.invoke(app, ["sign", str(decision_pdf), "--out", str(out), "--profile", "nobody"])
    assert unknown.exit_code == 2 and "pho-chu-tich" in unknown.output


def test_leader_signs_into_an_existing_empty_field(pki, trust, nss_db, scan_pdf, images, tmp_path):
    """A PDF that already has an empty signature field: the profile names it, the signature goes
    into that field (its rectangle, its page), with the full block drawn inside it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    box = (60.0, 100.0, 280.0, 260.0)
    with_field = tmp_path / "with-field.pdf"
    with scan_pdf.open("rb") as f:
        writer = IncrementalPdfFileWriter(f, strict=True)
        append_signature_field(writer, SigFieldSpec("ChuKyLanhDao", on_page=0, box=box))
        with with_field.open("wb") as out:
            writer.write(out)
    profile = SignerProfile(**LEADER, signature_image=images[0], position={"field": "ChuKyLanhDao"})
    out = tmp_path / "field.pdf"
    result = _sign(pki, with_field, out, profile, "leader")
    assert result.page == 1
    assert verify_pdf(out, trust).ok
    assert_pdfsig_accepts(out, nss_db, 1)
    widgets = _widgets(out, 0)
    h = widgets["_height"]
    assert set(widgets) - {"_height"} == {"ChuKyLanhDao"}  # signed into the field, no new one
    assert widgets["ChuKyLanhDao"]["rect"] == box
    lines = [line.strip() for line in _text(out, 1, box, h).splitlines() if line.strip()]
    assert "Nguyễn Văn Lãnh" in lines and _shown_time(result.signed_at) in lines
    pixels = _render(out, 1)
    assert _blue(pixels[_px(box, h)]).sum() > 300
    assert _blue(pixels).sum() == _blue(pixels[_px(box, h)]).sum()  # no blue ink elsewhere
