"""The Tesseract wrapper and the page workers: both engines, odd image formats, Tesseract missing,
a recognition that times out and a worker that hangs (the batch goes on).

Pages are drawn by tests/drawn.py; the 16-bit TIFF and CMYK JPEG are written here with Pillow.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from PIL import Image
from sohoa.pipeline import ocr
from sohoa.pipeline.errors import MissingDependencyError, OcrError
from sohoa.pipeline.ingest import open_input
from sohoa.pipeline.parallel import PagePool, read_page
from sohoa.pipeline.process import ProcessOptions, process_input
from sohoa.pipeline.types import Page

from .drawn import birth_certificate


@pytest.fixture(autouse=True)
def _restore_settings():
    cmd, engine = ocr.settings()
    yield
    ocr.set_tesseract_cmd(cmd)
    ocr.set_engine(engine)


@pytest.mark.parametrize("engine", ["tesserocr", "pytesseract"])
def test_both_engines_read_words_with_boxes(engine):
    ocr.set_engine(engine)
    assert ocr.engine() == engine
    rec = ocr.recognize(birth_certificate().crop((0, 250, 1654, 450)).convert("L"), psm=6)
    assert "GIẤY KHAI SINH" in "\n".join(rec.lines)
    (khai,) = [w for w in rec.words if w.text == "KHAI"]
    assert 700 < khai.box[0] < 1000 and 40 < khai.box[1] < 110 and khai.confidence > 0.8


def test_pixels_given_as_bytes_read_as_the_bmp_tesserocr_writes():
    """tesserocr is given the image's bytes (with the resolution its BMP would carry) instead of
    `SetImage`'s BMP round trip: the same words and confidences, grey or colour, with and without a
    resolution."""
    ocr.set_engine("tesserocr")
    page = birth_certificate().crop((0, 250, 1654, 650))
    for image, dpi in ((page.convert("L"), None), (page, 200)):
        api = ocr._api("vie", 11)
        api.SetImage(image)
        if dpi:
            api.SetSourceResolution(dpi)
        api.Recognize()
        text, conf = api.GetUTF8Text(), api.AllWordConfidences()
        api.Clear()
        rec = ocr.recognize(image, psm=11, dpi=dpi)
        assert "\n".join(rec.lines).split() == text.split()
        # AllWordConfidences truncates to whole percents
        got = [w.confidence * 100 for w in rec.words]
        assert all(0 <= a - b < 1.001 for a, b in zip(got, [c for c in conf if c >= 0], strict=False))


def test_version_check():
    info = ocr.check_tesseract()
    assert info.version >= ocr.MIN_VERSION and info.tessdata
    assert ocr.tesserocr_version() >= ocr.MIN_VERSION


def test_sixteen_bit_tiff_turned(tmp_path):
    grey = np.asarray(birth_certificate(mode="L").rotate(90, expand=True), dtype=np.uint16) * 257
    Image.fromarray(grey).save(tmp_path / "page.tif", dpi=(200, 200))  # mode I;16
    assert Image.open(tmp_path / "page.tif").mode.startswith("I;16")
    page = next(open_input(tmp_path / "page.tif").pages())
    result = read_page(page)
    assert result.prepared.rotation == 90 and "GIẤY KHAI SINH" in result.text


def test_cmyk_jpeg(tmp_path):
    birth_certificate().convert("CMYK").save(tmp_path / "page.jpg", dpi=(200, 200), quality=90)
    assert Image.open(tmp_path / "page.jpg").mode == "CMYK"
    result = read_page(next(open_input(tmp_path / "page.jpg").pages()))
    assert result.prepared.rotation == 0 and "GIẤY KHAI SINH" in result.text
    assert result.prepared.upright.mode == "RGB"


def test_tesseract_missing_is_a_clear_error(tmp_path):
    ocr.set_tesseract_cmd(str(tmp_path / "no-tesseract"))
    with pytest.raises(MissingDependencyError) as caught:
        ocr.recognize(Image.new("L", (100, 40), 255))
    assert caught.value.code == "tesseract_missing" and caught.value.exit_code == 3
    assert "apt-get install tesseract-ocr" in caught.value.message
    birth_certificate().save(tmp_path / "p.png", dpi=(200, 200))
    with pytest.raises(MissingDependencyError):
        process_input(tmp_path / "p.png", tmp_path / "out", ProcessOptions(workers=1))


@pytest.mark.parametrize("engine", ["tesserocr", "pytesseract"])
def test_recognition_timeout_stops_the_page(engine):
    ocr.set_engine(engine)
    image = birth_certificate(dpi=300).convert("L")
    started = time.monotonic()
    with pytest.raises(OcrError) as caught:
        ocr.recognize(image, psm=6, timeout=0.05)
    assert caught.value.code == "ocr_timeout" and "quá lâu" in caught.value.message
    assert time.monotonic() - started < 5


def test_timeouts_fail_pages_and_the_batch_goes_on(tmp_path):
    page = birth_certificate()
    page.save(tmp_path / "stack.tif", save_all=True, append_images=[page], dpi=(200, 200))
    outcome = process_input(
        tmp_path / "stack.tif", tmp_path / "out", ProcessOptions(ocr_timeout=0.01, workers=2)
    )
    assert [(p.status, p.error.code) for p in outcome.result.pages] == [("failed", "ocr_timeout")] * 2
    assert (tmp_path / "out" / "stack" / "result.json").exists()


def hang_on_second_page(page: Page, *, lang: str, timeout: float):
    """A page reader that never returns on page 2 (as a stuck recognition in C would)."""
    if page.index == 2:
        time.sleep(3600)
    return read_page(page, lang=lang, timeout=timeout)


def grey_page(page: Page, *, lang: str, timeout: float):
    """A page reader that only makes the page's grey image its OCR image (no recognition)."""
    from sohoa.pipeline.types import OcrPage, PreparedPage

    grey = page.image.convert("L")
    prepared = PreparedPage(
        page=page,
        upright=page.image,
        rotation=0,
        skew_deg=0.0,
        ocr_image=grey,
        ocr_to_upright=np.eye(3)[:2],
        orientation_confidence=1.0,
        ink_ratio=0.0,
        warnings=[],
    )
    return OcrPage(prepared=prepared, words=[], lines=[])


