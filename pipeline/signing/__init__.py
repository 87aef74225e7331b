"""PAdES signing and verification of sohoa's PDFs (B-B, B-T, B-LT, B-LTA) with pyHanko.

`sign.py` is the interrupted signing flow (digest → signature → finish) shared by every key store
(`keys.py`); `verify.py` checks every signature of a PDF; `profiles.py` says who signs how;
`errors.py` the refusals. See docs/signing.md.
"""

from .errors import SigningError
from .keys import KeyStore, Pkcs12KeyStore
from .profiles import PROFILES, SigningProfile
from .sign import Level, PreparedSignature, Signer, SigningSession, SignOptions, load_certificates, sign_pdf

__all__ = [
    "PROFILES",
    "KeyStore",
    "Level",
    "Pkcs12KeyStore",
    "PreparedSignature",
    "SignOptions",
    "Signer",
    "SigningError",
    "SigningProfile",
    "SigningSession",
    "load_certificates",
    "sign_pdf",
]
