"""PAdES signatures (B-B, B-T, B-LT, B-LTA) with pyHanko's interrupted signing flow.

The flow has three steps so that any key store fits it (keys.py):

1. `SigningSession.prepare(pdf)`: pyHanko appends an incremental update with the signature field
   and a placeholder, digests the /ByteRange and builds the CMS signed attributes. The result
   (`PreparedSignature`) says what must be signed: `to_be_signed` (DER signed attributes).
2. The key store signs those bytes (`KeyStore.sign_raw`) — here, later on a token, a remote
   service or after a leader's approval.
3. `SigningSession.finish(prepared, signature)`: the CMS is assembled (with the RFC 3161 signature
   timestamp for B-T and above), written into the placeholder, then the DSS (B-LT: certificates,
   OCSP responses, CRLs) and the document timestamp (B-LTA) are appended as further updates.

A session checks the signer's certificate once, before the first document (validity period, key
usage, revocation — by OCSP/CRL when reachable for B-B/B-T, required for B-LT/B-LTA), and reuses
its validation context, fetched revocation data and TSA client for every document of a batch.
B-T and above never fall back to a lower level: an unreachable TSA or OCSP responder is an error.
"""

from __future__ import annotations

import asyncio
import enum
import io
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import misc as pdf_misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.general import SigningError as HankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PostSignInstructions
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import read_certification_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ...schemas.signing import SignerProfile
from .appearance import Appearance, Placement, record_image_rect
from .errors import (
    CertificateChainError,
    CertificateExpiredError,
    CertificateNotYetValidError,
    CertificateRevokedError,
    DocumentLockedError,
    KeyUsageError,
    RevocationUnavailableError,
    SigningError,
    SigningUsageError,
    TimestampUnavailableError,
    UnreadablePdfError,
)
from .keys import KeyStore
from .profiles import DOCMDP, get_profile

log = logging.getLogger(__name__)

#: Key usages of which the signer's certificate needs at least one.
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


