"""Signer profiles: who signs, with which key, and what the signature looks like on the page.

A profile is data read from `sohoa.toml` (`[signer_profiles.NAME]`, see docs/configuration.md and
docs/signing.md) or one of the built-in profiles of `sohoa.pipeline.signing.profiles`. It names a
role (leader, agency, digitiser), the identity shown in the appearance (name, title, authority
lines, agency name), the images (a blue signature PNG, a red seal PNG), where the signature goes,
and the key store that holds the key. `sohoa sign --profile NAME` uses one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .common import StrictModel, Text

Role = Literal["default", "leader", "agency", "digitiser"]
#: none: an invisible signature; leader: signature image + name, title, time; seal: the agency's
#: red seal over the left third of the leader's signature image; copy: the agency's stamp top right
#: of page 1 of a digitised copy (copy form, agency name, time, optional seal); digitiser: name and
#: time top right of page 1, under the copy stamp.
AppearanceKind = Literal["none", "leader", "seal", "copy", "digitiser"]
DocMdp = Literal["no_changes", "fill_forms", "annotate"]
LevelName = Literal["B-B", "B-T", "B-LT", "B-LTA"]

#: Authority prefixes of Vietnamese administrative signature blocks (Decree 30/2020, Appendix I):
#: TM. (on behalf of a collective), KT. (deputy signing for the head), TL. (by order of),
#: TUQ. (by authorisation of), Q. (acting).
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
_PREFIX_LIKE = re.compile(r"^(tm|kt|tl|tuq|q)\.?\s", re.IGNORECASE)

#: What a role means when a profile says nothing else: (reason, signature field prefix, appearance).
ROLE_DEFAULTS: dict[str, tuple[str | None, str, AppearanceKind]] = {
    "default": (None, "Signature", "none"),
    "leader": ("Lãnh đạo phê duyệt", "Leader", "leader"),
    "agency": ("Cơ quan ban hành xác thực", "Agency", "seal"),
    "digitiser": ("Số hóa từ bản gốc giấy", "Digitiser", "digitiser"),
}


class KeyStoreRef(StrictModel):
    """Where the profile's key lives: a PKCS#12 file, a PKCS#11 token/HSM or a CSC remote service.

    Secrets are never written here: each is read from the environment variable named (the command
    line asks for it when the variable is not set; a worker cannot ask and refuses)."""

    type: Literal["pkcs12", "pkcs11", "csc"] = "pkcs12"
    path: Path | None = Field(
        None, description="pkcs12: the .p12/.pfx file; relative to the sohoa.toml folder"
    )
    passphrase_env: str | None = Field(
        None, description="pkcs12: environment variable holding the passphrase (default: ask for it)"
    )
    module: Path | None = Field(
        None, description="pkcs11: the token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so"
    )
    token_label: str | None = Field(None, description="pkcs11: label of the token")
    key_label: str | None = Field(None, description="pkcs11: label of the private key")
    key_id: str | None = Field(
        None, description="pkcs11: CKA_ID of the private key, hex (instead of key_label)"
    )
    cert_label: str | None = Field(None, description="pkcs11: label of the certificate (default: key_label)")
    pin_env: str | None = Field(None, description="pkcs11: environment variable holding the user PIN")
    url: str | None = Field(None, description="csc: base URL of the CSC API v1 service (…/csc/v1 is added)")
    credential_id: str | None = Field(None, description="csc: the credential (default: the only one listed)")
    token_env: str | None = Field(None, description="csc: environment variable holding the bearer token")

    @model_validator(mode="after")
    def _needs(self) -> KeyStoreRef:
        required = {"pkcs12": ("path",), "pkcs11": ("module", "token_label"), "csc": ("url",)}[self.type]
        missing = [name for name in required if getattr(self, name) is None]
        if missing:
            raise ValueError(f"key store of type {self.type} needs {', '.join(missing)}")
        if self.type == "pkcs11" and self.key_label is None and self.key_id is None:
            raise ValueError("key store of type pkcs11 needs key_label or key_id")
        return self


class SignaturePosition(StrictModel):
    """Where a visible signature goes. The first that applies wins: `field`, `box`, `anchor`;
    with none of them each appearance has its default (leader: found by the signer's name in the
    text layer; seal: over the leader's signature; copy and digitiser: top right of page 1)."""

    field: str | None = Field(None, description="Name of an empty signature field of the PDF to sign into")
    page: int = Field(1, description="Page of `box`: 1 = first, -1 = last")
    box: tuple[float, float, float, float] | None = Field(
        None, description="x1, y1, x2, y2 in points (1/72 inch), origin bottom left of the page"
    )
    anchor: list[Text] = Field(
        default_factory=list,
        description="Texts searched in the text layer (last page first); default: the signer's name",
    )

    @field_validator("page")
    @classmethod
    def _page_not_zero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("page is 1-based (1 = first page, -1 = last page)")
        return v


class SignerProfile(StrictModel):
    """One signer profile. Unset reason/field prefix/appearance follow the role (ROLE_DEFAULTS)."""

    role: Role = "default"
    reason: Text | None = Field(None, description="Written into the signature (/Reason)")
    field_prefix: str | None = Field(
        None, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", description="New signature fields are named PREFIXn"
    )
    certify: bool = Field(False, description="A certification signature (must be the document's first)")
    docmdp: DocMdp = Field("fill_forms", description="What a certification signature lets follow it")
    appearance: AppearanceKind | None = Field(
        None, description="What the signature looks like; default: the role's, when its images are set"
    )

    name: Text | None = Field(None, description="The signer's full name (leader, digitiser)")
    title: Text | None = Field(None, description="The signer's title, e.g. PHÓ CHỦ TỊCH")
    authority: list[Text] = Field(
        default_factory=list, description="Authority lines above the title, e.g. ['KT. CHỦ TỊCH']"
    )
    signature_image: Path | None = Field(None, description="Handwritten signature: blue, transparent PNG")
    signature_width_mm: float = Field(35.0, gt=5, le=120, description="Width of the signature image")
    agency: Text | None = Field(None, description="The agency's name (agency profiles)")
    seal_image: Path | None = Field(None, description="The agency's seal: red, transparent PNG")
    seal_size_mm: float = Field(36.0, gt=5, le=80, description="Real diameter (width) of the seal")
    copy_form: Text = Field("SAO Y", description="Copy form on a digitised copy (SAO Y, SAO LỤC, ...)")
    copy_seal: bool = Field(False, description="Show the seal image in the copy stamp")

    time_format: str = Field(
        "%H:%M:%S %d/%m/%Y %:z", description="strftime format of the signing time; %:z gives +07:00"
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of the time shown")
    font: Path | None = Field(None, description="Regular font file (default: Liberation Serif)")
    font_bold: Path | None = Field(None, description="Bold font file (default: Liberation Serif Bold)")
    font_size: float = Field(10.0, ge=5, le=24)
    position: SignaturePosition = Field(default_factory=SignaturePosition)

    key_store: KeyStoreRef | None = Field(
        None, description="The key (PKCS#12, PKCS#11 or CSC); `sohoa sign --p12` overrides it"
    )
    level: LevelName | None = Field(None, description="Default PAdES level (`--level` overrides it)")
    tsa_url: str | None = Field(None, description="Default time-stamping authority (`--tsa` overrides it)")

    @field_validator("authority")
    @classmethod
    def _authority_prefixes(cls, lines: list[str]) -> list[str]:
        for line in lines:
            if _PREFIX_LIKE.match(line) and not line.startswith(AUTHORITY_PREFIXES):
                raise ValueError(
                    f"authority line {line!r}: write the prefix as one of {', '.join(AUTHORITY_PREFIXES)}"
                )
        return lines

    @model_validator(mode="after")
    def _role_defaults(self) -> SignerProfile:
        reason, prefix, _ = ROLE_DEFAULTS[self.role]
        if self.reason is None and reason is not None:
            self.reason = reason
        if self.field_prefix is None:
            self.field_prefix = prefix
        return self

    @property
    def appearance_kind(self) -> AppearanceKind:
        """The appearance asked for, or the role's when what it needs is configured, else none."""
        if self.appearance is not None:
            return self.appearance
        kind = ROLE_DEFAULTS[self.role][2]
        needs = {
            "leader": self.signature_image,
            "seal": self.seal_image,
            "digitiser": self.name,
            "none": True,
        }
        return kind if needs.get(kind) else "none"

    @property
    def title_lines(self) -> list[str]:
        """Authority lines then the title: the block printed above the signature image."""
        return [*self.authority, *([self.title] if self.title else [])]

    def resolved(self, base: Path) -> SignerProfile:
        """A copy whose relative file paths are taken relative to `base` (the sohoa.toml folder)."""

        def fix(p: Path | None) -> Path | None:
            return p if p is None or p.is_absolute() else base / p

        update = {
            k: fix(getattr(self, k))
            for k in ("signature_image", "seal_image", "font", "font_bold")
            if getattr(self, k) is not None
        }
        if self.key_store is not None:
            update["key_store"] = self.key_store.model_copy(
                update={"path": fix(self.key_store.path), "module": fix(self.key_store.module)}
            )
        return self.model_copy(update=update)
