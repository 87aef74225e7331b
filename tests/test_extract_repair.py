"""Domain repair of extracted values (`pipeline.extract.repair`) and the marriage certificate's
column order when OCR lost a heading. Values and pages are hand-made (no Tesseract)."""

from __future__ import annotations

import pytest
from sohoa.pipeline.extract import extract_fields
from sohoa.pipeline.extract.assemble import RawValue
from sohoa.pipeline.extract.repair import repair

from tests.extract_pages import marriage_page


def rv(field: str, kind: str, value: str, text: str | None = None) -> RawValue:
    r = RawValue(field, kind, text or value, [], 1.0, 0)
    r.value = value
    return r


def test_birth_year_takes_the_identity_numbers_digit():
    chosen = {
        "wife_date_of_birth": rv("wife_date_of_birth", "date", "1396-04-27"),
        "wife_personal_id": rv("wife_personal_id", "identity_number", "038196004321"),
        "husband_date_of_birth": rv("husband_date_of_birth", "date", "1990-11-02"),
        "husband_personal_id": rv("husband_personal_id", "identity_number", "038090001234"),
    }
    caps = repair("marriage_certificate", chosen)
    assert chosen["wife_date_of_birth"].value == "1996-04-27"
    assert caps["wife_date_of_birth"][0] < 0.9  # repaired: below the bar
    assert chosen["husband_date_of_birth"].value == "1990-11-02"  # agrees: untouched


def test_year_disagreeing_in_several_digits_is_not_rewritten():
    chosen = {
        "date_of_birth": rv("date_of_birth", "date", "1975-01-01"),
        "personal_id": rv("personal_id", "identity_number", "038090001234"),
    }
    repair("birth_certificate", chosen)
    assert chosen["date_of_birth"].value == "1975-01-01"


def test_implausible_year_without_a_number_is_repaired_below_the_bar():
    chosen = {"mother_birth_year": rv("mother_birth_year", "year", "1285")}
    caps = repair("birth_certificate", chosen)
    assert chosen["mother_birth_year"].value == "1985" and caps["mother_birth_year"][0] < 0.9


def test_parent_not_older_than_the_child_is_never_sure():
    chosen = {
        "date_of_birth": rv("date_of_birth", "date", "2013-05-01"),
        "mother_birth_year": rv("mother_birth_year", "year", "1935"),  # a mother of 78: `3` for `9`
        "father_birth_year": rv("father_birth_year", "year", "2011"),
    }
    caps = repair("birth_certificate", chosen)
    assert chosen["mother_birth_year"].value == "1995" and caps["mother_birth_year"][0] < 0.9
    assert caps["father_birth_year"][0] <= 0.5


def test_registration_before_birth_breaks_a_rule():
    chosen = {
        "date_of_birth": rv("date_of_birth", "date", "2020-05-01"),
        "registration_date": rv("registration_date", "date", "2019-05-03"),
    }
    caps = repair("birth_certificate", chosen)
    assert caps["registration_date"][0] <= 0.5 and caps["date_of_birth"][0] <= 0.5


def test_names_places_and_closed_lists_are_snapped():
    chosen = {
        "full_name": rv("full_name", "text", "NGUYÊN THỊ HOA"),
        "nationality": rv("nationality", "text", "Việt Nạm"),
        "ethnicity": rv("ethnicity", "text", "Kinh +"),
        "hometown": rv("hometown", "text", "Xã la Krăi, Huyện Ia Grai, Tỉnh Gia Lai"),
        "mother_name": rv("mother_name", "text", "LƯƠNG HOÀI VY"),
        "declarant_name": rv("declarant_name", "text", "HOÀI VY"),  # surname run into the label
    }
    caps = repair("birth_certificate", chosen)
    got = {k: v.value for k, v in chosen.items()}
    assert got["full_name"] == "NGUYỄN THỊ HOA"
    assert got["nationality"] == "Việt Nam" and got["ethnicity"] == "Kinh"
    assert got["hometown"] == "Xã Ia Krăi, Huyện Ia Grai, Tỉnh Gia Lai"
    assert got["declarant_name"] == "LƯƠNG HOÀI VY"
    assert all(caps[k][0] < 0.9 for k in ("full_name", "hometown", "declarant_name"))


@pytest.mark.parametrize(
    "read,want",
    [
        ("022021", "02/2021"),
        ("0212021", "02/2021"),
        ("0272019", "02/2019"),
        ("02", "02"),
        ("1234567", "1234567"),
    ],
)
def test_book_number_whose_slash_was_lost_or_read_as_a_figure(read, want):
    chosen = {"book_number": rv("book_number", "identifier", read)}
    caps = repair("death_certificate", chosen)
    assert chosen["book_number"].value == want
    if read != want:
        assert caps["book_number"][0] < 0.9


