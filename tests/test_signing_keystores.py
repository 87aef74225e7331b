"""Keys where leaders keep them: a PKCS#11 token (SoftHSM2, tokens and keys made in the test with
softhsm2-util and pkcs11-tool) and a remote CSC API v1 service (certomancer-csc-dummy started on
127.0.0.1), each at B-B and B-T, outputs checked by pyHanko and poppler's `pdfsig`; batches signed
with one authorisation; the refusals (wrong PIN, missing key, token gone mid-batch, authorisation
refused) are clear errors.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sohoa.pipeline.pdf import PdfPage, write_pdf
from sohoa.pipeline.signing import CscKeyStore, Level, Pkcs11KeyStore, Signer, SignOptions
from sohoa.pipeline.signing import errors as E
from sohoa.pipeline.signing.keys import token_lock
from sohoa.pipeline.signing.verify import verify_pdf
from typer.testing import CliRunner

from sohoa.cli import app
from tests.pki import SOFTHSM_MODULE, CscServer, TestPki, assert_pdfsig_accepts, softhsm_setup, softhsm_token

PIN = "246810"
TOKEN = "sohoa-leader"
CREDENTIAL = "sohoa-test/leader"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    pki = TestPki.create(tmp_path_factory.mktemp("pki"))
    # SoftHSM2 reads its configuration once per process: the tokens of this module live here.
    softhsm_setup(tmp_path_factory.mktemp("softhsm"))
    softhsm_token(pki, TOKEN, PIN, labels=("leader", "agency"))
    yield pki
    pki.close()


@pytest.fixture(scope="module")
def clean_pdf(tmp_path_factory) -> Path:
    img = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(img).rectangle((100, 100, 1140, 300), outline="black", width=4)
    return write_pdf([PdfPage(img, 150)], tmp_path_factory.mktemp("pdf") / "clean.pdf")


@pytest.fixture(scope="module")
def csc(pki):
    server = CscServer(pki)
    yield server
    server.close()


def _token_key(label="leader", pin=PIN) -> Pkcs11KeyStore:
    return Pkcs11KeyStore(SOFTHSM_MODULE, TOKEN, pin, key_label=label)


def _copies(src: Path, folder: Path, n: int) -> list[tuple[Path, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    pairs = []
    for i in range(n):
        path = folder / f"doc-{i:02d}.pdf"
        shutil.copyfile(src, path)
        pairs.append((path, folder / "signed" / path.name))
    return pairs


# -- PKCS#11 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [Level.B_B, Level.B_T])
def test_pkcs11_token_signs_a_batch_in_one_session(pki, trust, nss_db, clean_pdf, tmp_path, level):
    key = _token_key()
    assert key.signing_cert.dump() == pki.cert("leader").dump()
    assert {c.dump() for c in key.chain} >= {pki.cert("interm").dump(), pki.cert("root").dump()}
    pairs = _copies(clean_pdf, tmp_path, 3)
    session = key._session
    with Signer(key, SignOptions(level=level, tsa_url=pki.tsa_url, profile="leader")) as signer:
        results = signer.sign_files(pairs)
    assert key._session is session  # one login for the batch
    key.close()
    assert all(not isinstance(r, E.SigningError) for r in results), results
    for _, out in pairs:
        report = verify_pdf(out, trust)
        assert report.ok, report
        (sig,) = report.signatures
        assert sig.signer == "Nguyễn Văn Lãnh" and sig.level == level.value
        assert (sig.timestamp is None) == (level is Level.B_B)
    assert_pdfsig_accepts(pairs[0][1], nss_db, 1)


def test_pkcs11_wrong_pin_and_missing_key_and_token(pki):
    with pytest.raises(E.WrongPinError) as exc:
        _token_key(pin="000000")
    assert "PIN" in exc.value.message and exc.value.code == "wrong_pin"
    with pytest.raises(E.KeyNotFoundError) as exc:
        _token_key(label="no-such-key")
    assert "no-such-key" in exc.value.message
    with pytest.raises(E.KeyNotFoundError) as exc:
        Pkcs11KeyStore(SOFTHSM_MODULE, "no-such-token", PIN, key_label="leader")
    assert "no-such-token" in exc.value.message


class _PulledOut:
    """The real token key store; after `after` signatures the token's session is closed under it,
    as when a leader pulls the USB token out mid-batch."""

    def __init__(self, key: Pkcs11KeyStore, after: int):
        self.key, self.after = key, after
        self.signing_cert, self.chain = key.signing_cert, key.chain

    async def sign_raw(self, data, digest_algorithm):
        if self.after == 0:
            self.key._session.close()
        self.after -= 1
        return await self.key.sign_raw(data, digest_algorithm)


def test_pkcs11_token_removed_mid_batch_fails_the_rest_clearly(pki, trust, clean_pdf, tmp_path):
    pairs = _copies(clean_pdf, tmp_path, 5)
    with Signer(_PulledOut(_token_key(), after=2), SignOptions()) as signer:
        results = signer.sign_files(pairs)
    assert [isinstance(r, E.SigningError) for r in results] == [False, False, True, True, True]
    assert all(r.code == "token_session" and "thẻ" in r.message for r in results[2:])
    assert verify_pdf(pairs[1][1], trust).ok and not pairs[2][1].exists()


def test_pkcs11_access_to_one_token_is_serialised(pki, clean_pdf, tmp_path):
    """Two threads signing with the same token never use it at the same time (one lock per token)."""
    key = _token_key()
    lock = token_lock(SOFTHSM_MODULE, TOKEN)
    assert key.lock is lock and _token_key("agency").lock is lock
    inside, overlap = [0], []
    real = key._signer.async_sign_raw

    async def watched(data, md, dry_run=False):
        inside[0] += 1
        overlap.append(inside[0])
        try:
            return await real(data, md, dry_run=dry_run)
        finally:
            inside[0] -= 1

    key._signer.async_sign_raw = watched

    def batch(i):
        with Signer(key, SignOptions()) as signer:
            assert all(
                not isinstance(r, E.SigningError)
                for r in signer.sign_files(_copies(clean_pdf, tmp_path / str(i), 4))
            )

    threads = [threading.Thread(target=batch, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    key.close()
    assert len(overlap) == 8 and max(overlap) == 1


# -- CSC API v1 -----------------------------------------------------------------------------------


def test_csc_credentials_listed_and_chain_fetched(pki, csc):
    key = CscKeyStore(csc.url, CREDENTIAL)
    assert key.signing_cert.dump() == pki.cert("leader").dump()
    assert pki.cert("interm").dump() in {c.dump() for c in key.chain}
    with pytest.raises(E.KeyNotFoundError):
        CscKeyStore(csc.url, "sohoa-test/nobody")
    with pytest.raises(E.KeyNotFoundError):  # several credentials: which one must be said
        CscKeyStore(csc.url)


@pytest.mark.parametrize("level", [Level.B_B, Level.B_T])
def test_csc_batch_of_ten_needs_exactly_one_authorisation(
    pki, trust, nss_db, csc, clean_pdf, tmp_path, level
):
    key = CscKeyStore(csc.url, CREDENTIAL)
    pairs = _copies(clean_pdf, tmp_path, 10)
    before = csc.authorisations
    with Signer(key, SignOptions(level=level, tsa_url=pki.tsa_url, profile="leader", trust=trust)) as signer:
        results = signer.sign_files(pairs)
    assert csc.authorisations - before == 1  # counted on the server's side
    assert all(not isinstance(r, E.SigningError) for r in results), results
    for _, out in pairs:
        report = verify_pdf(out, trust)
        assert report.ok and report.signatures[0].level == level.value, report
    assert_pdfsig_accepts(pairs[-1][1], nss_db, 1)


def test_csc_authorisation_refused_signs_nothing(pki, trust, csc, clean_pdf, tmp_path):
    key = CscKeyStore(csc.url, CREDENTIAL)
    pairs = _copies(clean_pdf, tmp_path, 3)
    csc.refuse = True
    try:
        with Signer(key, SignOptions(trust=trust)) as signer:
            results = signer.sign_files(pairs)
    finally:
        csc.refuse = False
    assert all(isinstance(r, E.AuthorisationRefusedError) for r in results)
    assert "cấp phép" in results[0].message and not any(out.exists() for _, out in pairs)


def test_batch_reports_a_bad_document_and_signs_the_others(pki, trust, csc, clean_pdf, tmp_path):
    pairs = _copies(clean_pdf, tmp_path, 4)
    data = clean_pdf.read_bytes()
    pairs[1][0].write_bytes(data[: len(data) // 2])  # not strict-readable
    before = csc.authorisations
    with Signer(CscKeyStore(csc.url, CREDENTIAL), SignOptions(trust=trust)) as signer:
        results = signer.sign_files(pairs)
    assert csc.authorisations - before == 1
    assert isinstance(results[1], E.UnreadablePdfError)
    assert [out.exists() for _, out in pairs] == [True, False, True, True]


# -- profiles and the command line ----------------------------------------------------------------


def test_cli_batch_with_profiles_naming_a_token_and_a_csc_service(
    pki, trust, csc, clean_pdf, tmp_path, monkeypatch
):
    (tmp_path / "sohoa.toml").write_text(
        f"""
