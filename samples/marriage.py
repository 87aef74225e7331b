"""Giấy chứng nhận kết hôn (marriage certificate): landscape, wife and husband in two columns.

Versions differ in the column order:
- ``tt04-2020``: wife on the left, husband on the right;
- ``tt15-2015``: husband on the left, wife on the right.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from . import ornaments, people
from .layout import FormDoc, render_fitted
from .offices import COMMUNE_AUTHORITY, HINT, HINT_SPOUSE, authority, commune_office
from .render import PageWriter

VERSIONS = ("tt04-2020", "tt15-2015")

#: Column order per version: the spouse shown in the left column first.
COLUMN_ORDER = {"tt04-2020": ("wife", "husband"), "tt15-2015": ("husband", "wife")}
HEADINGS = {"wife": "VỢ", "husband": "CHỒNG"}


def _column_rows(who: str) -> list[list[tuple]]:
    return [
        [("Họ, chữ đệm, tên:", f"{who}_name", None)],
        [("Ngày, tháng, năm sinh:", f"{who}_date_of_birth", None)],
        [("Dân tộc:", f"{who}_ethnicity", 0.45), ("Quốc tịch:", f"{who}_nationality", None)],
        [("Nơi cư trú:", f"{who}_residence", None)],
        [("Giấy tờ tùy thân:", f"{who}_id_paper", None)],
    ]


def layout(version: str) -> list[tuple]:
    left, right = COLUMN_ORDER[version]
    return [
        ("header", {}),
        ("call", "emblem"),
        ("title", "GIẤY CHỨNG NHẬN KẾT HÔN", 1.4),
        ("row", [("Số:", "registration_number", 0.3), ("Quyển số:", "book_number", 0.3)]),
        ("gap", 1),
        ("columns", [(HEADINGS[left], _column_rows(left)), (HEADINGS[right], _column_rows(right))]),
        ("gap", 1),
        ("row", [("Nơi đăng ký kết hôn:", "registration_place", None)]),
        ("row", [("Ngày, tháng, năm đăng ký:", "registration_date", 0.5)]),
        ("call", "signatures"),
    ]


BLANK_CHANCE = {"book_number": 0.2, "wife_id_paper": 0.05, "husband_id_paper": 0.05}


def build(rng: random.Random, version: str, new_page: Callable[..., PageWriter], today: dt.date) -> FormDoc:
    v, shown = values(rng, version, today)
    for slot, chance in BLANK_CHANCE.items():
        if slot in shown and rng.random() < chance:
            del shown[slot]
            v.pop(slot.replace("_id_paper", "_personal_id"), None)
            v.pop(slot, None)
    probe = new_page(10, 10)
    probe.style.size_pt = min(probe.style.size_pt, 12.0)
    probe.style.data_size_pt = min(probe.style.data_size_pt, 12.0)
    left, right = COLUMN_ORDER[version]

    def signatures(p: PageWriter) -> None:
        top = p.y + p.px(2)
        width = p.right - p.left
        for k, who in enumerate((left, right)):
            xc = p.left + int(width * (0.12 + 0.22 * k))
            p.y = top
            p.text(HEADINGS[who].capitalize(), x_center=xc, bold=True, spacing=1.3)
            p.text(HINT_SPOUSE, x_center=xc, italic=True, scale=0.8, spacing=1.3)
            ornaments.signature(p, xc, p.y + p.px(8), rng, width_mm=28)
        p.y = top
        ornaments.signer_block(
            p,
            rng,
            heading=["NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN"],
            hint=HINT,
            authority=shown["signer_authority"],
            signer_name=shown["signer_name"],
            seal_text=shown["seal_text"],
            x_center=p.left + int(width * 0.76),
            space_mm=20,
        )

    def emblem(p: PageWriter) -> None:
        ornaments.emblem(p, diameter_mm=13)

    pw = render_fitted(
        new_page,
        (297, 210),
        layout(version),
        shown,
        rng,
        {"signatures": signatures, "emblem": emblem},
        margin_mm=(18.0, 10.0, 18.0, 10.0),
    )
    return FormDoc(version, v, [pw])


def values(rng: random.Random, version: str, today: dt.date) -> tuple[dict[str, str], dict]:
    reg_date = people.date_between(rng, dt.date(2016, 1, 1), min(today, people.MERGER_DATE - dt.timedelta(1)))
    reg_unit = people.unit(rng)
    office = commune_office(reg_unit, rng)
    v: dict[str, str] = {}
    shown: dict = {}
    home = people.street_address(reg_unit, rng)
    for who, sex, age_range in (("husband", "Nam", (20, 45)), ("wife", "Nữ", (18, 40))):
        age = rng.randint(*age_range)
        dob = people.date_between(
            rng,
            dt.date(reg_date.year - age - 1, reg_date.month, 1),
            dt.date(reg_date.year - age, reg_date.month, 1),
        )
        foreign = who == "husband" and rng.random() < 0.04
        name = people.person_name(rng, sex)
        if foreign:
            pid = people.passport(rng)
        elif reg_date.year >= 2021 or rng.random() < 0.5:
            pid = people.identity_number(
                rng, sex=sex, birth=dob, province_code=people.unit(rng).province_code
            )
        else:
            pid = people.old_id_card(rng, reg_unit.province_code)
        issued = people.date_between(
            rng,
            max(dob + dt.timedelta(days=365 * 14), reg_date - dt.timedelta(days=3600)),
            reg_date - dt.timedelta(days=20),
        )
        residence = (
            home
            if rng.random() < 0.3
            else people.street_address(
                people.unit(rng, province_code=reg_unit.province_code if rng.random() < 0.7 else None), rng
            )
        )
        v.update(
            {
                f"{who}_name": name,
                f"{who}_date_of_birth": dob.isoformat(),
                f"{who}_ethnicity": people.ethnicity(rng),
                f"{who}_nationality": "Việt Nam",
                f"{who}_residence": residence,
                f"{who}_personal_id": pid,
            }
        )
        shown[f"{who}_date_of_birth"] = people.dmy(dob, rng)
        shown[f"{who}_id_paper"] = people.id_paper(rng, pid, issued, long_form=rng.random() < 0.3)
    v.update(
        registration_place=office.registration_place,
        registration_date=reg_date.isoformat(),
        registration_number=str(rng.randint(1, 120)),
        book_number=f"{rng.randint(1, 2):02d}/{reg_date.year}"
        if rng.random() < 0.6
        else f"{rng.randint(1, 2):02d}",
    )
    for k, val in v.items():
        shown.setdefault(k, val)
    shown["registration_date"] = people.dmy(reg_date, rng)
    shown.update(
        signer_authority=authority(rng, COMMUNE_AUTHORITY),
        signer_name=people.signer(rng),
        seal_text=office.seal_text,
    )
    return v, shown
