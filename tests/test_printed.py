"""Known text put back after recognition (`pipeline/printed.py`): the forms' printed phrases,
a garbled `Số:`, surnames after name labels, `m²` after an area, `Ia` in Jarai place names; and
values never rewritten. The OCR slips here are ones Tesseract made on generated pages."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont
from sohoa.pipeline import printed
from sohoa.pipeline.forms import FORMS
from sohoa.pipeline.ocr import mend_known_text
from sohoa.pipeline.parallel import read_page
from sohoa.pipeline.types import Page
from sohoa.schemas import OcrWord


def _words(*lines: str) -> list[OcrWord]:
    return [
        OcrWord(text=t, box=(100 + 80 * n, 100 + 40 * k, 170 + 80 * n, 130 + 40 * k), confidence=0.9, line=k)
        for k, line in enumerate(lines)
        for n, t in enumerate(line.split())
    ]


def _mended(*lines: str) -> list[str]:
    return mend_known_text(_words(*lines))[1]


def test_every_form_prints_its_labels_as_nfc_text():
    import unicodedata

    for form in FORMS.values():
        assert form.printed, form.doc_type
        for phrase in form.printed:
            assert phrase == unicodedata.normalize("NFC", phrase).strip(), phrase


def test_printed_phrases_are_put_back_and_values_kept():
    got = _mended(
        "(Ký, ghỉ rõ họ, chữ đệm, tên)",  # italic `ghi` read with a hook
        "Số: 51 Quyền số: 02/2019 ngày 11/11/2019",
        "Giới tính Nam Dân tộc; Kinh Quốc tịch: Việt Nam",  # colons lost or read as `;`
        "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIÊN VỚI ĐẤT",
        "II. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất",  # `III.` read a letter short
        "Nơi sinh: Bệnh viện Đa khoa tỉnh Quảng Bình",
    )
    assert got == [
        "(Ký, ghi rõ họ, chữ đệm, tên)",
        "Số: 51 Quyển số: 02/2019 ngày 11/11/2019",
        "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam",
        "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        "III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất",
        "Nơi sinh: Bệnh viện Đa khoa tỉnh Quảng Bình",
    ]


def test_the_label_value_seam_is_kept():
    got = _mended(
        "Họ và tên: LÊ THANH CHIẾN",  # not `Họ và tên mẹ:` read a letter wrong
        "Họ, chữ đệm, tên người raẹ: LƯU HỒNG HƯỜNG",  # a longer label goes on: no colon after `tên`
        "Ngày, tháng, năm sinh: 28/04/2025 qh¡ bằng chữ: Hai mươi",  # not the land form's `(bằng chữ:`
        "đ. Hình thức: Sử dụng riêng",  # not `d) Hình thức sử dụng:` with the value's words
        "a. Thửa đất số: 1140; Tờ bản đồ số: 62",  # the 2024 form's letters stay
        "Số 11T",  # no stop read: not taken for `Số:`
        "Ghi chú Đăng ký khai tử quá han",  # the value's slip stays a slip
    )
    assert got == [
        "Họ và tên: LÊ THANH CHIẾN",
        "Họ, chữ đệm, tên người raẹ: LƯU HỒNG HƯỜNG",
        "Ngày, tháng, năm sinh: 28/04/2025 qh¡ bằng chữ: Hai mươi",
        "đ. Hình thức: Sử dụng riêng",
        "a. Thửa đất số: 1140; Tờ bản đồ số: 62",
        "Số 11T",
        "Ghi chú: Đăng ký khai tử quá han",
    ]


def test_a_labels_last_word_read_cut_short_is_put_back_and_the_value_cut_off():
    """Where the value's ink runs into the label's last word, Tesseract reads that word cut short
    or a letter off, with the value's first strokes (`k#`, `sinl`, `k99/03/2024`)."""
    words, lines = mend_known_text(
        _words(
            "Ngày, tháng, năm đăng k# 5/4/2025",
            "Nguyên nhân ch Bệnh phổi",
            "Nơi đăng ký khai sinl Ủy ban nhân dân",
            "Ngày, tháng, năm đăng k99/03/2024",
            "Giấy tờ tùy Thẻ",  # a value a letter off the label's last word: not the label
            "Dân tộ&inh Quốc tịc/iệt Nam Nơi đăng ký khai sinhl Ủy",  # two-word labels, a colon read `l`
            "Mã Giấy chứng nhậ n: VMCEMWCBYJ8U",  # the word's end read apart with its colon
        )
    )
    assert lines == [
        "Ngày, tháng, năm đăng ký: 5/4/2025",
        "Nguyên nhân chết: Bệnh phổi",
        "Nơi đăng ký khai sinh: Ủy ban nhân dân",
        "Ngày, tháng, năm đăng ký: 99/03/2024",
        "Giấy tờ tùy Thẻ",
        "Dân tộc: Kinh Quốc tịch: Việt Nam Nơi đăng ký khai sinh: Ủy",  # the values cut off then snapped
        "Mã Giấy chứng nhận: VMCEMWCBYJ8U",  # no value to cut off: the word's two pieces joined
    ]
    label, value = (w for w in words if w.line == 3 and w.text in ("ký:", "99/03/2024"))
    assert label.box[2] == value.box[0] and label.box[0] < label.box[2] < value.box[2]