def test_pages_of_any_size_and_mode_go_to_a_worker_and_back_intact():
    """One worker's shared pixel buffer grows for a larger page and is reused for smaller ones, and
    after a page over 64 MB it is handed back and grows again: every page arrives whole and its OCR
    image comes back whole."""
    rng = np.random.default_rng(3)
    sizes = [(300, 200), (1654, 2339), (640, 480), (2480, 3508), (5200, 4800), (17, 9)]  # 5th: 75 MB
    pages = []
    for i, size in enumerate(sizes, 1):
        mode = "RGB" if i % 2 else "L"
        shape = (size[1], size[0], 3) if mode == "RGB" else (size[1], size[0])
        pages.append(Page(i, Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode), 200))
    pool = PagePool(1, fn=grey_page)
    try:
        results = {item.index: result for item, result in pool.run(pages)}
        held = os.fstat(pool._slots[0].buffer.fd).st_size  # noqa: SLF001 - the memory it holds
    finally:
        pool.close()
    assert held == 17 * 9  # the last page's grey pixels: the 75 MB were handed back
    for page in pages:
        back = results[page.index].prepared.ocr_image
        assert back.size == page.image.size
        assert np.array_equal(np.asarray(back), np.asarray(page.image.convert("L")))


def test_stuck_worker_is_killed_and_the_others_finish():
    pool = PagePool(2, fn=hang_on_second_page, kill_after=8)
    pages = [Page(i, birth_certificate(), 200) for i in (1, 2, 3)]
    try:
        results = {item.index: result for item, result in pool.run(pages)}
        again = list(pool.run([Page(4, birth_certificate(), 200)]))  # the replaced worker works
    finally:
        pool.close()
    assert isinstance(results[2], OcrError) and results[2].code == "ocr_timeout"
    assert "GIẤY KHAI SINH" in results[1].text and "GIẤY KHAI SINH" in results[3].text
    assert results[1].prepared.upright.size == (1654, 2339)
    assert "GIẤY KHAI SINH" in again[0][1].text


