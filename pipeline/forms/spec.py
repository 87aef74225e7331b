"""The shape of a form table, and `fold`, the diacritic-free form labels are matched on.

A form table says, for one document type: the titles that open it, the phrases of its later pages,
its versions and what tells them apart, its sections (a parent's block, a spouse's column), its
labels with the field each one fills, the printed labels that fill no field (they end the value
before them), the values printed without a label (a serial alone on its line), and its printed
phrases as printed (`printed`: what recognition may put back). Extraction and
classification read only these tables: a new form version is an edit here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (so positions map back): `Đặng` → `dang`.

    OCR often slips on Vietnamese diacritics; labels are matched on this folded form.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐÐ":  # `Ð` (U+00D0): OCR's reading of a capital `Đ`
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


_NON_WORD = re.compile(r"[^a-z0-9]+")


def tokens(text: str) -> tuple[str, ...]:
    """Folded words without punctuation: `Họ, chữ đệm, tên:` → ('ho', 'chu', 'dem', 'ten')."""
    return tuple(t for t in _NON_WORD.split(fold(text)) if t)


Sections = str | tuple[str, ...] | None


@dataclass(frozen=True)
class LabelSpec:
    """A printed label and the field its value fills, possibly only within some sections."""

    field: str
    aliases: tuple[str, ...]
    #: The section(s) the label belongs to; None: any section.
    section: Sections = None
    #: The value may run on to the next line(s) of its column, or sit below a label ending its line.
    multiline: bool = False
    #: Further fields read from the same value (`Đã chết vào lúc: 05 giờ 15 phút, ngày 09/01/2020`
    #: gives the time and the date of death).
    also: tuple[str, ...] = ()
    #: When the label appears more than once, prefer the one on the same row as this field's label
    #: (the registration `Số:` sits next to `Quyển số:`; the extract's own number does not).
    prefer_row_with: str | None = None
    #: The value belongs on the row of this field's label: where that row was found, the label
    #: elsewhere (the signer's `Vũng Tàu, ngày 24 tháng 02 năm 2023` for the registration `ngày`)
    #: is no candidate; where it was not, the value is never reported as sure.
    row_with: str | None = None
    #: Cut the value as this kind instead of the field's own (`declarant_id_paper` holds the number).
    kind: str | None = None
    #: The form versions that print this label; None: every version. On a page of another version
    #: a match is some other phrase read badly, and the field is never reported (the 2014 land
    #: certificate has no certificate code).
    versions: tuple[str, ...] | None = None

    def in_section(self, section: str | None) -> bool:
        if self.section is None:
            return True
        if isinstance(self.section, str):
            return self.section == section
        return section in self.section


@dataclass(frozen=True)
class PatternSpec:
    """A value printed without a label, found by its shape: a regular expression on the folded text
    of a line (`fold`, so it survives diacritic slips); group 1 is the value, taken from the same
    place of the printed text. `page` limits it to one page of the document (1-based)."""

    field: str
    regex: str
    page: int | None = None
    #: Only when the whole line is the value (a serial printed alone).
    alone: bool = False
    #: Matched on the whole row, across the wide gaps between its labels' dotted lines.
    across: bool = False
    #: The highest confidence a value found this way is given (a shape that says less than a label).
    cap: float = 1.0


@dataclass(frozen=True)
class CodeSpec:
    """A value the form also prints as a QR code: the code's text matched by `regex` (group 1 is
    the value), read off page `page` (1-based) of the versions named (None: all). A QR code carries
    its own error correction, so what it holds is exact where OCR of the printed value may slip."""

    field: str
    regex: str
    page: int = 1
    versions: tuple[str, ...] | None = None


#: The registration row of the civil-status forms on folded text: the number before `Quyển số`
#: (whose end OCR may garble: `Quyển sốt”`).
REGISTRATION_ROW = r"^s\D{0,2}?\s*(\d{1,5})\s*[,.;:]?\s+quyen\s+so"
#: The same row whose `Số:` OCR garbled beyond its `S` (`ö ˆ 130 Quyển số: 01`): the number is
#: still the one before `Quyển số`, but with no label read it is given below the bar
#: (`REGISTRATION_ROW_CAP`).
REGISTRATION_ROW_LABEL_LOST = r"^(?!s)[^\w\s]{0,2}[^\W\d]?[^\w\s]{0,2}\s*(\d{1,5})\s*[,.;:]?\s+quyen\s+so"
REGISTRATION_ROW_CAP = 0.85
#: The date that ends the registration row (`Quyển số: 02/2020 ngày 18/02/2020`), whose `ngày` OCR
#: may garble (`n gây`, `ngà`): a whole date in figures after `Quyển số`, standing apart from what
#: precedes it (`ngà?6/06/2024` lost a figure: no date).
REGISTRATION_ROW_DATE = r"quyen\s+s.*?(?<![^\s])(\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4})(?!\d)"


#: Printed on every civil-status and land form: the national motto, the signer's hints and titles.
COMMON_PRINTED = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)",
    "(Ký, ghi rõ họ tên, chức vụ và đóng dấu)",
    "(Ký, ghi rõ họ, chữ đệm, tên)",
    "(Bản chính)",
    "(Bản sao)",
    # The signer's authority (DOMAIN.md: signing on behalf).
    "TM. ỦY BAN NHÂN DÂN",
    "ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "TL. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "CHỦ TỊCH",
    "KT. GIÁM ĐỐC",
    "TL. GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "GIÁM ĐỐC",
)


@dataclass(frozen=True)
class VersionSpec:
    """A form version and what tells it apart: phrases that must appear (`markers`), phrases that
    must not (`absent`), and sections that must come in this reading order (`order`)."""

    name: str
    markers: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    order: tuple[str, ...] = ()


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
    #: Section headings that stand alone on their line or column (`CHỒNG`, `VỢ`): short words that
    #: could also occur inside a value.
    headings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: tuple[LabelSpec, ...] = ()
    #: Printed labels that fill no field: they end the value of the label before them.
    stops: tuple[str, ...] = ()
    patterns: tuple[PatternSpec, ...] = ()
    #: Values the form also prints as a QR code.
    codes: tuple[CodeSpec, ...] = ()
    #: Text columns side by side (the marriage certificate's spouses).
    columns: int = 1
    #: The phrases printed on the form, exactly as printed (NFC, with diacritics and punctuation):
    #: titles, labels and headings. Recognition puts them back where it slipped on a known phrase
    #: (`pipeline/printed.py`); classification and extraction still match the folded aliases.
    printed: tuple[str, ...] = ()