def test_a_garbled_number_label_before_a_number_is_so():
    got = _mended(
        "sø: 169 Quyến số: 02/2020", "Sấ: 51", "số: 44/TLKT-BS", "CCCD số 0123", "số 051186844405, do"
    )
    assert got == [
        "Số: 169 Quyển số: 02/2020",
        "Số: 51",
        "Số: 44/TLKT-BS",
        "CCCD số 0123",
        "số 051186844405, do",
    ]


def test_a_number_label_read_without_its_stop_or_run_into_its_number_is_so():
    """`Số` without its colon before a register number and `Quyển số:` or the line's end, `sø` (no
    Vietnamese syllable) before one, `Số` with the number run into it, and specks before the
    number (Tesseract's readings of hard generated pages); an address's `Số 11T`, an identity
    number's `số` and a line that goes on otherwise stay."""
    got = _mended(
        "Số 95 Quyển số: 02/2018",
        "Số 38/TLKT-BS",
        "sø 282",
        "sœ 83 Quyển số: 02/2017",
        "Số46 Quyển số: 02/2024",
        "Số: ,203",
        "Số. .121 Quyển số:",
        "Số 11T",
        "số 051186844405",
        "Số 40/16, đường Nguyễn Văn Cừ",
        "Số 12 người",
    )
    assert got == [
        "Số: 95 Quyển số: 02/2018",
        "Số: 38/TLKT-BS",
        "Số: 282",
        "Số: 83 Quyển số: 02/2017",
        "Số: 46 Quyển số: 02/2024",
        "Số: 203",
        "Số: 121 Quyển số:",
        "Số 11T",
        "số 051186844405",
        "Số 40/16, đường Nguyễn Văn Cừ",
        "Số 12 người",
    ]
    words = mend_known_text(_words("Số46 Quyển số: 02/2024"))[0]
    label, number = words[0], words[1]
    assert (label.text, number.text) == ("Số:", "46") and label.box[2] == number.box[0]


def test_roman_item_numbers_read_as_h_and_a_wrapped_header_are_put_back():
    got = _mended(
        "IH. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất",  # `II` run together as `H`
        "H. Thửa đất, nhà ở và tài sản khác gắn liền với đất",
        "Xác nhận của cơ quan có thấm",  # `thẩm quyền` wrapped in its table cell
        "H. Nguyễn Văn An",  # no printed phrase goes on
        "Xác nhận của cơ quan có",  # too short a start to tell
    )
    assert got == [
        "III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất",
        "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất",
        "Xác nhận của cơ quan có thẩm",
        "H. Nguyễn Văn An",
        "Xác nhận của cơ quan có",
    ]


