"""Giấy chứng nhận quyền sử dụng đất (land-use certificate, "sổ đỏ/sổ hồng").

Versions:
- ``2014``: the 2014 form, four pages of 190×265 mm on pink security paper with guilloche and
  border: page 1 holders (section I) and the serial (2 letters + 6 digits); page 2 the parcel
  (section II, items a–g with Vietnamese letters, then items 2–6, the issuing block and
  `Số vào sổ cấp GCN`); page 3 the parcel diagram; page 4 the table of later changes.
- ``2024``: the 2024 form, A4, two pages: serial of 2 letters + 8 digits, QR code and a
  12-character certificate code, `2. Thông tin thửa đất` with `Loại đất`, no `Nguồn gốc sử dụng`.

The certificate is printed by the office's printer, so its content is typed text, not data on
dotted lines.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable

from . import domain, ornaments, people
from .layout import FormDoc
from .offices import authority, land_office
from .render import RED, PageWriter

VERSIONS = ("2014", "2024")

#: Residential purposes (always "Lâu dài") and the others, by land-use code; the words come from
#: pipeline.validate's purpose table.
RESIDENTIAL_CODES = ("ONT", "ODT")
OTHER_CODES = ("CLN", "LUC", "LUK", "BHK", "NTS", "RSX", "TMD")
ORIGINS = (
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhận thừa kế đất được Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Nhà nước cho thuê đất trả tiền thuê đất hàng năm",
)
#: Printed styles of `Số vào sổ cấp GCN`: (format, how often).
REGISTRY_STYLES = (
    ("CS{n:05d}", 0.35),
    ("CH {n:05d}", 0.25),
    ("CT {n:05d}", 0.1),
    ("CN.{n}", 0.1),
    ("CS {n:05d}/{y}", 0.1),
    ("CH{n:05d}", 0.1),
)
NOTICE_2014 = (
    "Người được cấp Giấy chứng nhận không được sửa chữa, tẩy xóa hoặc bổ sung bất kỳ nội dung nào "
    "trong Giấy chứng nhận; khi bị mất hoặc hư hỏng Giấy chứng nhận phải khai báo ngay với cơ quan cấp Giấy."
)
PINK = (236, 150, 168)
PAPER_2014 = (251, 236, 236)


def build(rng: random.Random, version: str, new_page: Callable[..., PageWriter], today: dt.date) -> FormDoc:
    v, shown = values(rng, version, today)
    if version == "2014":
        pages = _pages_2014(rng, new_page, v, shown)
    else:
        pages = _pages_2024(rng, new_page, v, shown)
    return FormDoc(version, v, pages)


def values(rng: random.Random, version: str, today: dt.date) -> tuple[dict[str, str], dict]:
    new = version == "2024"
    issue = (
        people.date_between(rng, dt.date(2024, 8, 1), today)
        if new
        else people.date_between(rng, dt.date(2014, 12, 1), dt.date(2024, 7, 31))
    )
    after = issue >= people.MERGER_DATE
    parcel_unit = people.unit(rng, after_merger=after)
    office = land_office(parcel_unit, rng, year=issue.year)
    couple = rng.random() < 0.45
    v: dict[str, str] = {}
    holders: list[dict] = []
    sexes = ["Nam", "Nữ"] if couple else [rng.choice(["Nam", "Nam", "Nữ"])]
    holder_age = rng.randint(28, 75)
    for k, sex in enumerate(sexes):
        # A wife a few years younger than her husband, as a rule.
        age = holder_age if k == 0 else max(22, holder_age - rng.randint(-2, 8))
        birth = dt.date(issue.year - age, rng.randint(1, 12), rng.randint(1, 28))
        name = people.person_name(rng, sex)
        origin = people.unit(rng).province_code
        if new or (issue.year >= 2021 and rng.random() < 0.7) or rng.random() < 0.2:
            number, kind = people.identity_number(rng, sex=sex, birth=birth, province_code=origin), "CCCD số"
        else:
            number, kind = people.old_id_card(rng, origin), "CMND số"
        holders.append({"name": name, "year": str(birth.year), "id": number, "kind": kind, "sex": sex})
        prefix = "holder" if k == 0 else "co_holder"
        v[f"{prefix}_name"] = name
        v[f"{prefix}_birth_year"] = str(birth.year)
        v[f"{prefix}_id_number"] = number
    address = people.street_address(
        parcel_unit if rng.random() < 0.7 else people.unit(rng, after_merger=after), rng
    )
    v["holder_address"] = address
    parcel_address = people.street_address(parcel_unit, rng)
    area = _area(rng)
    purposes = _purposes(rng, area)
    v.update(
        certificate_serial=_serial(rng, new).replace(" ", ""),
        parcel_number=str(rng.randint(1, 1500)),
        map_sheet_number=str(rng.randint(1, 85)),
        parcel_address=parcel_address,
        area_m2=area.replace(",", "."),
        area_in_words=domain.area_in_words(area, rng),
        usage_form=rng.choices(["Sử dụng riêng", "Sử dụng chung"], weights=[0.9, 0.1])[0],
        land_use_purpose="; ".join(p for p, _, _ in purposes),
        usage_term="; ".join(_term_text(p, t, len(purposes) > 1) for p, t, _ in purposes),
        issue_date=issue.isoformat(),
        registry_number=_registry(rng, issue, parcel_unit),
    )
    if len(purposes) == 1 and domain.purpose_code(purposes[0][0]):
        v["land_use_code"] = domain.purpose_code(purposes[0][0])
    if not new:
        v["usage_origin"] = rng.choice(ORIGINS)
    else:
        v["certificate_code"] = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(12))
    shown = {
        "holders": holders,
        "serial_printed": _spaced_serial(v["certificate_serial"]),
        "area_printed": f"{area} m²",
        "purposes": purposes,
        "registry_printed": v["registry_number"],
        "place_date": people.place_date(office.place_name, issue),
        "signer_authority": authority(rng, office.authority),
        "signer_name": people.signer(rng),
        "seal_text": office.seal_text,
    }
    v["registry_number"] = v["registry_number"].replace(" ", "")
    return v, shown


def _area(rng: random.Random) -> str:
    whole = int(rng.choice([rng.uniform(40, 400), rng.uniform(100, 3000)]))
    frac = rng.choice(["", "", ",5", ",0", f",{rng.randint(1, 9)}", f",{rng.randint(10, 99)}"])
    return f"{whole}{frac}" if frac else f"{whole},0" if rng.random() < 0.3 else str(whole)


def _purposes(rng: random.Random, area: str) -> list[tuple[str, str, str]]:
    """(purpose, term, share of the area) parts; compound when a plot mixes housing and garden."""
    total = float(area.replace(",", "."))
    if rng.random() < 0.45:
        res = domain.purpose_name(rng.choice(RESIDENTIAL_CODES))
        return [(res, "Lâu dài", area)]
    if rng.random() < 0.5 and total > 120:
        res = domain.purpose_name(rng.choice(RESIDENTIAL_CODES))
        part = rng.choice([100, 120, 150, 200, 300, 400])
        part = min(part, int(total * 0.6))
        return [(res, "Lâu dài", str(part)), (domain.purpose_name("CLN"), _until(rng), "")]
    code = rng.choice(OTHER_CODES)
    other = domain.purpose_name(code)
    term = "Lâu dài" if code == "TMD" and rng.random() < 0.3 else _until(rng)
    return [(other, term, area)]


def _until(rng: random.Random) -> str:
    return f"Đến ngày {rng.choice(['01/07/2064', '31/12/2064', '15/10/2043', '31/12/2070', '01/01/2069'])}"


def _term_text(purpose: str, term: str, compound: bool) -> str:
    if not compound:
        return term
    short = "Đất ở" if purpose.startswith("Đất ở") else purpose
    return f"{short}: {term}"


def _serial(rng: random.Random, new: bool) -> str:
    letters = rng.choice(["A", "B", "C", "D"]) + rng.choice(
        string.ascii_uppercase.replace("I", "").replace("O", "")
    )
    if new:
        return f"{letters} {rng.randint(0, 99_999_999):08d}"
    return f"{letters} {rng.randint(0, 999_999):06d}"


def _spaced_serial(serial: str) -> str:
    return f"{serial[:2]} {serial[2:]}"


def _registry(rng: random.Random, issue: dt.date, u: people.Unit) -> str:
    styles, weights = zip(*REGISTRY_STYLES, strict=True)
    fmt = rng.choices(styles, weights=weights)[0]
    return fmt.format(n=rng.randint(1, 9999 if "CN." in fmt else 30000), y=issue.year)


def _purpose_lines(v: dict[str, str], shown: dict) -> tuple[str, str]:
    return v["land_use_purpose"], v["usage_term"]


def _holder_lines(shown: dict, new: bool) -> list[str]:
    out: list[str] = []
    for k, h in enumerate(shown["holders"]):
        title = "Ông" if h["sex"] == "Nam" else "Bà"
        if k == 0:
            out.append(f"{title}: {h['name']}, năm sinh: {h['year']}")
        else:
            out.append(f"và vợ {title}: {h['name']}, năm sinh: {h['year']}")
        out.append(f"{h['kind']}: {h['id']}" if not new else f"Số định danh cá nhân: {h['id']}")
    return out


def _pages_2014(rng: random.Random, new_page, v: dict[str, str], shown: dict) -> list[PageWriter]:
    pages: list[PageWriter] = []
    m = (17.0, 17.0, 17.0, 17.0)
    # Page 1: the cover with the holders.
    p1 = new_page(190, 265, paper=PAPER_2014, margin_mm=m)
    ornaments.guilloche(p1, rng, PINK, rosette=True)
    ornaments.national_header(p1)
    ornaments.emblem(p1, diameter_mm=16)
    p1.text("GIẤY CHỨNG NHẬN", align="center", bold=True, scale=1.5, color=RED)
    p1.text("QUYỀN SỬ DỤNG ĐẤT", align="center", bold=True, scale=1.2, color=RED)
    p1.text(
        "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
        align="center",
        bold=True,
        scale=0.95,
        color=RED,
    )
    p1.gap(4)
    p1.text("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold=True, scale=0.95)
    p1.gap(2)
    for line in _holder_lines(shown, new=False):
        p1.typed(line, x=p1.left + p1.px(4))
    p1.typed(f"Địa chỉ thường trú: {v['holder_address']}", x=p1.left + p1.px(4))
    p1.y = p1.image.height - p1.px(40)
    p1.text(shown["serial_printed"], align="center", bold=True, scale=1.4, color=RED)
    pages.append(p1)

    # Page 2: the parcel and the issuing block.
    p2 = new_page(190, 265, paper=PAPER_2014, margin_mm=m)
    ornaments.guilloche(p2, rng, PINK, rosette=False)
    p2.text("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True)
    p2.text("1. Thửa đất:", bold=True)
    purpose, term = _purpose_lines(v, shown)
    x = p2.left + p2.px(3)
    for line in (
        f"a) Thửa đất số: {v['parcel_number']}, tờ bản đồ số: {v['map_sheet_number']}",
        f"b) Địa chỉ: {v['parcel_address']}",
        f"c) Diện tích: {shown['area_printed']}, (bằng chữ: {v['area_in_words']})",
        f"d) Hình thức sử dụng: {v['usage_form']}",
        f"đ) Mục đích sử dụng: {purpose}",
        f"e) Thời hạn sử dụng: {term}",
        f"g) Nguồn gốc sử dụng: {v['usage_origin']}",
    ):
        p2.typed(line, x=x, pitch=1.5)
    for line in (
        "2. Nhà ở: -/-",
        "3. Công trình xây dựng khác: -/-",
        "4. Rừng sản xuất là rừng trồng: -/-",
        "5. Cây lâu năm: -/-",
        "6. Ghi chú: -/-",
    ):
        p2.text(line)
    p2.gap(3)
    xc = p2.left + int((p2.right - p2.left) * 0.68)
    p2.text(shown["place_date"], x_center=xc, italic=True)
    ornaments.signer_block(
        p2,
        rng,
        heading=[],
        authority=shown["signer_authority"],
        signer_name=shown["signer_name"],
        seal_text=shown["seal_text"],
        x_center=xc,
        space_mm=22,
    )
    p2.gap(2)
    p2.typed(f"Số vào sổ cấp GCN: {shown['registry_printed']}", x=p2.left)
    pages.append(p2)

    # Page 3: the parcel diagram.
    p3 = new_page(190, 265, paper=PAPER_2014, margin_mm=m)
    ornaments.guilloche(p3, rng, PINK, rosette=False)
    p3.text("III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True)
    top = p3.y + p3.px(4)
    box = (p3.left, top, p3.right, top + p3.px(150))
    ornaments.parcel_diagram(p3, rng, box, f"Thửa {v['parcel_number']}", f"{shown['area_printed']}")
    pages.append(p3)

    # Page 4: later changes.
    p4 = new_page(190, 265, paper=PAPER_2014, margin_mm=m)
    ornaments.guilloche(p4, rng, PINK, rosette=False)
    p4.text("IV. Những thay đổi sau khi cấp Giấy chứng nhận", bold=True)
    p4.gap(2)
    rows = []
    if rng.random() < 0.3:
        rows.append(
            ["Đã thế chấp bằng quyền sử dụng đất tại Ngân hàng Nông nghiệp và Phát triển Nông thôn", ""]
        )
    ornaments.table(
        p4,
        [("Nội dung thay đổi và cơ sở pháp lý", 0.6), ("Xác nhận của cơ quan có thẩm quyền", 0.4)],
        rows,
        height_mm=150,
    )
    p4.text("Người được cấp Giấy chứng nhận cần chú ý:", bold=True, italic=True, scale=0.9)
    # The notice is part of the printed form, not data printed onto it: it is never mis-registered
    # (it used to be, and at the hard level was drawn over the heading above it).
    p4.typed(NOTICE_2014, scale=0.85, indent_mm=0, printed=True)
    pages.append(p4)
    return pages


def _pages_2024(rng: random.Random, new_page, v: dict[str, str], shown: dict) -> list[PageWriter]:
    m = (18.0, 12.0, 15.0, 12.0)
    p1 = new_page(210, 297, margin_mm=m)
    ornaments.guilloche(p1, rng, (150, 190, 230), rosette=False, strength=0.8)
    qr_top = p1.y
    ornaments.qr_code(
        p1, p1.left, qr_top, f"https://dichvucong.gov.vn/gcn/{v['certificate_code']}", size_mm=20
    )
    ornaments.national_header(p1)
    p1.text("GIẤY CHỨNG NHẬN", align="center", bold=True, scale=1.45, color=RED)
    p1.text(
        "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        align="center",
        bold=True,
        scale=1.0,
        color=RED,
    )
    p1.row(
        [
            ("Mã Giấy chứng nhận:", v["certificate_code"], 0.55),
            ("Số phát hành:", shown["serial_printed"], None),
        ]
    )
    p1.gap(2)
    p1.text("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:", bold=True)
    for line in _holder_lines(shown, new=True):
        p1.typed(line, x=p1.left + p1.px(4))
    p1.typed(f"Địa chỉ: {v['holder_address']}", x=p1.left + p1.px(4))
    p1.text("2. Thông tin thửa đất:", bold=True)
    purpose, term = _purpose_lines(v, shown)
    x = p1.left + p1.px(4)
    for line in (
        f"a. Thửa đất số: {v['parcel_number']}; Tờ bản đồ số: {v['map_sheet_number']}",
        f"b. Diện tích: {shown['area_printed']} (bằng chữ: {v['area_in_words']})",
        f"c. Loại đất: {purpose}",
        f"d. Thời hạn: {term}",
        f"đ. Hình thức: {v['usage_form']}",
        f"e. Địa chỉ: {v['parcel_address']}",
    ):
        p1.typed(line, x=x, pitch=1.5)
    p1.text("3. Thông tin tài sản gắn liền với đất: -/-")
    p1.text("4. Ghi chú: -/-")
    p1.gap(2)
    xc = p1.left + int((p1.right - p1.left) * 0.68)
    p1.text(shown["place_date"], x_center=xc, italic=True)
    ornaments.signer_block(
        p1,
        rng,
        heading=[],
        authority=shown["signer_authority"],
        signer_name=shown["signer_name"],
        seal_text=shown["seal_text"],
        x_center=xc,
        space_mm=22,
    )
    p1.typed(f"Số vào sổ cấp Giấy chứng nhận: {shown['registry_printed']}", x=p1.left)

    p2 = new_page(210, 297, margin_mm=m)
    ornaments.guilloche(p2, rng, (150, 190, 230), rosette=False, strength=0.8)
    p2.text("5. Sơ đồ thửa đất:", bold=True)
    top = p2.y + p2.px(2)
    ornaments.parcel_diagram(
        p2,
        rng,
        (p2.left, top, p2.right, top + p2.px(110)),
        f"Thửa {v['parcel_number']}",
        shown["area_printed"],
    )
    p2.y = top + p2.px(114)
    p2.text("6. Những thay đổi sau khi cấp Giấy chứng nhận:", bold=True)
    ornaments.table(
        p2,
        [("Nội dung thay đổi và cơ sở pháp lý", 0.6), ("Xác nhận của cơ quan có thẩm quyền", 0.4)],
        [],
        height_mm=90,
    )
    return [p1, p2]