def _form_strip():
    """A blank 200-dpi strip of a form to draw on, its drawing context, the form's font (serif)
    and the typed data's (sans)."""
    from PIL import ImageDraw, ImageFont

    from .drawn import FONT

    image = Image.new("RGB", (1654, 400), "white")
    form = ImageFont.truetype(FONT, 34)
    data = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 32)
    return image, ImageDraw.Draw(image), form, data


def test_value_typed_off_its_line_joins_its_label():
    """A value typed above its dotted line (mis-registered) is read on its label's line."""
    image, d, form, data = _form_strip()
    d.text((100, 100), "Họ, chữ đệm, tên:", font=form, fill=(20, 20, 20))
    d.text((420, 72), "NGUYỄN VĂN AN", font=data, fill=(20, 20, 20))  # 28 px above the label
    d.text((100, 190), "Ngày, tháng, năm sinh:", font=form, fill=(20, 20, 20))
    d.text((520, 196), "15/03/2005", font=data, fill=(20, 20, 20))
    result = read_page(Page(1, image, 200))
    assert "Họ, chữ đệm, tên: NGUYỄN VĂN AN" in result.lines, result.lines
    assert "Ngày, tháng, năm sinh: 15/03/2005" in result.lines, result.lines
    lines = {w.text: w.line for w in result.words}
    assert lines["tên:"] == lines["NGUYỄN"] != lines["sinh:"]
    # Tesseract alone gives the raised value a line of its own.
    rec = ocr.recognize(result.prepared.ocr_image, psm=ocr.FORM_PSM, dpi=200)
    assert "Họ, chữ đệm, tên: NGUYỄN VĂN AN" not in rec.lines


def test_value_over_its_labels_colon_joins_the_label():
    """A value typed up and to the left, over its label's colon, is read after the label: a label
    line ending in a colon takes the value line beside it, not a line with a label of its own."""
    image, d, form, data = _form_strip()
    d.text((100, 100), "Quê quán:", font=form, fill=(20, 20, 20))
    d.text((230, 60), "Hải Phòng", font=data, fill=(20, 20, 20))  # over "quán:", 40 px up
    d.text((100, 190), "Dân tộc:", font=form, fill=(20, 20, 20))
    d.text((260, 192), "Kinh", font=data, fill=(20, 20, 20))
    result = read_page(Page(1, image, 200))
    assert result.lines == ["Quê quán: Hải Phòng", "Dân tộc: Kinh"], result.lines
    # Tesseract gives the value a line of its own above the label.
    rec = ocr.recognize(result.prepared.ocr_image, psm=ocr.FORM_PSM, dpi=200)
    assert "Quê quán: Hải Phòng" not in rec.lines


def test_a_raised_value_joins_its_label_before_the_next_label_of_the_line():
    """A date raised off its line, its end over the next label (`ghi bằng chữ:`), is a line of its
    own for Tesseract; the label in the middle of its line, with the next label past the value's
    empty place, takes it right after its colon. A label followed by its value keeps its line."""
    image, d, form, data = _form_strip()
    d.text((100, 100), "Họ, chữ đệm, tên:", font=form, fill=(20, 20, 20))
    d.text((420, 102), "NGUYỄN THU", font=data, fill=(20, 20, 20))
    d.text((100, 200), "Ngày, tháng, năm sinh:", font=form, fill=(20, 20, 20))
    x = 100 + d.textlength("Ngày, tháng, năm sinh:", font=form)
    d.text((x + 190, 200), "ghi bằng chữ: Ngày mười tháng sáu", font=form, fill=(20, 20, 20))
    d.text((x + 60, 165), "10/06/2024", font=data, fill=(20, 20, 20))  # 35 px up, over "ghi"
    d.text((100, 290), "Giới tính:", font=form, fill=(20, 20, 20))
    d.text((420, 292), "Nữ", font=data, fill=(20, 20, 20))
    result = read_page(Page(1, image, 200))
    assert result.lines == [
        "Họ, chữ đệm, tên: NGUYỄN THU",
        "Ngày, tháng, năm sinh: 10/06/2024 ghi bằng chữ: Ngày mười tháng sáu",
        "Giới tính: Nữ",
    ], result.lines
    # Tesseract gives the date a line of its own above its label's.
    rec = ocr.recognize(result.prepared.ocr_image, psm=ocr.FORM_PSM, dpi=200)
    assert "10/06/2024" in rec.lines