class Level(enum.StrEnum):
    """PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def needs_timestamp(self) -> bool:
        return self is not Level.B_B

    @property
    def needs_revocation(self) -> bool:
        return self in (Level.B_LT, Level.B_LTA)


@dataclass(frozen=True)
class SignOptions:
    level: Level = Level.B_B
    #: A built-in profile's name (profiles.PROFILES) or a profile itself (e.g. from sohoa.toml).
    profile: str | SignerProfile = "default"
    #: RFC 3161 time-stamping authority (required from B-T on).
    tsa_url: str | None = None
    #: Extra trust anchors for the pre-signing certificate check (asn1crypto certificates); the
    #: self-signed certificates inside the key store are trusted as well.
    trust: tuple[asn1_x509.Certificate, ...] = ()
    reason: str | None = None
    location: str | None = None
    #: Seconds to wait for the TSA, an OCSP responder or a CRL server.
    timeout: float = 10.0
    md_algorithm: str = "sha256"

    def profile_spec(self) -> SignerProfile:
        if isinstance(self.profile, SignerProfile):
            return self.profile
        return get_profile(self.profile)


@dataclass
class PreparedSignature:
    """State between the digest step and the finish step (keep it to resume later)."""

    field_name: str
    md_algorithm: str
    prepared_digest: object  # pyhanko PreparedByteRangeDigest
    post_sign: PostSignInstructions | None
    output: io.BytesIO
    signed_attrs: cms.CMSAttributes
    #: The signing time claimed in the CMS and shown in the appearance.
    signed_at: datetime | None = None
    #: Where the visible signature went (None: an invisible signature).
    placement: Placement | None = None

    @property
    def to_be_signed(self) -> bytes:
        """What the key signs: the DER encoding of the CMS signed attributes."""
        return self.signed_attrs.dump()


@dataclass(frozen=True)
class SignResult:
    path: Path | None
    field_name: str
    level: Level
    signed_at: datetime
    seconds: float
    #: 1-based page of the visible signature (None: invisible).
    page: int | None = None


@dataclass
class CertificateCheck:
    """What the pre-signing check found (kept for the whole session)."""

    subject: str
    not_after: datetime
    revocation_checked: bool
    warnings: list[str] = field(default_factory=list)


class SigningSession:
    """Signs any number of PDFs with one key store and one set of options (async API)."""

    def __init__(self, key: KeyStore, options: SignOptions | None = None):
        self.key = key
        self.options = options or SignOptions()
        self.profile = self.options.profile_spec()
        # Images and fonts are loaded once for the whole batch.
        self.appearance = Appearance(self.profile) if self.profile.appearance_kind != "none" else None
        level = self.options.level
        if level.needs_timestamp and not self.options.tsa_url:
            raise SigningUsageError(
                f"Mức {level.value} cần dấu thời gian: thêm --tsa URL của máy chủ cấp dấu thời gian (TSA).",
                detail="timestamp level without tsa",
            )
        self._registry = SimpleCertificateStore.from_certs([key.signing_cert, *key.chain])
        self._http = LazySession()
        self._fetchers = AIOHttpFetcherBackend(per_request_timeout=self.options.timeout)
        self._vc: ValidationContext | None = None
        self._timestamper: HTTPTimeStamper | None = None
        self.check: CertificateCheck | None = None
        self._bytes_reserved: int | None = None

    # -- certificate check (once per session) -----------------------------------------------

    def _trust_roots(self) -> list[asn1_x509.Certificate]:
        roots = list(self.options.trust)
        roots += [c for c in self.key.chain if c.self_signed == "maybe" or c.self_signed == "yes"]
        return roots

    async def open(self) -> CertificateCheck:
        """Check the signer's certificate and reach the TSA (B-T and above). Idempotent."""
        if self.check is not None:
            return self.check
        cert = self.key.signing_cert
        level = self.options.level
        now = datetime.now(UTC)
        holder = _holder(cert)
        validity = cert["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
        if now < not_before:
            raise CertificateNotYetValidError(
                f"Chứng thư số của {holder} chưa có hiệu lực (từ {not_before:%d/%m/%Y}). Dùng chứng thư đang có hiệu lực.",
                detail="certificate not yet valid",
            )
        if now > not_after:
            raise CertificateExpiredError(
                f"Chứng thư số của {holder} đã hết hạn ngày {not_after:%d/%m/%Y}. Xin gia hạn hoặc cấp chứng thư mới.",
                detail="certificate expired",
            )
        usages = set(cert.key_usage_value.native) if cert.key_usage_value is not None else set()
        if cert.key_usage_value is not None and not usages & SIGNING_KEY_USAGES:
            raise KeyUsageError(
                f"Chứng thư số của {holder} không được phép dùng để ký (thiếu digitalSignature/nonRepudiation). "
                "Dùng chứng thư ký số.",
                detail=f"key usage {sorted(usages)}",
            )
        roots = self._trust_roots()
        if not roots:
            raise CertificateChainError(
                "Tệp khóa không chứa chứng thư gốc (Root CA): thêm --trust ROOT.pem để kiểm tra chuỗi chứng thư.",
                detail="no trust root",
            )
        self._vc = ValidationContext(
            trust_roots=roots,
            other_certs=self.key.chain,
            allow_fetching=True,
            revocation_mode="hard-fail" if level.needs_revocation else "soft-fail",
            fetcher_backend=self._fetchers,
        )
        validator = CertificateValidator(cert, intermediate_certs=self.key.chain, validation_context=self._vc)
        try:
            await validator.async_validate_usage(set())
        except cv_errors.RevokedError:
            raise CertificateRevokedError(
                f"Chứng thư số của {holder} đã bị thu hồi. Không thể ký; liên hệ tổ chức cấp chứng thư.",
                detail="certificate revoked",
            ) from None
        except cv_errors.InsufficientRevinfoError as exc:
            raise RevocationUnavailableError(
                f"Không lấy được thông tin thu hồi (OCSP/CRL) cho chứng thư của {holder}; mức {level.value} "
                "cần thông tin này. Kiểm tra kết nối tới máy chủ OCSP/CRL rồi thử lại (không hạ mức ký).",
                detail=type(exc).__name__,
            ) from None
        except cv_errors.ExpiredError:
            raise CertificateExpiredError(
                f"Một chứng thư trong chuỗi của {holder} đã hết hạn.", detail="chain expired"
            ) from None
        except cv_errors.NotYetValidError:
            raise CertificateNotYetValidError(
                f"Một chứng thư trong chuỗi của {holder} chưa có hiệu lực.", detail="chain not yet valid"
            ) from None
        except (
            cv_errors.PathBuildingError,
            cv_errors.PathValidationError,
            cv_errors.InvalidCertificateError,
        ) as exc:
            raise CertificateChainError(
                f"Không kiểm tra được chuỗi chứng thư của {holder} tới chứng thư gốc tin cậy. "
                "Kiểm tra tệp khóa hoặc thêm --trust ROOT.pem.",
                detail=type(exc).__name__,
            ) from None
        revocation_checked = bool(self._vc.ocsps or self._vc.crls)
        warnings = []
        if not revocation_checked:
            warnings.append("revocation status not reachable (B-B/B-T soft-fail)")
        if level.needs_timestamp:
            self._timestamper = HTTPTimeStamper(
                self.options.tsa_url, timeout=self.options.timeout, session=self._http
            )
            try:
                await self._timestamper.async_dummy_response(self.options.md_algorithm)
            except (TimestampRequestError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise TimestampUnavailableError(
                    f"Máy chủ cấp dấu thời gian (TSA) không trả lời; mức {level.value} cần dấu thời gian. "
                    "Kiểm tra --tsa và kết nối rồi thử lại (không hạ mức ký).",
                    detail=type(exc).__name__,
                ) from None
        self.check = CertificateCheck(holder, not_after, revocation_checked, warnings)
        log.info("signer certificate checked", extra={"level": level.value, "revocation": revocation_checked})
        return self.check

    # -- the three steps ------------------------------------------------------------------

    def _reader_checks(self, data: bytes) -> tuple[IncrementalPdfFileWriter, str]:
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=True)
        except (pdf_misc.PdfError, ValueError, KeyError, TypeError) as exc:
            raise UnreadablePdfError(
                "Tệp PDF không đọc được theo chuẩn (hoặc có cấu trúc lỗi) nên không thể ký an toàn. "
                "Hãy chạy nó qua `sohoa process` hoặc `sohoa dossier` trước rồi ký tệp kết quả.",
                detail=type(exc).__name__,
            ) from None
        reader: PdfFileReader = writer.prev
        if reader.encrypted:
            raise UnreadablePdfError(
                "Tệp PDF được mã hóa: không ký được. Hãy chạy nó qua `sohoa process` hoặc `sohoa dossier` trước.",
                detail="encrypted",
            )
        try:
            certification = read_certification_data(reader)
            existing = list(sig_fields.enumerate_sig_fields(reader))
        except (pdf_misc.PdfError, ValueError, KeyError, TypeError) as exc:
            raise UnreadablePdfError(
                "Không đọc được các chữ ký có sẵn trong tệp PDF. Hãy chạy nó qua `sohoa process` hoặc "
                "`sohoa dossier` trước.",
                detail=type(exc).__name__,
            ) from None
        if certification is not None and certification.permission == sig_fields.MDPPerm.NO_CHANGES:
            raise DocumentLockedError(
                "Tệp PDF đã được chứng thực với quyền 'không cho phép thay đổi': thêm chữ ký sẽ làm hỏng chữ ký "
                "chứng thực. Ký trên bản trước khi khóa, hoặc yêu cầu bản mới.",
                detail="docmdp no changes",
            )
        if self.profile.certify and any(filled for _, filled, _ in existing):
            raise SigningUsageError(
                f"Hồ sơ ký '{self.profile.name}' là chữ ký chứng thực, phải là chữ ký đầu tiên của tệp; "
                "tệp này đã có chữ ký.",
                detail="certify after signatures",
            )
        names = {name for name, _, _ in existing}
        n = len(existing) + 1
        while f"{self.profile.field_prefix}{n}" in names:
            n += 1
        return writer, f"{self.profile.field_prefix}{n}"

    def _metadata(self, field_name: str) -> PdfSignatureMetadata:
        level = self.options.level
        return PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm=self.options.md_algorithm,
            subfilter=sig_fields.SigSeedSubFilter.PADES,
            reason=self.options.reason or self.profile.reason,
            location=self.options.location,
            certify=self.profile.certify,
            docmdp_permissions=DOCMDP[self.profile.docmdp],
            embed_validation_info=level.needs_revocation,
            use_pades_lta=level is Level.B_LTA,
            # B-B/B-T: the session's one check is enough; B-LT/B-LTA: pyHanko collects the paths
            # and revocation data to embed (fetched once, then from this context's cache).
            validation_context=self._vc if level.needs_revocation else None,
            signer_key_usage=set(),
        )

    def _external_signer(self, signature_value: bytes | None = None) -> ExternalSigner:
        size = self.key.signing_cert.public_key.byte_size if signature_value is None else None
        return ExternalSigner(
            self.key.signing_cert,
            self._registry,
            signature_value=signature_value if signature_value is not None else size,
        )

    async def prepare(self, data: bytes) -> PreparedSignature:
        """Step 1: the incremental update with the placeholder, its digest and the signed attributes."""
        await self.open()
        signed_at = datetime.now(UTC).replace(microsecond=0)
        writer, field_name = self._reader_checks(data)
        placement = None
        if self.appearance is not None:
            placement = self._place(writer, data, field_name, signed_at)
            field_name = placement.existing_field or field_name
        placeholder = self._external_signer()
        pdf_signer = PdfSigner(
            self._metadata(field_name),
            signer=placeholder,
            timestamper=self._timestamper,
            stamp_style=placement.style if placement else None,
        )
        try:
            prepared_digest, tbs, output = await pdf_signer.async_digest_doc_for_signing(
                writer, bytes_reserved=self._bytes_reserved
            )
            if self._bytes_reserved is None:
                # pyHanko's estimate (a dry-run CMS + 50%) is the same for every document of the
                # session: same certificates, same TSA. Reuse it instead of rebuilding it each time.
                pd = prepared_digest
                self._bytes_reserved = pd.reserved_region_end - pd.reserved_region_start - 2
            signed_attrs = await placeholder.signed_attrs(
                prepared_digest.document_digest,
                self.options.md_algorithm,
                attr_settings=PdfCMSSignedAttributes(signing_time=signed_at),
                use_pades=True,
                timestamper=self._timestamper,
            )
            # Freshly built asn1crypto values re-encode themselves on every dump(); a parsed copy
            # returns its bytes. The attributes are dumped to be signed and again into the CMS.
            signed_attrs = cms.CMSAttributes.load(signed_attrs.dump())
        except Exception as exc:
            raise self._map_error(exc) from None
        return PreparedSignature(
            field_name=field_name,
            md_algorithm=self.options.md_algorithm,
            prepared_digest=prepared_digest,
            post_sign=tbs.post_sign_instructions,
            output=output,
            signed_attrs=signed_attrs,
            signed_at=signed_at,
            placement=placement,
        )

    def _place(self, writer: IncrementalPdfFileWriter, data: bytes, field_name: str, signed_at: datetime):
        """Find where the visible signature goes and add its field (with the widget) to `writer`."""
        try:
            placement = self.appearance.place(writer.prev, data, signed_at)
            if placement.existing_field is None:
                sig_fields.append_signature_field(
                    writer,
                    sig_fields.SigFieldSpec(
                        field_name,
                        on_page=placement.page_index,
                        box=tuple(round(v, 2) for v in placement.rect),
                    ),
                )
                if placement.image_rect is not None:
                    record_image_rect(writer, field_name, placement.image_rect, placement.block_rect)
        except SigningError:
            raise
        except Exception as exc:
            raise UnreadablePdfError(
                "Không đặt được hình chữ ký vào tệp PDF (cấu trúc trang hoặc lớp chữ không đọc được). "
                "Hãy chạy nó qua `sohoa process` hoặc `sohoa dossier` trước.",
                detail=f"{type(exc).__name__}: {exc}",
            ) from None
        return placement

    async def finish(self, prepared: PreparedSignature, signature: bytes) -> bytes:
        """Step 3: embed the CMS (with the signature timestamp), then DSS and document timestamp."""
        signer = self._external_signer(signature)
        try:
            signature_cms = await signer.async_sign_prescribed_attributes(
                prepared.md_algorithm, signed_attrs=prepared.signed_attrs, timestamper=self._timestamper
            )
            await PdfTBSDocument.async_finish_signing(
                prepared.output,
                prepared.prepared_digest,
                signature_cms,
                post_sign_instr=prepared.post_sign,
                validation_context=self._vc if self.options.level.needs_revocation else None,
            )
        except Exception as exc:
            raise self._map_error(exc) from None
        return prepared.output.getvalue()

    async def sign_bytes(self, data: bytes) -> tuple[bytes, PreparedSignature]:
        """All three steps with this session's key store."""
        prepared = await self.prepare(data)
        signature = await self.key.sign_raw(prepared.to_be_signed, prepared.md_algorithm)
        return await self.finish(prepared, signature), prepared

    async def sign_batch(self, items: list[bytes]) -> list[tuple[bytes, PreparedSignature] | SigningError]:
        """Sign several PDFs with ONE authorisation of the key store.

        Every document is prepared first (its signed attributes built), then the key store signs all
        of them at once when it can (`sign_many`: one CSC authorisation, one SAD for N hashes) or one
        after the other in the same session (PKCS#12, PKCS#11), then every CMS is finished. A document
        that fails (not strict-readable, locked, ...) gets its error in its slot; the others go on.
        A key-store failure (authorisation refused, token removed) fails the documents it did not sign.
        """
        await self.open()
        slots: list[PreparedSignature | SigningError] = []
        for data in items:
            try:
                slots.append(await self.prepare(data))
            except SigningError as exc:
                slots.append(exc)
        ready = [i for i, p in enumerate(slots) if isinstance(p, PreparedSignature)]
        md = self.options.md_algorithm
        signatures: dict[int, bytes | SigningError] = {}
        sign_many = getattr(self.key, "sign_many", None)
        if ready and sign_many is not None:
            try:
                values = await sign_many([slots[i].to_be_signed for i in ready], md)
                signatures = dict(zip(ready, values, strict=True))
            except SigningError as exc:
                signatures = dict.fromkeys(ready, exc)
        else:
            broken: SigningError | None = None
            for i in ready:
                if broken is None:
                    try:
                        signatures[i] = await self.key.sign_raw(slots[i].to_be_signed, md)
                        continue
                    except SigningError as exc:
                        broken = exc  # the key store is gone: do not ask it again for this batch
                signatures[i] = broken
        results: list[tuple[bytes, PreparedSignature] | SigningError] = []
        for i, slot in enumerate(slots):
            if isinstance(slot, SigningError):
                results.append(slot)
            elif isinstance(signatures[i], SigningError):
                results.append(signatures[i])
            else:
                try:
                    results.append((await self.finish(slot, signatures[i]), slot))
                except SigningError as exc:
                    results.append(exc)
        return results

    def _map_error(self, exc: Exception) -> Exception:
        if isinstance(exc, SigningError):
            return exc
        chain = []
        cur: BaseException | None = exc
        while cur is not None and len(chain) < 10:
            chain.append(cur)
            cur = cur.__cause__ or cur.__context__
        level = self.options.level.value
        for e in chain:
            if isinstance(e, TimestampRequestError | aiohttp.ClientError | TimeoutError):
                return TimestampUnavailableError(
                    f"Máy chủ cấp dấu thời gian (TSA) không trả lời; mức {level} cần dấu thời gian. "
                    "Kiểm tra --tsa và kết nối rồi thử lại (không hạ mức ký).",
                    detail=type(e).__name__,
                )
            if isinstance(e, cv_errors.RevokedError):
                return CertificateRevokedError(
                    "Một chứng thư (người ký hoặc TSA) đã bị thu hồi. Không thể ký.", detail="revoked"
                )
            if isinstance(e, cv_errors.InsufficientRevinfoError):
                return RevocationUnavailableError(
                    f"Không lấy được thông tin thu hồi (OCSP/CRL); mức {level} cần thông tin này. "
                    "Kiểm tra kết nối tới máy chủ OCSP/CRL rồi thử lại (không hạ mức ký).",
                    detail=type(e).__name__,
                )
            if isinstance(e, cv_errors.PathBuildingError | cv_errors.PathValidationError):
                return CertificateChainError(
                    "Không kiểm tra được chuỗi chứng thư (người ký hoặc TSA) tới chứng thư gốc tin cậy.",
                    detail=type(e).__name__,
                )
        if isinstance(exc, pdf_misc.PdfError) and not isinstance(exc, HankoSigningError):
            return UnreadablePdfError(
                "Tệp PDF có cấu trúc không ký được. Hãy chạy nó qua `sohoa process` hoặc `sohoa dossier` trước.",
                detail=type(exc).__name__,
            )
        return SigningError(
            "Không ký được tệp PDF (lỗi trong quá trình ký). Xem nhật ký để biết chi tiết kỹ thuật.",
            detail=f"{type(exc).__name__}: {exc}",
        )

    async def aclose(self) -> None:
        await self._http.close()
        await self._fetchers.close()