def test_place_semicolon_capital_eth_and_purpose_marks_are_repaired_below_the_bar():
    chosen = {
        "mother_residence": rv("mother_residence", "text", "Số 57; đường Nguyễn Văn Cừ, phường Tân Khánh"),
        "land_use_purpose": rv("land_use_purpose", "text", "Đất ở tại nông thôn; Đất trồng cây lầu năm"),
        "usage_term": rv("usage_term", "text", "Đất ở: Lâu dài; Đất trông cây lâu năm: Đến ngày 31/12/2064"),
    }
    caps = repair("land_use_certificate", chosen)
    assert chosen["mother_residence"].value.startswith("Số 57, đường Nguyễn Văn Cừ")
    assert chosen["land_use_purpose"].value == "Đất ở tại nông thôn; Đất trồng cây lâu năm"
    assert chosen["usage_term"].value == "Đất ở: Lâu dài; Đất trồng cây lâu năm: Đến ngày 31/12/2064"
    assert all(caps[name][0] < 0.9 for name in chosen)
    # A purpose already as the table spells it is left alone.
    same = {"land_use_purpose": rv("land_use_purpose", "text", "Đất ở tại đô thị")}
    repair("land_use_certificate", same)
    assert same["land_use_purpose"].value == "Đất ở tại đô thị"


def test_office_with_ocrs_capital_eth_is_ubnd():
    chosen = {"registration_place": rv("registration_place", "text", "JBNÐ, xã Minh Lập, thị xã Chơn Thành")}
    repair("birth_certificate", chosen)
    assert chosen["registration_place"].value.startswith("UBND xã Minh Lập")


def test_serial_with_an_e_among_its_letters_is_never_sure():
    chosen = {"certificate_serial": rv("certificate_serial", "identifier", "BE131062")}
    caps = repair("land_use_certificate", chosen)
    assert chosen["certificate_serial"].value == "BE131062" and caps["certificate_serial"][0] < 0.9
    chosen = {"certificate_serial": rv("certificate_serial", "identifier", "BN531146")}
    caps = repair("land_use_certificate", chosen)
    assert caps.get("certificate_serial", (1.0,))[0] == 1.0


def test_area_in_words_whose_vuong_was_lost_and_office_read_with_a_3():
    chosen = {
        "area_m2": rv("area_m2", "area", "289.1"),
        "area_in_words": rv("area_in_words", "text", "Hai trăm tám mươi chín phẩy một mét"),
        "registration_place": rv("registration_place", "text", "3ND, xã Mường Cang, huyện Than Uyên"),
    }
    caps = repair("land_use_certificate", chosen)
    assert chosen["area_in_words"].value == "Hai trăm tám mươi chín phẩy một mét vuông"
    assert chosen["registration_place"].value.startswith("UBND xã Mường Cang")
    assert caps["area_in_words"][0] < 0.9 and caps["registration_place"][0] < 0.9


def test_residence_cut_short_is_never_sure():
    # No district to name the lost province by (a named one: tests/test_extract_placement.py).
    chosen = {"mother_residence": rv("mother_residence", "text", "Thôn 4, xã Trực Cường, tỉnh")}
    assert repair("birth_certificate", chosen)["mother_residence"][0] <= 0.5


@pytest.mark.parametrize("wife_first,version", [(True, "tt04-2020"), (False, "tt15-2015")])
@pytest.mark.parametrize(
    "headings,captions",
    [((True, False), False), ((False, True), False), ((False, False), True), ((True, True), True)],
)
def test_marriage_columns_from_one_heading_or_the_captions(wife_first, version, headings, captions):
    page = marriage_page(wife_first=wife_first, headings=headings, captions=captions)
    ex = extract_fields("marriage_certificate", [page], reread=False)
    got = {k: v.value for k, v in ex.fields.items()}
    assert got["husband_name"] == "TRẦN VĂN HÙNG" and got["wife_name"] == "PHẠM THỊ LAN"
    assert got["husband_personal_id"] == "038090001234" and got["wife_personal_id"] == "038193004321"
    assert ex.form_version == version


def test_marriage_without_headings_or_captions_assigns_no_column_by_guess():
    page = marriage_page(wife_first=True, headings=(False, False))
    ex = extract_fields("marriage_certificate", [page], reread=False)
    # Without a heading nothing tells the columns apart: the form version stays unknown.
    assert ex.form_version is None


def test_a_section_heading_read_inside_a_name_is_taken_out_below_the_bar():
    # The husband's name typed over the printed `CHỒNG`, read in one line with it (seed 57, hard).
    chosen = {
        "husband_name": rv("husband_name", "text", "TRẦN VIỆT CHỒNG NGHĨA"),
        "wife_name": rv("wife_name", "text", "VÕ THỊ LAN"),  # `VÕ` only folds to the heading `VỢ`
    }
    caps = repair("marriage_certificate", chosen)
    assert chosen["husband_name"].value == "TRẦN VIỆT NGHĨA" and caps["husband_name"][0] < 0.9
    assert chosen["wife_name"].value == "VÕ THỊ LAN" and caps.get("wife_name", (1.0, 0.0))[0] >= 0.9
    # A birth certificate prints no such heading: nothing is taken out of its names.
    chosen = {"full_name": rv("full_name", "text", "TRẦN VIỆT CHỒNG NGHĨA")}
    repair("birth_certificate", chosen)
    assert chosen["full_name"].value == "TRẦN VIỆT CHỒNG NGHĨA"