def test_a_value_raised_nearer_the_label_above_is_passed_down_to_its_own():
    """The page's values raised a little over their labels; the last two raised further, past half
    the row's height: `assemble_lines` gives the date to the label above it (`Nơi đăng ký kết hôn:
    08/06/2017`), whose own value stays a line alone. The page's usual offset of a value puts the
    date back under its label, and the place's value then joins its own."""
    image, d, form, data = _form_strip()
    rows = [("Họ, chữ đệm, tên:", "NGUYỄN THU", 15), ("Dân tộc:", "Kinh", 15)]
    rows += [
        ("Nơi cư trú:", "Thôn Đông, xã An Bình", 15),
        ("Nơi đăng ký kết hôn:", "Ủy ban nhân dân xã Thạnh Phú", 36),
    ]
    rows += [("Ngày, tháng, năm đăng ký:", "08/06/2017", 36)]
    for n, (label, value, up) in enumerate(rows):
        d.text((100, 20 + 62 * n), label, font=form, fill=(20, 20, 20))
        d.text((120 + d.textlength(label, font=form), 20 + 62 * n - up), value, font=data, fill=(20, 20, 20))
    result = read_page(Page(1, image, 200))
    assert result.lines[-2:] == [
        "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Thạnh Phú",
        "Ngày, tháng, năm đăng ký: 08/06/2017",
    ], result.lines
    # Tesseract's lines, values joined without the page's offset: the date on the label above.
    words = ocr.recognize(result.prepared.ocr_image, psm=ocr.FORM_PSM, dpi=200).words
    lines = ocr._join_values(
        [[w for w in words if w.line == n] for n in sorted({w.line for w in words})], 30.0
    )
    assert "Ngày, tháng, năm đăng ký:" in [" ".join(w.text for w in line) for line in lines]


@pytest.mark.parametrize("shift", [-10, 10])
def test_a_value_raised_onto_its_label_is_read_apart_from_it(shift):
    """A value raised onto the end of its label (`Nữ` over `tính:`, touching it, blurred as a
    scan) is read with the label as one doubtful word (`th`, `tính”`) and lost; the word, a line
    and a half tall, is read again as its two parts: the label on its line, the value joining it."""
    import cv2

    image, d, form, data = _form_strip()
    d.text((100, 100), "Họ, chữ đệm, tên:", font=form, fill=(20, 20, 20))
    d.text((420, 102), "NGUYỄN THU", font=data, fill=(20, 20, 20))
    d.text((100, 200), "Giới tính:", font=form, fill=(20, 20, 20))
    x = 100 + d.textlength("Giới tính", font=form)
    d.text((x - 22 + shift, 176), "Nữ", font=data, fill=(20, 20, 20))  # 24 px up, over "nh:"
    d.text((620, 200), "Dân tộc:", font=form, fill=(20, 20, 20))
    d.text((780, 202), "Kinh", font=data, fill=(20, 20, 20))
    d.text((100, 300), "Quê quán:", font=form, fill=(20, 20, 20))
    d.text((300, 302), "Hà Nội", font=data, fill=(20, 20, 20))
    image = Image.fromarray(cv2.GaussianBlur(np.asarray(image), (0, 0), 1.2))
    result = read_page(Page(1, image, 200))
    assert "Giới tính: Nữ Dân tộc: Kinh" in result.lines, result.lines
    # Before this step the label and the value are one doubtful word, tall as a line and a half.
    image = result.prepared.ocr_image
    rec = ocr.recognize(image, psm=ocr.FORM_PSM, dpi=200)
    found, _ = ocr.assemble_lines(rec.words + ocr.reread_lost_lines(image, rec.words))
    found, _ = ocr.assemble_lines(ocr.reread_doubtful_lines(image, found))
    found, lines = ocr.assemble_lines(ocr.reread_doubtful_words(image, found))
    assert not any("Nữ" in line for line in lines), lines
    tall = ocr._STACKED * ocr._median_height(found)
    assert any(w.box[3] - w.box[1] >= tall and w.confidence < ocr._DOUBTFUL_WORD for w in found), found
    again = ocr.reread_stacked_words(image, found)
    assert {"tính:", "Nữ"} <= {w.text for w in again}


