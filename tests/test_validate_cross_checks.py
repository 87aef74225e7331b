"""`check_document`: field formats and the rules that tie a document's fields together."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sohoa.pipeline.validate import ValidationIssue, check_document
from sohoa.pipeline.validate.identity import make_cccd
from sohoa.pipeline.validate.number_words import area_to_words, date_to_words
from sohoa.pipeline.validate.places import random_place


def codes(issues: list[ValidationIssue]) -> list[str]:
    return [i.code for i in issues]


def birth_fields(rng: random.Random, born: date | None = None) -> dict[str, str]:
    """A consistent birth certificate made the way the samples generator would make one."""
    born = born or date(2005, 3, 15)
    sex = rng.choice(["Nam", "Nữ"])
    place = random_place(rng)
    residence = f"Thôn {rng.randint(1, 9)}, {place.label()}"
    return {
        "full_name": "NGUYỄN THỊ AN",
        "date_of_birth": born.isoformat(),
        "date_of_birth_in_words": date_to_words(born, rng),
        "sex": sex,
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "place_of_birth": place.label(),
        "hometown": place.province or "",
        "personal_id": make_cccd(place.province_code or "01", sex, born.year, rng),
        "mother_name": "TRẦN THỊ BÌNH",
        "mother_birth_year": str(born.year - 25),
        "father_name": "NGUYỄN VĂN CƯỜNG",
        "father_birth_year": str(born.year - 28),
        "mother_residence": residence,
        "father_residence": residence,
        "registration_place": f"Ủy ban nhân dân {place.label()}",
        "registration_date": (born + timedelta(days=rng.randint(0, 60))).isoformat(),
        "registration_number": "123",
        "book_number": "01/2005",
    }


def test_a_consistent_birth_certificate_has_no_issues() -> None:
    rng = random.Random(1)
    for i in range(40):
        fields = birth_fields(rng, date(1950, 1, 1) + timedelta(days=613 * i))
        assert check_document("birth_certificate", fields, today=date(2030, 1, 1)) == [], fields


def test_birth_rules() -> None:
    fields = birth_fields(random.Random(2))
    cases = {
        "birth_after_registration": {"registration_date": "2005-03-01"},
        "date_words_mismatch": {
            "date_of_birth_in_words": "Ngày mười sáu tháng ba năm hai nghìn không trăm linh năm"
        },
        "date_words_unreadable": {"date_of_birth_in_words": "Ngày 15/3/2005"},
        "parent_not_older": {"mother_birth_year": "2006"},
        "parent_too_young": {"father_birth_year": "1996"},
        "parent_too_old": {"mother_birth_year": "1930"},
        "date_format": {"date_of_birth": "15/03/2005"},
        "date_not_calendar": {"registration_date": "2005-02-30"},
        "year_format": {"mother_birth_year": "80"},
        "sex_invalid": {"sex": "nam"},
        "id_format": {"personal_id": "12345"},
        "field_empty": {"book_number": "  "},
        "name_invalid_characters": {"full_name": "NGUYỄN TH1 AN"},
    }
    for code, change in cases.items():
        issues = check_document("birth_certificate", {**fields, **change})
        assert code in codes(issues), (code, issues)


def test_birth_identity_cross_checks() -> None:
    fields = birth_fields(random.Random(3), date(2005, 3, 15))
    pid = fields["personal_id"]
    other_sex = "Nữ" if fields["sex"] == "Nam" else "Nam"
    assert codes(check_document("birth_certificate", {**fields, "sex": other_sex})) == ["id_sex_mismatch"]
    wrong_year = pid[:4] + "04" + pid[6:]
    assert codes(check_document("birth_certificate", {**fields, "personal_id": wrong_year})) == [
        "id_birth_year_mismatch"
    ]
    wrong_century = pid[:3] + str(int(pid[3]) - 2) + pid[4:]
    assert codes(check_document("birth_certificate", {**fields, "personal_id": wrong_century})) == [
        "id_century_mismatch"
    ]
    elsewhere = "096" if not pid.startswith("096") else "001"
    issues = check_document("birth_certificate", {**fields, "personal_id": elsewhere + pid[3:]})
    assert codes(issues) == ["id_place_mismatch"] and issues[0].severity == "warning"


def test_future_dates_need_today() -> None:
    fields = {"date_of_birth": "2031-01-01", "registration_date": "2031-01-02"}
    assert check_document("birth_certificate", fields) == []
    assert codes(check_document("birth_certificate", fields, today=date(2030, 1, 1))) == [
        "date_in_future",
        "date_in_future",
    ]


def test_marriage_rules() -> None:
    rng = random.Random(4)
    fields = {
        "husband_name": "LÊ VĂN NAM",
        "husband_date_of_birth": "1990-05-01",
        "husband_personal_id": make_cccd("001", "Nam", 1990, rng),
        "wife_name": "PHẠM THỊ HOA",
        "wife_date_of_birth": "1992-07-09",
        "wife_personal_id": make_cccd("079", "Nữ", 1992, rng),
        "registration_date": "2015-10-10",
        "registration_place": "Ủy ban nhân dân phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
    }
    assert check_document("marriage_certificate", fields) == []
    young = check_document("marriage_certificate", {**fields, "wife_date_of_birth": "1997-10-11"})
    assert "spouse_under_marriage_age" in codes(young)
    swapped = check_document(
        "marriage_certificate", {**fields, "husband_personal_id": fields["wife_personal_id"]}
    )
    assert set(codes(swapped)) == {"id_sex_mismatch", "id_birth_year_mismatch"}
    assert codes(check_document("marriage_certificate", {**fields, "husband_date_of_birth": "2016-01-01"}))[
        0
    ] == ("birth_after_registration")


def test_death_rules() -> None:
    rng = random.Random(5)
    died = date(2020, 8, 17)
    fields = {
        "full_name": "HOÀNG VĂN MINH",
        "date_of_birth": "1940-02-03",
        "sex": "Nam",
        "personal_id": make_cccd("038", "Nam", 1940, rng),
        "date_of_death": died.isoformat(),
        "time_of_death": "14:30",
        "date_of_death_in_words": date_to_words(died, rng),
        "place_of_death": "Xã Quảng Bình, huyện Quảng Xương, tỉnh Thanh Hóa",
        "registration_date": "2020-08-20",
    }
    assert check_document("death_certificate", fields) == []
    assert "death_before_birth" in codes(
        check_document("death_certificate", {**fields, "date_of_birth": "2021-01-01"})
    )
    assert "death_after_registration" in codes(
        check_document("death_certificate", {**fields, "registration_date": "2020-08-01"})
    )
    assert codes(
        check_document(
            "death_certificate", {**fields, "date_of_death_in_words": date_to_words(died.replace(day=18))}
        )
    ) == ["date_words_mismatch"]
    assert codes(check_document("death_certificate", {**fields, "time_of_death": "24:10"})) == ["time_format"]
    assert "age_implausible" in codes(
        check_document("death_certificate", {**fields, "date_of_birth": "1880-01-01"})
    )


def test_land_rules() -> None:
    rng = random.Random(6)
    fields = {
        "holder_name": "NGUYỄN VĂN AN",
        "holder_birth_year": "1975",
        "holder_id_number": make_cccd("034", "Nam", 1975, rng),
        "co_holder_name": "TRẦN THỊ BÌNH",
        "co_holder_birth_year": "1978",
        "co_holder_id_number": "151234567",
        "certificate_serial": "BN531146",
        "parcel_number": "125",
        "map_sheet_number": "12",
        "parcel_address": "Xã Quảng Bình, huyện Quảng Xương, tỉnh Thanh Hóa",
        "area_m2": "152.5",
        "area_in_words": area_to_words("152.5", rng),
        "usage_form": "Sử dụng riêng",
        "land_use_purpose": "Đất ở tại nông thôn 100 m²; Đất trồng cây lâu năm 52,5 m²",
        "usage_term": "Đất ở: Lâu dài; Đất trồng cây lâu năm: Đến ngày 31/12/2064",
        "usage_origin": "Nhà nước giao đất có thu tiền sử dụng đất",
        "issue_date": "2015-06-01",
        "registry_number": "CS03027",
    }
    assert check_document("land_use_certificate", fields) == []
    assert (
        check_document(
            "land_use_certificate",
            {
                **fields,
                "land_use_purpose": "Đất ở tại nông thôn",
                "land_use_code": "ONT",
                "usage_term": "Lâu dài",
            },
        )
        == []
    )
    cases = {
        "holder_born_after_issue": {"holder_birth_year": "2016"},
        "area_words_mismatch": {"area_in_words": "một trăm năm mươi hai mét vuông"},
        "land_code_mismatch": {"land_use_code": "LUC"},
        "land_code_unknown": {"land_use_code": "ABC"},
        "land_serial_format": {"certificate_serial": "BN53114"},
        "land_registry_number_format": {"registry_number": "CS#1"},
        "id_birth_year_mismatch": {"holder_birth_year": "1976"},
        "land_term_before_issue": {
            "usage_term": "Đất ở: Lâu dài; Đất trồng cây lâu năm: Đến ngày 31/12/2014"
        },
    }
    for code, change in cases.items():
        assert code in codes(check_document("land_use_certificate", {**fields, **change})), code
    only_code = {k: v for k, v in fields.items() if k != "land_use_purpose"}
    assert codes(check_document("land_use_certificate", {**only_code, "land_use_code": "ABC"})) == [
        "land_code_unknown"
    ]


def test_unknown_types_and_bad_inputs() -> None:
    assert check_document("unknown", {"date_of_birth": "x"}) == []
    assert check_document("passport", {"date_of_birth": "x"}) == []
    assert check_document("birth_certificate", None) == []  # type: ignore[arg-type]
    assert check_document("birth_certificate", {}) == []
    as_field_objects = {
        "date_of_birth": {"value": "2005-03-15", "confidence": 0.9},
        "registration_date": {"value": "2005-03-01"},
    }
    assert codes(check_document("birth_certificate", as_field_objects)) == ["birth_after_registration"]


def test_issue_shape_and_messages() -> None:
    fields = birth_fields(random.Random(8))
    bad = {
        **fields,
        "sex": "X",
        "registration_date": "2004-01-01",
        "mother_birth_year": "2010",
        "personal_id": "O38O99OO1234",
        "date_of_birth_in_words": "Ngày mười tháng ba năm hai nghìn",
    }
    issues = check_document("birth_certificate", bad)
    assert len(issues) >= 5
    for issue in issues:
        d = issue.to_dict()
        assert set(d) == {"field", "code", "message"}
        assert re.fullmatch(r"[a-z][a-z0-9_]*", d["code"])
        assert unicodedata.is_normalized("NFC", d["message"]) and d["message"]
        for personal in ("NGUYỄN", "TRẦN", fields["personal_id"]):
            assert personal not in d["message"]
        assert d["field"] in bad


FIELD_NAMES = sorted(
    set(birth_fields(random.Random(0)))
    | {
        "date_of_death",
        "time_of_death",
        "date_of_death_in_words",
        "area_m2",
        "area_in_words",
        "land_use_code",
    }
    | {"land_use_purpose", "usage_term", "certificate_serial", "certificate_code", "registry_number"}
    | {"holder_birth_year", "holder_id_number", "husband_date_of_birth", "wife_personal_id", "issue_date"}
)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(
        ["birth_certificate", "marriage_certificate", "death_certificate", "land_use_certificate"]
    ),
    st.dictionaries(
        st.sampled_from(FIELD_NAMES),
        st.one_of(st.text(max_size=30), st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True)),
    ),
)
def test_never_raises_and_never_gives_up(doc_type: str, fields: dict[str, str]) -> None:
    issues = check_document(doc_type, fields, today=date(2030, 1, 1))
    assert "validation_failed" not in codes(issues)
    assert len(issues) == len(set(issues))


@pytest.mark.parametrize("doc_type", ["birth_certificate", "death_certificate"])
def test_words_field_alone(doc_type: str) -> None:
    field = "date_of_birth_in_words" if doc_type == "birth_certificate" else "date_of_death_in_words"
    assert check_document(doc_type, {field: "Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm"}) == []


def test_normalized_values() -> None:
    from sohoa.pipeline.validate.normalize import normalized_value

    place = normalized_value("registration_place", "UBND xã Tân Hiệp, huyện Hóc Môn, TP. Hồ Chí Minh")
    assert place["commune_code"] == "27562" and place["province_code_2025"] == "79"
    words = normalized_value(
        "date_of_birth_in_words", "Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm"
    )
    assert words == {"date": "2005-03-15", "confidence": 1.0}
    assert normalized_value("area_in_words", "một trăm năm mươi hai phẩy năm mét vuông")["area_m2"] == "152.5"
    ident = normalized_value("personal_id", "089199000001")
    assert ident == {
        "kind": "cccd",
        "place_code": "089",
        "sex": "Nữ",
        "birth_year": 1999,
        "province_code_2025": "91",
    }
    assert normalized_value("land_use_purpose", "Đất ở; Đất trồng cây lâu năm")["codes"] == [
        ["ONT", "ODT"],
        ["CLN"],
    ]
    assert normalized_value("certificate_serial", "AA 09273289") == {"serial": "AA09273289", "form": "2024"}
    assert normalized_value("full_name", "NGUYỄN VĂN AN") is None
    assert normalized_value("personal_id", "abc") is None
    assert normalized_value("place_of_birth", "") is None
