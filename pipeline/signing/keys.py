"""Key stores: where a signing key lives and how it signs.

Signing is split in three steps (`sign.py`: digest → signature → finish). Only the middle one needs
the key, so a key store is small: the signer's certificate, its chain, and `sign_raw` over the
DER-encoded signed attributes. Three stores:

- `Pkcs12KeyStore`: a .p12 file, the key held in memory (the passphrase is used once, not kept);
- `Pkcs11KeyStore`: a key on a PKCS#11 token or HSM (a USB token, SoftHSM2), through pyHanko's
  `PKCS11Signer`; one logged-in session signs a whole batch, and one lock per token serialises every
  access to it (tokens are not thread-safe);
- `CscKeyStore`: a remote signing service speaking CSC API v1 (credentials/list, credentials/info,
  credentials/authorize, signatures/signHash). It signs hashes, so a batch is signed with ONE
  authorisation: `sign_many` sends every document's hash to credentials/authorize once (one SAD for
  N signatures, the hashes pinned), then signHash for all of them.

A store may define `sign_many(datas, digest_algorithm)` (one authorisation for a batch, see
`SigningSession.sign_batch`); without it each document is signed with `sign_raw`. `open_key_store`
builds a store from a profile's `KeyStoreRef`, taking the secret (passphrase, PIN, bearer token)
from the environment variable the profile names, or from a prompt when one is given.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from .errors import (
    AuthorisationRefusedError,
    KeyNotFoundError,
    KeyStoreError,
    RemoteSigningError,
    SecretMissingError,
    TokenSessionError,
    WrongPassphraseError,
    WrongPinError,
)

if TYPE_CHECKING:
    from ...schemas.signing import KeyStoreRef


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


# -- PKCS#11 ---------------------------------------------------------------------------------------

_TOKEN_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_TOKEN_LOCKS_GUARD = threading.Lock()


_LOGINS: dict[tuple[str, str], bytes] = {}
_PIN_KEY = os.urandom(32)


def _pin_tag(pin: str | None) -> bytes:
    return hmac.new(_PIN_KEY, (pin or "").encode(), hashlib.sha256).digest()


def token_lock(module: str | Path, token_label: str) -> threading.Lock:
    """The one lock of a token (per process): every session open, login and signature holds it."""
    key = (str(Path(module).resolve()), token_label)
    with _TOKEN_LOCKS_GUARD:
        return _TOKEN_LOCKS.setdefault(key, threading.Lock())


class Pkcs11KeyStore:
    """A key on a PKCS#11 token or HSM: opened and logged in once, then used for every document."""

    def __init__(
        self,
        module: str | Path,
        token_label: str,
        pin: str | None,
        *,
        key_label: str | None = None,
        key_id: bytes | None = None,
        cert_label: str | None = None,
    ):
        from pkcs11 import exceptions as p11_errors
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as hanko_p11

        if key_label is None and key_id is None:
            raise KeyStoreError(
                "Hồ sơ ký dùng thẻ PKCS#11 nhưng chưa có key_label hoặc key_id của khóa.",
                detail="no key label",
            )
        self.token_label = token_label
        self.lock = token_lock(module, token_label)
        lock_key = (str(Path(module).resolve()), token_label)
        self._p11_errors = p11_errors
        with self.lock:
            try:
                lib = hanko_p11.p11_lib(str(module))
                token = hanko_p11.find_token(lib.get_slots(), token_criteria=TokenCriteria(label=token_label))
            except (OSError, RuntimeError) as exc:
                raise KeyStoreError(
                    "Không nạp được thư viện PKCS#11 của thẻ ký số. Kiểm tra đường dẫn module (tệp .so).",
                    detail=type(exc).__name__,
                ) from None
            if token is None:
                raise KeyNotFoundError(
                    f"Không tìm thấy thẻ ký số có nhãn '{token_label}'. Cắm thẻ vào máy và kiểm tra token_label.",
                    detail="token not found",
                )
            try:
                try:
                    self._session = token.open(user_pin=pin)
                    _LOGINS[lock_key] = _pin_tag(pin)
                except p11_errors.UserAlreadyLoggedIn:
                    # PKCS#11 logins are per process: another session of ours is logged in already.
                    # The token cannot check this PIN again, so it is compared with the one that
                    # logged in (a keyed hash kept in memory, never the PIN).
                    if _LOGINS.get(lock_key) != _pin_tag(pin):
                        raise p11_errors.PinIncorrect() from None
                    self._session = token.open()
            except p11_errors.PinIncorrect:
                raise WrongPinError(
                    f"Sai mã PIN của thẻ ký số '{token_label}'. Nhập lại mã PIN (cẩn thận: nhập sai nhiều lần "
                    "sẽ khóa thẻ).",
                    detail="pin incorrect",
                ) from None
            except p11_errors.PinLocked:
                raise WrongPinError(
                    f"Thẻ ký số '{token_label}' đã bị khóa PIN. Liên hệ tổ chức cấp thẻ để mở khóa.",
                    detail="pin locked",
                ) from None
            except p11_errors.PKCS11Error as exc:
                raise TokenSessionError(
                    f"Không mở được phiên làm việc với thẻ ký số '{token_label}'. Cắm lại thẻ rồi thử lại.",
                    detail=type(exc).__name__,
                ) from None
            del pin
            signer = hanko_p11.PKCS11Signer(
                self._session,
                cert_label=cert_label or key_label,
                key_label=key_label,
                key_id=key_id,
                other_certs_to_pull=None,  # every certificate on the token (the chain)
            )
            try:
                signer._load_objects()  # pyHanko's own loader, now rather than at the first signature
                others = list(signer.cert_registry)
            except hanko_p11.PKCS11Error:
                self._close_session()
                raise KeyNotFoundError(
                    f"Trên thẻ '{token_label}' không có khóa (hoặc chứng thư) nhãn "
                    f"'{key_label or key_id.hex()}'. Kiểm tra key_label/key_id của hồ sơ ký.",
                    detail="key not found",
                ) from None
            except p11_errors.PKCS11Error as exc:
                self._close_session()
                raise TokenSessionError(
                    f"Lỗi phiên làm việc với thẻ ký số '{token_label}'. Cắm lại thẻ rồi thử lại.",
                    detail=type(exc).__name__,
                ) from None
        self._signer = signer
        self.signing_cert = signer.signing_cert
        self.chain = [c for c in others if c.dump() != self.signing_cert.dump()]

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        with self.lock:
            try:
                return await self._signer.async_sign_raw(data, digest_algorithm)
            except self._p11_errors.PKCS11Error as exc:
                raise TokenSessionError(
                    f"Mất kết nối với thẻ ký số '{self.token_label}' trong khi ký (thẻ bị rút hoặc phiên bị "
                    "đóng). Cắm lại thẻ rồi ký lại các văn bản chưa ký.",
                    detail=type(exc).__name__,
                ) from None

    def _close_session(self) -> None:
        with contextlib.suppress(Exception):
            self._session.close()

    def close(self) -> None:
        with self.lock:
            self._close_session()


