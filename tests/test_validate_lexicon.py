"""Snapping read values to the domain's vocabularies: the name lexicon, the ethnic groups and
nationalities, dates in words, and place texts against the official list of units."""

from __future__ import annotations

import datetime as dt

import pytest
from sohoa.pipeline.validate.lexicon import (
    is_surname,
    is_vietnamese_syllable,
    snap_ethnicity,
    snap_nationality,
    snap_person_name,
)
from sohoa.pipeline.validate.number_words import snap_date_words
from sohoa.pipeline.validate.places import snap_place


@pytest.mark.parametrize(
    "read,want",
    [
        ("NGUYÊN VĂN AN", "NGUYỄN VĂN AN"),  # surname lost its tilde
        ("LỆ HOÀI UYỆN", "LÊ HOÀI UYÊN"),  # no surname `Lệ`, no syllable `Uyện`
        ("TRẤN ĐỨC GIANG", "TRẦN ĐỨC GIANG"),
        ("NGUYEN THỊ TAM", "NGUYỄN THỊ TÂM"),  # `Tam` is a name, but far rarer than `Tâm`
        ("BÙI MỸXOAN", "BÙI MỸ XOAN"),  # two syllables run together
        ("TRẦN KIM.HƯỜNG", "TRẦN KIM HƯỜNG"),
    ],
)
def test_name_snaps_to_the_spelling_the_lexicon_knows(read, want):
    got = snap_person_name(read)
    assert got.value == want
    assert got.confidence < 0.9  # a repaired name is never reported as sure


@pytest.mark.parametrize(
    "read,want",
    [
        ("LÊ KHẮĂC CƯỜNG", "LÊ KHẮC CƯỜNG"),  # the stacked mark read as a second vowel
        ("PHẠM ĐỨỨứ C KHẢI", "PHẠM ĐỨC KHẢI"),  # read three times, and the syllable cut in two
        ("RAN THÙY MINH HUỆ", "TRẦN THÙY MINH HUỆ"),  # the surname's first letter lost
        ("GUYỄN VĂN AN", "NGUYỄN VĂN AN"),
    ],
)
def test_surname_or_vowel_misread_is_repaired(read, want):
    got = snap_person_name(read)
    assert got.value == want
    assert got.confidence < 0.9


def test_two_vowels_a_syllable_holds_stay():
    assert snap_person_name("NGUYỄN HỮU PHƯỚC").value == "NGUYỄN HỮU PHƯỚC"
    assert snap_person_name("LƯU VĂN CỪU").value == "LƯU VĂN CỪU"


def test_known_name_is_left_alone_and_alternatives_decide():
    assert snap_person_name("LÊ THỊ HOA").value == "LÊ THỊ HOA"
    assert snap_person_name("LÊ THỊ HOA").confidence == 1.0
    # Both readings are known syllables: the page's reading stays, an unknown one gives way.
    assert snap_person_name("NGUYỄN HỤY", ("NGUYỄN HUY",)).value == "NGUYỄN HUY"


def test_impossible_reading_is_marked_down():
    assert not is_vietnamese_syllable("HOẠÀI")  # two tone marks
    assert is_vietnamese_syllable("NGUYỄN")
    assert snap_person_name("NGUYỄN XQZT").confidence <= 0.5
    assert is_surname("NGUYỄN") and not is_surname("THANH")


@pytest.mark.parametrize(
    "read,want,sure",
    [
        ("Kinh", "Kinh", True),
        ("Kinh +", "Kinh", True),
        ("Tảy", "Tày", True),  # same letters, one group: sure
        ("tình", "Kinh", False),
        ("lày", "Tày", False),  # a `T` that lost its bar: `Tày`, not `Lào`, and never sure
        ("lhái", "Thái", False),
        ("Lào", "Lào", True),
    ],
)
def test_ethnicity_snaps_to_the_54_groups(read, want, sure):
    got = snap_ethnicity(read)
    assert got.value == want
    assert (got.confidence >= 0.9) is sure


