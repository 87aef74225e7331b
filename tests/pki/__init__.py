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
import socket
import string
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
