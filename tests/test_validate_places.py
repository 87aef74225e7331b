"""Places: every province of both sets, a sample of communes, old->new mapping, no network."""

from __future__ import annotations

import random
import socket
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sohoa.pipeline.validate.places import (  # _tables: the package's rows, to build real addresses
    Place,
    _normalize_place,
    _tables,
    check_place,
    find_province,
    normalize_place,
    province_2025_for,
    provinces,
    random_place,
    snap_neighbourhood,
    snap_place,
)
from vietnamadminunits.converter import converter_2025


def strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_the_two_sets() -> None:
    assert len(provinces("legacy")) == 63
    assert len(provinces("2025")) == 34
    assert len({p.code for p in provinces("legacy")}) == 63


@pytest.mark.parametrize("era", ["legacy", "2025"])
def test_every_province_normalises(era: str) -> None:
    for p in provinces(era):  # type: ignore[arg-type]
        prefix = "TP." if p.name.startswith("Thành phố") else "tỉnh"
        for text in (
            p.name,
            p.short_name,
            strip_marks(p.name),
            p.short_name.upper(),
            f"{prefix} {p.short_name}",
        ):
            result = normalize_place(text, era=era)  # type: ignore[arg-type]
            assert result.value is not None, text
            code = result.value.province_code if era == "legacy" else result.value.province_code_2025
            assert code == p.code, text
            assert find_province(text, era) == p, text  # type: ignore[arg-type]
        assert find_province(p.code, era) == p  # type: ignore[arg-type]


def test_every_legacy_province_has_a_2025_successor() -> None:
    new_codes = {p.code for p in provinces("2025")}
    for p in provinces("legacy"):
        successor = province_2025_for(p.code)
        assert successor is not None and successor.code in new_codes, p
        place = normalize_place(p.name).value
        assert place.province_code_2025 == successor.code
    assert province_2025_for("89").code == "91" and province_2025_for("091").code == "91"  # An Giang
    assert province_2025_for("44").name == "Tỉnh Quảng Trị"  # Quảng Bình merged into Quảng Trị
    assert province_2025_for("02").name == "Tỉnh Tuyên Quang"  # Hà Giang
    assert province_2025_for("99") is None and province_2025_for("x") is None


def ambiguous_without_marks(place: Place) -> bool:
    same_district = [
        r for r in _tables().legacy_rows if r["districtCode"] == place.district_code and r["ward"]
    ]
    folded = [strip_marks(r["ward"]).lower() for r in same_district]
    return folded.count(strip_marks(place.commune or "").lower()) > 1


def test_a_sample_of_legacy_communes_normalise() -> None:
    rng = random.Random(7)
    for _ in range(300):
        place = random_place(rng, "legacy")
        for text in (
            place.label(),
            strip_marks(place.label()).lower(),
            f"Thôn {rng.randint(1, 9)}, {place.label()}",
            f"Ủy ban nhân dân {place.label()}",
        ):
            result = normalize_place(text)
            assert result.value is not None and result.value.era == "legacy", text
            got = result.value
            if got.commune_code is None and text == strip_marks(place.label()).lower():
                # without marks two communes of one district may read alike (Trà Dơn / Trà Don):
                # then the commune is left out rather than guessed
                assert ambiguous_without_marks(place), text
                continue
            assert (got.province_code, got.district_code, got.commune_code) == (
                place.province_code,
                place.district_code,
                place.commune_code,
            ), text
            assert got.province_code_2025 is not None and got.commune_code_2025 is not None, text
        assert normalize_place(place.label()).confidence == 1.0
        assert normalize_place(strip_marks(place.label())).confidence < 1.0


def test_a_sample_of_2025_communes_normalise() -> None:
    rng = random.Random(11)
    for _ in range(300):
        place = random_place(rng, "2025")
        for text in (
            place.label(),
            strip_marks(place.label()),
            f"Số {rng.randint(1, 99)} đường Lê Lợi, {place.label()}",
        ):
            result = normalize_place(text, era="2025")
            assert result.value is not None, text
            assert (result.value.province_code_2025, result.value.commune_code_2025) == (
                place.province_code_2025,
                place.commune_code_2025,
            ), text
        auto = normalize_place(place.label())
        assert auto.value is not None and auto.value.province_code_2025 == place.province_code_2025


def test_known_places() -> None:
    hoc_mon = normalize_place("Xã Tân Hiệp, huyện Hóc Môn, Thành phố Hồ Chí Minh").value
    assert (hoc_mon.province_code, hoc_mon.district_code, hoc_mon.commune_code) == ("79", "784", "27562")
    assert hoc_mon.to_normalized()["province_code_2025"] == "79"
    ben_nghe = normalize_place("UBND phường Bến Nghé, Quận 1, TP HCM").value
    assert ben_nghe.commune == "Phường Bến Nghé" and ben_nghe.commune_2025 == "Phường Sài Gòn"
    new_style = normalize_place("Phường Hồng Hà, Thành phố Hà Nội").value
    assert new_style.era == "2025" and new_style.commune_code_2025 == "00097"
    an_giang = normalize_place("Tỉnh An Giang").value
    assert (an_giang.province_code, an_giang.province_code_2025) == ("89", "91")


