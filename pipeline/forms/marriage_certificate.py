"""Giấy chứng nhận kết hôn: landscape, two columns, wife and husband — the column order tells the
version (TT 04/2020: wife on the left; TT 15/2015: husband on the left)."""

from .spec import (
    COMMON_PRINTED,
    REGISTRATION_ROW,
    REGISTRATION_ROW_CAP,
    REGISTRATION_ROW_LABEL_LOST,
    FormSpec,
    LabelSpec,
    PatternSpec,
    VersionSpec,
)

L = LabelSpec

_PERSON = (
    ("name", ("ho, chu dem, ten", "ho va ten"), False),
    ("date_of_birth", ("ngay, thang, nam sinh",), False),
    ("ethnicity", ("dan toc",), False),
    ("nationality", ("quoc tich",), False),
    ("residence", ("noi cu tru", "noi thuong tru"), True),
    ("personal_id", ("giay to tuy than",), False),
)

FORM = FormSpec(
    doc_type="marriage_certificate",
    titles=("giay chung nhan ket hon",),
    versions=(
        VersionSpec("tt04-2020", order=("wife", "husband")),
        VersionSpec("tt15-2015", order=("husband", "wife")),
    ),
    headings={"husband": ("chong", "thong tin nguoi chong"), "wife": ("vo", "thong tin nguoi vo")},
    sections={"registration": ("noi dang ky ket hon",)},
    labels=tuple(
        L(f"{who}_{name}", aliases, who, multiline=multi)
        for who in ("husband", "wife")
        for name, aliases, multi in _PERSON
    )
    + (
        L("registration_place", ("noi dang ky ket hon", "noi dang ky"), None, True),
        L("registration_date", ("ngay, thang, nam dang ky",), None),
        L("registration_number", ("so:",), None, prefer_row_with="book_number"),
        L("book_number", ("quyen so:",), None),
    ),
    patterns=(
        # `Số: 101  Quyển số: 02/2025`, the registration row, whose `Số:` OCR often garbles
        # (`số.`, `sø:`, `sõ64`): the number right before `Quyển số`.
        PatternSpec("registration_number", REGISTRATION_ROW, across=True),
        PatternSpec(
            "registration_number", REGISTRATION_ROW_LABEL_LOST, across=True, cap=REGISTRATION_ROW_CAP
        ),
    ),
    stops=("nguoi ky giay chung nhan ket hon", "ky, ghi ro ho, chu dem, ten"),
    columns=2,
    printed=(
        *COMMON_PRINTED,
        "GIẤY CHỨNG NHẬN KẾT HÔN",
        "CHỒNG",
        "VỢ",
        "Số:",
        "Quyển số:",
        "Họ, chữ đệm, tên:",
        "Ngày, tháng, năm sinh:",
        "Dân tộc:",
        "Quốc tịch:",
        "Nơi cư trú:",
        "Giấy tờ tùy thân:",
        "Nơi đăng ký kết hôn:",
        "Ngày, tháng, năm đăng ký:",
        "NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN",
    ),
)
