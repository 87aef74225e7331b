"""Signer profiles: who signs a document and how (`sohoa sign --profile NAME`).

One notion: `SignerProfile` (`sohoa.schemas.signing`). The built-in profiles below work with no
configuration (invisible signatures with the role's reason and field name); `sohoa.toml` adds its
own under `[signer_profiles.NAME]` — a leader with name, title, authority lines and signature image,
an agency with name and seal image, a digitiser — each bound to a key store. A configured profile
with the name of a built-in one replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyhanko.sign.fields import MDPPerm

from ...schemas.signing import SignerProfile
from .errors import SigningUsageError

#: Built-in profiles, usable without any configuration.
PROFILES: dict[str, SignerProfile] = {
    "default": SignerProfile(),
    "leader": SignerProfile(role="leader"),
    # The agency signs after the leader (its seal over the leader's signature), so by default it
    # does not certify: a certification signature must be a document's first.
    "agency": SignerProfile(role="agency"),
    # The agency's signature on a digitised copy (Decree 30/2020, Art. 25): the copy stamp top right.
    "copy": SignerProfile(
        role="agency", reason="Sao y từ bản chính giấy", field_prefix="Copy", appearance="copy"
    ),
    "digitiser": SignerProfile(role="digitiser"),
    # Locks the document: a certification signature after which nothing may change.
    "final": SignerProfile(
        role="agency",
        reason="Khóa hồ sơ: không cho phép thay đổi",
        field_prefix="Final",
        certify=True,
        docmdp="no_changes",
        appearance="none",
    ),
}

DOCMDP = {
    "no_changes": MDPPerm.NO_CHANGES,
    "fill_forms": MDPPerm.FILL_FORMS,
    "annotate": MDPPerm.ANNOTATE,
}


def profile_names(configured: Mapping[str, SignerProfile] | None = None) -> list[str]:
    return list(dict.fromkeys([*PROFILES, *(configured or {})]))


def get_profile(name: str, configured: Mapping[str, SignerProfile] | None = None) -> SignerProfile:
    """The configured profile `name`, else the built-in one; unknown names are a usage error."""
    if configured and name in configured:
        return configured[name]
    try:
        return PROFILES[name]
    except KeyError:
        raise SigningUsageError(
            f"Không có hồ sơ ký '{name}'. Các hồ sơ: {', '.join(profile_names(configured))} "
            "(thêm hồ sơ trong sohoa.toml, mục [signer_profiles.TÊN]).",
            detail="unknown profile",
        ) from None
