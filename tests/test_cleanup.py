"""The recognition clean-up (`pipeline/cleanup.py`), each step on a page that needs it: a seal over
text (the text under it is read), a guilloche page, a dark-border page with uneven light, the forms'
dotted leaders; and the colour print that must stay (a red title).

Pages come from the generator (`sohoa.samples.generate(n=4, seed=2, level="clean")`: a birth, a
marriage, a death certificate with red seals and blue signatures over their signing blocks, and a
2014 land certificate on pink guilloche), or are made here from them or drawn with Pillow.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from sohoa.pipeline import cleanup
from sohoa.pipeline.ingest import open_input
from sohoa.pipeline.ocr import FORM_PSM, recognize
from sohoa.pipeline.parallel import read_page
from sohoa.pipeline.preprocess import prepare
from sohoa.pipeline.types import Page
from sohoa.samples import generate
from sohoa.samples.offices import seal_covered_lines
from sohoa.samples.scoring import line_errors, page_cer

from .drawn import FONT, FONT_BOLD


@pytest.fixture(scope="module")
def clean_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    return out, generate(out, n=4, seed=2, level="clean")


def _read(image: Image.Image, dpi: int, options: cleanup.CleanupOptions) -> str:
    cleaned, _ = cleanup.clean_for_ocr(image, 0.0, dpi, 1.0, options)
    return "\n".join(recognize(cleaned, psm=FORM_PSM).lines)


def _cer(lines: list[str], text: str) -> float:
    errors, chars = page_cer(lines, text)
    return errors / chars


def test_text_under_the_seal_is_read(clean_set):
    out, docs = clean_set
    doc = docs[0]
    page = doc.pages[0]
    under = [line for line in page.lines if line in seal_covered_lines()]
    assert under, "the generated page has lines a seal is stamped over"
    image = next(open_input(out / page.file).pages()).image
    # The seal is there: red pixels over the signing block.
    rgb = np.asarray(image).astype(np.int16)
    assert ((rgb[..., 0] - rgb[..., 1] > 80) & (rgb[..., 0] > 150)).sum() > 2000
    text = read_page(Page(1, image, page.dpi)).text
    errors = sum(err for _, err in line_errors(under, text))
    assert errors <= 1, (under, text)
    # Without the colour dropout the same lines are misread.
    grey_only = _read(image, page.dpi, cleanup.CleanupOptions(colour=False))
    assert sum(err for _, err in line_errors(under, grey_only)) >= errors + 3


def test_seal_and_signature_fade_but_black_and_red_print_stay():
    image = Image.new("RGB", (1200, 700), (246, 244, 240))
    d = ImageDraw.Draw(image)
    from PIL import ImageFont

    font = ImageFont.truetype(FONT_BOLD, 48)
    d.text((100, 60), "GIẤY CHỨNG NHẬN", font=font, fill=(200, 32, 36))  # red print: stays
    d.text((100, 330), "CHỦ TỊCH", font=font, fill=(20, 20, 20))
    # A red ring seal (about 34 mm at 200 dpi) over the black line, then a blue signature stroke.
    seal = Image.new("RGB", image.size, (255, 255, 255))
    ImageDraw.Draw(seal).ellipse((180, 220, 450, 490), outline=(205, 40, 50), width=8)
    ImageDraw.Draw(seal).ellipse((260, 300, 370, 410), fill=(205, 40, 50))
    image = Image.fromarray(
        (np.asarray(image, np.float32) * np.asarray(seal, np.float32) / 255).astype(np.uint8)
    )
    ImageDraw.Draw(image).line((150, 600, 700, 560), fill=(30, 60, 170), width=6)
    grey = np.asarray(cleanup.dropout_colour(image, 200))
    plain = np.asarray(image.convert("L"))
    assert plain[224, 315] < 120 and grey[224, 315] > 190  # the seal's ring
    assert plain[580, 420] < 120 and grey[580, 420] > 150  # the signature
    title = (slice(60, 120), slice(100, 600))
    assert (grey[title] < 128).sum() >= 0.9 * (plain[title] < 128).sum() > 1000
    # Black strokes under the seal stay dark.
    black = np.asarray(image).max(axis=2) < 100
    black[:300] = False
    assert black.sum() > 1000 and (grey[black] < 100).mean() > 0.95


def test_guilloche_page(clean_set):
    out, docs = clean_set
    land = docs[3]
    assert land.doc_type == "land_use_certificate" and land.form_version == "2014"
    page = land.pages[0]
    image = next(open_input(out / page.file).pages()).image
    rgb = np.asarray(image).astype(np.int16)
    pink = (rgb.max(axis=2) - rgb.min(axis=2) > 50) & (rgb.min(axis=2) > 120)
    assert pink.sum() > 5000  # the security print is there
    grey = np.asarray(cleanup.dropout_colour(image, page.dpi))
    assert np.median(grey[pink]) > 225 > np.median(np.asarray(image.convert("L"))[pink])
    cleaned = _cer(page.lines, _read(image, page.dpi, cleanup.DEFAULT))
    assert cleaned < 0.02
    assert cleaned <= _cer(page.lines, _read(image, page.dpi, cleanup.CleanupOptions(colour=False)))


def _on_dark_bed(image: Image.Image) -> Image.Image:
    """The page on a dark scanner bed (80 px all round) under light falling off to one side."""
    a = np.asarray(image, np.float32)
    h, w = a.shape[:2]
    bed = np.full((h + 160, w + 160, 3), 35, np.float32)
    bed[80 : 80 + h, 80 : 80 + w] = a
    light = np.linspace(1.0, 0.55, w + 160, dtype=np.float32)[None, :, None]
    return Image.fromarray((bed * light).clip(0, 255).astype(np.uint8))


def test_dark_border_and_uneven_light(clean_set):
    out, docs = clean_set
    page = docs[1].pages[0]
    image = _on_dark_bed(next(open_input(out / page.file).pages()).image)
    flat = np.asarray(cleanup.flatten_background(image.convert("L"), page.dpi))
    assert flat[:60].min() == 255 and flat[:, -60:].min() == 255  # the bed is paper now
    # The paper is even: its dark right side is as light as its left after flattening.
    h, w = flat.shape
    assert abs(np.median(flat[h // 2 :, 120:300]) - np.median(flat[h // 2 :, w - 300 : w - 120])) < 8
    prepared = prepare(Page(1, image, page.dpi))
    assert prepared.rotation == 0 and abs(prepared.skew_deg) < 0.1
    text = read_page(Page(1, image, page.dpi)).text
    cleaned = _cer(page.lines, text)
    assert cleaned < 0.02
    assert cleaned < _cer(page.lines, _read(image, page.dpi, cleanup.CleanupOptions(background=False)))


def test_dotted_leaders_are_whitened_but_diacritics_and_colons_stay():
    from PIL import ImageFont

    image = Image.new("L", (1400, 120), 255)
    d = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT_BOLD, 34)
    d.text((20, 30), "Nơi sinh:", font=font, fill=0)
    for x in range(215, 1360, 9):  # a leader: dots at an even pitch on the baseline
        d.rectangle((x, 70, x + 2, 72), fill=0)
    d.text((420, 18), "Bệnh viện Đa khoa tỉnh", font=font, fill=0)
    before = np.asarray(image)
    after = np.asarray(cleanup.drop_leaders(image, 200))
    assert (before[69:74, 900:1360] < 128).sum() > 200 and (after[69:74, 900:1360] < 128).sum() == 0
    text = "\n".join(recognize(Image.fromarray(after), psm=7).lines)
    assert "Nơi sinh:" in text and "Bệnh viện Đa khoa tỉnh" in text, text


def test_leader_dots_under_a_value_typed_on_them_are_whitened():
    """A value typed right onto its dotted line stands over the leader: the dots under its letters
    have ink just above them, as a dot-below diacritic has. On the leader's beat (its baseline and
    a whole number of pitches from the dots around the value) they go all the same."""
    import cv2
    from PIL import ImageFont

    image = Image.new("L", (1400, 120), 255)
    d = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    d.text((20, 70), "Nơi cư trú:", font=font, fill=0, anchor="ls")
    for x in range(215, 1360, 9):  # the leader, its dots' tops on the label's baseline
        d.rectangle((x, 70, x + 2, 72), fill=0)
    value = "Thôn 10, Xã Phú An Đông, Lấp Vò"
    d.text((260, 67), value, font=font, fill=0, anchor="ls")  # the letters' feet just over the dots
    end = 260 + int(d.textlength(value, font=font))

    def dots_under_the_value(a: np.ndarray) -> int:
        n, _, stats, cent = cv2.connectedComponentsWithStats((a < 160).view(np.uint8), connectivity=8)
        return sum(
            1
            for i in range(1, n)
            if stats[i, 2] <= 4 and stats[i, 3] <= 4 and 262 < cent[i, 0] < end and 69 <= cent[i, 1] <= 73
        )

    before = np.asarray(image)
    after = np.asarray(cleanup.drop_leaders(image, 200))
    assert dots_under_the_value(before) > 10
    assert dots_under_the_value(after) == 0
    assert (after[60:80, 1000:1360] < 160).sum() == 0  # the leader past the value is gone as before
    text = "\n".join(recognize(Image.fromarray(after), psm=7).lines)
    assert value in text, text


def test_a_leader_broken_by_the_value_typed_over_it_is_whitened():
    """A value typed onto its dotted line, its letters' feet on the dots, leaves no run of five
    free dots on that row: one or two between its words, three after it. The page's other
    leaders give the pitch; dots of the row at whole pitches from each other are the leader and
    go, so the words are not read run together with full stops (`Ủy.ban.nhân.dân`)."""
    import cv2
    from PIL import ImageFont

    image = Image.new("L", (1700, 170), 255)
    d = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    typed = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34)
    d.text((20, 50), "Nơi chết:", font=font, fill=0, anchor="ls")
    for x in range(180, 1660, 9):  # an unbroken leader on another row
        d.rectangle((x, 50, x + 2, 52), fill=0)
    label = "Đã được đăng ký khai tử tại:"
    d.text((20, 130), label, font=font, fill=0, anchor="ls")
    x0 = 20 + int(d.textlength(label, font=font)) + 8
    value = "Ủy ban nhân dân phường Phú Tân, thành phố Thủ Dầu Một"
    end = x0 + 6 + int(d.textlength(value, font=typed))
    for x in range(x0, end + 14, 9):  # its leader, the value's feet on its dots
        d.rectangle((x, 130, x + 2, 132), fill=0)
    d.text((x0 + 6, 130), value, font=typed, fill=0, anchor="ls")
    image = Image.fromarray(cv2.GaussianBlur(np.asarray(image), (0, 0), 1.2))
    before = np.asarray(image)
    after = np.asarray(cleanup.drop_leaders(image, 200))
    assert (after[:, x0:] < 160).sum() < (before[:, x0:] < 160).sum()
    assert (after[40:60, 180:] < 160).sum() == 0 < (before[40:60, 180:] < 160).sum()  # the other leader
    text = "\n".join(recognize(Image.fromarray(after), psm=6).lines)
    assert f"{label} {value}" in text, text


def _faded_jpeg_scan(image: Image.Image, seed: int = 0) -> Image.Image:
    """The page as a worn scanner sees it: inks faded a third of the way to paper, blurred, sensor
    noise, then a JPEG at quality 40 (what the generator's `hard` level does, made here)."""
    import io

    import cv2

    a = np.asarray(image, np.float32)
    a += (245.0 - a) * 0.35
    a = cv2.GaussianBlur(a, (0, 0), 1.2)
    a += np.random.default_rng(seed).standard_normal(a.shape[:2], dtype=np.float32)[..., None] * 8
    buf = io.BytesIO()
    Image.fromarray(a.clip(0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=40)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def test_faded_seal_on_a_noisy_jpeg_scan(clean_set):
    out, docs = clean_set
    page = docs[0].pages[0]
    clean = next(open_input(out / page.file).pages()).image
    rgb = np.asarray(clean).astype(np.int16)
    ring = (rgb[..., 0] - rgb[..., 1] > 80) & (rgb[..., 0] > 150)  # the seal's ink on the clean page
    assert ring.sum() > 2000
    scan = _faded_jpeg_scan(clean)
    grey = np.asarray(cleanup.flatten_background(cleanup.dropout_colour(scan, page.dpi), page.dpi))
    plain = np.asarray(cleanup.flatten_background(scan.convert("L"), page.dpi))
    # Faded and blurred, the ring is still grey ink without the dropout; with it, it is paper.
    assert np.median(plain[ring]) < 200 and np.median(grey[ring]) > 245
    under = [line for line in page.lines if line in seal_covered_lines()]
    text = read_page(Page(1, scan, page.dpi)).text
    assert sum(err for _, err in line_errors(under, text)) <= 2, (under, text)


def test_noise_level_decides_the_median(clean_set):
    out, docs = clean_set
    page = docs[1].pages[0]
    image = next(open_input(out / page.file).pages()).image
    scan = _faded_jpeg_scan(image)
    assert cleanup.noise_level(image) < cleanup._NOISY <= cleanup.noise_level(scan)
    # "auto" leaves a clean page as it is and smooths the noisy scan.
    auto, _ = cleanup.clean_for_ocr(image, 0.0, page.dpi)
    never, _ = cleanup.clean_for_ocr(image, 0.0, page.dpi, options=cleanup.CleanupOptions(denoise="never"))
    assert np.array_equal(np.asarray(auto), np.asarray(never))
    auto, _ = cleanup.clean_for_ocr(scan, 0.0, page.dpi)
    never, _ = cleanup.clean_for_ocr(scan, 0.0, page.dpi, options=cleanup.CleanupOptions(denoise="never"))
    assert (
        np.abs(np.diff(np.asarray(auto, np.int16), axis=1)).mean()
        < np.abs(np.diff(np.asarray(never, np.int16), axis=1)).mean()
    )


def test_leader_on_the_label_baseline_keeps_the_label_commas():
    import cv2
    from PIL import ImageFont

    image = Image.new("L", (1500, 120), 255)
    d = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)  # 12 pt at 200 dpi, the forms' label size
    d.text((20, 30), "Ngày, tháng, năm sinh:", font=font, fill=0)
    x0 = 20 + int(d.textlength("Ngày, tháng, năm sinh:", font=font)) + 10
    d.text((x0, 30), "." * 80, font=font, fill=0)  # the leader: the form font's full stops
    # Blurred as a scan is: the commas' tails fade and what is left of them sits on the baseline.
    image = Image.fromarray(cv2.GaussianBlur(np.asarray(image), (0, 0), 1.2))
    before = np.asarray(image)
    after = np.asarray(cleanup.drop_leaders(image, 200))
    assert (before[:, x0 + 100 :] < 160).sum() > 200 and (after[:, x0 + 100 :] < 160).sum() == 0
    # Only the leader's dots go: the commas on the same baseline are taller than the dots.
    assert ((before < 160) & (after >= 160))[:, : x0 - 5].sum() == 0
    text = "\n".join(recognize(Image.fromarray(after), psm=7).lines)
    assert "Ngày, tháng, năm sinh:" in text, text


def test_specks_past_the_16_bit_labels_fall_back_to_32_bit():
    """`drop_leaders` labels its specks with 16-bit labels (faster); a page with 65,535 specks or
    more (a dense speckle) is labelled with 32-bit ones, the same components."""
    ink = np.zeros((1000, 1000), np.uint8)
    ink[::3, ::3] = 1  # 111,556 isolated pixels
    n, labels, stats, _ = cleanup._components(ink)
    assert n == 111_557 and labels.dtype == np.int32 and (stats[1:, 4] == 1).all()
    n, labels, _, _ = cleanup._components(ink[:300, :300])
    assert n == 10_001 and labels.dtype == np.uint16
