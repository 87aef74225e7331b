"""Giấy chứng nhận quyền sử dụng đất: the 2014 form (4 pages) and the 2024 form (2 pages)."""

from .spec import FormSpec, LabelSpec, VersionSpec

L = LabelSpec

FORM = FormSpec(
    doc_type="land_use_certificate",
    titles=("giay chung nhan quyen su dung dat",),
    continuation=(
        "thua dat, nha o va tai san khac gan lien voi dat",
        "thua dat so",
        "so do thua dat",
        "nhung thay doi sau khi cap giay chung nhan",
        "thong tin thua dat",
        "so vao so cap",
    ),
    versions=(
        VersionSpec("2024", markers=("loai dat",)),
        VersionSpec("2014"),
    ),
    sections={"holder": ("nguoi su dung dat",), "parcel": ("thua dat so",)},
    labels=(
        L("holder_name", ("ong:", "ba:", "ong", "ba"), "holder"),
        L("holder_birth_year", ("nam sinh",), "holder"),
        L("holder_id_number", ("cccd so", "cmnd so", "so cccd", "so cmnd"), "holder"),
        L("holder_address", ("dia chi thuong tru", "dia chi"), "holder", True),
        L("parcel_number", ("thua dat so",), None),
        L("map_sheet_number", ("to ban do so",), None),
        L("parcel_address", ("dia chi",), "parcel", True),
        L("area_m2", ("dien tich",), None),
        L("area_in_words", ("bang chu",), None),
        L("usage_form", ("hinh thuc su dung", "hinh thuc"), None),
        L("land_use_purpose", ("muc dich su dung", "loai dat"), None, True),
        L("usage_term", ("thoi han su dung", "thoi han"), None, True),
        L("usage_origin", ("nguon goc su dung",), None, True),
        L("registry_number", ("so vao so cap gcn", "so vao so cap giay chung nhan"), None),
    ),
)