def test_a_surname_after_a_name_label_gets_its_diacritics():
    got = _mended(
        "Họ, chữ đệm, tên: NGUYÊN DIÊU NGÂN",
        "Họ, chữ đệm, tên người mẹ: PHAM THU THỊ NGUYỆT",
        "Ông: NGUYÊN MẠNH CƯỜNG, năm sinh: 1992",
        "Họ và tên: LÃ VĂN AN",  # `Lã` is a surname of its own, not `La`
        "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",  # no name label: `NGUYÊN` stays
        "Nguyên nhân chết: Bệnh phổi",
    )
    assert got == [
        "Họ, chữ đệm, tên: NGUYỄN DIỆU NGÂN",  # `DIÊU` no name the lexicon knows: `_mend_name_marks`
        "Họ, chữ đệm, tên người mẹ: PHẠM THU THỊ NGUYỆT",
        "Ông: NGUYỄN MẠNH CƯỜNG, năm sinh: 1992",
        "Họ và tên: LÃ VĂN AN",
        "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
        "Nguyên nhân chết: Bệnh phổi",
    ]


def test_square_metres_after_an_area_and_ia_in_place_names():
    got = _mended(
        "c) Diện tích: 80,0 m2, (bằng chữ: Tám mươi mét vuông)",
        "1763,5 m?",
        "c) Diện tích: 242,0 mỶ, (bằng chữ:",
        "77m2",  # the area and its unit run together
        "Km2 m2",  # no number before: stays
        "Thôn Tân Lập, thị trấn la Kha, huyện la Grai, tỉnh Gia Lai",
        "xã la Hờ",  # no unit `Ia Hờ` in the tables: stays
    )
    assert got == [
        "c) Diện tích: 80,0 m², (bằng chữ: Tám mươi mét vuông)",
        "1763,5 m²",
        "c) Diện tích: 242,0 m², (bằng chữ:",
        "77 m²",
        "Km2 m2",
        "Thôn Tân Lập, thị trấn Ia Kha, huyện Ia Grai, tỉnh Gia Lai",
        "xã la Hờ",
    ]


def test_boxes_and_lines_are_kept():
    words = _words("Quyền số: 02", "Giới tính Nam")
    out, lines = mend_known_text(words)
    assert lines == ["Quyển số: 02", "Giới tính: Nam"]
    assert [w.box for w in out] == [w.box for w in words]
    assert [w.line for w in out] == [w.line for w in words]
    assert printed.mend_printed([]) == []


def test_the_page_stage_puts_a_label_read_with_a_wrong_tone_mark_back():
    """End to end through the page stage: the label is drawn as Tesseract misreads it (`Quyền`
    for `Quyển`, `ghỉ` for `ghi`, no colon after `Dân tộc`), and the page's lines have it as the
    form prints it; the typed values stay as drawn."""
    from .drawn import FONT

    image = Image.new("RGB", (1654, 300), "white")
    d = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    d.text((100, 80), "Số: 51    Quyền số: 02/2019", font=font, fill=(20, 20, 20))
    d.text((100, 170), "Dân tộc  Kinh    ghỉ bằng chữ: Mười", font=font, fill=(20, 20, 20))
    result = read_page(Page(1, image, 200))
    assert result.lines == ["Số: 51 Quyển số: 02/2019", "Dân tộc: Kinh ghi bằng chữ: Mười"], result.lines