@pytest.mark.parametrize("read", ["Việt Nạm", "Yiệt Nam", "Việt 3 Nam", "Việt xe Nam"])
def test_nationality_snaps_to_the_country(read):
    got = snap_nationality(read)
    assert got.value == "Việt Nam" and got.confidence < 1.0


def test_nationality_part_alone_is_snapped_but_doubtful():
    got = snap_nationality("Nam")
    assert got.value == "Việt Nam" and got.confidence <= 0.5
    assert snap_nationality("Hàn Quốc").value == "Hàn Quốc"


def test_date_words_take_their_marked_spelling_and_drop_specks():
    got = snap_date_words("Ngày hai bảy tháng ba nặm hai nghìn không trăm hại nhăm x", dt.date(2025, 3, 27))
    assert got.value == "Ngày hai bảy tháng ba năm hai nghìn không trăm hai nhăm"
    assert 0.8 <= got.confidence < 0.9
    assert snap_date_words("Hại mươi tư tháng mười năm hại ngàn mười bảy").value == (
        "Hai mươi tư tháng mười năm hai ngàn mười bảy"
    )


def test_date_word_cut_in_two_is_joined():
    got = snap_date_words("Ngày hai bảy tháng ba năm hai nghìn không t răm hai nhăm", dt.date(2025, 3, 27))
    assert got.value == "Ngày hai bảy tháng ba năm hai nghìn không trăm hai nhăm"
    assert got.confidence < 0.9
    # Two number words side by side stay two.
    assert (
        snap_date_words("Ngày mười hai tháng tư năm hai nghìn").value
        == "Ngày mười hai tháng tư năm hai nghìn"
    )


def test_date_words_fill_one_unreadable_word_only_to_agree_with_the_figures():
    read = "Ngày mi tháng năm, năm hai nghìn hai mươi năm"
    assert (
        snap_date_words(read, dt.date(2025, 5, 2)).value == "Ngày hai tháng năm, năm hai nghìn hai mươi năm"
    )
    # Without the figures the word stays unread and the value is doubtful.
    unsure = snap_date_words(read)
    assert "mi" in unsure.value.split() and unsure.confidence < 0.9


@pytest.mark.parametrize(
    "read,want",
    [
        # Ia Krăi (Gia Lai): `Ia` read as `la`
        ("Bản 2, Xã la Krăi, Huyện Ia Grai, Tỉnh Gia Lai", "Bản 2, Xã Ia Krăi, Huyện Ia Grai, Tỉnh Gia Lai"),
        # full stops read for commas; a lost comma
        (
            "Số 151. đường Võ Thị Sáu. Phường Trần Lãm. Thành phố Thái Bình, Tỉnh Thái Bình",
            "Số 151, đường Võ Thị Sáu, Phường Trần Lãm, Thành phố Thái Bình, Tỉnh Thái Bình",
        ),
        ("UBND xã Cẩm Mỹ,huyện Cẩm Xuyên tỉnh Hà Tĩnh", "UBND xã Cẩm Mỹ, huyện Cẩm Xuyên, tỉnh Hà Tĩnh"),
        # marks of a unit's name, and the next label's text run on after the province
        (
            "Ủy bạn nhận dân xã Diên An, huyện Diện Khánh, tỉnh Khánh Hòa CCCD số 0380",
            "Ủy ban nhân dân xã Diên An, huyện Diên Khánh, tỉnh Khánh Hòa",
        ),
        ("Ân Giang", "An Giang"),
    ],
)
def test_place_snaps_to_the_official_units(read, want):
    got = snap_place(read)
    assert got.value == want and got.confidence < 0.9


def test_place_already_right_is_unchanged_and_unknown_place_is_not_guessed():
    right = "Xóm 10, Xã Minh Khai, Huyện Hưng Hà, Tỉnh Thái Bình"
    assert snap_place(right).value == right and snap_place(right).confidence == 1.0
    assert snap_place("Bệnh viện Đa khoa").value is None