[signer_profiles.token]
role = "leader"
key_store = {{ type = "pkcs11", module = "{SOFTHSM_MODULE}", token_label = "{TOKEN}", key_label = "leader", pin_env = "SOHOA_TEST_PIN" }}

[signer_profiles.remote]
role = "leader"
key_store = {{ type = "csc", url = "{csc.url}", credential_id = "{CREDENTIAL}" }}
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "sohoa.toml"))
    monkeypatch.setenv("SOHOA_TEST_PIN", PIN)
    pairs = _copies(clean_pdf, tmp_path / "in", 3)
    data = clean_pdf.read_bytes()
    pairs[2][0].write_bytes(data[:100])
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(str(p) for p, _ in pairs[1:]) + "\n", encoding="utf-8")
    runner = CliRunner()
    root = str(pki.cert_pem("root"))
    for profile in ("token", "remote"):
        out_dir = tmp_path / f"out-{profile}"
        before = csc.authorisations
        result = runner.invoke(
            app,
            [
                "sign",
                str(pairs[0][0]),
                "--list",
                str(listing),
                "--out-dir",
                str(out_dir),
                "--profile",
                profile,
                "--trust",
                root,
            ],  # fmt: skip
        )
        assert result.exit_code == 1, result.output  # one input failed
        assert (out_dir / "doc-00.pdf").exists() and (out_dir / "doc-01.pdf").exists()
        assert not (out_dir / "doc-02.pdf").exists() and "doc-02.pdf" in result.output
        assert verify_pdf(out_dir / "doc-01.pdf", trust).ok
        assert csc.authorisations - before == (1 if profile == "remote" else 0)
    monkeypatch.setenv("SOHOA_TEST_PIN", "000000")
    result = runner.invoke(
        app, ["sign", str(pairs[0][0]), "--out-dir", str(tmp_path / "x"), "--profile", "token"]
    )
    assert result.exit_code == 1 and "PIN" in result.output