@pytest.mark.parametrize("dx", [-24, -18])
def test_a_short_labels_last_word_run_into_by_the_value_is_put_back(dx):
    """A value typed left of its place, its first letter over the colon of a two-word label
    (blurred as a scan): Tesseract reads the label's last word and the value's start as one word
    (`chếfhôn`, `chếthôn`, `tộ&inh`) and loses the label; the page stage puts the label back with
    its colon and keeps what it read of the value after it."""
    import cv2
    import numpy as np
    from sohoa.pipeline import ocr

    from .drawn import FONT

    image = Image.new("RGB", (1654, 400), "white")
    d = ImageDraw.Draw(image)
    form = ImageFont.truetype(FONT, 34)
    data = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 32)
    rows = [("Họ, chữ đệm, tên:", "NGUYỄN THU", 20), ("Nơi chết:", "Thôn Thượng, xã Giao Long", dx)]
    rows += [("Dân tộc:", "Kinh", dx), ("Quê quán:", "Hà Nội", 20)]
    for n, (label, value, shift) in enumerate(rows):
        d.text((100, 40 + 80 * n), label, font=form, fill=(20, 20, 20))
        d.text(
            (100 + d.textlength(label, font=form) + shift, 34 + 80 * n), value, font=data, fill=(20, 20, 20)
        )
    image = Image.fromarray(cv2.GaussianBlur(np.asarray(image), (0, 0), 1.2))
    result = read_page(Page(1, image, 200))
    died = next(line for line in result.lines if "Giao Long" in line)
    assert died.startswith("Nơi chết: ") and died.endswith("hôn Thượng, xã Giao Long"), result.lines
    assert "Họ, chữ đệm, tên: NGUYỄN THU" in result.lines and "Quê quán: Hà Nội" in result.lines
    # `tộ&inh` (-24: the label's last word cut short) or `tộc: Kinh` (-18).
    assert any(line.startswith("Dân tộc: ") for line in result.lines), result.lines
    # Tesseract reads the label's last word and the value's first letters as one word.
    rec = ocr.recognize(result.prepared.ocr_image, psm=ocr.FORM_PSM, dpi=200)
    assert not any("chết:" in line for line in rec.lines), rec.lines


def test_a_long_printed_phrase_with_two_words_under_a_signature_is_put_back():
    """A signature's strokes over `ghi rõ` of `(Ký, ghi rõ họ tên, chức vụ và đóng dấu)`: Tesseract
    reads the two words as something else (`gi #Ø`), word for word; a phrase of eight words or more
    is put back with up to two words between its first and last read as anything but a label."""
    import numpy as np

    from .drawn import FONT

    image = Image.new("RGB", (1654, 300), "white")
    d = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    d.text((400, 120), "(Ký, ghi rõ họ tên, chức vụ và đóng dấu)", font=font, fill=(20, 20, 20))
    for before, word in (("(Ký, ", "ghi"), ("(Ký, ghi ", "rõ")):
        x0 = 400 + d.textlength(before, font=font)
        x1 = x0 + d.textlength(word, font=font)
        xs = np.linspace(x0 + 2, x1 - 2, 16)
        d.line(
            list(zip(xs, 138 + 10 * np.sin(np.linspace(0, 4 * np.pi, 16)), strict=True)),
            fill=(30, 30, 30),
            width=3,
        )
    result = read_page(Page(1, image, 200))
    assert result.lines == ["(Ký, ghi rõ họ tên, chức vụ và đóng dấu)"], result.lines
    # Not a printed phrase: a value's words are never rewritten, nor a line with a label in it.
    assert _mended("(Ký, ghi rõ họ tên: chức vụ và đóng dấu)", "Số: 12 Quyển số: 01 ngày 02/03/2020 tại") == [
        "(Ký, ghi rõ họ tên: chức vụ và đóng dấu)",
        "Số: 12 Quyển số: 01 ngày 02/03/2020 tại",
    ]


def test_a_lost_item_number_the_issuers_stop_and_a_causes_marks_are_put_back():
    got = _mended(
        "Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",  # `I.` lost
        "Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",  # `1.` lost (the 2024 form)
        "Thửa đất số: 1281, tờ bản đồ số: 67",  # `a)` or `a.`: the forms print both, left as read
        "do Ủy ban nhân dân xã Thạnh Mỹ cấp",  # the row's closing stop lost
        "Nguyên nhân chết: Đột quy",
        "do Công an tỉnh cấp ngày 07/10/2012",  # goes on after `cấp`
        "Nguyên nhân chết: Tai nạn giao thông",  # already as the table spells it
    )
    assert got == [
        "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
        "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
        "Thửa đất số: 1281, tờ bản đồ số: 67",
        "do Ủy ban nhân dân xã Thạnh Mỹ cấp.",
        "Nguyên nhân chết: Đột quỵ",
        "do Công an tỉnh cấp ngày 07/10/2012",
        "Nguyên nhân chết: Tai nạn giao thông",
    ]
    words = mend_known_text(_words("Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác"))[0]
    assert words[0].text == "I." and words[0].box[2] < words[1].box[0]