def test_unrecognised_and_partly_recognised_places_warn() -> None:
    assert [i.code for i in check_place("Paris, Cộng hòa Pháp", "place_of_birth")] == ["place_not_recognised"]
    partly = check_place("Xã Không Có Thật, huyện Quảng Xương, tỉnh Thanh Hóa", "hometown")
    assert [(i.field, i.code) for i in partly] == [("hometown", "place_partly_recognised")]
    assert all(i.severity == "warning" for i in partly)
    assert check_place("Xã Quảng Bình, huyện Quảng Xương, tỉnh Thanh Hóa") == []
    slip = normalize_place("Tỉnh Quảng Blnh")  # OCR letter slip in the province name
    assert slip.value.province_code == "44" and slip.confidence <= 0.6


def test_split_communes_say_the_2025_mapping_is_uncertain() -> None:
    t_province, divided = next((k, v) for k, v in converter_2025.DICT_PROVINCE_WARD_DIVIDED.items() if v)
    old_key = next(iter(divided))
    pk, dk, wk = old_key.split("_")
    row = _tables().legacy_by_keys[(pk, dk, wk)]
    place = normalize_place(f"{row['ward']}, {row['district']}, {row['province']}").value
    assert place.commune_code == row["wardCode"]
    assert place.commune_2025 is not None and place.commune_2025_certain is False
    assert place.to_normalized()["commune_2025_certain"] is False
    assert t_province  # the new province of the split commune exists


def test_lookups_work_with_sockets_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The conftest blocks every non-loopback socket: show the block is active, then look places
    up, with street parts and split communes (the package's converter would geocode those online)."""
    with pytest.raises(RuntimeError, match="network is blocked"):  # conftest's NetworkBlocked
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(RuntimeError, match="network is blocked"):
        socket.getaddrinfo("geocode.arcgis.com", 443)

    def no_geocoding(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("geocoding must never be called")

    from vietnamadminunits.parser import utils

    monkeypatch.setattr(utils, "get_geo_location", no_geocoding)
    monkeypatch.setattr(converter_2025, "get_geo_location", no_geocoding)
    _normalize_place.cache_clear()
    rng = random.Random(3)
    for province_key, divided in list(converter_2025.DICT_PROVINCE_WARD_DIVIDED.items())[:10]:
        for old_key in list(divided)[:3]:
            pk, dk, wk = old_key.split("_")
            row = _tables().legacy_by_keys.get((pk, dk, wk))
            if row is None:
                continue
            text = f"Số {rng.randint(1, 200)} đường Trần Phú, {row['ward']}, {row['district']}, {row['province']}"
            place = normalize_place(text).value
            assert place is not None and place.commune_code == row["wardCode"], text
            assert place.province_code_2025 is not None, province_key
    assert random_place(rng).province is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_raises(text: str) -> None:
    result = normalize_place(text)
    assert 0.0 <= result.confidence <= 1.0
    assert result.value is None or isinstance(result.value, Place)
    check_place(text, "x")


def test_random_places_are_reproducible_and_real() -> None:
    a = [random_place(random.Random(i)) for i in range(20)]
    b = [random_place(random.Random(i)) for i in range(20)]
    assert a == b
    assert all(p.commune and p.district and p.province and p.commune_code for p in a)
    assert len({p.province_code for p in a}) > 5


def test_capital_i_of_ia_read_as_a_lower_case_l():
    # `Ia Ga`: OCR reads the capital `I` as `l`; the unit is still found, below full confidence.
    got = snap_place("Tổ dân phố 15, xã la Ga, huyện Chư Prông, tỉnh Gia Lai")
    assert got.value == "Tổ dân phố 15, xã Ia Ga, huyện Chư Prông, tỉnh Gia Lai"
    assert got.confidence < 1.0
    # A unit whose name starts with `L` as read stays as read.
    assert snap_place("xã Lạc Hòa, huyện Vĩnh Châu, tỉnh Sóc Trăng").confidence == 1.0


def test_to_dan_pho_read_one_letter_off():
    assert snap_neighbourhood("Tổ dân nhố 7, xã Đại Phú").value == "Tổ dân phố 7, xã Đại Phú"
    assert snap_neighbourhood("Tổ dân phô 2, xã A").value == "Tổ dân phố 2, xã A"
    assert snap_neighbourhood("dân nhố 3, xã A").value == "Tổ dân phố 3, xã A"  # `Tổ` lost
    assert snap_neighbourhood("Tổ dân phố 7, xã Đại Phú").value is None  # as printed
    assert snap_neighbourhood("Bệnh viện Đa khoa tỉnh Thanh Hóa").value is None
