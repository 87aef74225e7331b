"""Hand-made OCR pages for the classification, splitting and extraction tests: rows of words with
boxes, as `pipeline.ocr` would give them, without running Tesseract."""

from __future__ import annotations

import numpy as np
from PIL import Image
from sohoa.pipeline.types import OcrPage, Page, PreparedPage
from sohoa.schemas import OcrWord

CHAR_W = 22  # pixels per character
LINE_H = 40  # word box height
ROW = 80  # row pitch


def make_page(
    rows: list, *, index: int = 1, width: int = 2400, height: int = 3400, ink: float = 0.05
) -> OcrPage:
    """`rows`: each a list of segments (x, text) or (x, text, dy, conf); one row per ROW pixels.
    Each word of a segment gets a box of CHAR_W per character."""
    words: list[OcrWord] = []
    lines: list[str] = []
    for r, row in enumerate(rows):
        y = 200 + r * ROW
        line_words = []
        for seg in row:
            x, text = seg[0], seg[1]
            dy = seg[2] if len(seg) > 2 else 0
            conf = seg[3] if len(seg) > 3 else 0.95
            for token in text.split():
                w = len(token) * CHAR_W
                words.append(
                    OcrWord(text=token, box=(x, y + dy, x + w, y + dy + LINE_H), confidence=conf, line=r)
                )
                line_words.append(token)
                x += w + CHAR_W
        lines.append(" ".join(line_words))
    img = Image.new("L", (width, height), 255)
    page = Page(index=index, image=img, dpi=300)
    prepared = PreparedPage(
        page=page,
        upright=img.convert("RGB"),
        rotation=0,
        skew_deg=0.0,
        ocr_image=img,
        ocr_to_upright=np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        ink_ratio=ink,
    )
    return OcrPage(prepared=prepared, words=words, lines=[line for line in lines if line])


