"""Pages drawn by the tests themselves (with Pillow and the Debian fonts the Makefile installs),
for the foundation tests that need a small, known page without the full sample generator.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"

#: What the drawn birth certificate says (canonical fields and values).
BIRTH_FIELDS = {
    "full_name": "NGUYỄN VĂN AN",
    "date_of_birth": "2005-03-15",
    "sex": "Nam",
    "mother_name": "TRẦN THỊ BÌNH",
    "mother_birth_year": "1980",
    "father_name": "LÊ VĂN CƯỜNG",
    "registration_date": "2005-03-20",
}

BIRTH_LINES = [
    "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
    "Ngày, tháng, năm sinh: 15/03/2005",
    "ghi bằng chữ: Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm",
    "Giới tính: Nam    Dân tộc: Kinh    Quốc tịch: Việt Nam",
    "Nơi sinh: Trạm Y tế xã Tân Hòa, huyện Châu Thành",
    "Họ, chữ đệm, tên người mẹ: TRẦN THỊ BÌNH",
    "Năm sinh: 1980   Dân tộc: Kinh   Quốc tịch: Việt Nam",
    "Họ, chữ đệm, tên người cha: LÊ VĂN CƯỜNG",
    "Năm sinh: 1978   Dân tộc: Kinh   Quốc tịch: Việt Nam",
    "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Tân Hòa",
    "Ngày, tháng, năm đăng ký: 20/03/2005",
]


def birth_certificate(dpi: int = 200, mode: str = "RGB") -> Image.Image:
    """An A4 page with the header, the title and the fields of a birth certificate."""
    scale = dpi / 200
    size = (round(1654 * scale), round(2339 * scale))
    im = Image.new(mode, size, "white")
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT, round(34 * scale))
    fb = ImageFont.truetype(FONT_BOLD, round(44 * scale))
    d.text(
        (round(350 * scale), round(150 * scale)), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=f, fill="black"
    )
    d.text((round(600 * scale), round(320 * scale)), "GIẤY KHAI SINH", font=fb, fill="black")
    y = 480
    for line in BIRTH_LINES:
        d.text((round(150 * scale), round(y * scale)), line, font=f, fill="black")
        y += 80
    # A red ring, as a seal: the page is in colour.
    if mode == "RGB":
        d.ellipse(
            [(1100 * scale, 1900 * scale), (1400 * scale, 2200 * scale)], outline=(200, 30, 30), width=8
        )
    return im


def blank(dpi: int = 200) -> Image.Image:
    return Image.new("RGB", (round(8.27 * dpi), round(11.69 * dpi)), "white")
