"""Land-use certificates: purposes and codes, terms, areas, serials, registry numbers."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sohoa.pipeline.validate.land import (
    check_area,
    check_certificate_code,
    check_certificate_serial,
    check_land_purpose,
    check_registry_number,
    check_usage_term,
    code_to_purpose,
    land_use_codes,
    normalize_registry_number,
    parse_area_figures,
    parse_certificate_serial,
    parse_purposes,
    parse_usage_term,
    purpose_to_codes,
)
from sohoa.pipeline.validate.number_words import area_to_words

CODES = (
    "ONT",
    "ODT",
    "LUC",
    "LUK",
    "LUN",
    "BHK",
    "NHK",
    "CLN",
    "RSX",
    "RPH",
    "NTS",
    "LMU",
    "NKH",
    "TMD",
    "SKC",
    "NTD",
)


def codes(issues) -> list[str]:
    return [i.code for i in issues]


def test_every_code_has_a_name_that_maps_back() -> None:
    table = land_use_codes()
    assert set(table) == set(CODES)
    for code, name in table.items():
        assert purpose_to_codes(name).value == (code,), name
        assert purpose_to_codes(name.upper()).value == (code,), name
        assert purpose_to_codes(f"{name} ({code})").value == (code,), name
        assert code_to_purpose(code) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đất ở tại nông thôn", ("ONT",)),
        ("đất ở tại đô thị", ("ODT",)),
        ("Đất ở", ("ONT", "ODT")),  # the group name: either
        ("Đất chuyên trồng lúa", ("LUC",)),  # 2024 name
        ("Đất nuôi trồng thuỷ sản", ("NTS",)),
        ("Đất thương mại dịch vụ", ("TMD",)),
        ("Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng", ("NTD",)),
        ("Dat trong cay lau nam", ("CLN",)),
    ],
)
def test_purpose_names(text: str, expected: tuple[str, ...]) -> None:
    result = purpose_to_codes(text)
    assert result.value == expected and result.confidence == 1.0


def test_ocr_slips_in_purposes_lower_the_confidence() -> None:
    result = purpose_to_codes("Đất trồng cây lâu nămm")
    assert result.value == ("CLN",) and 0.0 < result.confidence < 1.0
    assert purpose_to_codes("Đất trồng hoa hồng").value is None


def test_compound_purposes_with_areas() -> None:
    parsed = parse_purposes("Đất ở tại nông thôn 100 m²; Đất trồng cây lâu năm: 52,5m2")
    assert [(p.codes, p.area) for p in parsed.value] == [
        (("ONT",), Decimal(100)),
        (("CLN",), Decimal("52.5")),
    ]
    assert (
        check_land_purpose("Đất ở tại nông thôn 100 m²; Đất trồng cây lâu năm 52,5 m²", area_m2="152.5") == []
    )
    mismatch = check_land_purpose("Đất ở tại nông thôn 100 m²; Đất trồng cây lâu năm 50 m²", area_m2="152.5")
    assert codes(mismatch) == ["land_purpose_area_sum_mismatch"]
    both = parse_purposes("Đất ở tại nông thôn và đất trồng cây lâu năm")
    assert [p.codes for p in both.value] == [("ONT",), ("CLN",)]


def test_purpose_and_code() -> None:
    assert check_land_purpose("Đất ở tại nông thôn", land_use_code="ONT") == []
    assert check_land_purpose("Đất ở", land_use_code="ODT") == []
    assert codes(check_land_purpose("Đất ở tại nông thôn", land_use_code="ODT")) == ["land_code_mismatch"]
    assert codes(check_land_purpose("Đất ở tại nông thôn", land_use_code="XYZ")) == ["land_code_unknown"]
    unknown = check_land_purpose("Đất trồng hoa hồng; Đất ở tại đô thị", land_use_code="ODT")
    assert codes(unknown) == ["land_purpose_unknown"] and unknown[0].severity == "warning"


def test_terms() -> None:
    parts = parse_usage_term("Đất ở: Lâu dài; Đất trồng cây lâu năm: Đến ngày 31/12/2064").value
    assert parts[0].permanent and parts[0].purpose.codes == ("ONT", "ODT")
    assert parts[1].until == date(2064, 12, 31) and parts[1].purpose.codes == ("CLN",)
    assert parse_usage_term("Lâu dài").value[0].permanent
    assert parse_usage_term("Sử dụng đến năm 2043").value[0].until_year == 2043
    assert parse_usage_term("50 năm").value[0].years == 50
    assert codes(check_usage_term("Đến ngày 31/02/2064")) == ["land_term_date_invalid"]
    assert codes(check_usage_term("Chưa rõ")) == ["land_term_unreadable"]
    purpose = "Đất ở tại nông thôn; Đất trồng cây lâu năm"
    assert (
        check_usage_term("Đất ở: Lâu dài; Đất trồng cây lâu năm: Đến ngày 31/12/2064", purpose=purpose) == []
    )
    assert codes(check_usage_term("Đến ngày 31/12/2064", purpose="Đất ở tại đô thị")) == [
        "land_term_residential_not_permanent"
    ]
    assert codes(check_usage_term("Đất rừng sản xuất: Đến ngày 01/01/2050", purpose=purpose)) == [
        "land_term_purpose_mismatch"
    ]
    assert codes(check_usage_term("Đến ngày 01/01/2010", issue_date=date(2015, 6, 1))) == [
        "land_term_before_issue"
    ]


def test_area_figures() -> None:
    assert parse_area_figures("152,5 m²").value == Decimal("152.5")
    assert parse_area_figures("1.234,5 m2").value == Decimal("1234.5")
    assert parse_area_figures("1.234").confidence < 1.0
    assert parse_area_figures("152.5").confidence < 1.0  # a dot read for the comma
    assert parse_area_figures("152.5", contract_format=True).value == Decimal("152.5")
    assert parse_area_figures("152,5", contract_format=True).value is None
    assert parse_area_figures("abc").value is None


def test_area_figures_against_words() -> None:
    assert check_area("152.5", "Một trăm năm mươi hai phẩy năm mét vuông") == []
    mismatch = check_area("152.5", "Một trăm năm mươi hai mét vuông")
    assert codes(mismatch) == ["area_words_mismatch"] and mismatch[0].field == "area_in_words"
    assert "152,5" in mismatch[0].message and "152 m²" in mismatch[0].message
    assert codes(check_area("152,5", None)) == ["area_format"]
    assert codes(check_area("0", None)) == ["area_not_positive"]
    assert codes(check_area(None, "một trăm xyz")) == ["area_words_unreadable"]


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99999.9"), places=1),
    st.randoms(use_true_random=False),
)
def test_any_area_in_figures_matches_its_words(value: Decimal, rng: random.Random) -> None:
    figures = format(value.normalize(), "f")
    assert check_area(figures, area_to_words(value, rng)) == []
    other = value + Decimal("0.1")
    assert codes(check_area(figures, area_to_words(other, rng))) == ["area_words_mismatch"]


@pytest.mark.parametrize(
    ("printed", "value", "form"),
    [
        ("BN 531146", "BN531146", "2014"),
        ("BN531146", "BN531146", "2014"),
        ("AA 09273289", "AA09273289", "2024"),
        ("CĐ 123456", "CĐ123456", "2014"),
    ],
)
def test_serials(printed: str, value: str, form: str) -> None:
    serial = parse_certificate_serial(printed).value
    assert (serial.value, serial.form) == (value, form)
    assert check_certificate_serial(value) == []


@pytest.mark.parametrize(
    "bad", ["B 531146", "BN 53114", "BN 5311466", "bn531146", "BN 53I146", "BN 0927328900", ""]
)
def test_bad_serials(bad: str) -> None:
    assert parse_certificate_serial(bad).value is None
    assert codes(check_certificate_serial(bad)) == ["land_serial_format"]


def test_serial_against_certificate_code_and_spaces() -> None:
    assert codes(check_certificate_serial("BN531146", certificate_code="A1B2C3D4E5F6")) == [
        "land_serial_form_mismatch"
    ]
    assert check_certificate_serial("AA09273289", certificate_code="A1B2C3D4E5F6") == []
    assert codes(check_certificate_serial("BN 531146")) == ["land_serial_not_normalized"]
    assert check_certificate_code("A1B2C3D4E5F6") == []
    assert codes(check_certificate_code("A1B2")) == ["land_certificate_code_format"]


@pytest.mark.parametrize(
    ("printed", "value", "usual"),
    [
        ("CS03027", "CS03027", True),
        ("CH 00120", "CH00120", True),
        ("CT 01234", "CT01234", True),
        ("CN.5429", "CN.5429", True),
        ("CH-01234", "CH-01234", True),
        ("00123 QSDĐ/123/QĐ-UB", "00123QSDĐ/123/QĐ-UB", False),
    ],
)
def test_registry_numbers(printed: str, value: str, usual: bool) -> None:
    result = normalize_registry_number(printed)
    assert result.value == value
    assert (result.confidence == 1.0) == usual
    assert check_registry_number(value) == []


def test_bad_registry_numbers() -> None:
    for bad in ("", "CS", "CS#0302", "Số vào sổ: CS03027"):
        assert codes(check_registry_number(bad)) == ["land_registry_number_format"], bad
    assert codes(check_registry_number("CH 00120")) == ["land_registry_number_not_normalized"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_raises(text: str) -> None:
    for parse in (
        parse_purposes,
        parse_usage_term,
        parse_area_figures,
        parse_certificate_serial,
        normalize_registry_number,
    ):
        result = parse(text)
        assert 0.0 <= result.confidence <= 1.0
    check_land_purpose(text, land_use_code=text, area_m2=text)
    check_usage_term(text, purpose=text, issue_date=date(2020, 1, 1))
    check_area(text, text)
