"""Check every signature of a PDF (`sohoa verify`, CONTRACT.md "sohoa verify --json").

For each signature: who signed, integrity (the signed byte ranges hash to the signed digest), the
cryptographic validity, the chain to the trust anchors given (`--trust`; none given = nothing is
trusted), revocation, the signature timestamp, the PAdES level reached and whether what was
appended after it is an allowed change (a later signature, DSS or document-timestamp updates) or
tampering (anything else: a page added, content edited).

Levels: B-B a CAdES/CMS signature; B-T with a valid signature timestamp; B-LT when, in addition,
the DSS holds what is needed to validate the signer's and the TSA's chains offline (certificates,
OCSP responses/CRLs); B-LTA when, in addition, a valid document timestamp covers that DSS.
Document timestamps are not listed as signatures of their own: they raise the level of the
signatures before them, and a broken one is a problem of those signatures.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import misc as pdf_misc
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    KeyUsageConstraints,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

_SIGNING_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


@dataclass
class SignatureReport:
    """One entry of `signatures` in `sohoa verify --json` (field names are the contract's)."""

    field: str
    signer: str | None
    signed_at: str | None
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    level: str
    timestamp: dict | None
    covers_whole_file: bool
    changes_after: str  # none | allowed | disallowed
    problems: list[str] = field(default_factory=list)


@dataclass
class VerifyReport:
    file: str
    signatures: list[SignatureReport]
    ok: bool
    #: Problems of the file as a whole (unreadable, no signature); not in the contract's JSON.
    file_problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The contract's `sohoa verify --json` object, exactly."""
        return {
            "file": self.file,
            "signatures": [asdict(s) for s in self.signatures],
            "ok": self.ok,
        }


def verify_pdf(
    path: Path,
    trust: tuple[asn1_x509.Certificate, ...] | list = (),
    *,
    allow_fetching: bool = True,
    timeout: float = 10.0,
) -> VerifyReport:
    """Check every signature of the PDF at `path` against the trust anchors `trust`."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(
            averify_pdf(path, trust, allow_fetching=allow_fetching, timeout=timeout)
        )
    finally:
        loop.close()


async def averify_pdf(
    path: Path,
    trust=(),
    *,
    allow_fetching: bool = True,
    timeout: float = 10.0,
) -> VerifyReport:
    path = Path(path)
    try:
        data = path.read_bytes()
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        regular = list(reader.embedded_regular_signatures)
        doc_timestamps = list(reader.embedded_timestamp_signatures)
    except (OSError, pdf_misc.PdfError, ValueError, KeyError, TypeError) as exc:
        msg = f"Không đọc được tệp PDF hoặc các chữ ký trong đó ({type(exc).__name__})."
        return VerifyReport(str(path), [], False, [msg])
    if not regular:
        return VerifyReport(str(path), [], False, ["Tệp PDF không có chữ ký số nào."])

    fetchers = AIOHttpFetcherBackend(per_request_timeout=timeout)
    try:
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except Exception:
            dss = None
        trust = list(trust)

        def context(**kwargs) -> ValidationContext:
            kwargs.setdefault("trust_roots", trust)
            if dss is not None:
                return dss.as_validation_context(kwargs)
            return ValidationContext(**kwargs)

        ts_reports = []
        for ts in doc_timestamps:
            ts_reports.append((ts, await _check_doc_timestamp(ts, context(allow_fetching=False))))

        reports = []
        for sig in regular:
            vc = context(allow_fetching=allow_fetching, revocation_mode="soft-fail", fetcher_backend=fetchers)
            reports.append(await _check_signature(sig, vc, context, ts_reports, dss is not None, bool(trust)))
    finally:
        await fetchers.close()
    ok = all(not r.problems for r in reports)
    return VerifyReport(str(path), reports, ok)


async def _check_doc_timestamp(ts: EmbeddedPdfSignature, vc: ValidationContext) -> bool:
    try:
        status = await async_validate_pdf_timestamp(ts, validation_context=vc)
    except Exception:
        return False
    return bool(status.intact and status.valid and status.trusted)


def _cn(cert: asn1_x509.Certificate) -> str:
    try:
        return cert.subject.native.get("common_name") or cert.subject.human_friendly
    except Exception:
        return cert.subject.human_friendly


async def _offline_chain_ok(cert, other_certs, context, moment: datetime) -> bool:
    """Can `cert` be validated with the DSS alone (no fetching, revocation data required)?"""
    vc = context(
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
        retroactive_revinfo=True,
        other_certs=list(other_certs),
    )
    try:
        await CertificateValidator(
            cert, intermediate_certs=list(other_certs), validation_context=vc
        ).async_validate_usage(set())
        return True
    except (cv_errors.PathBuildingError, cv_errors.PathValidationError, cv_errors.ValidationError):
        return False


async def _check_signature(
    sig: EmbeddedPdfSignature, vc, context, ts_reports, has_dss: bool, has_trust: bool
) -> SignatureReport:
    problems: list[str] = []
    try:
        status = await async_validate_pdf_signature(
            sig, signer_validation_context=vc, ts_validation_context=vc, key_usage_settings=_SIGNING_KEY_USAGE
        )
    except Exception as exc:
        return SignatureReport(
            field=sig.field_name,
            signer=None,
            signed_at=None,
            intact=False,
            valid=False,
            trusted=False,
            revoked=False,
            level="B-B",
            timestamp=None,
            covers_whole_file=False,
            changes_after="disallowed",
            problems=[f"Không kiểm tra được chữ ký ({type(exc).__name__}): cấu trúc chữ ký bị hỏng."],
        )

    if not status.intact:
        problems.append("Nội dung đã ký bị thay đổi (giả mạo): mã băm của phần được ký không khớp.")
    if not status.valid:
        problems.append("Chữ ký số không hợp lệ về mặt mật mã.")
    if status.revoked:
        problems.append("Chứng thư số của người ký đã bị thu hồi.")
    elif status.intact and status.valid and not status.trusted:
        if has_trust:
            problems.append("Chứng thư số của người ký không dẫn tới chứng thư gốc tin cậy đã cho (--trust).")
        else:
            problems.append("Chưa cho chứng thư gốc tin cậy: thêm --trust ROOT.pem để kiểm tra người ký.")

    timestamp = None
    ts_ok = False
    tst = status.timestamp_validity
    if tst is not None:
        ts_ok = bool(tst.intact and tst.valid and tst.trusted)
        timestamp = {
            "time": tst.timestamp.isoformat(),
            "tsa": _cn(tst.signing_cert),
            "intact": bool(tst.intact),
            "valid": bool(tst.valid),
            "trusted": bool(tst.trusted),
        }
        if not ts_ok:
            problems.append("Dấu thời gian của chữ ký không hợp lệ hoặc không tin cậy.")

    coverage = status.coverage
    covers_whole_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    if covers_whole_file:
        changes_after = "none"
    elif coverage == SignatureCoverageLevel.ENTIRE_REVISION and (
        status.modification_level in (ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
        and status.docmdp_ok is not False
    ):
        changes_after = "allowed"
    else:
        changes_after = "disallowed"
        problems.append(
            "Tệp bị sửa sau khi ký bằng thay đổi không được phép (giả mạo): ví dụ thêm trang hoặc sửa nội dung."
        )

    # The PAdES level reached.
    level = "B-B"
    if ts_ok:
        level = "B-T"
        if has_dss and status.intact and status.valid:
            moment = tst.timestamp
            signer_ok = await _offline_chain_ok(sig.signer_cert, sig.other_embedded_certs, context, moment)
            tsa_ok = await _offline_chain_ok(tst.signing_cert, _ts_certs(sig), context, moment)
            if signer_ok and tsa_ok:
                level = "B-LT"
                sig_end = sig.signed_revision
                later = [(ts, good) for ts, good in ts_reports if ts.signed_revision > sig_end]
                if any(good for _, good in later):
                    level = "B-LTA"
    for _ts, good in ts_reports:
        if not good and _ts.signed_revision > sig.signed_revision:
            problems.append("Một dấu thời gian tài liệu sau chữ ký này không hợp lệ.")
            break

    signed_at = tst.timestamp if tst is not None else status.signer_reported_dt
    return SignatureReport(
        field=sig.field_name,
        signer=_cn(status.signing_cert),
        signed_at=signed_at.isoformat() if signed_at else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        level=level,
        timestamp=timestamp,
        covers_whole_file=covers_whole_file,
        changes_after=changes_after,
        problems=problems,
    )


def _ts_certs(sig: EmbeddedPdfSignature) -> list:
    """Certificates carried in the signature timestamp token (the TSA's chain)."""
    try:
        certs = []
        for signed_data in extract_tst_data_iter(sig.signer_info, signed=False):
            certs += [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
        return certs
    except Exception:
        return []