# -- CSC API v1 (remote signing) -------------------------------------------------------------------

#: signAlgo OIDs for (key algorithm, digest): RSA PKCS#1 v1.5 and ECDSA.
_SIGN_ALGOS = {
    ("rsa", "sha256"): "1.2.840.113549.1.1.11",
    ("rsa", "sha384"): "1.2.840.113549.1.1.12",
    ("rsa", "sha512"): "1.2.840.113549.1.1.13",
    ("ec", "sha256"): "1.2.840.10045.4.3.2",
    ("ec", "sha384"): "1.2.840.10045.4.3.3",
    ("ec", "sha512"): "1.2.840.10045.4.3.4",
}
_HASH_OIDS = {
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
}


class CscKeyStore:
    """A credential of a remote signing service (CSC API v1): the key never leaves the service.

    `authorisation` (optional) is called with the number of signatures before each
    credentials/authorize and returns extra request fields (e.g. {"PIN": ..., "OTP": ...}) — the
    hook where an explicit-authorisation service asks the signer; the SAD is the service's answer.
    """

    def __init__(
        self,
        url: str,
        credential_id: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        authorisation: Callable[[int], dict] | None = None,
    ):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._token = token
        self._authorisation = authorisation
        #: Authorisations asked for by this store (one per batch; counted for logs and tests).
        self.authorisations = 0
        listed = self._call("credentials/list", {}).get("credentialIDs") or []
        if credential_id is None:
            if len(listed) != 1:
                raise KeyNotFoundError(
                    f"Dịch vụ ký từ xa có {len(listed)} chứng thư: ghi rõ credential_id trong hồ sơ ký.",
                    detail="credential ambiguous",
                )
            credential_id = listed[0]
        elif credential_id not in listed:
            raise KeyNotFoundError(
                f"Dịch vụ ký từ xa không có chứng thư '{credential_id}'. Kiểm tra credential_id của hồ sơ ký.",
                detail="credential not listed",
            )
        self.credential_id = credential_id
        info = self._call("credentials/info", {"credentialID": credential_id, "certificates": "chain"})
        try:
            certs = [asn1_x509.Certificate.load(base64.b64decode(c)) for c in info["cert"]["certificates"]]
            self.signing_cert, self.chain = certs[0], certs[1:]
            self.key_algorithm = self.signing_cert.public_key.algorithm
            #: Signatures one authorisation may cover (CSC `multisign`); larger batches are split.
            self.max_batch = max(1, int(info.get("multisign") or 1))
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise RemoteSigningError(
                "Dịch vụ ký từ xa trả về thông tin chứng thư không đọc được.", detail=type(exc).__name__
            ) from None
        if info.get("key", {}).get("status", "enabled") != "enabled":
            raise KeyNotFoundError(
                f"Khóa của chứng thư '{credential_id}' trên dịch vụ ký từ xa đang bị vô hiệu hóa.",
                detail="credential disabled",
            )

    def _call(self, method: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{self.url}/csc/v1/{method}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {self._token}"} if self._token else {}),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if method == "credentials/authorize" and exc.code in (400, 401, 403):
                raise AuthorisationRefusedError(
                    "Người ký không cấp phép (hoặc từ chối) cho lượt ký này trên dịch vụ ký từ xa. "
                    "Không văn bản nào được ký; xác nhận lại rồi ký lại.",
                    detail=f"authorize HTTP {exc.code}",
                ) from None
            raise RemoteSigningError(
                f"Dịch vụ ký từ xa trả lỗi ({exc.code}) cho yêu cầu {method}. Thử lại sau hoặc báo quản trị viên.",
                detail=f"{method} HTTP {exc.code}",
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise RemoteSigningError(
                "Không kết nối được dịch vụ ký từ xa. Kiểm tra địa chỉ (url) và mạng rồi thử lại.",
                detail=f"{method}: {type(exc).__name__}",
            ) from None

    def _sign_chunk(self, datas: list[bytes], digest_algorithm: str) -> list[bytes]:
        md = digest_algorithm.lower().replace("-", "")
        sign_algo = _SIGN_ALGOS.get((self.key_algorithm, md))
        if sign_algo is None:
            raise KeyStoreError(
                "Dịch vụ ký từ xa dùng loại khóa hoặc thuật toán băm chưa hỗ trợ.",
                detail=f"{self.key_algorithm}/{md}",
            )
        hashes_b64 = [base64.b64encode(hashlib.new(md, d).digest()).decode() for d in datas]
        body = {"credentialID": self.credential_id, "numSignatures": len(datas), "hash": hashes_b64}
        if self._authorisation is not None:
            body |= self._authorisation(len(datas))
        self.authorisations += 1
        sad = self._call("credentials/authorize", body).get("SAD")
        if not sad:
            raise AuthorisationRefusedError(
                "Dịch vụ ký từ xa không cấp phép cho lượt ký này.", detail="no SAD"
            )
        answer = self._call(
            "signatures/signHash",
            {
                "credentialID": self.credential_id,
                "SAD": sad,
                "hash": hashes_b64,
                "hashAlgo": _HASH_OIDS[md],
                "signAlgo": sign_algo,
            },
        )
        signatures = answer.get("signatures") or []
        if len(signatures) != len(datas):
            raise RemoteSigningError(
                "Dịch vụ ký từ xa trả về thiếu chữ ký.", detail=f"{len(signatures)} of {len(datas)}"
            )
        return [base64.b64decode(s) for s in signatures]

    async def sign_many(self, datas: list[bytes], digest_algorithm: str) -> list[bytes]:
        """One authorisation per `max_batch` signatures (one for the whole batch when it fits)."""
        out: list[bytes] = []
        for i in range(0, len(datas), self.max_batch):
            out += await asyncio.to_thread(self._sign_chunk, datas[i : i + self.max_batch], digest_algorithm)
        return out

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        return (await self.sign_many([data], digest_algorithm))[0]


# -- from a profile --------------------------------------------------------------------------------


def read_secret(env_var: str | None, what: str, prompt: Callable[[str], str] | None = None) -> str | None:
    """The secret from `env_var`, else from `prompt` (interactive only), else a clear error."""
    if env_var:
        value = os.environ.get(env_var)
        if value is not None:
            return value
        if prompt is None:
            raise SecretMissingError(
                f"Biến môi trường {env_var} ({what}) chưa được đặt cho tiến trình ký.", detail="env var unset"
            )
    if prompt is None:
        raise SecretMissingError(
            f"Chưa có {what}: đặt biến môi trường trong hồ sơ ký (passphrase_env/pin_env) cho tiến trình chạy nền.",
            detail="no secret source",
        )
    return prompt(what)


def open_key_store(ref: KeyStoreRef, *, prompt: Callable[[str], str] | None = None) -> KeyStore:
    """The key store a profile names (`SignerProfile.key_store`; paths already resolved)."""
    if ref.type == "pkcs12":
        return Pkcs12KeyStore(ref.path, read_secret(ref.passphrase_env, "mật khẩu tệp khóa PKCS#12", prompt))
    if ref.type == "pkcs11":
        return Pkcs11KeyStore(
            ref.module,
            ref.token_label,
            read_secret(ref.pin_env, f"mã PIN của thẻ '{ref.token_label}'", prompt),
            key_label=ref.key_label,
            key_id=bytes.fromhex(ref.key_id) if ref.key_id else None,
            cert_label=ref.cert_label,
        )
    token = os.environ.get(ref.token_env) if ref.token_env else None
    if ref.token_env and token is None:
        raise SecretMissingError(
            f"Biến môi trường {ref.token_env} (mã truy cập dịch vụ ký từ xa) chưa được đặt.",
            detail="env var unset",
        )
    return CscKeyStore(ref.url, ref.credential_id, token=token)
