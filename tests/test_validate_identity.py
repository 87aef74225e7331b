"""Identity numbers: CCCD structure and cross-checks, CMND, passports, the CCCD generator helper."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sohoa.pipeline.validate.identity import (
    IdentityKind,
    cccd_place_codes,
    check_identity_number,
    make_cccd,
    make_cmnd,
    make_passport_vn,
    parse_identity_number,
)
from sohoa.pipeline.validate.issues import Severity
from sohoa.pipeline.validate.places import provinces


def codes(issues) -> list[str]:
    return [i.code for i in issues]


def test_the_official_table_has_the_63_codes_of_the_admin_units_package() -> None:
    table = cccd_place_codes()
    assert len(table) == 63
    assert table["001"] == "Hà Nội" and table["038"] == "Thanh Hóa" and table["079"] == "Hồ Chí Minh"
    assert table["089"] == "An Giang" and table["096"] == "Cà Mau"
    assert {c[1:] for c in table} == {p.code for p in provinces("legacy")}


def test_valid_cccd() -> None:
    result = parse_identity_number("038099001234")
    ident = result.value
    assert ident is not None and ident.kind == IdentityKind.CCCD
    assert (ident.place_code, ident.place_name, ident.sex, ident.birth_year) == (
        "038",
        "Thanh Hóa",
        "Nam",
        1999,
    )
    assert result.confidence > 0.9
    assert (
        check_identity_number("038099001234", "personal_id", sex="Nam", birth_year=1999, personal_number=True)
        == []
    )
    woman_2005 = "001305000001"
    assert parse_identity_number(woman_2005).value.sex == "Nữ"
    assert check_identity_number(woman_2005, sex="Nữ", birth_year=2005, personal_number=True) == []


def test_old_to_new_province() -> None:
    an_giang = parse_identity_number("089199000001").value
    assert an_giang.province_code_2025 == "91" and an_giang.province_2025 == "Tỉnh An Giang"
    kien_giang = parse_identity_number("091199000001").value
    assert kien_giang.province_code_2025 == "91"
    ha_giang = parse_identity_number("002199000001").value
    assert ha_giang.province_2025 == "Tỉnh Tuyên Quang" and ha_giang.province_code_2025 == "08"
    hcm = parse_identity_number("079199000001").value
    assert hcm.province_code_2025 == "79"
    for code in cccd_place_codes():
        assert parse_identity_number(f"{code}099123456").value.province_code_2025 is not None, code


def test_wrong_century() -> None:
    # digit 0: a man born 1900-1999, but the birth year says 2005
    issues = check_identity_number(
        "038005001234", "personal_id", sex="Nam", birth_year=2005, personal_number=True
    )
    assert codes(issues) == ["id_century_mismatch"]
    assert issues[0].severity == Severity.ERROR and issues[0].field == "personal_id"
    # digit 4: born 2100-2199, impossible
    assert "id_century_invalid" in codes(check_identity_number("038405001234", personal_number=True))


def test_wrong_year() -> None:
    issues = check_identity_number(
        "038099001234", "personal_id", sex="Nam", birth_year=1998, personal_number=True
    )
    assert codes(issues) == ["id_birth_year_mismatch"]
    assert "99" in issues[0].message and "1998" in issues[0].message
    assert "038099001234" not in issues[0].message  # no full identity number in messages


def test_wrong_sex() -> None:
    issues = check_identity_number("038199001234", sex="Nam", birth_year=1999, personal_number=True)
    assert codes(issues) == ["id_sex_mismatch"]


def test_unknown_code() -> None:
    parsed = parse_identity_number("099199001234")  # 099 is no province
    assert parsed.value.kind == IdentityKind.CMND_12 and parsed.confidence < 0.5
    as_personal = check_identity_number("099199001234", "personal_id", personal_number=True)
    assert codes(as_personal) == ["id_unknown_place_code"] and as_personal[0].severity == Severity.ERROR
    as_paper = check_identity_number("099199001234", "holder_id_number")
    assert codes(as_paper) == ["id_unknown_place_code"] and as_paper[0].severity == Severity.WARNING
    for code in ("000", "003", "097", "100", "999"):
        assert (
            check_identity_number(f"{code}199001234", personal_number=True)[0].code == "id_unknown_place_code"
        )


def test_outside_personal_number_fields_a_mismatch_is_a_warning() -> None:
    """A 12-digit number in `Giấy tờ tùy thân` may be an old 12-digit CMND without structure."""
    issues = check_identity_number("038199001234", "declarant_id_paper", sex="Nam", birth_year=1980)
    assert set(codes(issues)) == {"id_sex_mismatch", "id_birth_year_mismatch"}
    assert all(i.severity == Severity.WARNING for i in issues)


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("012345678", IdentityKind.CMND_9),
        ("B1234567", IdentityKind.PASSPORT_VN),
        ("C1234567", IdentityKind.PASSPORT_VN),
        ("N1234567", IdentityKind.PASSPORT_VN),
        ("X12345678", IdentityKind.PASSPORT_FOREIGN),
        ("AB1234567", IdentityKind.PASSPORT_FOREIGN),
        ("123456789012", IdentityKind.CMND_12),  # 123 is no province code
    ],
)
def test_other_papers(number: str, kind: IdentityKind) -> None:
    result = parse_identity_number(number)
    assert result.value is not None and result.value.kind == kind
    if kind == IdentityKind.PASSPORT_FOREIGN:
        assert result.confidence <= 0.5


@pytest.mark.parametrize(
    "number", ["", "12345", "03809900123", "0380990012345", "O38099001234", "ABCDEFGH", "12.345.678"]
)
def test_bad_formats(number: str) -> None:
    assert parse_identity_number(number).value is None
    assert codes(check_identity_number(number, "personal_id", personal_number=True)) == ["id_format"]


def test_personal_number_fields_need_12_digits() -> None:
    for other in ("012345678", "B1234567"):
        assert codes(check_identity_number(other, "personal_id", personal_number=True)) == ["id_format"]
        assert check_identity_number(other, "declarant_id_paper") == []


def test_spaces_are_reported_not_silently_dropped() -> None:
    issues = check_identity_number(
        "038 099 001 234", "personal_id", sex="Nam", birth_year=1999, personal_number=True
    )
    assert codes(issues) == ["id_not_normalized"]
    assert parse_identity_number("038 099 001 234").value.number == "038099001234"


def test_make_cccd_accepts_codes_and_names() -> None:
    rng = random.Random(1)
    assert make_cccd("038", "Nam", 1999, rng).startswith("038099")
    assert make_cccd("38", "Nữ", 2005, rng).startswith("038305")
    assert make_cccd("Thanh Hóa", "Nam", 2101, rng).startswith("038401")
    assert make_cccd("Tỉnh Thanh Hoá", "Nam", 1950, rng).startswith("038050")
    assert make_cccd("TP. Hồ Chí Minh", "Nữ", 1900, rng).startswith("079100")
    assert make_cccd("Thừa Thiên Huế", "Nữ", 1990, rng).startswith("046190")
    for bad in (("Paris", "Nam", 1990), ("038", "X", 1990), ("038", "Nam", 1899)):
        with pytest.raises(ValueError):
            make_cccd(*bad, rng)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(cccd_place_codes())),
    st.sampled_from(["Nam", "Nữ"]),
    st.integers(1900, 2099),
    st.randoms(use_true_random=False),
)
def test_made_cccds_pass_every_check(code: str, sex: str, year: int, rng: random.Random) -> None:
    number = make_cccd(code, sex, year, rng)
    assert len(number) == 12 and number.isdigit()
    ident = parse_identity_number(number).value
    assert (ident.kind, ident.place_code, ident.sex, ident.birth_year) == (IdentityKind.CCCD, code, sex, year)
    assert check_identity_number(number, sex=sex, birth_year=year, personal_number=True) == []
    other_sex = "Nữ" if sex == "Nam" else "Nam"
    assert codes(check_identity_number(number, sex=other_sex, birth_year=year, personal_number=True)) == [
        "id_sex_mismatch"
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_never_raises(text: str) -> None:
    result = parse_identity_number(text)
    assert 0.0 <= result.confidence <= 1.0
    for issue in check_identity_number(text, "x", sex="Nam", birth_year=2000, personal_number=True):
        assert issue.code.islower() and issue.message


def test_other_generators() -> None:
    rng = random.Random(9)
    for _ in range(200):
        assert parse_identity_number(make_cmnd(rng)).value.kind == IdentityKind.CMND_9
        assert parse_identity_number(make_passport_vn(rng)).value.kind == IdentityKind.PASSPORT_VN