def test_a_names_tone_slip_and_closed_list_values_are_put_back():
    got = _mended(
        "Họ, chữ đệm, tên: ĐINH ANH LÔC",  # `LÔC`: no name; `LỘC` is, a tone mark away
        "Bà: NGUYỄN NGỌC THỦ, năm sinh: 1962",
        "Họ, chữ đệm, tên: TRẦN THỂ AN",  # `THỂ` is a name the lexicon knows: kept
        "Giới tính: am Dân tộc: đinh Quốc tịch: Wiệt Nam.",
        "Giới tính: lữ Dân tộc: Kinh 5 Quốc tịch: Việt 2 Nam Năm sinh: 1975",
        "Dân tộc: Kinh Quốc tịc h: Việt Nam",  # a label read in pieces is not taken into the value
        "Quốc tịch: Việt Nam Năm sinh‡975",  # the next label read garbled stays
    )
    assert got == [
        "Họ, chữ đệm, tên: ĐINH ANH LỘC",
        "Bà: NGUYỄN NGỌC THU, năm sinh: 1962",
        "Họ, chữ đệm, tên: TRẦN THỂ AN",
        "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam",
        "Giới tính: Nữ Dân tộc: Kinh Quốc tịch: Việt Nam Năm sinh: 1975",
        "Dân tộc: Kinh Quốc tịch: Việt Nam",  # the label's pieces joined, not taken for the value
        "Quốc tịch: Việt Nam Năm sinh‡975",
    ]


def test_number_words_of_a_date_in_words_are_spelled_right():
    got = _mended(
        "Ngày, tháng, năm sinh: 27/11/2019 ghi bằng chữ: NGÀY HAI BẤY, THÁNG MƯỜI MỘT,",
        "ghi bằng chữ: Ngày hai mươi lãm tháng một năm hai nghìn không trặm hai mươi",
        "ngàn chín trăm chín lãm",  # the value wrapped: a line of number words only
        "Ghi chú: Đăng ký lại khai tử",  # not a value in words: `tử` is no `tư`
        "Xã Tam Lãm",  # no number word line
    )
    assert got == [
        "Ngày, tháng, năm sinh: 27/11/2019 ghi bằng chữ: NGÀY HAI BẨY, THÁNG MƯỜI MỘT,",
        "ghi bằng chữ: Ngày hai mươi lăm tháng một năm hai nghìn không trăm hai mươi",
        "ngàn chín trăm chín lăm",
        "Ghi chú: Đăng ký lại khai tử",
        "Xã Tam Lãm",
    ]


def test_a_labels_word_read_in_two_pieces_is_one_word():
    words, lines = mend_known_text(
        _words(
            "Nơi sin h: xã Đức Tín",
            "Đã chết vào lú C: 02 giờ 10 phút",
            "Nơi đăng ký khai t ư: Ủy ban nhân dân",
            "Dân tộc: Kinh Quốc tịc h: Việt Nam",
            "Nơi sinh: Bệ ệnh viện Đa khoa",  # a value's pieces are left as read
        )
    )
    assert lines == [
        "Nơi sinh: xã Đức Tín",
        "Đã chết vào lúc: 02 giờ 10 phút",
        "Nơi đăng ký khai tử: Ủy ban nhân dân",
        "Dân tộc: Kinh Quốc tịch: Việt Nam",
        "Nơi sinh: Bệ ệnh viện Đa khoa",
    ]
    sinh = next(w for w in words if w.text == "sinh:" and w.line == 0)
    assert sinh.box[0] == 180 and sinh.box[2] == 330  # the box of both pieces


