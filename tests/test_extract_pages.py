"""Extraction, classification and splitting on hand-made OCR pages (tests/extract_pages.py): every
form version, a blank field, fuzzy labels, values off their line, two columns in both orders, land
co-holders, an unrelated form, stacks with back-to-back documents and separator sheets."""

from __future__ import annotations

import dataclasses
import io

import pytest
import segno
from PIL import Image
from sohoa.pipeline.classify import PageClass, classify_page, form_version
from sohoa.pipeline.extract import extract_fields
from sohoa.pipeline.split import split_pages

from .extract_pages import (
    HEADER,
    birth_page,
    death_page,
    land_2014_pages,
    land_2024_pages,
    make_page,
    marriage_page,
    unrelated_page,
)


def values(doc_type, pages):
    ex = extract_fields(doc_type, pages, reread=False)
    return {k: v.value for k, v in ex.fields.items()}, ex


def test_birth_tt04_2020_fields():
    page = birth_page()
    got, ex = values("birth_certificate", [page])
    assert got["full_name"] == "NGUYỄN VĂN AN"
    assert got["date_of_birth"] == "2025-03-15"
    assert got["date_of_birth_in_words"] == "Mười lăm tháng ba năm hai nghìn hai mươi lăm"
    assert got["sex"] == "Nam" and got["ethnicity"] == "Kinh" and got["nationality"] == "Việt Nam"
    assert got["personal_id"] == "038225001234"
    assert got["mother_name"] == "LÊ THỊ BÌNH" and got["mother_birth_year"] == "1995"
    assert got["father_name"] == "NGUYỄN VĂN BÌNH" and got["father_ethnicity"] == "Tày"
    assert got["mother_residence"] == "Thôn 3, xã Quảng Tâm, huyện Quảng Xương, tỉnh Thanh Hóa"
    assert got["registration_place"] == "Ủy ban nhân dân xã Quảng Tâm, huyện Quảng Xương, tỉnh Thanh Hóa"
    assert got["registration_date"] == "2025-03-20"
    assert got["registration_number"] == "101" and got["book_number"] == "02/2025"
    assert form_version("birth_certificate", [page]) == "tt04-2020" == ex.form_version
    # The date in figures agrees with the date in words: high confidence.
    assert ex.fields["date_of_birth"].confidence >= 0.9


def test_blank_field_is_left_out_not_invented():
    got, ex = values("birth_certificate", [birth_page(personal_id=None)])
    assert "personal_id" not in got
    # The label below the blank one was not taken as its value, and nothing is an empty string.
    assert got["mother_name"] == "LÊ THỊ BÌNH"
    assert all(v.value.strip() for v in ex.fields.values())


def test_labels_survive_diacritic_slips_and_values_off_their_line():
    # `Họ, chữ đệm, tên` read as `Ho, chũ đêm, tèn`, and the name typed half a line above its dots.
    row = [(200, "Ho, chũ đêm, tèn:"), (600, "NGUYỄN VĂN AN", -18)]
    got, _ = values("birth_certificate", [birth_page(name_row=row)])
    assert got["full_name"] == "NGUYỄN VĂN AN"


@pytest.mark.parametrize("wife_first,version", [(True, "tt04-2020"), (False, "tt15-2015")])
def test_marriage_two_columns_in_both_orders(wife_first, version):
    page = marriage_page(wife_first=wife_first)
    got, ex = values("marriage_certificate", [page])
    assert got["husband_name"] == "TRẦN VĂN HÙNG" and got["wife_name"] == "PHẠM THỊ LAN"
    assert got["husband_date_of_birth"] == "1990-11-02" and got["wife_date_of_birth"] == "1993-04-13"
    assert got["husband_ethnicity"] == "Kinh" and got["wife_ethnicity"] == "Tày"
    assert got["husband_residence"] == "Thôn Tây, xã Minh Sơn, huyện Hữu Lũng"
    assert got["wife_residence"] == "Xóm Đông, xã Bắc Thủy, huyện Chi Lăng"
    assert got["husband_personal_id"] == "038090001234" and got["wife_personal_id"] == "038193004321"
    assert got["registration_place"] == "Ủy ban nhân dân xã Thụy Hùng, huyện Văn Lãng, tỉnh Lạng Sơn"
    assert got["registration_number"] == "43" and got["book_number"] == "01/2020"
    assert ex.form_version == version


