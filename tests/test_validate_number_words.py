"""Vietnamese number words: dates and areas in words, read and written in every spelling variant.

How the coverage of "every date 1900-01-01..2035-12-31 and every area 0.1..99,999.9 in every
spelling variant" is achieved without testing the ~10^11 combinations one by one:

- A date in words is three independent parts (day, month, year) plus framing (leading `Ngày`,
  commas, letter case). Each part is tested exhaustively on its own: every day 1..31 in every
  distinct spelling the day-relevant options give, every month in every spelling, every year
  1900..2035 in every distinct spelling the year-relevant options give, every framing.
- Then every date of the whole range is written with a variant that rotates through the full
  product of all options (a stride co-prime with its size, so consecutive dates differ in many
  options) and read back; one date in seven is also read with its diacritics stripped.
- Areas likewise: every number 0..999 in every distinct spelling of the number options, every
  group after `nghìn` with and without `không trăm`, then every integer part 0..99,999 with a
  rotating decimal digit and a rotating variant, plus hypothesis for arbitrary values.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sohoa.pipeline.validate.number_words import (
    CANONICAL,
    WordVariant,
    area_to_words,
    date_to_words,
    number_to_words,
    parse_area_words,
    parse_date_words,
    parse_number_words,
    snap_date_words,
)

OPTIONS = WordVariant.OPTIONS
NUMBER_OPTIONS = ("one_after_tens", "four_after_tens", "five_after_tens", "seven", "tens_word", "drop_muoi")
SCALE_OPTIONS = ("thousand", "zero_hundred")


def variants(names: tuple[str, ...]) -> list[WordVariant]:
    """Every combination of the named options, the others canonical."""
    combos = itertools.product(*(OPTIONS[n] for n in names))
    return [WordVariant(**dict(zip(names, combo, strict=True))) for combo in combos]


def strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --------------------------------------------------------------------------------------------
# Known spellings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm", date(2005, 3, 15)),
        ("ngày mồng một tháng giêng năm một nghìn chín trăm", date(1900, 1, 1)),
        ("Ngày mùng mười", None),  # no month: not a date
        ("Ngày hai mốt tháng chạp năm hai ngàn lẻ một", date(2001, 12, 21)),
        ("ngày ba lăm tháng hai năm hai nghìn", None),  # 35 is no day
        ("Ngày ba mốt, tháng năm, năm một nghìn chín trăm bẩy mươi nhăm", date(1975, 5, 31)),
        ("NGÀY HAI MƯƠI TƯ THÁNG TƯ NĂM HAI NGHÌN HAI MƯƠI TƯ", date(2024, 4, 24)),
        ("ngày hai mươi bốn tháng bốn năm hai nghìn không trăm hai mươi bốn", date(2024, 4, 24)),
        ("ngày mười tháng mười năm hai nghìn không trăm mười", date(2010, 10, 10)),
        ("ngày mười một tháng mười một năm hai nghìn mười một", date(2011, 11, 11)),
        ("ngày hai mươi năm tháng năm năm hai nghìn không trăm hai mươi năm", date(2025, 5, 25)),
        ("ngày hai mười hai tháng hai năm một nghìn chín trăm hai mười hai", date(1922, 2, 22)),
        ("Ngày mươi lăm tháng ba năm hai nghìn không trăm linh năm", date(2005, 3, 15)),
        ("mồng năm tháng năm năm một nghìn chín trăm năm mươi lăm", date(1955, 5, 5)),
        ("Ngày 15 tháng 3 năm 2005", None),  # figures are not words
        ("Ngày ba mươi tháng hai năm hai nghìn", None),  # not on the calendar
        ("ngày hai mươi chín tháng hai năm hai nghìn", date(2000, 2, 29)),
        ("ngày hai mươi chín tháng hai năm một nghìn chín trăm", None),  # 1900 is no leap year
    ],
)
def test_known_dates(text: str, expected: date | None) -> None:
    result = parse_date_words(text)
    assert result.value == expected
    if expected is None:
        assert result.confidence == 0.0 and result.issues
    else:
        assert result.confidence == 1.0


def test_canonical_spelling() -> None:
    assert date_to_words(date(2005, 3, 15)) == "Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm"
    assert (
        date_to_words(date(1999, 12, 21))
        == "Ngày hai mươi mốt tháng mười hai năm một nghìn chín trăm chín mươi chín"
    )
    assert date_to_words(date(2024, 4, 14)) == "Ngày mười bốn tháng tư năm hai nghìn không trăm hai mươi tư"
    assert area_to_words(Decimal("152.5")) == "Một trăm năm mươi hai phẩy năm mét vuông"
    assert area_to_words("0.05", unit=None) == "Không phẩy không năm"
    assert number_to_words(1_000_005) == "một triệu không trăm linh năm"
    assert number_to_words(105) == "một trăm linh năm"
    assert number_to_words(2010) == "hai nghìn không trăm mười"


def test_colloquial_abbreviations_are_guesses() -> None:
    """`một trăm hai` (120) and `hai nghìn hai` (2 200) are spoken forms: read, but not trusted."""
    assert parse_number_words("một trăm hai").value == 120
    assert parse_number_words("một trăm hai").confidence <= 0.6
    assert parse_number_words("hai nghìn hai").value == 2200
    assert parse_number_words("hai nghìn hai").confidence <= 0.6
    assert parse_number_words("một trăm linh hai").value == 102
    assert parse_number_words("một trăm linh hai").confidence == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "trăm",
        "mười mười",
        "hai trăm trăm",
        "lăm",
        "linh năm",
        "không trăm năm",
        "một mươi",
        "xyz abc",
    ],
)
def test_not_numbers(text: str) -> None:
    result = parse_number_words(text)
    assert result.value is None and result.confidence == 0.0
    assert result.issues[0].code == "words_unreadable"


def test_ocr_slips_lower_the_confidence() -> None:
    exact = "Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm"
    no_marks = parse_date_words(strip_marks(exact))
    assert no_marks.value == date(2005, 3, 15)
    assert 0.5 < no_marks.confidence < 1.0
    one_slip = parse_date_words(exact.replace("trăm", "trâm"))
    assert one_slip.value == date(2005, 3, 15)
    assert no_marks.confidence < one_slip.confidence < 1.0
    one_letter = parse_date_words(exact.replace("nghìn", "nghìm"))  # a letter wrong, not a mark
    assert one_letter.value == date(2005, 3, 15)
    assert one_letter.confidence < one_slip.confidence
    rn = parse_date_words(exact.replace("mười", "rnười"))  # "m" read as "rn"
    assert rn.value == date(2005, 3, 15) and rn.confidence < 1.0


def test_area_words_with_prefix_and_units() -> None:
    for text in (
        "(bằng chữ: Một trăm năm mươi hai phẩy năm mét vuông)",
        "một trăm năm mươi hai phẩy năm m2",
        "một trăm năm mươi hai phảy năm m²",
        "một trăm năm mươi hai phẩy năm",
    ):
        assert parse_area_words(text).value == Decimal("152.5"), text
    assert parse_area_words("mười hai phẩy hai mươi lăm").value == Decimal("12.25")
    assert parse_area_words("mười hai phẩy hai lăm").value == Decimal("12.25")
    assert parse_area_words("mười hai phẩy hai năm").value == Decimal("12.25")
    assert parse_area_words("mười hai phẩy không năm").value == Decimal("12.05")
    assert parse_area_words("mười hai phẩy").value is None
    assert parse_area_words("mười hai phẩy một phẩy hai").value is None


# --------------------------------------------------------------------------------------------
# Components, exhaustively
# --------------------------------------------------------------------------------------------


def test_every_day_in_every_spelling() -> None:
    names = (*NUMBER_OPTIONS, "day_prefix")
    checked = 0
    for day in range(1, 32):
        spellings = {date_to_words(date(2001, 1, day), v): v for v in variants(names)}
        for text in spellings:
            assert parse_date_words(text).value == date(2001, 1, day), text
            checked += 1
    assert checked == 92  # the distinct spellings of days 1..31 under these options


def test_every_month_in_every_spelling() -> None:
    for month in range(1, 13):
        for v in variants(("january", "april", "december", "seven")):
            text = date_to_words(date(1977, month, 7), v)
            assert parse_date_words(text).value == date(1977, month, 7), text


def test_every_year_in_every_spelling() -> None:
    names = (*NUMBER_OPTIONS, *SCALE_OPTIONS, "zero_tens")
    all_variants = variants(names)
    for year in range(1900, 2036):
        spellings = {" ".join(["năm", number_to_words(year, v)]) for v in all_variants}
        for spelling in spellings:
            text = f"ngày mười hai tháng sáu {spelling}"
            assert parse_date_words(text).value == date(year, 6, 12), text


def test_every_framing() -> None:
    for v in variants(("leading_ngay", "commas", "case", "day_prefix")):
        for d in (date(1900, 1, 1), date(2035, 12, 31), date(1968, 2, 29)):
            text = date_to_words(d, v)
            assert parse_date_words(text).value == d, text
            if v.case == "upper":
                assert text == text.upper()


def test_every_number_below_1000_in_every_spelling() -> None:
    all_variants = variants((*NUMBER_OPTIONS, "zero_tens"))
    for n in range(1000):
        for text in {number_to_words(n, v) for v in all_variants}:
            result = parse_number_words(text)
            assert result.value == n and result.confidence == 1.0, text


def test_every_group_after_thousand() -> None:
    """`x nghìn` + every group 0..999, with/without `không trăm`, `nghìn`/`ngàn`, `linh`/`lẻ`."""
    for group in range(1000):
        for v in variants(("thousand", "zero_hundred", "zero_tens")):
            for n in (1000 + group, 21_000 + group, 99_000 + group):
                text = number_to_words(n, v)
                assert parse_number_words(text).value == n, text


# --------------------------------------------------------------------------------------------
# The whole ranges, with rotating variants
# --------------------------------------------------------------------------------------------

ALL_NAMES = tuple(OPTIONS)
ALL_COMBOS = list(itertools.product(*(OPTIONS[n] for n in ALL_NAMES)))
STRIDE = 7919  # a prime, co-prime with the number of combinations (2**12 * 3**4)


def rotating_variant(i: int) -> WordVariant:
    return WordVariant(**dict(zip(ALL_NAMES, ALL_COMBOS[(i * STRIDE) % len(ALL_COMBOS)], strict=True)))


def test_every_date_1900_to_2035_round_trips() -> None:
    d, end, i = date(1900, 1, 1), date(2035, 12, 31), 0
    seen_options: dict[str, set[object]] = {n: set() for n in ALL_NAMES}
    while d <= end:
        v = rotating_variant(i)
        text = date_to_words(d, v)
        result = parse_date_words(text)
        assert result.value == d, (d, text)
        assert result.confidence == 1.0, text
        if i % 7 == 0:
            folded = parse_date_words(strip_marks(text))
            assert folded.value == d, (d, text)
        for n in ALL_NAMES:
            seen_options[n].add(getattr(v, n))
        d += timedelta(days=1)
        i += 1
    assert i == 49_673
    assert all(seen_options[n] == set(OPTIONS[n]) for n in ALL_NAMES)


def test_every_area_0_1_to_99999_9_round_trips() -> None:
    for whole in range(100_000):
        tenth = whole % 10 if whole else 1 + whole % 9
        value = Decimal(f"{whole}.{tenth}") if tenth else Decimal(whole)
        text = area_to_words(value, rotating_variant(whole), unit="mét vuông" if whole % 3 else None)
        result = parse_area_words(text)
        assert result.value == value, (value, text)
    for tenth in range(1, 10):  # every decimal digit on the extremes
        for whole in (0, 9, 10, 99, 100, 999, 1000, 10_005, 99_999):
            value = Decimal(f"{whole}.{tenth}")
            assert parse_area_words(area_to_words(value)).value == value


# --------------------------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------------------------

word_variants = st.builds(WordVariant, **{n: st.sampled_from(OPTIONS[n]) for n in ALL_NAMES})
MARK_SLIPS = {
    "ư": "u",
    "ơ": "o",
    "ă": "a",
    "â": "a",
    "ê": "e",
    "ô": "o",
    "ì": "i",
    "à": "a",
    "á": "a",
    "ạ": "a",
}


@settings(max_examples=300, deadline=None)
@given(st.dates(date(1000, 1, 1), date(2999, 12, 31)), word_variants)
def test_any_date_any_variant_round_trips(d: date, v: WordVariant) -> None:
    result = parse_date_words(date_to_words(d, v))
    assert result.value == d and result.confidence == 1.0


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 999_999_999), word_variants)
def test_any_number_round_trips(n: int, v: WordVariant) -> None:
    assert parse_number_words(number_to_words(n, v)).value == n


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=0, max_value=999_999, places=2, allow_nan=False, allow_infinity=False),
    word_variants,
)
def test_any_area_round_trips(value: Decimal, v: WordVariant) -> None:
    assert parse_area_words(area_to_words(value, v)).value == value


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2035, 12, 31)), st.randoms(use_true_random=False), st.data())
def test_mark_slips_keep_the_value(d: date, rng: random.Random, data: st.DataObject) -> None:
    text = date_to_words(d, rng).lower()
    slips = data.draw(st.sets(st.sampled_from(sorted(MARK_SLIPS))))
    slipped = "".join(MARK_SLIPS[c] if c in slips else c for c in unicodedata.normalize("NFC", text))
    result = parse_date_words(slipped)
    assert result.value == d
    assert result.confidence <= 1.0
    if slipped != text:
        assert 0.0 < result.confidence < 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ngàymườilămthángbanăphẩyđ ,.:0123456789xzqMƯỜ")), max_size=80))
def test_parsers_never_raise(text: str) -> None:
    for parse in (parse_date_words, parse_area_words, parse_number_words):
        result = parse(text)
        assert 0.0 <= result.confidence <= 1.0
        assert (result.value is None) == (result.confidence == 0.0)


def test_random_variants_are_reproducible_and_varied() -> None:
    a = [date_to_words(date(2000, 1, 1) + timedelta(days=i), random.Random(i)) for i in range(50)]
    b = [date_to_words(date(2000, 1, 1) + timedelta(days=i), random.Random(i)) for i in range(50)]
    assert a == b
    chosen = [WordVariant.random(random.Random(i)) for i in range(400)]
    assert CANONICAL in chosen or len(set(chosen)) > 100
    for name in ALL_NAMES:
        assert {getattr(v, name) for v in chosen} == set(OPTIONS[name]), name


def test_outputs_are_nfc() -> None:
    rng = random.Random(5)
    for i in range(200):
        text = date_to_words(date(1950, 1, 1) + timedelta(days=97 * i), rng)
        assert unicodedata.is_normalized("NFC", text)
        area = area_to_words(Decimal(i) / 10 + 1, rng)
        assert unicodedata.is_normalized("NFC", area)


def test_full_stop_for_a_comma_between_the_parts_of_a_date_in_words():
    # Parts parted by commas: a stop ending the month before the year's `năm` is the comma; the
    # comma of a word filled in from the date in figures stays (`GHÍN,` → `CHÍN,`).
    got = snap_date_words("MÙNG GHÍN, THÁNG SÁU. NĂM HAI NGHÌN KHÔNG TRĂM MƯỜI TÁM", date(2018, 6, 9))
    assert got.value == "MÙNG CHÍN, THÁNG SÁU, NĂM HAI NGHÌN KHÔNG TRĂM MƯỜI TÁM"
    # Without commas the stops are the dotted line between the words: dropped.
    assert snap_date_words("MƯỜI.LĂM. THÁNG BẢY. NĂM.HAI.NGÀN").value == "MƯỜI LĂM THÁNG BẢY NĂM HAI NGÀN"
    # `tháng. năm,`: the stop after `tháng` is no part boundary (May follows).
    assert snap_date_words("Ngày mồng năm tháng. năm, năm hai nghìn").value.startswith(
        "Ngày mồng năm tháng năm,"
    )


def test_snap_number_word_spells_a_number_word_read_with_a_slip():
    from sohoa.pipeline.validate.number_words import snap_number_word

    assert snap_number_word("lãm") == "lăm"
    assert snap_number_word("BẤY") == "BẨY"  # of bảy / bẩy, the one with the reading's marks
    assert snap_number_word("trặm") == "trăm"
    assert snap_number_word("Ngày") == "Ngày"
    assert snap_number_word("tử") == "tư"  # a number word's slip: callers give it number words only
    assert snap_number_word("mưoi") is None  # mười or mươi: not clear
    assert snap_number_word("m2") is None and snap_number_word("bằng") is None  # units, `bằng chữ`
    assert snap_number_word("Nguyễn") is None  # (`Bình` would be `Linh`: callers give it number words)
