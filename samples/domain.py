"""The generator's one door to the domain rules of `sohoa.pipeline.validate` ("don't copy, call").

Every number in words, identity number, land-use purpose code and registry style the generator
prints goes through here, so the forms obey exactly the rules the pipeline checks. Where
`pipeline.validate` does not (yet) provide a function, a small fallback marked TODO stands in.
"""

from __future__ import annotations

import datetime as dt
import random

# --- number words -------------------------------------------------------------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _fallback_below_1000(n: int, full: bool) -> str:
    # TODO(validate): replace with pipeline.validate's number words once it lands.
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    out: list[str] = []
    if h or full:
        out += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and (h or full):
            out += ["linh", _DIGITS[u]]
        elif u:
            out.append(_DIGITS[u])
    elif t == 1:
        out.append("mười")
        if u:
            out.append("lăm" if u == 5 else _DIGITS[u])
    else:
        out += [_DIGITS[t], "mươi"]
        if u == 1:
            out.append("mốt")
        elif u == 5:
            out.append("lăm")
        elif u == 4:
            out.append("tư")
        elif u:
            out.append(_DIGITS[u])
    return " ".join(out)


def _fallback_number(n: int) -> str:
    # TODO(validate): replace with pipeline.validate's number words once it lands.
    if n == 0:
        return "không"
    parts: list[str] = []
    scales = [(10**9, "tỷ"), (10**6, "triệu"), (1000, "nghìn")]
    started = False
    for size, word in scales:
        q, n = divmod(n, size)
        if q:
            parts += [_fallback_below_1000(q, started), word]
            started = True
    if n or not parts:
        parts.append(_fallback_below_1000(n, started))
    return " ".join(parts)


def date_in_words(d: dt.date, rng: random.Random) -> str:
    """The date in words, in a spelling variant chosen by `rng`, starting with a capital."""
    # TODO(validate): use pipeline.validate's chosen-variant writer.
    day = _fallback_number(d.day)
    if d.day < 11:
        day = rng.choice(["mồng", "mùng"]) + " " + day
    month = {1: "một", 4: "tư", 12: "mười hai"}.get(d.month, _fallback_number(d.month))
    text = f"ngày {day} tháng {month} năm {_fallback_number(d.year)}"
    return text[0].upper() + text[1:]


def area_in_words(area: str, rng: random.Random) -> str:
    """`152,5` -> `Một trăm năm mươi hai phẩy năm mét vuông`."""
    # TODO(validate): use pipeline.validate's chosen-variant writer.
    whole, _, frac = area.replace(".", ",").partition(",")
    text = _fallback_number(int(whole))
    if frac and int(frac):
        frac = frac.rstrip("0")
        text += " phẩy " + (" ".join(_DIGITS[int(c)] for c in frac) if frac.startswith("0") else _fallback_number(int(frac)))
    text += " mét vuông"
    return text[0].upper() + text[1:]


# --- identity numbers ---------------------------------------------------------------------------


def make_personal_id(rng: random.Random, *, sex: str, birth_year: int, province_code: str) -> str:
    """12 digits: province (3), sex/century digit, year (2), six random digits."""
    # TODO(validate): use pipeline.validate's CCCD generator.
    century = (birth_year // 100) - 19
    digit = century * 2 + (1 if sex == "Nữ" else 0)
    return f"{province_code}{digit}{birth_year % 100:02d}{rng.randint(0, 999999):06d}"


def make_cmnd(rng: random.Random, *, province_code: str) -> str:
    """9 digits (old identity card)."""
    # TODO(validate): use pipeline.validate's CMND generator.
    return f"{rng.randint(0, 38):02d}{rng.randint(0, 9999999):07d}" if province_code < "040" else (
        f"{rng.randint(10, 38):02d}{rng.randint(0, 9999999):07d}"
    )


# --- land use ------------------------------------------------------------------------------------

#: Purpose as printed -> code (2014–2018 classification).
PURPOSES: dict[str, str] = {
    "Đất ở tại nông thôn": "ONT",
    "Đất ở tại đô thị": "ODT",
    "Đất chuyên trồng lúa nước": "LUC",
    "Đất trồng lúa nước còn lại": "LUK",
    "Đất trồng lúa nương": "LUN",
    "Đất bằng trồng cây hàng năm khác": "BHK",
    "Đất nương rẫy trồng cây hàng năm khác": "NHK",
    "Đất trồng cây lâu năm": "CLN",
    "Đất rừng sản xuất": "RSX",
    "Đất rừng phòng hộ": "RPH",
    "Đất nuôi trồng thủy sản": "NTS",
    "Đất làm muối": "LMU",
    "Đất nông nghiệp khác": "NKH",
    "Đất thương mại, dịch vụ": "TMD",
    "Đất cơ sở sản xuất phi nông nghiệp": "SKC",
    "Đất làm nghĩa trang, nghĩa địa, nhà tang lễ, nhà hỏa táng": "NTD",
}


def purpose_code(purpose: str) -> str | None:
    return PURPOSES.get(purpose)
