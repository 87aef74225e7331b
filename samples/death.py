"""Trích lục khai tử (death extract): the original with the cause of death, and the copies.

Versions:
- ``original``: identity, time and date of death with the date in words, place and cause of
  death, the death notice (number, issuer, date), the declarant, registering office and date;
- ``copy``: no cause of death; `Đã được đăng ký khai tử tại`, `Số ... ngày ...`, `Ghi chú`;
- ``copy-2020``: as the older copy, plus `Thực hiện trích lục từ`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from . import domain, people
from .layout import FormDoc, render_fitted
from .offices import COMMUNE_AUTHORITY, HINT, authority, commune_office
from .render import PageWriter

VERSIONS = ("original", "copy", "copy-2020")

_PERSON = [
    ("row", [("Họ, chữ đệm, tên:", "full_name", None)]),
    ("row", [("Ngày, tháng, năm sinh:", "date_of_birth", None)]),
    (
        "row",
        [("Giới tính:", "sex", 0.26), ("Dân tộc:", "ethnicity", 0.34), ("Quốc tịch:", "nationality", None)],
    ),
    ("row", [("Số định danh cá nhân:", "personal_id", None)]),
    ("row", [("Giấy tờ tùy thân:", "id_paper", None)]),
    ("row", [("Đã chết vào lúc:", "time_date_of_death", None)]),
    ("row", [("ghi bằng chữ:", "date_of_death_in_words", None)]),
    ("row", [("Nơi chết:", "place_of_death", None)]),
]

LAYOUTS: dict[str, list[tuple]] = {
    "original": [
        ("header", {"agency": True}),
        ("row", [("Số:", "extract_number", 0.42)]),
        ("title", "TRÍCH LỤC KHAI TỬ", 1.45),
        ("subtitle", "(Bản chính)"),
        ("gap", 2),
        *_PERSON,
        ("row", [("Nguyên nhân chết:", "cause_of_death", None)]),
        (
            "row",
            [
                ("Giấy báo tử/Giấy tờ thay thế Giấy báo tử số:", "notice_number", 0.7),
                ("ngày", "notice_date", None),
            ],
        ),
        ("row", [("do", "notice_issuer", None), ("cấp.", None, 0.06)]),
        ("row", [("Họ, chữ đệm, tên người đi khai tử:", "declarant_name", None)]),
        ("row", [("Giấy tờ tùy thân:", "declarant_id_paper", None)]),
        ("row", [("Nơi đăng ký khai tử:", "registration_place", None)]),
        (
            "row",
            [
                ("Số:", "registration_number", 0.3),
                ("Quyển số:", "book_number", 0.3),
                ("ngày", "registration_date", None),
            ],
        ),
        ("gap", 3),
        ("signer", {"hint": HINT}),
    ],
    "copy": [
        ("header", {"agency": True}),
        ("row", [("Số:", "extract_number", 0.42)]),
        ("title", "TRÍCH LỤC KHAI TỬ", 1.45),
        ("subtitle", "(Bản sao)"),
        ("gap", 2),
        *_PERSON,
        ("row", [("Đã được đăng ký khai tử tại:", "registration_place", None)]),
        (
            "row",
            [
                ("Số:", "registration_number", 0.3),
                ("Quyển số:", "book_number", 0.3),
                ("ngày", "registration_date", None),
            ],
        ),
        ("row", [("Ghi chú:", "note", None)]),
        ("gap", 3),
        ("signer", {"hint": HINT}),
    ],
    "copy-2020": [
        ("header", {"agency": True}),
        ("row", [("Số:", "extract_number", 0.42)]),
        ("title", "TRÍCH LỤC KHAI TỬ", 1.45),
        ("subtitle", "(Bản sao)"),
        ("gap", 2),
        *_PERSON,
        ("row", [("Đã được đăng ký khai tử tại:", "registration_place", None)]),
        (
            "row",
            [
                ("Số:", "registration_number", 0.3),
                ("Quyển số:", "book_number", 0.3),
                ("ngày", "registration_date", None),
            ],
        ),
        ("row", [("Ghi chú:", "note", None)]),
        ("row", [("Thực hiện trích lục từ:", "extracted_from", None)]),
        ("gap", 3),
        ("signer", {"hint": HINT}),
    ],
}

BLANK_CHANCE = {
    "personal_id": 0.25,
    "id_paper": 0.15,
    "book_number": 0.2,
    "cause_of_death": 0.06,
    "note": 0.7,
    "declarant_id_paper": 0.1,
}


def build(rng: random.Random, version: str, new_page: Callable[..., PageWriter], today: dt.date) -> FormDoc:
    v, shown = values(rng, version, today)
    for slot, chance in BLANK_CHANCE.items():
        if slot in shown and rng.random() < chance:
            del shown[slot]
            v.pop(slot, None)
    pw = render_fitted(new_page, (210, 297), LAYOUTS[version], shown, rng)
    return FormDoc(version, v, [pw])


def values(rng: random.Random, version: str, today: dt.date) -> tuple[dict[str, str], dict]:
    original = version.startswith("original")
    death = people.date_between(
        rng, dt.date(2016, 1, 1), min(today, people.MERGER_DATE) - dt.timedelta(days=40)
    )
    reg_date = death + dt.timedelta(days=rng.randint(1, 30))
    age = int(min(max(rng.gauss(72, 14), 1), 101))
    dob = people.date_between(
        rng, dt.date(death.year - age - 1, 1, 1), dt.date(death.year - age, death.month, 1)
    )
    sex = rng.choice(["Nam", "Nữ"])
    reg_unit = people.unit(rng)
    office = commune_office(reg_unit, rng)
    hh, mm = (
        rng.randint(0, 23),
        rng.choice([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, rng.randint(0, 59)]),
    )
    at_home = rng.random() < 0.55
    n = people.names()
    if at_home:
        place = people.street_address(reg_unit, rng)
    else:
        place = f"{rng.choice(n['hospitals'][:2])} {people.lower_type(reg_unit.province)}"
    pid_birth_province = people.unit(rng).province_code
    v: dict[str, str] = {
        "full_name": people.person_name(rng, sex),
        "date_of_birth": dob.isoformat(),
        "sex": sex,
        "ethnicity": people.ethnicity(rng),
        "nationality": "Việt Nam",
        "personal_id": people.identity_number(rng, sex=sex, birth=dob, province_code=pid_birth_province),
        "date_of_death": death.isoformat(),
        "time_of_death": f"{hh:02d}:{mm:02d}",
        "date_of_death_in_words": domain.date_in_words(death, rng),
        "place_of_death": place,
        "registration_place": office.registration_place,
        "registration_date": reg_date.isoformat(),
        "registration_number": str(rng.randint(1, 200)),
        "book_number": f"{rng.randint(1, 2):02d}/{reg_date.year}"
        if rng.random() < 0.6
        else f"{rng.randint(1, 2):02d}",
    }
    if original:
        v["cause_of_death"] = rng.choice(n["causes_of_death"])
    shown: dict = dict(v)
    shown["date_of_birth"] = people.dmy(dob, rng)
    shown["registration_date"] = people.dmy(reg_date, rng)
    shown["time_date_of_death"] = f"{hh:02d} giờ {mm:02d} phút, ngày {people.dmy(death, rng)}"
    cmnd = people.old_id_card(rng, reg_unit.province_code)
    issued = people.date_between(rng, dt.date(max(dob.year + 20, 1980), 1, 1), death - dt.timedelta(days=200))
    shown["id_paper"] = people.id_paper(rng, v["personal_id"] if rng.random() < 0.6 else cmnd, issued)
    shown["extract_number"] = f"{rng.randint(1, 300)}/TLKT-BS" if not original else str(rng.randint(1, 300))
    shown["note"] = rng.choice(["Đăng ký lại khai tử", "Đăng ký khai tử quá hạn", "-/-"])
    shown["extracted_from"] = rng.choice(["Sổ đăng ký khai tử", "Cơ sở dữ liệu hộ tịch điện tử"])
    declarant_sex = rng.choice(["Nam", "Nữ"])
    declarant = people.person_name(
        rng, declarant_sex, surname=people.surname_of(v["full_name"]) if rng.random() < 0.6 else None
    )
    shown["declarant_name"] = declarant
    d_birth = people.date_between(rng, dt.date(1950, 1, 1), dt.date(2003, 12, 31))
    d_id = people.identity_number(rng, sex=declarant_sex, birth=d_birth, province_code=reg_unit.province_code)
    shown["declarant_id_paper"] = people.id_paper(
        rng, d_id, people.date_between(rng, dt.date(2021, 1, 1), reg_date)
    )
    shown["notice_number"] = f"{rng.randint(1, 999)}/GBT" if not at_home else str(rng.randint(1, 99))
    shown["notice_date"] = people.dmy(death + dt.timedelta(days=rng.randint(0, 3)), rng)
    shown["notice_issuer"] = (
        place.split(",")[0] if not at_home else f"Ủy ban nhân dân {people.lower_type(reg_unit.ward)}"
    )
    extract_date = (
        reg_date if original else people.date_between(rng, reg_date, min(today, people.MERGER_DATE))
    )
    shown.update(
        place_date=people.place_date(office.place_name, extract_date),
        signer_heading=["NGƯỜI KÝ TRÍCH LỤC"] if original else [],
        signer_authority=authority(rng, COMMUNE_AUTHORITY)
        if original
        else ["TL. CHỦ TỊCH", "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH"],
        signer_name=people.signer(rng),
        seal_text=office.seal_text,
        agency_block=office.agency_block,
    )
    return v, shown
