"""Trích lục khai tử: the original (with cause of death) and the copy (bản sao, without it)."""

from .spec import FormSpec, LabelSpec, VersionSpec

L = LabelSpec

FORM = FormSpec(
    doc_type="death_certificate",
    titles=("trich luc khai tu",),
    versions=(
        VersionSpec("copy", markers=("da duoc dang ky khai tu tai",)),
        VersionSpec("original"),
    ),
    sections={
        "person": ("trich luc khai tu",),
        "notice": ("giay bao tu",),
        "declarant": ("nguoi di khai tu",),
    },
    labels=(
        L("full_name", ("ho, chu dem, ten", "ho chu dem ten", "ho va ten"), "person"),
        L("date_of_birth", ("ngay, thang, nam sinh", "ngay thang nam sinh"), "person"),
        L("sex", ("gioi tinh",), "person"),
        L("ethnicity", ("dan toc",), "person"),
        L("nationality", ("quoc tich",), "person"),
        L("personal_id", ("so dinh danh ca nhan",), "person"),
        L("time_of_death", ("da chet vao luc",), "person"),
        L("date_of_death_in_words", ("ghi bang chu", "bang chu"), "person"),
        L("place_of_death", ("noi chet",), "person", True),
        L("cause_of_death", ("nguyen nhan chet",), "person", True),
        L("registration_place", ("noi dang ky khai tu", "da duoc dang ky khai tu tai"), None, True),
        L("registration_date", ("ngay, thang, nam dang ky", "ngay dang ky"), None),
        L("registration_number", ("so:",), None),
        L("book_number", ("quyen so:", "quyen so"), None),
    ),
)