def test_a_label_takes_the_nearest_value_line_without_a_colon():
    from sohoa.schemas import OcrWord

    def word(text, x0, y0, x1, y1, line):
        return OcrWord(text=text, box=(x0, y0, x1, y1), confidence=0.95, line=line)

    words = [
        word("Quê", 100, 100, 160, 130, 0),
        word("quán:", 170, 100, 250, 130, 0),
        word("Hải", 230, 50, 290, 80, 1),  # 50 px up, over the colon: the label's value
        word("Phòng", 300, 50, 400, 80, 1),
        word("Số:", 240, 150, 290, 180, 2),  # a label of its own below: stays
        word("12", 300, 150, 340, 180, 2),
        word("Năm", 100, 250, 160, 280, 3),  # nothing within two word heights: stays alone
        word("sinh:", 170, 250, 250, 280, 3),
        word("1984", 60, 210, 130, 240, 4),  # starts left of the colon word: not its value
    ]
    _, lines = ocr.assemble_lines(words)
    assert lines == ["Quê quán: Hải Phòng", "Số: 12", "1984", "Năm sinh:"], lines


def test_assemble_lines_keeps_stacked_words_apart_and_drops_specks():
    from sohoa.schemas import OcrWord

    def word(text, x0, y0, x1, y1, line, conf=0.95):
        return OcrWord(text=text, box=(x0, y0, x1, y1), confidence=conf, line=line)

    words = [
        word("Nơi", 100, 100, 160, 130, 0),
        word("sinh:", 170, 100, 250, 130, 0),
        word("Bệnh", 270, 80, 350, 110, 1),  # raised value, beside the label: joins it
        word("viện", 360, 80, 430, 110, 1),
        word("Quê", 100, 130, 160, 160, 2),  # the next line, under the label: stays apart
        word("quán:", 170, 130, 260, 160, 2),
        word("‘~", 300, 140, 320, 150, 3, conf=0.2),  # a speck read as punctuation
    ]
    out, lines = ocr.assemble_lines(words)
    assert lines == ["Nơi sinh: Bệnh viện", "Quê quán:"]
    assert [w.line for w in out] == [0, 0, 0, 0, 1, 1]


def test_a_value_starting_over_its_labels_colon_joins_the_label_line():
    """A value raised a little and pushed left starts over the end of its label (`Giới tính:`
    with `Nam` over the colon): a small overlap across the page does not make two lines of them,
    so the value joins its label's line, not the label line above it, within reach too."""
    from sohoa.schemas import OcrWord

    def word(text, x0, y0, x1, y1, line):
        return OcrWord(text=text, box=(x0, y0, x1, y1), confidence=0.95, line=line)

    words = [
        word("Họ", 100, 40, 150, 70, 0),
        word("và", 160, 40, 200, 70, 0),
        word("tên:", 210, 40, 270, 70, 0),
        word("Giới", 100, 100, 170, 130, 1),
        word("tính:", 180, 100, 260, 130, 1),
        word("Nam", 250, 78, 320, 108, 2),  # 10 px over "tính:", 22 px up
        word("Dân", 100, 160, 160, 190, 3),
        word("tộc:", 170, 160, 240, 190, 3),
    ]
    _, lines = ocr.assemble_lines(words)
    assert lines == ["Họ và tên:", "Giới tính: Nam", "Dân tộc:"], lines
    # A value raised over the whole of its label's colon word (`số:`, 26 px of 30 across), right
    # of a printed line just above it, joins its label's line, not the line above.
    words = [
        word("(Bản", 540, 30, 590, 58, 0),
        word("chính)", 598, 30, 655, 58, 0),
        word("Số:", 100, 80, 150, 108, 1),
        word("Quyển", 560, 82, 650, 110, 1),
        word("số:", 660, 84, 690, 110, 1),
        word("03/2003", 664, 56, 790, 86, 2),  # 26 px over "số:", 25 px up
    ]
    _, lines = ocr.assemble_lines(words)
    assert lines == ["(Bản chính)", "Số: Quyển số: 03/2003"], lines


