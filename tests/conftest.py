"""Shared test fixtures.

Nothing in sohoa may touch the network at run time, so every test runs with outbound sockets
blocked except to loopback (where the local PostgreSQL, Redis and RabbitMQ of service tests live).
Test data is made by the tests themselves or by `sohoa samples` (see tests/README.md).
"""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to reach a non-loopback address."""


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: the network is blocked in tests")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}: the network is blocked in tests")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not _is_loopback((host,)):
        raise NetworkBlocked(f"test tried to resolve {host!r}: the network is blocked in tests")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


def require_services() -> bool:
    """True when tests that need Redis/RabbitMQ/PostgreSQL must fail instead of skipping (CI)."""
    return os.environ.get("SOHOA_REQUIRE_SERVICES", "") not in ("", "0", "false")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The test PKI of `tests/pki` (fresh keys, TSA/OCSP/CRLs served on 127.0.0.1), one per module.

    A module that needs more (SoftHSM2 tokens) defines its own `pki`; `trust` and `nss_db` follow it.
    """
    from tests.pki import TestPki

    pki = TestPki.create(tmp_path_factory.mktemp("pki"))
    yield pki
    pki.close()


@pytest.fixture(scope="module")
def trust(pki):
    """The test PKI's root as the only trust anchor, for `verify_pdf`."""
    from sohoa.pipeline.signing import load_certificates

    return load_certificates([pki.cert_pem("root")])


@pytest.fixture(scope="module")
def nss_db(pki, tmp_path_factory):
    """An NSS database trusting the test PKI's root, for `pdfsig`."""
    from tests.pki import make_nss_db

    return make_nss_db(pki, tmp_path_factory.mktemp("nss"))
