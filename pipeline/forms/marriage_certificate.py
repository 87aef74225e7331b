"""Giấy chứng nhận kết hôn: landscape, two columns (wife and husband, in either order)."""

from .spec import FormSpec, LabelSpec, VersionSpec

L = LabelSpec

_PERSON = (
    ("name", ("ho, chu dem, ten", "ho chu dem ten", "ho va ten")),
    ("date_of_birth", ("ngay, thang, nam sinh", "ngay thang nam sinh", "ngay sinh")),
    ("ethnicity", ("dan toc",)),
    ("nationality", ("quoc tich",)),
    ("residence", ("noi cu tru", "noi thuong tru")),
    ("personal_id", ("giay to tuy than", "so dinh danh ca nhan")),
)

FORM = FormSpec(
    doc_type="marriage_certificate",
    titles=("giay chung nhan ket hon",),
    versions=(VersionSpec("tt04-2020", markers=("giay to tuy than",)), VersionSpec("older")),
    sections={"husband": ("thong tin nguoi chong", "chong"), "wife": ("thong tin nguoi vo", "vo")},
    labels=tuple(
        L(f"{who}_{name}", aliases, who, multiline=name == "residence")
        for who in ("husband", "wife")
        for name, aliases in _PERSON
    )
    + (
        L("registration_place", ("noi dang ky", "noi dang ky ket hon"), None, True),
        L("registration_date", ("ngay, thang, nam dang ky", "ngay dang ky"), None),
        L("registration_number", ("so:",), None),
        L("book_number", ("quyen so:", "quyen so"), None),
    ),
)
