"""Why a signature is refused: the `SigningError` family (CONTRACT.md exit codes: 1 refused, 2 bad
usage, 3 missing tool), each with a stable code and a Vietnamese message that says what to do.

pyHanko's and pyhanko-certvalidator's exceptions are mapped to these once, in `sign.py`. Messages
name the certificate holder at most, never a passphrase, a key or document content.
"""

from __future__ import annotations

from ..errors import SohoaError


class SigningError(SohoaError):
    """A signature that was not made. Nothing was written to the output file."""

    code = "signing_refused"


class SigningUsageError(SigningError):
    """The command was given options that do not fit together (e.g. B-T without a TSA)."""

    exit_code = 2
    code = "signing_usage"


class KeyStoreError(SigningError):
    """The key store (PKCS#12 file) cannot be read."""

    code = "key_store_unreadable"


class WrongPassphraseError(KeyStoreError):
    code = "wrong_passphrase"


class CertificateExpiredError(SigningError):
    code = "certificate_expired"


class CertificateNotYetValidError(SigningError):
    code = "certificate_not_yet_valid"


class CertificateRevokedError(SigningError):
    code = "certificate_revoked"


class KeyUsageError(SigningError):
    """The certificate does not allow signing (neither digitalSignature nor nonRepudiation)."""

    code = "certificate_key_usage"


class CertificateChainError(SigningError):
    """The certificate's chain cannot be built or validated up to a trusted root."""

    code = "certificate_chain"


class TimestampUnavailableError(SigningError):
    """B-T and above: the time-stamping authority did not answer (never downgraded to B-B)."""

    code = "tsa_unreachable"


class RevocationUnavailableError(SigningError):
    """B-LT and above: OCSP/CRL for the chain could not be fetched (never downgraded)."""

    code = "revocation_unreachable"


class DocumentLockedError(SigningError):
    """The PDF is certified with no changes allowed: any new signature would break it."""

    code = "document_locked"


class UnreadablePdfError(SigningError):
    """The input fails pyHanko's strict reading (or is encrypted): signing it would be unsafe."""

    code = "pdf_not_signable"


class SignerProfileError(SigningUsageError):
    """A signer profile that cannot be used: an image or font missing or unreadable, a key store
    not set, an appearance without what it needs (e.g. a leader appearance with no signature image)."""

    code = "signer_profile"


class SignaturePositionError(SigningError):
    """Where the visible signature goes cannot be found in this PDF (the signer's name is not in the
    text layer, the named field does not exist, the agency's seal has no leader's signature to go on)."""

    code = "signature_position_not_found"


class WrongPinError(KeyStoreError):
    """A PKCS#11 token refused the user PIN."""

    code = "wrong_pin"


class KeyNotFoundError(KeyStoreError):
    """The token, the key label/id or the remote credential named in the profile does not exist."""

    code = "key_not_found"


class SecretMissingError(KeyStoreError):
    """No passphrase/PIN/token: the environment variable is not set and nobody can be asked."""

    exit_code = 2
    code = "secret_missing"


class TokenSessionError(KeyStoreError):
    """The PKCS#11 session broke (token removed, session closed, device error) while signing."""

    code = "token_session"


class RemoteSigningError(KeyStoreError):
    """The remote signing service (CSC) could not be reached or answered with an error."""

    code = "remote_signing_unavailable"


class AuthorisationRefusedError(SigningError):
    """The signer refused (or did not give) the authorisation for the batch (CSC credentials/authorize,
    a leader declining on the phone)."""

    code = "authorisation_refused"