class Signer:
    """Synchronous facade over `SigningSession` for the command line and batches.

    >>> with Signer(Pkcs12KeyStore(p12, passphrase), SignOptions(level=Level.B_LT, tsa_url=url)) as s:
    ...     for pdf in pdfs:
    ...         s.sign_file(pdf, out_dir / pdf.name)
    """

    def __init__(self, key: KeyStore, options: SignOptions | None = None):
        self.session = SigningSession(key, options)
        # A plain loop, not asyncio.Runner: Runner.run installs a SIGINT handler per call, and
        # signal.signal formats the handler's repr (the task and its asn1crypto arguments) each
        # time, which costs more than a B-B signature.
        self._loop = asyncio.new_event_loop()

    def _run(self, coro):
        return self._loop.run_until_complete(coro)

    def __enter__(self) -> Signer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> CertificateCheck:
        return self._run(self.session.open())

    def sign_bytes(self, data: bytes) -> bytes:
        return self._run(self.session.sign_bytes(data))[0]

    def sign_file(self, src: Path, dst: Path) -> SignResult:
        """Sign `src` into `dst` (written atomically; `dst` is untouched when signing is refused)."""
        t0 = time.perf_counter()
        try:
            data = Path(src).read_bytes()
        except OSError as exc:
            raise UnreadablePdfError(
                f"Không đọc được tệp '{Path(src).name}'.", detail=type(exc).__name__
            ) from None
        signed, prepared = self._run(self.session.sign_bytes(data))
        dst = Path(dst)
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.part")
        tmp.write_bytes(signed)
        tmp.replace(dst)
        seconds = time.perf_counter() - t0
        log.info(
            "signed",
            extra={
                "field": prepared.field_name,
                "level": self.session.options.level.value,
                "bytes": len(signed),
            },
        )
        page = prepared.placement.page_index + 1 if prepared.placement else None
        return SignResult(
            dst, prepared.field_name, self.session.options.level, prepared.signed_at, seconds, page
        )

    def sign_files(self, pairs: list[tuple[Path, Path]]) -> list[SignResult | SigningError]:
        """Sign each (src, dst) with one authorisation per batch (see `SigningSession.sign_batch`);
        the result list says, per document, what was written or why it was refused."""
        t0 = time.perf_counter()
        results: list[SignResult | SigningError | None] = [None] * len(pairs)
        datas: list[tuple[int, bytes]] = []
        for i, (src, _) in enumerate(pairs):
            try:
                datas.append((i, Path(src).read_bytes()))
            except OSError as exc:
                results[i] = UnreadablePdfError(
                    f"Không đọc được tệp '{Path(src).name}'.", detail=type(exc).__name__
                )
        # A store that limits what one authorisation covers (CSC multisign) gets batches of that size.
        chunk = getattr(self.session.key, "max_batch", None) or max(1, len(datas))
        level = self.session.options.level
        for start in range(0, len(datas), chunk):
            part = datas[start : start + chunk]
            for (i, _), outcome in zip(
                part, self._run(self.session.sign_batch([d for _, d in part])), strict=True
            ):
                if isinstance(outcome, SigningError):
                    results[i] = outcome
                    continue
                signed, prepared = outcome
                dst = Path(pairs[i][1])
                dst.parent.mkdir(parents=True, exist_ok=True)
                tmp = dst.with_name(f".{dst.name}.part")
                tmp.write_bytes(signed)
                tmp.replace(dst)
                page = prepared.placement.page_index + 1 if prepared.placement else None
                results[i] = SignResult(
                    dst, prepared.field_name, level, prepared.signed_at, time.perf_counter() - t0, page
                )
        failed = sum(isinstance(r, SigningError) for r in results)
        log.info("batch signed", extra={"documents": len(pairs), "failed": failed, "level": level.value})
        return results

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self._run(self.session.aclose())
            self._run(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()


def sign_pdf(src: Path, dst: Path, key: KeyStore, options: SignOptions | None = None) -> SignResult:
    """Sign one PDF (see `Signer` for batches, which reuse the certificate check and revocation data)."""
    with Signer(key, options) as signer:
        return signer.sign_file(src, dst)


def _holder(cert: asn1_x509.Certificate) -> str:
    try:
        return cert.subject.native.get("common_name") or cert.subject.human_friendly
    except Exception:
        return "người ký"


def load_certificates(paths: Iterable[Path]) -> tuple[asn1_x509.Certificate, ...]:
    """PEM or DER certificate files (several PEM blocks per file allowed)."""
    from asn1crypto import pem

    certs = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            for _, _, der in pem.unarmor(data, multiple=True):
                certs.append(asn1_x509.Certificate.load(der))
        else:
            certs.append(asn1_x509.Certificate.load(data))
    return tuple(certs)