@pytest.mark.parametrize("copy", [False, True])
def test_death_original_and_copy(copy):
    got, ex = values("death_certificate", [death_page(copy=copy)])
    assert got["full_name"] == "ĐINH VĂN TUẤN" and got["personal_id"] == "077041781865"
    assert got["time_of_death"] == "05:15" and got["date_of_death"] == "2023-05-05"
    assert (
        got["place_of_death"] == "Số 170/18, đường Hùng Vương, thị trấn Gò Dầu, huyện Gò Dầu, tỉnh Tây Ninh"
    )
    assert got["registration_place"] == "Ủy ban nhân dân thị trấn Gò Dầu, huyện Gò Dầu, tỉnh Tây Ninh"
    # The registration number is the one next to the book number, not the extract's own number.
    assert got["registration_number"] == "83" and got["book_number"] == "01/2023"
    assert got["registration_date"] == "2023-05-06"
    if copy:
        assert "cause_of_death" not in got and ex.form_version == "copy"
    else:
        assert got["cause_of_death"] == "Bệnh già" and ex.form_version == "original"


@pytest.mark.parametrize("couple", [False, True])
def test_land_2014_holder_couple_and_parcel(couple):
    pages = land_2014_pages(couple=couple)
    got, ex = values("land_use_certificate", pages)
    assert got["holder_name"] == "NGUYỄN MẠNH CƯỜNG" and got["holder_birth_year"] == "1962"
    assert got["holder_id_number"] == "038062713674"
    assert got["holder_address"] == "Tổ dân phố 2, xã Xuân Lai, huyện Yên Bình, tỉnh Yên Bái"
    if couple:
        assert got["co_holder_name"] == "ĐOÀN MỸ OANH" and got["co_holder_birth_year"] == "1965"
        assert got["co_holder_id_number"] == "172450075"
    else:
        assert not any(k.startswith("co_holder") for k in got)
    assert got["certificate_serial"] == "BD152495"
    assert got["parcel_number"] == "1311" and got["map_sheet_number"] == "45"
    assert got["parcel_address"] == "Thôn 10, xã Hà Tân, huyện Hà Trung, tỉnh Thanh Hóa"
    assert got["area_m2"] == "152.5"
    assert got["area_in_words"] == "Một trăm năm mươi hai phẩy năm mét vuông"
    assert got["usage_form"] == "Sử dụng riêng" and got["land_use_purpose"] == "Đất ở tại nông thôn"
    assert got["land_use_code"] == "ONT" and got["usage_term"] == "Lâu dài"
    assert got["usage_origin"] == "Nhà nước giao đất có thu tiền sử dụng đất"
    assert got["issue_date"] == "2018-03-27" and got["registry_number"] == "CH01481"
    assert ex.form_version == "2014"
    assert ex.fields["area_m2"].confidence >= 0.9  # figures and words agree


def test_a_label_the_form_version_does_not_print_gives_no_field():
    """The 2014 land certificate has no certificate code (`LabelSpec.versions`): a line read like
    its label there (a stamp, a hand-written note) is not taken for one; the 2024 form keeps it."""
    note = [[(200, "Mã giấy chứng nhận: CH11")]]
    got, ex = values("land_use_certificate", land_2014_pages(couple=False, extra=note))
    assert ex.form_version == "2014" and "certificate_code" not in got
    assert got["holder_address"] == "Tổ dân phố 2, xã Xuân Lai, huyện Yên Bình, tỉnh Yên Bái"
    assert got["certificate_serial"] == "BD152495"
    got, ex = values("land_use_certificate", land_2024_pages())
    assert ex.form_version == "2024" and got["certificate_code"] == "CEAOFD25Z4MR"


