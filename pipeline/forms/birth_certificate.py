"""Giấy khai sinh: forms of 2015/2020 (TT 04/2020) and the older form with older labels."""

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
_REG = ("child", "mother", "father", "declarant", "registration")
_NAME = ("ho, chu dem, ten", "ho va ten")

FORM = FormSpec(
    doc_type="birth_certificate",
    titles=("giay khai sinh",),
    versions=(
        # Several entries of one name are alternatives: OCR may lose any one line.
        VersionSpec("tt04-2020", markers=("so dinh danh ca nhan",)),
        VersionSpec("tt04-2020", markers=("giay to tuy than",)),
        VersionSpec("tt04-2020", markers=("ho, chu dem, ten nguoi",)),
        VersionSpec("pre-2015", markers=("ho va ten",)),
        VersionSpec("pre-2015", markers=("noi thuong tru/tam tru",)),
        VersionSpec("pre-2015", markers=("quan he voi nguoi duoc khai sinh",)),
        VersionSpec("tt15-2015"),
    ),
    sections={
        "child": ("giay khai sinh",),
        "mother": ("ho, chu dem, ten nguoi me", "ho va ten me"),
        "father": ("ho, chu dem, ten nguoi cha", "ho va ten cha"),
        "declarant": ("ho, chu dem, ten nguoi di khai sinh", "ho va ten nguoi di khai sinh"),
        "registration": ("noi dang ky khai sinh",),
    },
    labels=(
        L("full_name", _NAME, "child"),
        L("date_of_birth", ("ngay, thang, nam sinh",), "child"),
        L("date_of_birth_in_words", ("ghi bang chu", "bang chu:"), "child", multiline=True),
        L("sex", ("gioi tinh",), "child"),
        L("ethnicity", ("dan toc",), "child"),
        L("nationality", ("quoc tich",), "child"),
        L("place_of_birth", ("noi sinh",), "child", multiline=True),
        L("hometown", ("que quan",), "child", multiline=True),
        L("personal_id", ("so dinh danh ca nhan",), "child"),
        # A parent's name label whose last word OCR lost (`Họ và tên chRHẠM`) reads as the child's:
        # its section is told by its place (`layout._resolve_sections`).
        L("mother_name", ("ho, chu dem, ten nguoi me", "ho va ten me", *_NAME), "mother"),
        L("mother_birth_year", ("nam sinh",), "mother"),
        L("mother_ethnicity", ("dan toc",), "mother"),
        L("mother_nationality", ("quoc tich",), "mother"),
        L("mother_residence", ("noi cu tru", "noi thuong tru/tam tru"), "mother", True),
        L("father_name", ("ho, chu dem, ten nguoi cha", "ho va ten cha", *_NAME), "father"),
        L("father_birth_year", ("nam sinh",), "father"),
        L("father_ethnicity", ("dan toc",), "father"),
        L("father_nationality", ("quoc tich",), "father"),
        L("father_residence", ("noi cu tru", "noi thuong tru/tam tru"), "father", True),
        L(
            "declarant_name",
            ("ho, chu dem, ten nguoi di khai sinh", "ho va ten nguoi di khai sinh"),
            "declarant",
        ),
        L("declarant_id_paper", ("giay to tuy than",), "declarant", kind="identity_number"),
        L("registration_place", ("noi dang ky khai sinh",), None, True),
        L("registration_date", ("ngay, thang, nam dang ky",), None),
        L("registration_number", ("so:",), _REG, prefer_row_with="book_number"),
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
    stops=(
        "quan he voi nguoi duoc khai sinh",
        "nguoi ky giay khai sinh",
        "ky, ghi ro ho, chu dem, ten",
        "ban chinh",
        "ban sao",
    ),
    printed=(
        *COMMON_PRINTED,
        "GIẤY KHAI SINH",
        "Số:",
        "Quyển số:",
        "Họ, chữ đệm, tên:",
        "Ngày, tháng, năm sinh:",
        "ghi bằng chữ:",
        "Giới tính:",
        "Dân tộc:",
        "Quốc tịch:",
        "Nơi sinh:",
        "Quê quán:",
        "Số định danh cá nhân:",
        "Họ, chữ đệm, tên người mẹ:",
        "Họ, chữ đệm, tên người cha:",
        "Năm sinh:",
        "Nơi cư trú:",
        "Họ, chữ đệm, tên người đi khai sinh:",
        "Giấy tờ tùy thân:",
        "Nơi đăng ký khai sinh:",
        "Ngày, tháng, năm đăng ký:",
        "NGƯỜI KÝ GIẤY KHAI SINH",
        # The older form.
        "Họ và tên:",
        "Họ và tên cha:",
        "Họ và tên mẹ:",
        "Nơi thường trú/tạm trú:",
        "Họ và tên người đi khai sinh:",
        "Quan hệ với người được khai sinh:",
    ),
)