HEADER = [[(700, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")], [(850, "Độc lập - Tự do - Hạnh phúc")]]


def birth_page(*, personal_id: str | None = "038225001234", index: int = 1, name_row=None) -> OcrPage:
    rows = HEADER + [
        [(900, "GIẤY KHAI SINH")],
        [(200, "Số: 101"), (1200, "Quyển số: 02/2025")],
        name_row or [(200, "Họ, chữ đệm, tên: NGUYỄN VĂN AN")],
        [(200, "Ngày, tháng, năm sinh: 15/03/2025 ghi bằng chữ: Mười lăm tháng ba năm")],
        [(200, "hai nghìn hai mươi lăm")],
        [(200, "Giới tính: Nam"), (900, "Dân tộc: Kinh"), (1600, "Quốc tịch: Việt Nam")],
        [(200, "Nơi sinh: Bệnh viện Đa khoa tỉnh Thanh Hóa")],
        [(200, "Quê quán: Thanh Hóa")],
        [(200, "Số định danh cá nhân:" + (f" {personal_id}" if personal_id else ""))],
        [(200, "Họ, chữ đệm, tên người mẹ: LÊ THỊ BÌNH")],
        [(200, "Năm sinh: 1995"), (900, "Dân tộc: Kinh"), (1600, "Quốc tịch: Việt Nam")],
        [(200, "Nơi cư trú: Thôn 3, xã Quảng Tâm, huyện Quảng Xương,")],
        [(200, "tỉnh Thanh Hóa")],
        [(200, "Họ, chữ đệm, tên người cha: NGUYỄN VĂN BÌNH")],
        [(200, "Năm sinh: 1990"), (900, "Dân tộc: Tày"), (1600, "Quốc tịch: Việt Nam")],
        [(200, "Nơi cư trú: Thôn 3, xã Quảng Tâm, huyện Quảng Xương, tỉnh Thanh Hóa")],
        [(200, "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Quảng Tâm, huyện Quảng Xương,")],
        [(200, "tỉnh Thanh Hóa")],
        [(200, "Ngày, tháng, năm đăng ký: 20/03/2025")],
        [(1300, "NGƯỜI KÝ GIẤY KHAI SINH")],
    ]
    return make_page(rows, index=index)


def marriage_page(
    *, wife_first: bool, index: int = 1, headings: tuple[bool, bool] = (True, True), captions: bool = False
) -> OcrPage:
    """`headings`: which of the column headings (left, right) OCR read; `captions`: the `Chồng`/`Vợ`
    captions of the signatures at the bottom, in the columns' order."""
    cols = {
        "husband": (
            "CHỒNG",
            "TRẦN VĂN HÙNG",
            "02/11/1990",
            "Kinh",
            "Thôn Tây, xã Minh Sơn,",
            "huyện Hữu Lũng",
            "038090001234",
        ),
        "wife": (
            "VỢ",
            "PHẠM THỊ LAN",
            "13/04/1993",
            "Tày",
            "Xóm Đông, xã Bắc Thủy,",
            "huyện Chi Lăng",
            "038193004321",
        ),
    }
    left, right = ("wife", "husband") if wife_first else ("husband", "wife")
    a, b = cols[left], cols[right]
    rows = HEADER + [
        [(900, "GIẤY CHỨNG NHẬN KẾT HÔN")],
        [(200, "Số: 43"), (1200, "Quyển số: 01/2020")],
        [seg for seg, keep in zip([(550, a[0]), (1750, b[0])], headings, strict=True) if keep],
        [(200, f"Họ, chữ đệm, tên: {a[1]}"), (1400, f"Họ, chữ đệm, tên: {b[1]}")],
        [(200, f"Ngày, tháng, năm sinh: {a[2]}"), (1400, f"Ngày, tháng, năm sinh: {b[2]}")],
        [
            (200, f"Dân tộc: {a[3]}"),
            (700, "Quốc tịch: Việt Nam"),
            (1400, f"Dân tộc: {b[3]}"),
            (1900, "Quốc tịch: Việt Nam"),
        ],
        [(200, f"Nơi cư trú: {a[4]}"), (1400, f"Nơi cư trú: {b[4]}")],
        [(200, a[5]), (1400, b[5])],
        [(200, f"Giấy tờ tùy thân: CCCD số {a[6]}"), (1400, f"Giấy tờ tùy thân: CCCD số {b[6]}")],
        [(200, "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Thụy Hùng, huyện Văn Lãng, tỉnh Lạng Sơn")],
        [(200, "Ngày, tháng, năm đăng ký: 30/07/2020")],
    ]
    if captions:
        rows.append([(400, a[0].capitalize()), (1000, b[0].capitalize())])
    return make_page([row for row in rows if row], index=index, width=3400, height=2400)


def death_page(*, copy: bool, index: int = 1) -> OcrPage:
    rows = HEADER + [
        [(200, "Số: 195/TLKT-BS")],
        [(900, "TRÍCH LỤC KHAI TỬ")],
        [(1000, "(Bản sao)" if copy else "(Bản chính)")],
        [(200, "Họ, chữ đệm, tên: ĐINH VĂN TUẤN")],
        [(200, "Ngày, tháng, năm sinh: 18/11/1941")],
        [(200, "Giới tính: Nam"), (900, "Dân tộc: Kinh"), (1600, "Quốc tịch: Việt Nam")],
        [(200, "Số định danh cá nhân: 077041781865")],
        [(200, "Giấy tờ tùy thân: CCCD số 077041781865")],
        [(200, "Đã chết vào lúc: 05 giờ 15 phút, ngày 05/05/2023")],
        [(200, "ghi bằng chữ: Ngày mồng năm tháng năm năm hai nghìn không trăm hai mươi ba")],
        [(200, "Nơi chết: Số 170/18, đường Hùng Vương, thị trấn Gò Dầu, huyện Gò Dầu,")],
        [(200, "tỉnh Tây Ninh")],
    ]
    if copy:
        rows += [
            [(200, "Đã được đăng ký khai tử tại: Ủy ban nhân dân thị trấn Gò Dầu, huyện Gò Dầu,")],
            [(200, "tỉnh Tây Ninh")],
            [(200, "Số: 83"), (700, "Quyển số: 01/2023 ngày 06/05/2023")],
            [(200, "Ghi chú:")],
        ]
    else:
        rows += [
            [(200, "Nguyên nhân chết: Bệnh già")],
            [(200, "Nơi đăng ký khai tử: Ủy ban nhân dân thị trấn Gò Dầu, huyện Gò Dầu, tỉnh Tây Ninh")],
            [(200, "Số: 83"), (700, "Quyển số: 01/2023 ngày 06/05/2023")],
        ]
    return make_page(rows, index=index)


def land_2014_pages(*, couple: bool, first_index: int = 1, extra: list | None = None) -> list[OcrPage]:
    """`extra`: rows added below the holders on page 1 (a stamp or a note read as text)."""
    holder = [
        [(200, "Ông: NGUYỄN MẠNH CƯỜNG, năm sinh: 1962")],
        [(200, "CCCD số: 038062713674")],
    ]
    if couple:
        holder += [
            [(200, "và vợ Bà: ĐOÀN MỸ OANH, năm sinh: 1965")],
            [(200, "CMND số: 172450075")],
        ]
    p1 = make_page(
        HEADER
        + [
            [(1000, "GIẤY CHỨNG NHẬN")],
            [(950, "QUYỀN SỬ DỤNG ĐẤT")],
            [(500, "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT")],
            [(200, "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất")],
        ]
        + holder
        + [
            [(200, "Địa chỉ thường trú: Tổ dân phố 2, xã Xuân Lai, huyện Yên Bình,")],
            [(200, "tỉnh Yên Bái")],
        ]
        + (extra or [])
        + [
            [],
            [],
            [],
            [(1000, "BD 152495")],
        ],
        index=first_index,
    )
    p2 = make_page(
        [
            [(200, "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất")],
            [(200, "1. Thửa đất:")],
            [(200, "a) Thửa đất số: 1311, tờ bản đồ số: 45")],
            [(200, "b) Địa chỉ: Thôn 10, xã Hà Tân, huyện Hà Trung, tỉnh Thanh Hóa")],
            [(200, "c) Diện tích: 152,5 m², (bằng chữ: Một trăm năm mươi hai phẩy năm")],
            [(200, "mét vuông)")],
            [(200, "d) Hình thức sử dụng: Sử dụng riêng")],
            [(200, "đ) Mục đích sử dụng: Đất ở tại nông thôn")],
            [(200, "e) Thời hạn sử dụng: Lâu dài")],
            [(200, "g) Nguồn gốc sử dụng: Nhà nước giao đất có thu tiền sử dụng đất")],
            [(200, "2. Nhà ở: -/-")],
            [(1200, "Hà Trung, ngày 27 tháng 3 năm 2018")],
            [(200, "Số vào sổ cấp GCN: CH 01481")],
        ],
        index=first_index + 1,
    )
    p3 = make_page(
        [[(200, "III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất")], [(900, "Thửa 1311")]],
        index=first_index + 2,
    )
    p4 = make_page(
        [
            [(200, "IV. Những thay đổi sau khi cấp Giấy chứng nhận")],
            [(200, "Nội dung thay đổi và cơ sở pháp lý")],
        ],
        index=first_index + 3,
    )
    return [p1, p2, p3, p4]


def land_2024_pages(*, first_index: int = 1) -> list[OcrPage]:
    p1 = make_page(
        HEADER
        + [
            [(1000, "GIẤY CHỨNG NHẬN")],
            [(500, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT")],
            [(200, "Mã Giấy chứng nhận: CEAOFD25Z4MR"), (1400, "Số phát hành: DT 03484084")],
            [(200, "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:")],
            [(200, "Bà: NGUYỄN MỸ KIM NGÂN, năm sinh: 1977")],
            [(200, "Số định danh cá nhân: 033177063141")],
            [(200, "Địa chỉ: Ấp Hưng Long, xã Bình Thành, huyện Thanh Bình, tỉnh Đồng Tháp")],
            [(200, "2. Thông tin thửa đất:")],
            [(200, "a. Thửa đất số: 176; Tờ bản đồ số: 24")],
            [(200, "b. Diện tích: 2699,44 m² (bằng chữ: Hai nghìn sáu trăm chín mươi chín phẩy bốn mươi")],
            [(200, "bốn mét vuông)")],
            [(200, "c. Loại đất: Đất trồng cây lâu năm")],
            [(200, "d. Thời hạn: Đến ngày 31/12/2064")],
            [(200, "đ. Hình thức: Sử dụng riêng")],
            [(200, "e. Địa chỉ: Ấp 12, xã Bình Thành, huyện Thanh Bình, tỉnh Đồng Tháp")],
            [(200, "3. Thông tin tài sản gắn liền với đất: -/-")],
            [(1200, "Thanh Bình, ngày 30 tháng 4 năm 2025")],
            [(200, "Số vào sổ cấp Giấy chứng nhận: CH 12502")],
        ],
        index=first_index,
    )
    p2 = make_page(
        [[(200, "5. Sơ đồ thửa đất:")], [(200, "6. Những thay đổi sau khi cấp Giấy chứng nhận:")]],
        index=first_index + 1,
    )
    return [p1, p2]


def unrelated_page(index: int = 1) -> OcrPage:
    rows = HEADER + [
        [(800, "ĐƠN XIN NGHỈ PHÉP")],
        [(200, "Kính gửi: Ban Giám đốc Công ty")],
        [(200, "Tôi tên là: TRẦN VĂN BA, chức vụ: nhân viên")],
        [(200, "Xin nghỉ phép từ ngày 01/06/2025 đến ngày 05/06/2025")],
        [(200, "Lý do: việc gia đình")],
    ]
    return make_page(rows, index=index)