def test_words_read_run_together_or_with_strokes_for_slashes_are_mended():
    """Tesseract reads the slashes of a typed date as `I` or `l` now and then (`17I07I2016`), and
    a label's last word and the value typed over its end as one word (`tộcKinh`, `tính:Nam`,
    `ngày06/05/2021`): the line has the date, and the two words with their boxes cut apart.
    Serials, units and times stay as read."""
    from sohoa.schemas import OcrWord

    def word(text, x0):
        return OcrWord(text=text, box=(x0, 100, x0 + 60, 130), confidence=0.9, line=0)

    read = ["ngày", "17I07I2016,", "18/04l1980", "1I2I20211", "033187520042", "Il/2"]
    _, lines = ocr.assemble_lines([word(t, 100 + 70 * n) for n, t in enumerate(read)])
    assert lines == ["ngày 17/07/2016, 18/04/1980 1I2I20211 033187520042 Il/2"]
    read = ["Dân", "tộcKinh", "Giới", "tính:Nam", "ngày06/05/2021ghi", "CS07635", "80,0", "km2,", "10:20"]
    words, lines = ocr.assemble_lines([word(t, 100 + 70 * n) for n, t in enumerate(read)])
    assert lines == ["Dân tộc Kinh Giới tính: Nam ngày 06/05/2021 ghi CS07635 80,0 km2, 10:20"], lines
    kinh = next(w for w in words if w.text == "Kinh")
    assert kinh.box == (196, 100, 230, 130)  # the last 4 of the 7 letters of "tộcKinh" at 170-230


@pytest.fixture(scope="module")
def generated_page(tmp_path_factory):
    """A clean generated birth certificate: its prepared page, truth lines and page reading."""
    from sohoa.pipeline.preprocess import prepare
    from sohoa.samples import generate

    out = tmp_path_factory.mktemp("page")
    page = generate(out, n=1, seed=2, level="clean")[0].pages[0]
    prepared = prepare(next(open_input(out / page.file).pages()))
    rec = ocr.recognize(prepared.ocr_image, psm=ocr.FORM_PSM, dpi=page.dpi)
    return prepared, page.lines, rec.words


def test_a_lost_line_is_found_and_read_again(generated_page):
    """The words of a line taken out of the page's reading (a line Tesseract dropped) are found
    as uncovered ink and read back from the line's crop; nothing else is."""
    from sohoa.samples.scoring import line_errors

    prepared, truth, words = generated_page
    found, lines = ocr.assemble_lines(words)
    target = next(
        n for n, line in enumerate(lines) if line.startswith("Họ, chữ đệm, tên") and len(line.split()) >= 5
    )
    kept = [w for w in found if w.line != target]
    lost = [w for w in found if w.line == target]
    boxes = ocr.lost_lines(prepared.ocr_image, kept)
    for w in lost:  # every lost word is in a box found (a box may hold a word or a whole line)
        cx, cy = (w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2
        assert any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes), (w, boxes)
    again = ocr.reread_lost_lines(prepared.ocr_image, kept)
    text = " ".join(ocr.assemble_lines(again)[1])
    line = next(t for t in truth if t.startswith("Họ, chữ đệm, tên"))
    assert dict(line_errors([line], text))[line] <= 1, (line, text)
    # On the full reading there is no lost line to read again.
    assert ocr.reread_lost_lines(prepared.ocr_image, found) == []


def test_doubtful_crop_is_read_at_full_contrast():
    """Faded ink on grey paper is stretched to black on white before the crop is read again;
    a crop of one grey is left as it is."""
    faded = np.full((40, 200), 200, np.uint8)
    faded[15:25, 20:180] = 150
    out = ocr._stretch(faded)
    assert out.min() == 0 and out.max() == 255 and out[20, 100] == 0 and out[5, 5] == 255
    flat = np.full((40, 200), 230, np.uint8)
    assert ocr._stretch(flat) is flat


