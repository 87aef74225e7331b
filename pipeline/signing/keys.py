"""Key stores: where a signing key lives and how it signs.

Signing is split in three steps (`sign.py`: digest → signature → finish). Only the middle one needs
the key, so a key store is small: the signer's certificate, its chain, and `sign_raw` over the
DER-encoded signed attributes. A PKCS#12 file is the first store; a PKCS#11 token, a CSC remote
service or a leader's approval in a queue are later ones with the same shape.

The passphrase is used once to open the file and is not kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from .errors import KeyStoreError, WrongPassphraseError


@runtime_checkable
class KeyStore(Protocol):
    """What the signing flow needs from wherever the key is."""

    #: The signer's certificate (asn1crypto).
    signing_cert: asn1_x509.Certificate
    #: Other certificates of the chain (issuing CAs, possibly the root).
    chain: list[asn1_x509.Certificate]

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """The raw signature of `data` (the DER signed attributes) hashed with `digest_algorithm`."""
        ...


class Pkcs12KeyStore:
    """A key, its certificate and chain from a PKCS#12 (.p12/.pfx) file, held in memory."""

    def __init__(self, path: Path, passphrase: str | bytes | None):
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KeyStoreError(
                f"Không đọc được tệp khóa '{path.name}'. Kiểm tra đường dẫn tới tệp PKCS#12 (.p12).",
                detail=type(exc).__name__,
            ) from None
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
        except ValueError:
            # cryptography says "Invalid password or PKCS12 data": tell them apart by the structure.
            if _looks_like_pkcs12(data):
                raise WrongPassphraseError(
                    "Sai mật khẩu của tệp khóa PKCS#12. Nhập lại mật khẩu (biến môi trường hoặc lời nhắc).",
                ) from None
            raise KeyStoreError(
                f"Tệp '{path.name}' không phải tệp khóa PKCS#12 hợp lệ.", detail="not pkcs12"
            ) from None
        del secret
        if key is None or cert is None:
            raise KeyStoreError(
                f"Tệp '{path.name}' không chứa khóa ký kèm chứng thư số.", detail="no key or certificate"
            )
        self.signing_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        self.chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise KeyStoreError(
                f"Tệp '{path.name}' chứa loại khóa chưa hỗ trợ (chỉ RSA hoặc ECDSA).",
                detail=type(key).__name__,
            )
        # Kept as a pyca object: loading a key is slow (RSA consistency checks), signing is not.
        self._key = key

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        # The mechanism pyHanko announces for the certificate's key: RSA PKCS#1 v1.5 or ECDSA.
        digest = getattr(hashes, digest_algorithm.upper().replace("-", ""))()
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), digest)
        return self._key.sign(data, ec.ECDSA(digest))


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        from asn1crypto import pkcs12 as asn1_pkcs12

        pfx = asn1_pkcs12.Pfx.load(data)
        return pfx["version"].native == "v3"
    except Exception:
        return False