def test_land_2024():
    got, ex = values("land_use_certificate", land_2024_pages())
    assert got["holder_name"] == "NGUYỄN MỸ KIM NGÂN" and got["holder_id_number"] == "033177063141"
    assert got["certificate_code"] == "CEAOFD25Z4MR" and got["certificate_serial"] == "DT03484084"
    assert got["land_use_purpose"] == "Đất trồng cây lâu năm" and got["land_use_code"] == "CLN"
    assert got["usage_term"] == "Đến ngày 31/12/2064" and got["area_m2"] == "2699.44"
    assert got["parcel_address"] == "Ấp 12, xã Bình Thành, huyện Thanh Bình, tỉnh Đồng Tháp"
    assert got["issue_date"] == "2025-04-30" and got["registry_number"] == "CH12502"
    assert "usage_origin" not in got and ex.form_version == "2024"


def _with_qr(pages, payload: str | None, ocr_code: str = "CEAOFD25Z4MR"):
    """The land pages with OCR's reading of the printed code replaced by `ocr_code`, and a real QR
    code holding `payload` (made with segno) drawn at the top left of page 1's image."""
    first = pages[0]
    words = [w.model_copy(update={"text": ocr_code}) if w.text == "CEAOFD25Z4MR" else w for w in first.words]
    image = first.prepared.ocr_image.copy()
    if payload is not None:
        buf = io.BytesIO()
        segno.make(payload, error="m").save(buf, kind="png", scale=8, border=4)
        image.paste(Image.open(buf).convert("L"), (150, 40))
    prepared = dataclasses.replace(first.prepared, ocr_image=image)
    return [dataclasses.replace(first, prepared=prepared, words=words), *pages[1:]]


def test_land_2024_certificate_code_is_read_off_its_qr_code():
    """A random 12-character code is where OCR slips most (`UM` read `LIM`); the 2024 form prints it
    as a QR code too, whose error correction makes its text exact."""
    payload = "https://dichvucong.gov.vn/gcn/CEAOFD25Z4MR"
    for ocr_code, sure in (("CEAOFD25Z4MR", True), ("CEAOFD2SZ4LIR", True), (None, False)):
        pages = _with_qr(land_2024_pages(), payload, ocr_code or "-")
        ex = extract_fields("land_use_certificate", pages, reread=False)
        got = ex.fields["certificate_code"]
        assert got.value == "CEAOFD25Z4MR" and (got.confidence >= 0.9) == sure, ocr_code
    # No QR code on the page, or one of another shape: what OCR read, as before.
    for other in (None, "https://example.vn/hoso?id=42"):
        ex = extract_fields(
            "land_use_certificate", _with_qr(land_2024_pages(), other, "CEAOFD2SZ4MR"), reread=False
        )
        assert ex.fields["certificate_code"].value == "CEAOFD2SZ4MR"
    # The 2014 form has no certificate code: a QR code on it fills no field.
    pages = land_2014_pages(couple=False)
    ex = extract_fields("land_use_certificate", _with_qr(pages, payload), reread=False)
    assert ex.form_version == "2014" and "certificate_code" not in ex.fields


def test_validation_disagreement_becomes_an_issue_and_lowers_confidence():
    page = birth_page(personal_id="038225001234")
    # Make the date in figures disagree with the date in words.
    for w in page.words:
        if w.text == "15/03/2025":
            object.__setattr__(w, "text", "16/03/2025")
    _, ex = values("birth_certificate", [page])
    codes = {(i.field, i.code) for i in ex.issues}
    assert any(code == "date_words_mismatch" for _, code in codes)
    assert ex.fields["date_of_birth"].confidence <= 0.5


def test_unrelated_form_is_unknown():
    c = classify_page(unrelated_page())
    assert c.kind == "text" and c.doc_type == "unknown"
    assert extract_fields("unknown", [unrelated_page()]).fields == {}


def test_every_form_is_classified_by_its_title():
    cases = [
        (birth_page(), "birth_certificate"),
        (marriage_page(wife_first=True), "marriage_certificate"),
        (death_page(copy=True), "death_certificate"),
        (land_2014_pages(couple=False)[0], "land_use_certificate"),
        (land_2024_pages()[0], "land_use_certificate"),
    ]
    for page, doc_type in cases:
        c = classify_page(page)
        assert (c.kind, c.doc_type) == ("title", doc_type)


