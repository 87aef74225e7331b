"""PAdES signing and verification end to end, against the test PKI (tests/pki) served on 127.0.0.1.

Every signed output is checked by two independent validators: pyHanko's validation (through
`sohoa.pipeline.signing.verify`) and poppler's `pdfsig` with an NSS database holding the test root.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sohoa.pipeline.pdf import PdfPage, write_pdf
from sohoa.pipeline.signing import (
    Level,
    Pkcs12KeyStore,
    Signer,
    SignerProfile,
    SignOptions,
)
from sohoa.pipeline.signing import errors as E
from sohoa.pipeline.signing.verify import verify_pdf
from typer.testing import CliRunner

from sohoa.cli import app
from tests.pki import assert_pdfsig_accepts, pdfsig

PASS = "mật-khẩu-thử-9271"
CONTRACT_KEYS = {
    "field",
    "signer",
    "signed_at",
    "intact",
    "valid",
    "trusted",
    "revoked",
    "level",
    "timestamp",
    "covers_whole_file",
    "changes_after",
    "problems",
}


@pytest.fixture(scope="module")
def clean_pdf(tmp_path_factory) -> Path:
    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((100, 100, 1140, 300), outline="black", width=4)
    for i in range(20):
        draw.line((120, 400 + 50 * i, 1100, 400 + 50 * i), fill=(30, 30, 30), width=3)
    return write_pdf([PdfPage(img, 150)], tmp_path_factory.mktemp("pdf") / "clean.pdf")


def _key(pki, label="leader", *, offline=False) -> Pkcs12KeyStore:
    source = pki.offline if offline else pki
    return Pkcs12KeyStore(source.p12(label, PASS), PASS)


def _sign(pki, src, dst, level=Level.B_B, label="leader", **kw):
    options = SignOptions(level=level, tsa_url=kw.pop("tsa_url", pki.tsa_url), **kw)
    with Signer(_key(pki, label), options) as signer:
        return signer.sign_file(src, dst)


@pytest.mark.parametrize("level", list(Level))
def test_every_level_is_accepted_by_pyhanko_and_pdfsig(pki, trust, clean_pdf, nss_db, tmp_path, level):
    out = tmp_path / f"signed-{level.value}.pdf"
    result = _sign(pki, clean_pdf, out, level=level, profile="leader")
    assert result.level is level and result.field_name == "Leader1"
    # Signing only appends: the original bytes are the signed file's prefix.
    original = clean_pdf.read_bytes()
    assert out.read_bytes()[: len(original)] == original

    report = verify_pdf(out, trust)
    assert report.ok, report
    (sig,) = report.signatures
    assert sig.level == level.value
    assert sig.intact and sig.valid and sig.trusted and not sig.revoked
    assert sig.signer == "Nguyễn Văn Lãnh"
    assert (sig.timestamp is None) == (level is Level.B_B)
    # B-LT/B-LTA append the DSS (and the document timestamp): allowed changes after the signature.
    assert sig.changes_after == ("none" if level in (Level.B_B, Level.B_T) else "allowed")
    assert_pdfsig_accepts(out, nss_db, 1)


@pytest.mark.parametrize("label", ["leader", "leader-ocsp"])
def test_b_lt_dss_is_enough_offline(pki, trust, clean_pdf, nss_db, tmp_path, label):
    """B-LT with CRLs (first issuing CA) and with OCSP responses (second one) embedded in the DSS."""
    out = tmp_path / "lt.pdf"
    _sign(pki, clean_pdf, out, level=Level.B_LTA, label=label)
    report = verify_pdf(out, trust, allow_fetching=False)
    assert report.ok and report.signatures[0].level == "B-LTA"
    (sig,) = [s for s in pdfsig(out, nss_db) if s["type"] == "ETSI.CAdES.detached"]
    assert sig["validation"] == "Signature is Valid."
    if label == "leader":
        assert sig["certificate"] == "Certificate is Trusted."
    # (pdfsig 22.12 cannot check a certificate with an OCSP AIA: docs/signing.md)


def test_untrusted_without_trust_anchor(pki, clean_pdf, tmp_path):
    out = tmp_path / "bb.pdf"
    _sign(pki, clean_pdf, out)
    report = verify_pdf(out, ())
    assert not report.ok
    assert report.signatures[0].intact and not report.signatures[0].trusted


def test_several_signatures_agency_certifies_then_leader(pki, trust, clean_pdf, nss_db, tmp_path):
    first, second = tmp_path / "agency.pdf", tmp_path / "both.pdf"
    certifying_agency = SignerProfile(role="agency", certify=True, docmdp="fill_forms")
    _sign(pki, clean_pdf, first, level=Level.B_T, label="agency", profile=certifying_agency)
    _sign(pki, first, second, level=Level.B_LT, label="leader", profile="leader")
    report = verify_pdf(second, trust)
    assert report.ok, report
    agency, leader = report.signatures
    assert (agency.field, agency.changes_after, agency.covers_whole_file) == ("Agency1", "allowed", False)
    assert leader.field == "Leader2" and leader.level == "B-LT"
    assert_pdfsig_accepts(second, nss_db, 2)


def test_interrupted_flow_digest_then_external_signature_then_finish(pki, trust, clean_pdf, tmp_path):
    """The three steps run apart, the signature made by a key store the session never touches."""
    import asyncio

    from sohoa.pipeline.signing import SigningSession

    holder = _key(pki, "digitiser")  # e.g. a token or a remote service, used only in step 2

    class CertificateOnly:
        signing_cert = holder.signing_cert
        chain = holder.chain

        async def sign_raw(self, data, digest_algorithm):
            raise AssertionError("the session must not sign by itself in the interrupted flow")

    async def run():
        session = SigningSession(CertificateOnly(), SignOptions(level=Level.B_T, tsa_url=pki.tsa_url))
        try:
            prepared = await session.prepare(clean_pdf.read_bytes())
            signature = await holder.sign_raw(prepared.to_be_signed, prepared.md_algorithm)
            return await session.finish(prepared, signature)
        finally:
            await session.aclose()

    out = tmp_path / "interrupted.pdf"
    out.write_bytes(asyncio.run(run()))
    report = verify_pdf(out, trust)
    assert report.ok and report.signatures[0].level == "B-T"
    assert report.signatures[0].signer == "Trần Thị Số Hóa"


# -- tampering --------------------------------------------------------------------------------


def test_byte_flipped_in_signed_range_is_tampering(pki, trust, clean_pdf, tmp_path):
    out = tmp_path / "signed.pdf"
    _sign(pki, clean_pdf, out, level=Level.B_T)
    data = bytearray(out.read_bytes())
    # A byte inside the page image (first revision, inside the signed /ByteRange).
    start = data.index(b"stream", data.index(b"/Image")) + 100
    data[start] ^= 0xFF
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    report = verify_pdf(tampered, trust)
    assert not report.ok
    sig = report.signatures[0]
    assert not sig.intact
    assert any("giả mạo" in p for p in sig.problems)
    result = CliRunner().invoke(
        app, ["verify", str(tampered), "--json", "--trust", str(pki.cert_pem("root"))]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["signatures"][0]["intact"] is False


def test_page_added_after_signing_is_tampering(pki, trust, clean_pdf, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    out = tmp_path / "signed.pdf"
    _sign(pki, clean_pdf, out, level=Level.B_B)
    with out.open("r+b") as f:
        w = IncrementalPdfFileWriter(f)
        content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (added) Tj ET"))
        page = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, 595, 842)]
                ),
                generic.NameObject("/Contents"): content,
                generic.NameObject("/Resources"): generic.DictionaryObject(),
            }
        )
        w.insert_page(page)
        w.write_in_place()
    report = verify_pdf(out, trust)
    assert not report.ok
    sig = report.signatures[0]
    assert sig.intact and sig.valid  # the signed revision itself is untouched ...
    assert sig.changes_after == "disallowed"  # ... but what follows it is not an allowed change
    assert any("giả mạo" in p for p in sig.problems)


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "error", "code"),
    [
        ("expired", E.CertificateExpiredError, "certificate_expired"),
        ("future", E.CertificateNotYetValidError, "certificate_not_yet_valid"),
        ("revoked", E.CertificateRevokedError, "certificate_revoked"),  # found in the CRL
        ("revoked-ocsp", E.CertificateRevokedError, "certificate_revoked"),  # told by the OCSP responder
        ("no-sign-usage", E.KeyUsageError, "certificate_key_usage"),
    ],
)
def test_refuses_bad_certificates(pki, clean_pdf, tmp_path, label, error, code):
    out = tmp_path / "out.pdf"
    with pytest.raises(error) as exc:
        _sign(pki, clean_pdf, out, label=label)
    assert exc.value.code == code and exc.value.exit_code == 1
    assert exc.value.message and not out.exists()


def test_refuses_wrong_passphrase(pki):
    path = pki.p12("leader", PASS)
    with pytest.raises(E.WrongPassphraseError) as exc:
        Pkcs12KeyStore(path, "not-the-passphrase")
    assert "mật khẩu" in exc.value.message and PASS not in exc.value.message


def test_refuses_b_t_when_tsa_unreachable_never_downgrades(pki, clean_pdf, tmp_path):
    out = tmp_path / "out.pdf"
    with pytest.raises(E.TimestampUnavailableError):
        _sign(pki, clean_pdf, out, level=Level.B_T, tsa_url=pki.offline.tsa_url)
    assert not out.exists()


@pytest.mark.parametrize("label", ["leader-ocsp", "leader"])
def test_refuses_b_lt_when_ocsp_or_crl_unreachable_never_downgrades(pki, clean_pdf, tmp_path, label):
    out = tmp_path / "out.pdf"
    # The same PKI, but this certificate's OCSP/CRL URLs point where nothing answers; the TSA works.
    options = SignOptions(level=Level.B_LT, tsa_url=pki.tsa_url)
    with (
        pytest.raises(E.RevocationUnavailableError),
        Signer(_key(pki, label, offline=True), options) as signer,
    ):
        signer.sign_file(clean_pdf, out)
    assert not out.exists()
    # B-B checks revocation only when reachable: the same certificate signs at B-B.
    with Signer(_key(pki, label, offline=True), SignOptions()) as signer:
        check = signer.open()
        signer.sign_file(clean_pdf, out)
    assert not check.revocation_checked and out.exists()


def test_refuses_pdf_certified_with_no_changes_allowed(pki, trust, clean_pdf, tmp_path):
    locked, out = tmp_path / "locked.pdf", tmp_path / "out.pdf"
    _sign(pki, clean_pdf, locked, label="agency", profile="final")
    assert verify_pdf(locked, trust).ok
    with pytest.raises(E.DocumentLockedError):
        _sign(pki, locked, out)
    assert not out.exists()


def test_refuses_pdf_failing_strict_reading(pki, clean_pdf, tmp_path):
    broken = tmp_path / "broken.pdf"
    data = clean_pdf.read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # truncated: no xref, no trailer
    with pytest.raises(E.UnreadablePdfError) as exc:
        _sign(pki, broken, tmp_path / "out.pdf")
    assert "sohoa process" in exc.value.message


def test_refuses_timestamp_level_without_tsa(pki):
    with pytest.raises(E.SigningUsageError) as exc:
        Signer(_key(pki), SignOptions(level=Level.B_LT, tsa_url=None))
    assert exc.value.exit_code == 2


# -- command line ---------------------------------------------------------------------------


def test_cli_sign_and_verify(pki, clean_pdf, tmp_path, monkeypatch):
    p12 = pki.p12("leader", PASS)
    out = tmp_path / "cli.pdf"
    monkeypatch.setenv("SOHOA_TEST_P12_PASS", PASS)
    runner = CliRunner()
    args = [
        "sign",
        str(clean_pdf),
        "--out",
        str(out),
        "--p12",
        str(p12),
        "--passphrase-env",
        "SOHOA_TEST_P12_PASS",
    ]
    result = runner.invoke(app, [*args, "--level", "B-LT", "--tsa", pki.tsa_url, "--profile", "leader"])
    assert result.exit_code == 0, result.output
    assert PASS not in result.output and PASS.encode() not in out.read_bytes()

    root = str(pki.cert_pem("root"))
    result = runner.invoke(app, ["verify", str(out), "--json", "--trust", root])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"file", "signatures", "ok"} and doc["ok"] is True
    assert set(doc["signatures"][0]) == CONTRACT_KEYS
    assert doc["signatures"][0]["level"] == "B-LT"
    assert doc["signatures"][0]["changes_after"] in ("none", "allowed", "disallowed")

    # Untrusted (no anchor) → exit 1; bad usage → 2; refused signature → 1.
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 1
    assert runner.invoke(app, [*args, "--level", "B-T"]).exit_code == 2
    monkeypatch.setenv("SOHOA_TEST_P12_PASS", "wrong")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "mật khẩu" in refused.output


def test_pdfsig_and_certutil_are_installed():
    # The Makefile installs them (poppler-utils, libnss3-tools): the validators above must not be skipped.
    assert shutil.which("pdfsig") and shutil.which("certutil")
