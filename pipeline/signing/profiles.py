"""Signer profiles: who signs a dossier and how (`sohoa sign --profile NAME`).

A profile is data: the reason written into the signature, the prefix of the signature field's name,
and whether it is a certification (author) signature with its DocMDP permission. The default level
stays a command-line choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.sign.fields import MDPPerm


@dataclass(frozen=True)
class SigningProfile:
    name: str
    #: Written into the signature dictionary (/Reason); Vietnamese, shown by PDF readers.
    reason: str | None
    #: The new signature field is named f"{field_prefix}{n}" (n = 1 + signatures already there).
    field_prefix: str
    #: A certification signature must be the first; `docmdp` says what may follow it.
    certify: bool = False
    docmdp: MDPPerm = MDPPerm.FILL_FORMS
    description: str = ""


PROFILES: dict[str, SigningProfile] = {
    p.name: p
    for p in (
        SigningProfile("default", None, "Signature", description="an approval signature"),
        SigningProfile(
            "digitiser",
            "Số hóa từ bản gốc giấy",
            "Digitiser",
            description="the clerk who digitised the paper original (approval signature)",
        ),
        SigningProfile(
            "agency",
            "Xác thực bản số hóa của cơ quan",
            "Agency",
            certify=True,
            docmdp=MDPPerm.FILL_FORMS,
            description="the agency certifies the digitised copy; later signatures remain allowed",
        ),
        SigningProfile(
            "leader",
            "Lãnh đạo phê duyệt",
            "Leader",
            description="a leader's approval signature",
        ),
        SigningProfile(
            "final",
            "Khóa hồ sơ: không cho phép thay đổi",
            "Final",
            certify=True,
            docmdp=MDPPerm.NO_CHANGES,
            description="certification that forbids every later change (only DSS/timestamp updates)",
        ),
    )
}
