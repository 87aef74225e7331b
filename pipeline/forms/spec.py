"""The shape of a form table, and `fold`, the diacritic-free form labels are matched on."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (so positions map back): `Đặng` → `dang`.

    OCR often slips on Vietnamese diacritics; labels are matched on this folded form.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


@dataclass(frozen=True)
class LabelSpec:
    """A printed label and the field its value fills, possibly only within one section."""

    field: str
    aliases: tuple[str, ...]
    section: str | None = None  # None: any section
    #: `same_line`: the value follows the label on its line; it may run on to the next line.
    multiline: bool = False


@dataclass(frozen=True)
class VersionSpec:
    """A form version and the phrases that tell it apart (all must appear, none of `absent`)."""

    name: str
    markers: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSpec:
    doc_type: str
    #: Titles that open a document of this type (the first page).
    titles: tuple[str, ...]
    #: Phrases of the later pages of a multi-page form (they continue the open document).
    continuation: tuple[str, ...] = ()
    versions: tuple[VersionSpec, ...] = ()
    #: Phrases that open a section (e.g. the mother's block); labels may depend on the section.
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: tuple[LabelSpec, ...] = ()