def _classes(pages):
    return {p.index: classify_page(p) for p in pages}


def _reindex(pages):
    for n, p in enumerate(pages, start=1):
        p.prepared.page.index = n
    return pages


def test_stack_with_same_type_back_to_back_and_land_pages_3_4():
    blank = make_page([], ink=0.0)
    pages = _reindex(
        [
            birth_page(),
            birth_page(personal_id=None),
            blank,
            *land_2014_pages(couple=True),
            death_page(copy=False),
        ]
    )
    split = split_pages(_classes(pages))
    assert [(d.doc_type, d.pages) for d in split.documents] == [
        ("birth_certificate", [1]),
        ("birth_certificate", [2]),
        ("land_use_certificate", [4, 5, 6, 7]),
        ("death_certificate", [8]),
    ]
    assert split.status[3] == "blank"
    assert set(split.status) == set(range(1, 9))


def test_stack_with_a_separator_sheet():
    # A separator recognised by its caption (the QR code is tested on drawn sheets in test_separator).
    sep = make_page([[(600, "TỜ PHÂN CÁCH TÀI LIỆU")]], ink=0.01)
    other = unrelated_page()
    pages = _reindex([unrelated_page(), sep, other, marriage_page(wife_first=False)])
    classes = _classes(pages)
    assert classes[2].kind == "separator"
    split = split_pages(classes)
    # Without the separator the two unrelated pages would be one unknown document.
    assert [(d.doc_type, d.pages) for d in split.documents] == [
        ("unknown", [1]),
        ("unknown", [3]),
        ("marriage_certificate", [4]),
    ]
    assert split.status == {1: "document", 2: "separator", 3: "document", 4: "document"}


def test_continuation_without_its_first_page_is_kept_visible():
    split = split_pages(
        {1: PageClass("continuation", "land_use_certificate", 0.9), 2: PageClass("blank", "unknown", 1.0)}
    )
    assert [(d.doc_type, d.pages) for d in split.documents] == [("land_use_certificate", [1])]
    assert split.status == {1: "document", 2: "blank"}


def test_ocr_slips_around_labels():
    # A colon read as a semicolon, a label run into its value (`sinh18/11/1996`, `tộcKinh`), the
    # registration row's `Số:` garbled (`sø:`), and the hyphen of `Bà Rịa - Vũng Tàu` kept.
    rows = [
        *HEADER,
        [(900, "GIẤY KHAI SINH")],
        [(200, "sø: 150"), (1200, "Quyển số: 01/2019")],
        [(200, "Họ, chữ đệm, tên; NGUYỄN VĂN AN")],
        [(200, "Ngày, tháng, năm sinh15/03/2025")],
        [(200, "Giới tính; Nam"), (900, "Dân tộcKinh"), (1600, "Quốc tịch: Việt Nam")],
        [(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Bà Rịa - Vũng Tàu")],
        [(200, "Họ, chữ đệm, tên người mẹ: LÊ THỊ BÌNH")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
        [(1200, "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)")],
    ]
    got, _ = values("birth_certificate", [make_page(rows)])
    assert got["full_name"] == "NGUYỄN VĂN AN" and got["mother_name"] == "LÊ THỊ BÌNH"
    assert got["date_of_birth"] == "2025-03-15"
    assert got["sex"] == "Nam" and got["ethnicity"] == "Kinh"
    assert got["registration_number"] == "150" and got["book_number"] == "01/2019"
    assert got["place_of_birth"] == "Bệnh viện Đa khoa tỉnh Bà Rịa - Vũng Tàu"


def test_death_registration_date_beside_a_blank_book_number():
    # `Số: 95  Quyển số: ........  ngày 23/11/2021`: the date is the registration date, the book
    # number is left out; the notice's own `ngày` is not.
    page = death_page(copy=False)
    for w in page.words:
        if w.text == "01/2023":
            object.__setattr__(w, "text", "....")
    got, _ = values("death_certificate", [page])
    assert "book_number" not in got
    assert got["registration_date"] == "2023-05-06"
