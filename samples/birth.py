"""Giấy khai sinh (birth certificate): the form versions' layouts and plausible values.

Versions:
- ``tt04-2020``: the 2015/2020 form (Circulars 15/2015 and 04/2020): `Họ, chữ đệm, tên`, date in
  words, `Số định danh cá nhân`, mother before father, `Nơi cư trú`, the declarant block.
- ``pre-2015``: the older form: `Họ và tên`, father before mother, `Nơi thường trú/tạm trú`, no
  personal identification number, the declarant's relationship instead of an identity paper.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from . import domain, people
from .layout import FormDoc, render_fitted
from .offices import COMMUNE_AUTHORITY, HINT, HINT_OLD, authority, commune_office
from .render import PageWriter

VERSIONS = ("tt04-2020", "pre-2015")

LAYOUTS: dict[str, list[tuple]] = {
    "tt04-2020": [
        ("header", {"emblem": True}),
        ("title", "GIẤY KHAI SINH", 1.5),
        ("row", [("Số:", "registration_number", 0.45), ("Quyển số:", "book_number", None)]),
        ("gap", 1),
        ("row", [("Họ, chữ đệm, tên:", "full_name", None)]),
        (
            "row",
            [
                ("Ngày, tháng, năm sinh:", "date_of_birth", 0.42),
                ("ghi bằng chữ:", "date_of_birth_in_words", None),
            ],
        ),
        (
            "row",
            [
                ("Giới tính:", "sex", 0.26),
                ("Dân tộc:", "ethnicity", 0.34),
                ("Quốc tịch:", "nationality", None),
            ],
        ),
        ("row", [("Nơi sinh:", "place_of_birth", None)]),
        ("row", [("Quê quán:", "hometown", None)]),
        ("row", [("Số định danh cá nhân:", "personal_id", None)]),
        ("row", [("Họ, chữ đệm, tên người mẹ:", "mother_name", None)]),
        (
            "row",
            [
                ("Năm sinh:", "mother_birth_year", 0.28),
                ("Dân tộc:", "mother_ethnicity", 0.32),
                ("Quốc tịch:", "mother_nationality", None),
            ],
        ),
        ("row", [("Nơi cư trú:", "mother_residence", None)]),
        ("row", [("Họ, chữ đệm, tên người cha:", "father_name", None)]),
        (
            "row",
            [
                ("Năm sinh:", "father_birth_year", 0.28),
                ("Dân tộc:", "father_ethnicity", 0.32),
                ("Quốc tịch:", "father_nationality", None),
            ],
        ),
        ("row", [("Nơi cư trú:", "father_residence", None)]),
        ("row", [("Họ, chữ đệm, tên người đi khai sinh:", "declarant_name", None)]),
        ("row", [("Giấy tờ tùy thân:", "declarant_id_paper", None)]),
        ("row", [("Nơi đăng ký khai sinh:", "registration_place", None)]),
        ("row", [("Ngày, tháng, năm đăng ký:", "registration_date", 0.55)]),
        ("gap", 2),
        ("signer", {"hint": HINT, "place_date": False}),
    ],
    "pre-2015": [
        ("header", {"emblem": True}),
        ("title", "GIẤY KHAI SINH", 1.5),
        ("subtitle", "(Bản chính)"),
        ("row", [("Số:", "registration_number", 0.45), ("Quyển số:", "book_number", None)]),
        ("gap", 1),
        ("row", [("Họ và tên:", "full_name", None)]),
        ("row", [("Giới tính:", "sex", 0.5)]),
        (
            "row",
            [
                ("Ngày, tháng, năm sinh:", "date_of_birth", 0.42),
                ("ghi bằng chữ:", "date_of_birth_in_words", None),
            ],
        ),
        ("row", [("Nơi sinh:", "place_of_birth", None)]),
        ("row", [("Dân tộc:", "ethnicity", 0.45), ("Quốc tịch:", "nationality", None)]),
        ("row", [("Quê quán:", "hometown", None)]),
        ("row", [("Họ và tên cha:", "father_name", None)]),
        (
            "row",
            [
                ("Dân tộc:", "father_ethnicity", 0.32),
                ("Quốc tịch:", "father_nationality", 0.36),
                ("Năm sinh:", "father_birth_year", None),
            ],
        ),
        ("row", [("Nơi thường trú/tạm trú:", "father_residence", None)]),
        ("row", [("Họ và tên mẹ:", "mother_name", None)]),
        (
            "row",
            [
                ("Dân tộc:", "mother_ethnicity", 0.32),
                ("Quốc tịch:", "mother_nationality", 0.36),
                ("Năm sinh:", "mother_birth_year", None),
            ],
        ),
        ("row", [("Nơi thường trú/tạm trú:", "mother_residence", None)]),
        ("row", [("Nơi đăng ký khai sinh:", "registration_place", None)]),
        ("row", [("Ngày, tháng, năm đăng ký:", "registration_date", 0.55)]),
        ("row", [("Họ và tên người đi khai sinh:", "declarant_name", None)]),
        ("row", [("Quan hệ với người được khai sinh:", "declarant_relation", None)]),
        ("gap", 2),
        ("signer", {"hint": HINT_OLD, "place_date": False}),
    ],
}

#: Fields whose slot a clerk may leave blank, with the chance of doing so.
BLANK_CHANCE = {"hometown": 0.12, "book_number": 0.15, "declarant_id_paper": 0.1, "place_of_birth": 0.03}


def build(rng: random.Random, version: str, new_page: Callable[..., PageWriter], today: dt.date) -> FormDoc:
    v, shown = values(rng, version, today)
    for slot, chance in BLANK_CHANCE.items():
        if slot in shown and rng.random() < chance:
            del shown[slot]
            v.pop(slot, None)
    pw = render_fitted(new_page, (210, 297), LAYOUTS[version], shown, rng)
    return FormDoc(version, v, [pw])


def values(rng: random.Random, version: str, today: dt.date) -> tuple[dict[str, str], dict]:
    """Canonical truth fields and the text typed in each slot."""
    old = version == "pre-2015"
    if old:
        reg_date = people.date_between(rng, dt.date(1990, 1, 1), dt.date(2015, 12, 31))
    else:
        reg_date = people.date_between(
            rng, dt.date(2016, 1, 1), min(today, people.MERGER_DATE - dt.timedelta(1))
        )
    late = rng.random() < 0.1
    dob = reg_date - dt.timedelta(days=rng.randint(400, 3000) if late else rng.randint(1, 60))
    reg_unit = people.unit(rng)
    sex = rng.choice(["Nam", "Nữ"])
    father_age = rng.randint(21, 45)
    mother_age = max(18, min(father_age + rng.randint(-7, 3), 42))
    father_name = people.person_name(rng, "Nam")
    mother_name = people.person_name(rng, "Nữ")
    child = people.person_name(rng, sex, surname=people.surname_of(father_name))
    eth = people.ethnicity(rng)
    mother_eth = eth if rng.random() < 0.9 else people.ethnicity(rng)
    home_unit = people.unit(rng, province_code=reg_unit.province_code if rng.random() < 0.7 else None)
    residence = people.street_address(reg_unit, rng)
    office = commune_office(reg_unit, rng)
    hospital = rng.random() < (0.45 if old else 0.85)
    pob = _birth_place(rng, reg_unit, hospital)
    declarant_is_father = rng.random() < 0.6
    declarant = father_name if declarant_is_father else mother_name
    decl_birth = dob.replace(year=dob.year - (father_age if declarant_is_father else mother_age), day=1)

    v: dict[str, str] = {
        "full_name": child,
        "date_of_birth": dob.isoformat(),
        "date_of_birth_in_words": domain.date_in_words(dob, rng),
        "sex": sex,
        "ethnicity": eth,
        "nationality": "Việt Nam",
        "place_of_birth": pob,
        "hometown": people.place_text(home_unit, rng) if rng.random() < 0.7 else home_unit.province_short,
        "mother_name": mother_name,
        "mother_birth_year": str(dob.year - mother_age),
        "mother_ethnicity": mother_eth,
        "mother_nationality": "Việt Nam",
        "mother_residence": residence,
        "father_name": father_name,
        "father_birth_year": str(dob.year - father_age),
        "father_ethnicity": eth,
        "father_nationality": "Việt Nam",
        "father_residence": residence
        if rng.random() < 0.85
        else people.street_address(people.unit(rng), rng),
        "registration_place": office.registration_place,
        "registration_date": reg_date.isoformat(),
        "registration_number": str(rng.randint(1, 450)),
        "book_number": _book(rng, reg_date),
        "declarant_name": declarant,
    }
    shown: dict = dict(v)
    if not old:
        if rng.random() < 0.9:
            v["personal_id"] = people.identity_number(
                rng, sex=sex, birth=dob, province_code=reg_unit.province_code
            )
            shown["personal_id"] = v["personal_id"]
        decl_id = (
            people.identity_number(
                rng,
                sex="Nam" if declarant_is_father else "Nữ",
                birth=decl_birth,
                province_code=people.unit(rng).province_code,
            )
            if reg_date.year >= 2018 or rng.random() < 0.3
            else people.old_id_card(rng, reg_unit.province_code)
        )
        issued = people.date_between(
            rng, reg_date - dt.timedelta(days=3000), reg_date - dt.timedelta(days=30)
        )
        # The truth holds the number only (CONTRACT.md: an identity field holds the number only).
        v["declarant_id_paper"] = decl_id
        shown["declarant_id_paper"] = people.id_paper(rng, decl_id, issued)
    shown["date_of_birth"] = people.dmy(dob, rng)
    shown["registration_date"] = people.dmy(reg_date, rng)
    if old:
        shown["declarant_relation"] = "Cha" if declarant_is_father else "Mẹ"
    shown.update(
        signer_heading=["NGƯỜI KÝ GIẤY KHAI SINH"],
        signer_authority=authority(rng, COMMUNE_AUTHORITY),
        signer_name=people.signer(rng),
        seal_text=office.seal_text,
    )
    return v, shown


def _birth_place(rng: random.Random, u: people.Unit, hospital: bool) -> str:
    if not hospital:
        return people.place_text(u, rng)
    if u.district and rng.random() < 0.5:
        kind = rng.choice(["Trung tâm Y tế", "Bệnh viện Đa khoa"])
        district = people.lower_type(u.district)
        return f"{kind} {district}, {people.lower_type(u.province)}"
    if rng.random() < 0.5:
        return f"Bệnh viện Đa khoa {people.lower_type(u.province)}"
    return f"Trạm Y tế {people.lower_type(u.ward)}, {people.place_text(u, rng, lower_types=True).split(', ', 1)[1]}"


def _book(rng: random.Random, reg_date: dt.date) -> str:
    style = rng.random()
    if style < 0.5:
        return f"{rng.randint(1, 3):02d}/{reg_date.year}"
    if style < 0.8:
        return f"{rng.randint(1, 3):02d}"
    return str(rng.randint(1, 3))