def test_a_doubtful_line_is_read_again_from_its_crop(generated_page):
    """A line read with low confidence (here: made so, its words garbled) is read again as one
    text line; the crop's more confident reading replaces it, the other lines stay as they were."""
    from sohoa.samples.scoring import line_errors

    prepared, truth, words = generated_page
    found, lines = ocr.assemble_lines(words)
    target = next(n for n, line in enumerate(lines) if line.startswith("Ngày, tháng, năm sinh"))
    garbled = [
        w.model_copy(update={"text": "x" * len(w.text), "confidence": 0.3}) if w.line == target else w
        for w in found
    ]
    again = ocr.reread_doubtful_lines(prepared.ocr_image, garbled)
    sure = {n for n in set(w.line for w in found) if min(w.confidence for w in found if w.line == n) >= 0.9}
    assert sure and [w for w in again if w.line in sure] == [w for w in found if w.line in sure]
    text = " ".join(w.text for w in again if w.line == target)
    assert "x" * 4 not in text and min(w.confidence for w in again if w.line == target) > 0.5
    line = next(t for t in truth if t.startswith("Ngày, tháng, năm sinh"))
    assert dict(line_errors([line], text))[line] <= 2, (line, text)


def test_a_doubtful_word_is_read_again_alone():
    """A word read with low confidence (made so here: its text garbled) is read again from its
    own crop, its neighbours' boxes whited out: the crop's confident reading replaces it and holds
    none of the neighbours' letters. Confident words are left as they are, and a doubtful word
    whose crop reads no better (paper only) stays."""
    from PIL import ImageDraw, ImageFont

    from .drawn import FONT

    image = Image.new("L", (900, 90), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    draw.text((20, 25), "Quyển số:", font=font, fill=0)
    label_end = int(draw.textlength("Quyển số:", font=font)) + 20
    draw.text((label_end + 6, 25), "03/2014", font=font, fill=0)  # typed right after the colon
    draw.text((560, 25), "Ngày", font=font, fill=0)
    words = ocr.recognize(image, psm=11, dpi=200).words
    assert [w.text for w in words] == ["Quyển", "số:", "03/2014", "Ngày"]
    assert all(w.confidence >= ocr._DOUBTFUL_WORD for w in words)
    assert ocr.reread_doubtful_words(image, words) == words  # nothing doubtful: nothing read
    value = words[2]
    blank = value.model_copy(update={"text": "x7", "confidence": 0.2, "box": (760, 25, 860, 60)})
    doubtful = [*words[:2], value.model_copy(update={"text": "0Ⅴ2O14", "confidence": 0.3}), words[3], blank]
    again = ocr.reread_doubtful_words(image, doubtful)
    assert again[:2] == words[:2] and again[3] == words[3] and again[-1] == blank
    assert again[2].text == "03/2014" and again[2].confidence > 0.6 and again[2].line == value.line
    # its box is where the value is on the page
    assert abs(again[2].box[0] - value.box[0]) <= 6 and abs(again[2].box[2] - value.box[2]) <= 6


def test_a_typewritten_page_in_a_monospace_font_is_read():
    """Old registers were typed on typewriters: fixed-pitch rows read as well as proportional ones
    with Tesseract's fixed-pitch test off (`ocr.VARIABLES`)."""
    from PIL import ImageDraw, ImageFont
    from sohoa.samples.scoring import page_cer

    lines = [
        "Họ và tên người được khai sinh: NGUYỄN THỊ HƯƠNG",
        "Ngày, tháng, năm sinh: 12 tháng 3 năm 1978",
        "Nơi sinh: Bệnh viện Đa khoa tỉnh Hà Tây",
        "Họ và tên cha: Nguyễn Văn Bình, 1950, Kinh",
        "Nơi cư trú: xã Tân Lập, huyện Đan Phượng",
        "Số: 125, Quyển số: 02/1978",
    ]
    image = Image.new("L", (1654, 1000), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf", 30)
    for i, line in enumerate(lines):
        draw.text((120, 120 + i * 66), line, font=font, fill=20)
    assert ocr.VARIABLES["textord_disable_pitch_test"] == "1"
    read = ocr.recognize(image, psm=ocr.FORM_PSM, dpi=200)
    errors, chars = page_cer(lines, "\n".join(read.lines))
    assert errors / chars <= 0.01, read.lines
