"""Trích lục khai tử: the original (with cause of death) and the copy (bản sao, without it; the
newer copy says where it was extracted from)."""

from .spec import (
    COMMON_PRINTED,
    REGISTRATION_ROW,
    REGISTRATION_ROW_CAP,
    REGISTRATION_ROW_DATE,
    REGISTRATION_ROW_LABEL_LOST,
    FormSpec,
    LabelSpec,
    PatternSpec,
    VersionSpec,
)

L = LabelSpec

FORM = FormSpec(
    doc_type="death_certificate",
    titles=("trich luc khai tu",),
    versions=(
        # Several entries of one name are alternatives: OCR may lose any one line. Only the newer
        # copy says where it was extracted from; only a copy has a note row and no cause of death.
        VersionSpec("copy-2020", markers=("thuc hien trich luc tu",)),
        VersionSpec("copy", markers=("da duoc dang ky khai tu tai",)),
        VersionSpec("copy", markers=("ghi chu",), absent=("nguyen nhan chet",)),
        VersionSpec("original"),
    ),
    sections={
        "person": ("trich luc khai tu",),
        "notice": ("giay bao tu/giay to thay the giay bao tu", "giay bao tu"),
        "declarant": ("ho, chu dem, ten nguoi di khai tu",),
        "registration": ("noi dang ky khai tu", "da duoc dang ky khai tu tai"),
    },
    labels=(
        L("full_name", ("ho, chu dem, ten", "ho va ten"), "person"),
        L("date_of_birth", ("ngay, thang, nam sinh",), "person"),
        L("sex", ("gioi tinh",), "person"),
        L("ethnicity", ("dan toc",), "person"),
        L("nationality", ("quoc tich",), "person"),
        L("personal_id", ("so dinh danh ca nhan",), "person"),
        L("time_of_death", ("da chet vao luc",), "person", also=("date_of_death",)),
        L("date_of_death_in_words", ("ghi bang chu", "bang chu:"), "person", True),
        L("place_of_death", ("noi chet",), "person", True),
        L("cause_of_death", ("nguyen nhan chet",), "person", True),
        L("registration_place", ("noi dang ky khai tu", "da duoc dang ky khai tu tai"), None, True),
        L("registration_number", ("so:",), "registration", prefer_row_with="book_number"),
        L("book_number", ("quyen so:",), "registration"),
        # `Số: ... Quyển số: ... ngày ...`: the date of the registration row (not the notice's).
        L("registration_date", ("ngay",), "registration", row_with="book_number"),
    ),
    patterns=(
        # `Số: 101  Quyển số: 02/2025`, the registration row, whose `Số:` OCR often garbles
        # (`số.`, `sø:`, `sõ64`): the number right before `Quyển số`.
        PatternSpec("registration_number", REGISTRATION_ROW, across=True),
        PatternSpec(
            "registration_number", REGISTRATION_ROW_LABEL_LOST, across=True, cap=REGISTRATION_ROW_CAP
        ),
        # The registration date at the end of that row, whose `ngày` OCR garbled (`n gây`, `ngà`):
        # without it the signer's date would stand in.
        PatternSpec("registration_date", REGISTRATION_ROW_DATE, across=True),
    ),
    stops=(
        "giay to tuy than",
        "ho, chu dem, ten nguoi di khai tu",
        "ghi chu",
        "thuc hien trich luc tu",
        "nguoi ky trich luc",
        "ky, ghi ro ho, chu dem, ten",
        "giay bao tu/giay to thay the giay bao tu",
        "ban chinh",
        "ban sao",
    ),
    printed=(
        *COMMON_PRINTED,
        "TRÍCH LỤC KHAI TỬ",
        "Số:",
        "Quyển số:",
        "Họ, chữ đệm, tên:",
        "Ngày, tháng, năm sinh:",
        "Giới tính:",
        "Dân tộc:",
        "Quốc tịch:",
        "Số định danh cá nhân:",
        "Giấy tờ tùy thân:",
        "Đã chết vào lúc:",
        "ghi bằng chữ:",
        "Nơi chết:",
        "Nguyên nhân chết:",
        "Giấy báo tử/Giấy tờ thay thế Giấy báo tử số:",
        "Họ, chữ đệm, tên người đi khai tử:",
        "Nơi đăng ký khai tử:",
        "Đã được đăng ký khai tử tại:",
        "Ghi chú:",
        "Thực hiện trích lục từ:",
        "NGƯỜI KÝ TRÍCH LỤC",
        "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH",
    ),
)
