"""Giấy chứng nhận quyền sử dụng đất: the 2014 form (4 pages: holders, parcel, diagram, changes) and
the 2024 form (2 pages, `Loại đất`, a certificate code). A married couple is `Ông ... và vợ Bà ...`
(or `Bà ... và chồng Ông ...`): the second person fills the `co_holder_*` fields."""

from .spec import FormSpec, LabelSpec, PatternSpec, VersionSpec

L = LabelSpec
_HOLDERS = ("holder", "co_holder")

FORM = FormSpec(
    doc_type="land_use_certificate",
    titles=("giay chung nhan quyen su dung dat", "quyen su dung dat, quyen so huu"),
    continuation=(
        "thua dat, nha o va tai san khac gan lien voi dat",
        "so do thua dat",
        "nhung thay doi sau khi cap giay chung nhan",
        "thong tin thua dat",
        "so vao so cap",
        "nguoi duoc cap giay chung nhan can chu y",
    ),
    versions=(
        # Several entries of one name are alternatives: OCR may lose any one line.
        VersionSpec("2014", markers=("quyen so huu nha o va tai san khac gan lien voi dat",)),
        VersionSpec("2014", markers=("thua dat, nha o va tai san khac gan lien voi dat",)),
        VersionSpec("2014", markers=("muc dich su dung",)),
        VersionSpec("2024", markers=("ma giay chung nhan",)),
        VersionSpec("2024", markers=("thong tin thua dat",)),
        VersionSpec("2024", markers=("loai dat",)),
    ),
    sections={
        "holder": ("nguoi su dung dat",),
        "co_holder": ("va vo", "va chong"),
        "parcel": ("thua dat, nha o va tai san", "thong tin thua dat", "thua dat so"),
    },
    labels=(
        L("holder_name", ("ong:", "ba:"), "holder"),
        L("holder_birth_year", ("nam sinh",), "holder"),
        L("holder_id_number", ("cccd so", "cmnd so", "so dinh danh ca nhan", "ho chieu so"), "holder"),
        L("holder_address", ("dia chi thuong tru", "dia chi"), _HOLDERS, True),
        L("co_holder_name", ("ong:", "ba:"), "co_holder"),
        L("co_holder_birth_year", ("nam sinh",), "co_holder"),
        L("co_holder_id_number", ("cccd so", "cmnd so", "so dinh danh ca nhan", "ho chieu so"), "co_holder"),
        L("certificate_code", ("ma giay chung nhan",), None, versions=("2024",)),
        L("certificate_serial", ("so phat hanh",), None),
        L("parcel_number", ("thua dat so",), None),
        L("map_sheet_number", ("to ban do so",), None),
        L("parcel_address", ("dia chi",), "parcel", True),
        L("area_m2", ("dien tich",), None),
        L("area_in_words", ("bang chu",), None, True),
        L("usage_form", ("hinh thuc su dung", "hinh thuc"), None),
        L("land_use_purpose", ("muc dich su dung", "loai dat"), None, True),
        L("usage_term", ("thoi han su dung", "thoi han"), None, True),
        L("usage_origin", ("nguon goc su dung",), None, True),
        L("registry_number", ("so vao so cap gcn", "so vao so cap giay chung nhan"), None),
    ),
    stops=(
        "nha o:",
        "cong trinh xay dung khac",
        "rung san xuat la rung trong",
        "ghi chu:",
        "thong tin tai san gan lien voi dat",
        "so do thua dat",
        "thua dat:",
    ),
    patterns=(
        # The 2014 serial: two letters and six digits printed alone at the foot of page 1.
        PatternSpec("certificate_serial", r"^([a-z]{2}\s?\d{6})$", page=1, alone=True),
        # The issue date is the place-and-date line above the signer: `Hà Trung, ngày 27 tháng 3 năm 2018`.
        PatternSpec("issue_date", r"ngay\s+(\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"),
    ),
)
