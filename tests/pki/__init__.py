"""A test PKI for the signing tests and benchmarks, generated when they run.

`tests/pki/certomancer.yml` describes it (root, issuing CA, OCSP responder, TSA, leader, agency and
digitiser certificates, a revoked, an expired, a not-yet-valid one and one without a signing key
usage). `TestPki.create(dir)` generates fresh RSA keys into `dir`, fills the validity dates in around
"now", and serves the PKI's TSA, OCSP responder, CRLs and CA certificates with certomancer's
animator on 127.0.0.1 (a random port) in a background thread. `offline` is the same PKI with every
service URL pointing at a local port where nothing listens, for the "unreachable" refusals.

Nothing here is committed but the YAML: keys, certificates and PKCS#12 files live in `dir`.
"""

from __future__ import annotations

import asyncio
import re
import socket
import string
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from certomancer.integrations.aiohttp_animator import build_animator_app
from certomancer.registry import (
    ArchLabel,
    CertLabel,
    CertomancerConfig,
    KeyLabel,
    PKIArchitecture,
    ServiceLabel,
)
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

CONFIG_TEMPLATE = Path(__file__).with_name("certomancer.yml")
ARCH = ArchLabel("sohoa-test")
#: Certificates of people and agencies that may sign (PKCS#12 files can be made for these).
SIGNERS = (
    "leader",
    "agency",
    "digitiser",
    "revoked",
    "expired",
    "future",
    "no-sign-usage",
    "leader-ocsp",  # same person as leader, issued by the CA whose certificates use OCSP
    "revoked-ocsp",
)


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S+0000")


def render_config(now: datetime | None = None) -> str:
    """The YAML with its validity dates filled in around `now`."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    day = timedelta(days=1)
    values = {
        "ca_from": _fmt(now - 3650 * day),
        "ca_to": _fmt(now + 3650 * day),
        "from": _fmt(now - 365 * day),
        "to": _fmt(now + 3 * 365 * day),
        "revoked_since": _fmt(now - 30 * day),
        "expired_from": _fmt(now - 3 * 365 * day),
        "expired_to": _fmt(now - 30 * day),
        "future_from": _fmt(now + 365 * day),
        "future_to": _fmt(now + 3 * 365 * day),
    }
    return string.Template(CONFIG_TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def _generate_keys(key_dir: Path, labels) -> None:
    key_dir.mkdir(parents=True, exist_ok=True)
    for label in labels:
        path = key_dir / f"{label}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


@dataclass
class _AnimatorThread:
    """certomancer's aiohttp animator serving on an already bound loopback socket."""

    sock: socket.socket
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    thread: threading.Thread | None = None
    runner: web.AppRunner | None = None

    def start(self, archs: dict) -> None:
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-pki", daemon=True)
        self.thread.start()

        async def _up():
            app = build_animator_app(archs, with_web_ui=False, allow_time_override=False)
            self.runner = web.AppRunner(app, access_log=None)
            await self.runner.setup()
            await web.SockSite(self.runner, self.sock).start()

        asyncio.run_coroutine_threadsafe(_up(), self.loop).result(30)

    def stop(self) -> None:
        if self.runner is not None:
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not None:
            self.thread.join(10)
        self.loop.close()


@dataclass
class TestPki:
    """One rendering of the test PKI: its files under `dir`, its service URLs under `url`."""

    __test__ = False  # not a pytest test class

    dir: Path
    url: str
    arch: PKIArchitecture
    offline: TestPki | None = None
    _server: _AnimatorThread | None = None
    _dead_sock: socket.socket | None = None

    @classmethod
    def create(cls, directory: Path, *, serve: bool = True) -> TestPki:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        key_dir = directory / "keys"
        yaml_text = render_config()
        (directory / "certomancer.yml").write_text(yaml_text, encoding="utf-8")
        import yaml

        labels = yaml.safe_load(yaml_text)["keysets"]["sohoa-test"]["keys"]
        _generate_keys(key_dir, labels)

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        # Bound but never listening: connections to it are refused (an unreachable service).
        dead = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        dead.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{dead.getsockname()[1]}"

        online_cfg = CertomancerConfig.from_yaml(
            yaml_text, key_search_dir=str(key_dir), external_url_prefix=url
        )
        offline_cfg = CertomancerConfig.from_yaml(
            yaml_text, key_search_dir=str(key_dir), external_url_prefix=dead_url
        )
        online = cls(directory / "online", url, online_cfg.get_pki_arch(ARCH))
        online.offline = cls(directory / "offline", dead_url, offline_cfg.get_pki_arch(ARCH))
        online._dead_sock = dead
        for pki in (online, online.offline):
            pki.dir.mkdir(parents=True, exist_ok=True)
        if serve:
            sock.listen(64)
            online._server = _AnimatorThread(sock)
            online._server.start({ARCH: online.arch})
        else:
            sock.close()
        return online

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._dead_sock is not None:
            self._dead_sock.close()
            self._dead_sock = None

    # -- what the tests use -------------------------------------------------------------------

    @property
    def tsa_url(self) -> str:
        return self.arch.service_registry.get_tsa_info(ServiceLabel("tsa")).url

    def cert(self, label: str):
        """The asn1crypto certificate `label`."""
        return self.arch.get_cert(CertLabel(label))

    def cert_pem(self, label: str) -> Path:
        """`label`'s certificate as a PEM file (e.g. the root for --trust and NSS)."""
        path = self.dir / f"{label}.cert.pem"
        if not path.exists():
            cert = x509.load_der_x509_certificate(self.cert(label).dump())
            path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return path

    def p12(self, label: str, passphrase: str) -> Path:
        """A PKCS#12 file with `label`'s key, certificate and chain (issuing CA, root)."""
        path = self.dir / f"{label}.p12"
        cert = x509.load_der_x509_certificate(self.cert(label).dump())
        spec = self.arch.get_cert_spec(CertLabel(label))
        key = serialization.load_der_private_key(
            self.arch.key_set.get_private_key(KeyLabel(str(spec.subject_key))).dump(), password=None
        )
        chain = [
            x509.load_der_x509_certificate(self.arch.get_cert(c).dump())
            for c in self.arch.get_chain(CertLabel(label))
        ]
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                label.encode(),
                key,
                cert,
                chain,
                serialization.BestAvailableEncryption(passphrase.encode()),
            )
        )
        return path


