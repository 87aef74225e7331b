"""Values placed by position when OCR lost or garbled what ties them to their label: a value typed a
whole line off its row, a label read too badly to match alone, a surname in capitals after a label,
the signer's date of a death extract, second and third readings of figures, and the domain repairs
of address words. Pages are hand-made OCR words (tests/extract_pages.py), no Tesseract."""

from __future__ import annotations

from sohoa.pipeline.extract import extract_fields
from sohoa.pipeline.extract.assemble import RawValue
from sohoa.pipeline.extract.repair import repair
from sohoa.pipeline.extract.reread import _within, plausible
from sohoa.pipeline.validate.places import snap_settlement

from .extract_pages import HEADER, death_page, make_page

#: 0.9 of a line height (40 px) above the label's row: beyond the ±0.8 line height band, still
#: nearer its own row than the one above (rows are 80 px apart).
RAISED = -36


def extract(doc_type, rows):
    ex = extract_fields(doc_type, [make_page(rows)], reread=False)
    return ex.fields


def _birth_rows(*, sex_row, place_row, reg_place_row=None):
    return [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 101"), (1200, "Quyển số: 02/2025")],
        [(200, "Họ, chữ đệm, tên: NGUYỄN VĂN AN")],
        sex_row,
        place_row,
        [(200, "Họ, chữ đệm, tên người đi khai sinh: LÊ THỊ BÌNH")],
        [(200, "Giấy tờ tùy thân: CCCD số 038195001234")],
        reg_place_row or [(200, "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Quảng Tâm")],
        [(200, "Ngày, tháng, năm đăng ký: 20/03/2025")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]


def test_value_a_whole_line_above_an_empty_label_is_found_and_marked_down():
    rows = _birth_rows(
        sex_row=[(200, "Giới tính:")],
        place_row=[(480, "Nam", RAISED - 80)],
    )
    rows.insert(
        rows.index([(480, "Nam", RAISED - 80)]) + 1, [(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Thanh Hóa")]
    )
    got = extract("birth_certificate", rows)
    assert got["sex"].value == "Nam"
    assert got["full_name"].value == "NGUYỄN VĂN AN"  # the name's row kept its own value
    # Placed by position, not by the label beside it: the same words on their row score higher.
    level = _birth_rows(
        sex_row=[(200, "Giới tính: Nam")], place_row=[(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Thanh Hóa")]
    )
    raised = [list(r) for r in level]
    # OCR gives a value typed that far off its row a line of its own.
    raised[-2:-1] = [[(200, "Ngày, tháng, năm đăng ký:")], [(800, "20/03/2025", RAISED - 80)]]
    on_row, off_row = extract("birth_certificate", level), extract("birth_certificate", raised)
    assert off_row["registration_date"].value == on_row["registration_date"].value == "2025-03-20"
    assert off_row["registration_date"].confidence < on_row["registration_date"].confidence


def test_line_between_two_rows_stays_with_the_nearer_label_that_has_a_value():
    # `tỉnh Thanh Hóa` wrapped from the place of birth sits nearer its own row than the row below,
    # whose label has nothing beside it: it stays the place of birth's and the next label stays empty.
    rows = _birth_rows(
        sex_row=[(200, "Giới tính: Nam")],
        place_row=[(200, "Nơi sinh: Bệnh viện Đa khoa")],
    )
    at = rows.index([(200, "Nơi sinh: Bệnh viện Đa khoa")]) + 1
    # 38 px below its row (beyond the ±0.8 line band), 42 px above the next label's.
    rows[at:at] = [[(240, "tỉnh Thanh Hóa", -42)], [(200, "Quê quán:", -80)]]
    got = extract("birth_certificate", rows)
    assert got["place_of_birth"].value == "Bệnh viện Đa khoa tỉnh Thanh Hóa"
    assert "hometown" not in got


def test_label_read_too_badly_is_taken_where_its_section_confirms_it():
    # `Nơi đồng lý Thai nhún` for `Nơi đăng ký khai sinh`, between the declarant's paper and the
    # registration date, and no other label of the registration place on the page.
    rows = _birth_rows(
        sex_row=[(200, "Giới tính: Nam")],
        place_row=[(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Thanh Hóa")],
        reg_place_row=[(200, "Nơi đồng lý Thai nhún Ủy ban nhân dân xã Quảng Tâm")],
    )
    got = extract("birth_certificate", rows)
    assert got["registration_place"].value == "Ủy ban nhân dân xã Quảng Tâm"
    assert got["registration_place"].confidence < 0.9


def test_weak_label_is_not_taken_for_a_field_already_found():
    # The garbled phrase stays part of the value when the field's own label was read.
    rows = _birth_rows(
        sex_row=[(200, "Giới tính: Nam")],
        place_row=[(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Thanh Hóa")],
    )
    at = rows.index([(200, "Giấy tờ tùy thân: CCCD số 038195001234")])
    rows.insert(at, [(200, "Nơi đồng lý Thai nhún Ủy ban nhân dân xã Hải Châu")])
    got = extract("birth_certificate", rows)
    assert got["registration_place"].value == "Ủy ban nhân dân xã Quảng Tâm"


def test_surname_in_capitals_after_an_older_label_is_no_part_of_the_fathers_label():
    # `Họ và tên HỒ KIM MỸ` (colon lost): `tên HỒ` is not `tên cha`, so the child's section and its
    # labels below are kept.
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 382"), (1200, "Quyển số: 01")],
        [(200, "Họ và tên HỒ KIM MỸ")],
        [(200, "Giới tính: Nữ")],
        [(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Bắc Kạn")],
        [(200, "Họ và tên cha: HỒ CÔNG ĐÔNG")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    got = extract("birth_certificate", rows)
    assert got["full_name"].value == "HỒ KIM MỸ"
    assert got["sex"].value == "Nữ"
    assert got["father_name"].value == "HỒ CÔNG ĐÔNG"


def test_continuation_below_a_value_typed_above_its_label_row():
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 101"), (1200, "Quyển số: 02/2025")],
        [
            (200, "Ngày, tháng, năm sinh: 15/03/2025"),
            (1000, "ghi bằng chữ:"),
            (1300, "Mười lăm tháng ba năm", -16),
        ],
        [(200, "hai nghìn hai mươi lăm")],
        [(200, "Giới tính: Nam")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    got = extract("birth_certificate", rows)
    assert got["date_of_birth_in_words"].value == "Mười lăm tháng ba năm hai nghìn hai mươi lăm"


def _death_copy(reg_row, signer="Vũng Tàu, ngày 24 tháng 02 năm 2023"):
    page = death_page(copy=True)
    rows = [
        *HEADER,
        [(900, "TRÍCH LỤC KHAI TỬ")],
        [(900, "(Bản sao)")],
        [(200, "Họ, chữ đệm, tên: TRẦN VĂN BA")],
        [(200, "Đã được đăng ký khai tử tại: Ủy ban nhân dân xã Quảng Tâm")],
        reg_row,
        [(200, "Ghi chú:")],
        [(1200, signer)],
    ]
    del page
    return extract("death_certificate", rows)


def test_death_copy_registration_date_is_the_registration_rows():
    got = _death_copy([(200, "Số: 83"), (700, "Quyển số: 01/2019"), (1300, "ngày 16/12/2019")])
    assert got["registration_date"].value == "2019-12-16"


def test_signers_date_is_never_a_sure_registration_date():
    # The registration row's date unreadable, or lost: the signer's date (the copy's) is all there
    # is; it may be reported, never at or above 0.9.
    for reg_row in (
        [(200, "Số: 83"), (700, "Quyển số: 01/2019"), (1300, "ngày 46/12/2019")],
        [(200, "Số: 83"), (700, "Quyển số: 01/2019")],
    ):
        got = _death_copy(reg_row)
        if "registration_date" in got:
            assert got["registration_date"].confidence < 0.9


def test_plausible_readings():
    assert plausible("year", "1991") and not plausible("year", "1391")
    assert plausible("date", "2019-08-05") and not plausible("date", "2919-08-05")
    assert plausible("identifier", "81") and not plausible("identifier", "8I")
    assert plausible("identifier", "23TV8NG28K5D")


def test_registration_number_is_figures():
    assert plausible("identifier", "105", "registration_number")
    assert plausible("identifier", "L37", "registration_number")  # `repair` makes it 137
    assert not plausible("identifier", "S105", "registration_number")  # the `S` of `Số`
    assert plausible("identifier", "CS03027", "registry_number")


def test_lost_nationality_label_and_sex_that_lost_its_first_letter():
    # `Quốc tịch:` lost between the mother's ethnicity and nationality; the child's `Nữ` read `ữ`.
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 12"), (1200, "Quyển số: 03/2012")],
        [(200, "Họ và tên: LÊ THU NGỌC")],
        [(200, "Giới tính: ữ")],
        [(200, "Họ và tên mẹ: TRẦN THỊ HUỆ")],
        [(200, "Dân tộc: Kinh Việt Nam"), (1600, "Năm sinh: 1986")],
        [(200, "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Long Hòa")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    got = extract("birth_certificate", rows)
    assert got["sex"].value == "Nữ" and got["sex"].confidence < 0.9
    assert got["mother_ethnicity"].value == "Kinh"
    assert got["mother_nationality"].value == "Việt Nam" and got["mother_nationality"].confidence < 0.9
    assert "nationality" not in got  # the child's own is not invented


def test_a_reading_that_lost_characters_is_within_the_longer():
    assert _within("673776", "CJ673776") and _within("012021", "01/2021")
    assert not _within("154", "454") and not _within("CJ673776", "673776")


def test_first_word_of_an_address_snaps_to_a_settlement_word():
    assert snap_settlement("hôn Trung, Xã Hương Đô").value == "Thôn Trung, Xã Hương Đô"
    assert snap_settlement("dận phố 4, Xã Yên Phương").value == "Tổ dân phố 4, Xã Yên Phương"
    assert snap_settlement("8ố 54/8, tổ 19").value == "Số 54/8, tổ 19"
    assert snap_settlement("Ñổ dân phố 12, xã Ba Điền").value == "Tổ dân phố 12, xã Ba Điền"
    assert snap_settlement("ÂÐ Tân Lập, xã Mỹ Long").value == "Ấp Tân Lập, xã Mỹ Long"
    for kept in ("Thôn 4, xã Trực Cường", "50 Lê Lợi, phường 3", "Xã Hiệp Lực", "Bệnh viện Đa khoa"):
        assert snap_settlement(kept).value is None
    assert snap_settlement("hôn Trung").confidence < 0.9
    # Two settlement words one letter away: the letter read with its marks decides; specks before
    # the word, and the word read in two, are OCR's.
    for read, want in (
        ("ản 8, Xã Hoàng Tây", "Bản 8, Xã Hoàng Tây"),
        ("Ấn Đồng Tâm, xã Đăk Ruồng", "Ấp Đồng Tâm, xã Đăk Ruồng"),
        ("3ố 196, đường Hoàng Hoa Thám", "Số 196, đường Hoàng Hoa Thám"),
        ("®ố 50, đường Võ Thị Sáu", "Số 50, đường Võ Thị Sáu"),
        ("„X óm 12, Xã Sơn Thịnh", "Xóm 12, Xã Sơn Thịnh"),
        ("„Xóm 3, xã Đoàn Xá", "Xóm 3, xã Đoàn Xá"),
    ):
        got = snap_settlement(read)
        assert got.value == want and got.confidence < 0.9, read
    for kept in ("Ấn Độ", "Õ 196, đường Hoàng Hoa Thám", "Xóm 12, Xã Sơn Thịnh"):
        assert snap_settlement(kept).value is None, kept


def _rv(field, kind, value):
    r = RawValue(field, kind, value, [], 1.0, 0)
    r.value = value
    return r


def test_address_repairs_in_the_document_are_below_the_bar():
    chosen = {
        "father_residence": _rv("father_residence", "text", "hôn Trung, Xã Hương Đô"),
        "place_of_birth": _rv("place_of_birth", "text", "8ệnh viện Đa khoa tỉnh Nam Định"),
    }
    caps = repair("birth_certificate", chosen)
    assert chosen["father_residence"].value.startswith("Thôn Trung, ")
    assert chosen["place_of_birth"].value.startswith("Bệnh viện Đa khoa")
    assert caps["father_residence"][0] < 0.9 and caps["place_of_birth"][0] < 0.9


def test_section_whose_phrase_was_lost_is_opened_by_its_repeated_labels():
    # The mother's `Họ và tên mẹ:` read as `Họ và A:`: her `Dân tộc`, `Năm sinh`, `Quốc tịch` and
    # residence repeat the father's block; they open the one section not seen yet, the mother's.
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 71"), (1200, "Quyển số: 03/2002")],
        [(200, "Họ và tên: LÊ VĂN AN")],
        [(200, "Họ và tên cha: LÊ VĂN BÌNH")],
        [(200, "Dân tộc: Kinh"), (900, "Quốc tịch: Việt Nam"), (1600, "Năm sinh: 1958")],
        [(200, "Nơi thường trú/tạm trú: Thôn 3, xã Quảng Tâm, huyện Quảng Xương")],
        [(200, "Họ và A: TRẦN THỊ HOA")],
        [(200, "Dân tộc: Tày"), (900, "Quốc tịch: Việt Nam"), (1600, "Năm sinh: 1960")],
        [(200, "Nơi thường trú/tạm trú: Thôn 5, xã Quảng Nham, huyện Quảng Xương")],
        [(200, "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Quảng Tâm")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    got = extract("birth_certificate", rows)
    assert got["father_birth_year"].value == "1958" and got["father_ethnicity"].value == "Kinh"
    assert got["mother_birth_year"].value == "1960" and got["mother_ethnicity"].value == "Tày"
    assert got["mother_residence"].value.startswith("Thôn 5, xã Quảng Nham")
    assert got["father_residence"].value.startswith("Thôn 3, xã Quảng Tâm")


def test_parents_name_label_whose_last_word_was_lost_opens_the_next_parents_block():
    # The older form prints the father's block first. His `Họ và tên cha:` lost its `cha` (OCR read
    # `chRHẠM` as specks), so it reads as the child's `Họ và tên`; the mother's label comes with a
    # speck run into her name (`m£RẦN`, the T lost). Neither parent's fields may go to the other.
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 7"), (1200, "Quyển số: 03/2011")],
        [(200, "Họ và tên: PHẠM THỊ THANH")],
        [(200, "Dân tộc: Kinh"), (900, "Quốc tịch: Việt Nam")],
        [(200, "Họ và tên")],
        [(200, "Dân tộc: Kinh"), (900, "Quốc tịch: Việt Nam"), (1600, "Năm sinh: 1970")],
        [(200, "Nơi thường trú/tạm trú: Khóm Phú Hòa, xã Phong Lạc")],
        [(200, "Họ và tên m£RẦN DIỆU HIỀN")],
        [(200, "Dân tộc: Khmer"), (900, "Quốc tịch: Việt Nam"), (1600, "Năm sinh: 1972")],
        [(200, "Nơi thường trú/tạm trú: Khóm Phú Hòa, xã Phong Lạc")],
        [(200, "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Phong Lạc")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    got = extract("birth_certificate", rows)
    assert got["father_birth_year"].value == "1970" and got["father_ethnicity"].value == "Kinh"
    assert got["mother_birth_year"].value == "1972" and got["mother_ethnicity"].value == "Khmer"
    assert got["mother_name"].value == "TRẦN DIỆU HIỀN"  # its first letter lost with the speck
    assert got["full_name"].value == "PHẠM THỊ THANH" and "father_name" not in got


def test_registration_number_on_its_own_ocr_line_of_the_row():
    # `Số. 107` (colon read as a full stop) and `Quyển sốt” 02` on one printed row, read by OCR as
    # two lines (the row's wide gaps): the number before `Quyển số` is still the registration's.
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số. 107", 2)],
        [(1200, "Quyển sốt” 02/2022", -78)],
        [(200, "Họ, chữ đệm, tên: NGUYỄN VĂN AN")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    got = extract("birth_certificate", rows)
    assert got["registration_number"].value == "107"


def test_date_in_words_that_ran_on_into_the_next_rows_value():
    chosen = {
        "date_of_death": _rv("date_of_death", "date", "2021-08-04"),
        "date_of_death_in_words": _rv(
            "date_of_death_in_words",
            "text",
            "Bốn tháng tám năm hai ngàn không trăm hai mươi mốt tám Y tế linh Đắk Lăm",
        ),
    }
    caps = repair("death_certificate", chosen)
    assert chosen["date_of_death_in_words"].value == "Bốn tháng tám năm hai ngàn không trăm hai mươi mốt"
    assert caps["date_of_death_in_words"][0] < 0.9
    # Without the date in figures: cut at the first figure only.
    chosen = {
        "date_of_death_in_words": _rv(
            "date_of_death_in_words",
            "text",
            "Ngày mười ba, tháng tám, năm hai nghìn hai mươi Số 96/14, đường",
        ),
    }
    repair("death_certificate", chosen)
    assert chosen["date_of_death_in_words"].value == "Ngày mười ba, tháng tám, năm hai nghìn hai mươi"


def test_province_lost_to_the_next_line_is_named_by_its_district():
    chosen = {
        "mother_residence": _rv("mother_residence", "text", "Thôn 4, xã Trực Cường, huyện Trực Ninh, tỉnh"),
        "father_residence": _rv(
            "father_residence", "text", "Bản 4, xã Thanh Lộc, huyện Can Lộc, tỉnh Hà Tĩnh"
        ),
        "registration_place": _rv("registration_place", "text", "Ủy ban nhân dân xã Hồng Quang, tỉnh"),
    }
    caps = repair("birth_certificate", chosen)
    assert chosen["mother_residence"].value == "Thôn 4, xã Trực Cường, huyện Trực Ninh, tỉnh Nam Định"
    assert caps["mother_residence"][0] < 0.9
    # `tỉnh Hà Tĩnh` ends in `tĩnh`, not in a bare type word: kept, not marked broken.
    assert chosen["father_residence"].value == "Bản 4, xã Thanh Lộc, huyện Can Lộc, tỉnh Hà Tĩnh"
    assert caps.get("father_residence", (1.0, 0.0))[0] > 0.5
    # A commune alone does not tell its province: still broken.
    assert chosen["registration_place"].value.endswith("tỉnh") and caps["registration_place"][0] <= 0.5


def test_specks_on_a_date_labels_row_do_not_hide_the_date_typed_off_it():
    rows = _birth_rows(
        sex_row=[(200, "Giới tính: Nam")], place_row=[(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Thanh Hóa")]
    )
    rows[-2:-1] = [
        [(200, "Ngày, tháng, năm đăng ký:"), (900, "bị Ẵ ý", 0, 0.4)],
        [(800, "20/03/2025", RAISED - 80)],
    ]
    got = extract("birth_certificate", rows)
    assert got["registration_date"].value == "2025-03-20"


def test_group_number_after_to_and_dates_with_a_three_are_read_again():
    from sohoa.pipeline.extract.confidence import _threes

    chosen = {"mother_residence": _rv("mother_residence", "text", "Số 175, tố 26, thị trấn Châu Thành")}
    repair("birth_certificate", chosen)
    assert chosen["mother_residence"].value.startswith("Số 175, tổ 26")
    assert _threes(_rv("registration_date", "date", "2016-12-23"))
    assert not _threes(_rv("registration_date", "date", "2016-12-29"))
    assert not _threes(_rv("full_name", "text", "LÊ VĂN 3"))