def test_a_name_in_capitals_is_tidied_where_the_name_lexicon_tells():
    """Tesseract's readings of names on generated pages: ink and specks around the words, a word
    in two pieces, a lone capital, the surname's first letter wrong or lost."""
    got = _mended(
        "Họ, chữ đệm, tên: HÀ s l DIỆU ĐÀO Họ, chữ đệm, tên: ¡} NGUYỄN CÔNG GIANG",
        "Họ, chữ đệm, tên người cha: P HẠM CÔNG VINH",
        "Họ, chữ đệm, tên người đi khai tử: -LÊ TRỌNG ` THUÂN",
        "Họ, chữ đệm, tên: E LOÀNG THẾ MẠNH",
        "Họ và tên mẹ: RẦN THỊ THƠM",
        "Họ và tên người đi khai sinh: IGUYỄN HỒNG TUYẾT TRANG",
        "Họ và tên: Ê NHẬT NAM",
        "Họ và tên cha: LÊ HỮU BÁ.HÒA",
        "Họ, chữ đệm, tên: Y MOAN ÊBAN",  # `Y` is a name
        "Ông: HUỲNH VĂN AN, năm sinh: 1951",  # the name ends at its comma
    )
    assert got == [
        "Họ, chữ đệm, tên: HÀ DIỆU ĐÀO Họ, chữ đệm, tên: NGUYỄN CÔNG GIANG",
        "Họ, chữ đệm, tên người cha: PHẠM CÔNG VINH",
        "Họ, chữ đệm, tên người đi khai tử: LÊ TRỌNG THUẬN",
        "Họ, chữ đệm, tên: HOÀNG THẾ MẠNH",
        "Họ và tên mẹ: TRẦN THỊ THƠM",
        "Họ và tên người đi khai sinh: NGUYỄN HỒNG TUYẾT TRANG",
        "Họ và tên: LÊ NHẬT NAM",
        "Họ và tên cha: LÊ HỮU BÁ HÒA",
        "Họ, chữ đệm, tên: Y MOAN ÊBAN",
        "Ông: HUỲNH VĂN AN, năm sinh: 1951",
    ]
    words = mend_known_text(_words("Họ, chữ đệm, tên người cha: P HẠM CÔNG VINH"))[0]
    pham = next(w for w in words if w.text == "PHẠM")
    assert pham.box[0] < pham.box[2] and pham.box[2] - pham.box[0] > 80  # the box of both pieces


def test_a_speck_is_not_taken_for_a_piece_of_a_labels_word():
    got = _mended(
        "Tỉnh Bà Rịa - Nơi cư trú: Ấp Nam",
        "a . Thửa đất số: 907; Tờ bản đồ số: 12",  # `a.` or `a)`: the forms print both, left as read
        "b . Diện tích: 58 m² (bằng chữ: năm mươi tám mét vuông)",
    )
    assert got == [
        "Tỉnh Bà Rịa - Nơi cư trú: Ấp Nam",
        "a . Thửa đất số: 907; Tờ bản đồ số: 12",
        "b. Diện tích: 58 m² (bằng chữ: năm mươi tám mét vuông)",
    ]


def test_phrases_the_values_repeat_are_spelled_right():
    got = _mended(
        "Nơi đăng ký kết hôn: ly ban nhân dân xã Bắc Sơn",  # one word a letter off
        "Nơi chết: Bênh viên Đạ khoa tỉnh Long An",  # marks slipped
        "do Cuc Cảnh sát QLHC về TTXH cấp ngày 07/10/2012",
        "Giấy tờ tùy thân: Chứng mỉnh nhân dân số 297894986",
        "ỦY BAN NHÂN DÂN",  # a heading in capitals stays
        "Nơi sinh: Bệ ệnh viện Đa khoa tỉnh Hải Dương",  # `ệnh` ends a word read in two pieces
        "Ủy ban nhân xã Kim Tân",  # a word lost: not the phrase
    )
    assert got == [
        "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Bắc Sơn",
        "Nơi chết: Bệnh viện Đa khoa tỉnh Long An",
        "do Cục Cảnh sát QLHC về TTXH cấp ngày 07/10/2012",
        "Giấy tờ tùy thân: Chứng minh nhân dân số 297894986",
        "ỦY BAN NHÂN DÂN",
        "Nơi sinh: Bệ ệnh viện Đa khoa tỉnh Hải Dương",
        "Ủy ban nhân xã Kim Tân",
    ]