# -- PKCS#11 (SoftHSM2) and CSC (certomancer-csc-dummy) ------------------------------------------

SOFTHSM_MODULE = next(
    (
        p
        for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
        if Path(p).exists()
    ),
    "/usr/lib/softhsm/libsofthsm2.so",
)


def softhsm_setup(directory: Path) -> Path:
    """A SoftHSM2 configuration with its own token folder under `directory`; sets SOFTHSM2_CONF
    (read once, when the PKCS#11 module is first loaded in a process)."""
    import os

    tokens = Path(directory) / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = Path(directory) / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return conf


def softhsm_token(pki: TestPki, token_label: str, pin: str, labels=("leader",), so_pin: str = "0000") -> None:
    """A SoftHSM2 token with, for each label, the test PKI's private key and certificate (same label
    and CKA_ID), plus the issuing CA and root certificates: made with softhsm2-util and pkcs11-tool."""
    import subprocess

    def run(*cmd):
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", token_label, "--pin", pin, "--so-pin", so_pin)
    base = ["pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", token_label, "--login", "--pin", pin]
    cas: dict[str, None] = {}
    for n, label in enumerate(labels, start=1):
        spec = pki.arch.get_cert_spec(CertLabel(label))
        key_pem = pki.dir.parent / "keys" / f"{spec.subject_key}.key.pem"
        obj_id = f"{n:02x}"
        run("softhsm2-util", "--import", str(key_pem), "--token", token_label, "--label", label, "--id", obj_id,
            "--pin", pin)  # fmt: skip
        der = pki.dir / f"{label}.cert.der"
        der.write_bytes(pki.cert(label).dump())
        run(*base, "--write-object", str(der), "--type", "cert", "--label", label, "--id", obj_id)
        cas.update(dict.fromkeys(str(c) for c in pki.arch.get_chain(CertLabel(label))))
    for n, ca in enumerate(cas, start=0x80):
        der = pki.dir / f"{ca}.cert.der"
        der.write_bytes(pki.cert(ca).dump())
        run(*base, "--write-object", str(der), "--type", "cert", "--label", ca, "--id", f"{n:02x}")


class CscServer:
    """certomancer-csc-dummy over the test PKI, on 127.0.0.1, in a background thread.

    Credentials are "sohoa-test/<cert label>". The server side counts credentials/authorize calls
    (`authorisations`) and can refuse them (`refuse = True`: HTTP 403, a signer saying no)."""

    def __init__(self, pki: TestPki, *, multisign: int = 1000):
        from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

        self.authorisations = 0
        self.refuse = False
        cfg = CertomancerConfig.from_yaml(
            (pki.dir.parent / "certomancer.yml").read_text(encoding="utf-8"),
            key_search_dir=str(pki.dir.parent / "keys"),
            external_url_prefix=pki.url,
        )
        csc = CSCWithCertomancer(cfg, service_params=DummyServiceParams(multisign=multisign))

        @web.middleware
        async def count_and_refuse(request, handler):
            if request.path.endswith("/credentials/authorize"):
                self.authorisations += 1
                if self.refuse:
                    raise web.HTTPForbidden(text="authorisation refused")
            return await handler(request)

        csc.app.middlewares.append(count_and_refuse)
        csc.register_routes()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._server = _AnimatorThread(sock)
        self._server.thread = threading.Thread(
            target=self._server.loop.run_forever, name="test-csc", daemon=True
        )
        self._server.thread.start()

        async def _up():
            self._server.runner = web.AppRunner(csc.app, access_log=None)
            await self._server.runner.setup()
            await web.SockSite(self._server.runner, sock).start()

        asyncio.run_coroutine_threadsafe(_up(), self._server.loop).result(30)

    def close(self) -> None:
        self._server.stop()


def make_nss_db(pki, db: Path) -> Path:
    """An NSS database for `pdfsig` trusting the test PKI's root."""
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{db}",
            "-n",
            "sohoa-test-root",
            "-t",
            "CT,C,C",
            "-i",
            str(pki.cert_pem("root")),
        ],
        check=True,
        capture_output=True,
    )
    return db


def pdfsig(path: Path, db: Path) -> list[dict]:
    """poppler's verdict per signature: {'field', 'validation', 'certificate'}."""
    proc = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True, timeout=60
    )
    sigs = []
    for block in re.split(r"^Signature #\d+:$", proc.stdout, flags=re.M)[1:]:
        get = lambda key, b=block: (re.search(rf"- {key}: (.*)", b) or [None, None])[1]  # noqa: E731
        sigs.append(
            {
                "field": get("Signature Field Name"),
                "type": get("Signature Type"),
                "validation": get("Signature Validation"),
                "certificate": get("Certificate Validation"),
            }
        )
    return sigs


def assert_pdfsig_accepts(path, db, n_regular):
    """pdfsig finds `n_regular` CAdES signatures, each valid and trusted through `db`."""
    sigs = [s for s in pdfsig(path, db) if s["type"] == "ETSI.CAdES.detached"]
    assert len(sigs) == n_regular
    for s in sigs:
        assert s["validation"] == "Signature is Valid.", s
        assert s["certificate"] == "Certificate is Trusted.", s
