"""PAdES signing and verification of sohoa's PDFs (B-B, B-T, B-LT, B-LTA) with pyHanko.

`sign.py` is the interrupted signing flow (digest → signature → finish) shared by every key store
(`keys.py`: PKCS#12 file, PKCS#11 token/HSM, CSC remote service; a batch with one authorisation);
`service.py` keeps key stores open for the `sign` worker; `verify.py` checks every signature of a PDF; `profiles.py` says who signs how
(`sohoa.schemas.signing.SignerProfile`, built-in or from sohoa.toml); `appearance.py` what a visible
signature looks like and where it goes;
`errors.py` the refusals. See docs/signing.md.
"""

from ...schemas.signing import SignerProfile
from .errors import SigningError
from .keys import CscKeyStore, KeyStore, Pkcs11KeyStore, Pkcs12KeyStore, open_key_store
from .profiles import PROFILES, get_profile
from .sign import Level, PreparedSignature, Signer, SigningSession, SignOptions, load_certificates, sign_pdf

__all__ = [
    "PROFILES",
    "CscKeyStore",
    "KeyStore",
    "Level",
    "Pkcs11KeyStore",
    "Pkcs12KeyStore",
    "PreparedSignature",
    "SignOptions",
    "Signer",
    "SigningError",
    "SignerProfile",
    "SigningSession",
    "get_profile",
    "load_certificates",
    "open_key_store",
    "sign_pdf",
]
