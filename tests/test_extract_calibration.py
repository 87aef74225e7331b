"""Confidence where the evidence is weak, and what a blank row's reading may report (issue 8,
sets no rule was tuned on): words, values and pages are made here (no Tesseract)."""

from __future__ import annotations

from sohoa.pipeline.extract import extract_fields
from sohoa.pipeline.extract import reread as reread_mod
from sohoa.pipeline.extract.assemble import RawValue
from sohoa.pipeline.extract.confidence import _unchecked
from sohoa.pipeline.extract.repair import repair
from sohoa.pipeline.extract.reread import reread_fields, sure_words
from sohoa.pipeline.extract.values import cut
from sohoa.schemas import OcrWord

from tests.extract_pages import HEADER, birth_page, death_page, make_page


def _words(*pairs: tuple[str, float]) -> list[OcrWord]:
    return [
        OcrWord(text=t, box=(40 * k, 0, 40 * k + 30, 30), confidence=c, line=0)
        for k, (t, c) in enumerate(pairs)
    ]


def rv(field: str, kind: str, value: str) -> RawValue:
    r = RawValue(field, kind, value, [], 1.0, 0)
    r.value = value
    return r


def test_a_dotted_line_read_as_unsure_specks_gives_no_value():
    # Most of the reading unsure: the few sure-looking figures are chance, not a number.
    junk = _words(
        ("1", 0.18),
        ("12121", 0.17),
        ("L1", 0.11),
        ("b1", 0.2),
        ("TẾ", 0.06),
        ("V11", 0.13),
        ("771", 0.61),
        ("(121", 0.52),
        ("(221246", 0.32),
        ("0201", 0.5),
        ("71", 0.69),
        ("120216", 0.32),
    )
    assert sure_words(junk) == []
    # A value read surely beside a speck or two of its dotted line is kept.
    value = _words(("Kinh", 0.93), ("r1", 0.2))
    assert [w.text for w in sure_words(value)] == ["Kinh"]
    assert [w.text for w in sure_words(_words(("094044716416", 0.9)))] == ["094044716416"]


def _with_word(page, old: str, new: str):
    words = [w.model_copy(update={"text": new}) if w.text == old else w for w in page.words]
    assert words != page.words
    return page.__class__(prepared=page.prepared, words=words, lines=page.lines)


def test_mothers_label_read_with_a_slip_still_opens_the_mothers_block():
    # `người raẹ` is `người mẹ` with two letters wrong and `người cha` with three: the mother's.
    page = _with_word(birth_page(), "mẹ:", "raẹ:")
    got = extract_fields("birth_certificate", [page], reread=False).fields
    assert got["mother_name"].value == "LÊ THỊ BÌNH"
    assert got["mother_birth_year"].value == "1995"
    assert got["father_name"].value == "NGUYỄN VĂN BÌNH"
    assert got["father_birth_year"].value == "1990"


def test_register_number_of_zeros_is_never_sure():
    chosen = {"book_number": rv("book_number", "identifier", "0")}
    assert repair("birth_certificate", chosen)["book_number"][0] <= 0.5
    chosen = {"registration_number": rv("registration_number", "identifier", "00")}
    assert repair("birth_certificate", chosen)["registration_number"][0] <= 0.5
    chosen = {"book_number": rv("book_number", "identifier", "01/2020")}
    assert repair("birth_certificate", chosen).get("book_number", (1.0, 0.0))[0] == 1.0


def test_a_form_of_use_the_law_does_not_know_is_not_sure():
    chosen = {"usage_form": rv("usage_form", "text", "Sử dụng")}  # `riêng` lost
    assert repair("land_use_certificate", chosen)["usage_form"][0] < 0.9
    chosen = {"usage_form": rv("usage_form", "text", "Sử dụng riêng")}
    assert repair("land_use_certificate", chosen).get("usage_form", (1.0, 0.0))[0] == 1.0


def test_register_numbers_are_read_twice_and_a_differing_crop_only_lowers_them(monkeypatch):
    number = rv("registration_number", "identifier", "84")
    assert _unchecked(number) and not _unchecked(rv("full_name", "text", "LÊ AN"))
    number.notes["confirm_only"] = True
    monkeypatch.setattr(reread_mod, "_read_again", lambda *a, **k: ("34", 0.95))
    out = reread_fields(
        "death_certificate", {"registration_number": number}, {"registration_number": 0.95}, None
    )
    assert number.value == "84" and out["registration_number"] < 0.9
    # Without `confirm_only` (a value under the bar), the rules of a second reading apply.
    low = rv("registration_number", "identifier", "84")
    monkeypatch.setattr(reread_mod, "_read_again", lambda *a, **k: ("84", 0.95))
    out = reread_fields("death_certificate", {"registration_number": low}, {"registration_number": 0.8}, None)
    assert low.value == "84" and out["registration_number"] > 0.8


def _death_with_paper_number(number: str):
    page = death_page(copy=True)
    words = list(page.words)
    k = max(i for i, w in enumerate(words) if w.text == "077041781865")  # the identity paper's
    words[k] = words[k].model_copy(update={"text": number})
    return page.__class__(prepared=page.prepared, words=words, lines=page.lines)


def test_identity_number_printed_twice_differently_is_not_sure():
    same = extract_fields("death_certificate", [death_page(copy=True)], reread=False).fields
    assert same["personal_id"].value == "077041781865" and same["personal_id"].confidence >= 0.9
    one_off = extract_fields("death_certificate", [_death_with_paper_number("077041781665")], reread=False)
    assert one_off.fields["personal_id"].value == "077041781865"
    assert one_off.fields["personal_id"].confidence < 0.9
    # Another person's number (most figures differ) says nothing about this one.
    other = extract_fields("death_certificate", [_death_with_paper_number("077041123456")], reread=False)
    assert other.fields["personal_id"].confidence >= 0.9


def test_a_slash_read_as_a_capital_i_is_the_dates():
    assert cut("date", "ngày 7I5I2022").value == "07/05/2022"
    assert cut("date", "27I01I2004").value == "27/01/2004"
    assert cut("date", "4/5|2022").clean < 1.0  # repaired: never cleaner than one read as printed
    assert cut("date", "1I2022") is None  # no date without its day, month and year


def test_a_speck_at_either_end_of_a_text_is_dropped():
    assert cut("text", "° PHAN DIỆU QUỲNH").value == "PHAN DIỆU QUỲNH"
    assert cut("text", "Bệnh già ~ »").value == "Bệnh già"
    assert cut("text", "Bà Rịa - Vũng Tàu").value == "Bà Rịa - Vũng Tàu"


def test_a_date_is_no_register_number():
    # `Quyển số: .......... ngày 13/10/2021`: the book number was left blank.
    assert cut("identifier", "ngày 13/10/2021") is None
    assert cut("identifier", "01/2021 ngày 27/12/2021").value == "01/2021"


def test_a_sections_phrase_read_badly_is_no_weak_label():
    # `Người sử dụ hủ` reads as the holder's section `Người sử dụng đất` more than as the
    # `Nguồn gốc sử dụng` label it also weakly matches: no origin is invented from it.
    page = make_page(
        HEADER
        + [
            [(700, "GIẤY CHỨNG NHẬN")],
            [(500, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT")],
            [(200, "Người sử dụ hủ sở hữu tài sản gắn liền với đất:")],
            [(200, "ng: CAO CÔNG TIẾN, năm sinh: 1955")],  # `Ông:` read badly too
            [(200, "2. Thông tin thửa đất:")],
            [(200, "a. Thửa đất số: 40; Tờ bản đồ số: 38")],
        ]
    )
    got = extract_fields("land_use_certificate", [page], reread=False).fields
    assert "usage_origin" not in got
    assert got["parcel_number"].value == "40"


def test_a_place_naming_no_province_is_never_sure():
    page = _with_row(birth_page(), "Nơi sinh:", "Nơi sinh: Trung tâm Y tế thành phố Phú")
    got = extract_fields("birth_certificate", [page], reread=False).fields
    assert got["place_of_birth"].value == "Trung tâm Y tế thành phố Phú"
    assert got["place_of_birth"].confidence <= 0.8
    whole = extract_fields("birth_certificate", [birth_page()], reread=False).fields
    assert whole["place_of_birth"].confidence > 0.85


def _with_row(page, starts: str, text: str):
    """The page with the OCR line that starts with `starts` read as `text`."""
    first = next(w for w in page.words if w.text == starts.split()[0])
    line = [w for w in page.words if w.line == first.line]
    x, y0, _, y1 = line[0].box
    words = [w for w in page.words if w.line != first.line]
    for tok in text.split():
        words.append(OcrWord(text=tok, box=(x, y0, x + 22 * len(tok), y1), confidence=0.95, line=first.line))
        x += 22 * (len(tok) + 1)
    return page.__class__(prepared=page.prepared, words=words, lines=page.lines)


def test_a_line_read_from_a_dotted_line_is_no_part_of_the_value_above_it():
    place = "Số 136, tổ 28, phường Tân Đông Hiệp, thành phố Dĩ An, tỉnh Bình Dương"
    stain = "Sse°6 s°°ô°°e° 9 se06 5ss%°°%6 Đa90s69%9 se°e® chư? 90666 S0096 006066 SsS°°6°6"
    rows = HEADER + [
        [(900, "TRÍCH LỤC KHAI TỬ")],
        [(200, "Họ, chữ đệm, tên: TRẦN CÔNG PHÚC")],
        [(200, f"Nơi chết: {place}")],
        # OCR's own line a third of a row under it: the dotted line and a stain read as words.
        [(200, stain, -55, 0.2)],
        [(200, "Ghi chú:")],
    ]
    got = extract_fields("death_certificate", [make_page(rows)], reread=False).fields
    assert got["place_of_death"].value == place
    # A line of words read unsurely is still read (only one of no words is a dotted line).
    rows[-2] = [(200, "xã Tân Đông Hiệp, thành phố Dĩ An", -55, 0.3)]
    got = extract_fields("death_certificate", [make_page(rows)], reread=False).fields
    assert got["place_of_death"].value.count("Đông") == 2


def test_a_fraction_slash_in_a_value_is_a_slash():
    assert cut("text", "Số 75⁄40, đường Lê Lợi").value == "Số 75/40, đường Lê Lợi"


def test_a_register_number_with_a_three_may_still_be_replaced(monkeypatch):
    # `32` at 0.95: Tesseract reads a 9 as 3 surely, so the second and third readings decide.
    from sohoa.pipeline.extract import confidence

    calls = []

    def fake_reread(doc_type, chosen, conf, layout):
        calls.extend((n, rv.notes.get("confirm_only", False)) for n, rv in chosen.items())
        return {}

    monkeypatch.setattr(reread_mod, "reread_fields", fake_reread)
    number = rv("registration_number", "identifier", "32")
    number.notes["parse_confidence"] = 0.95  # no words: the confidence the value was parsed at
    book = rv("book_number", "identifier", "01/2020")
    book.notes["parse_confidence"] = 0.95
    monkeypatch.setattr(confidence, "repair", lambda *a: {})
    monkeypatch.setattr(confidence, "check_document", lambda *a: [])
    monkeypatch.setattr(confidence, "_printed_twice", lambda *a: {})
    confidence.score_fields("birth_certificate", {"registration_number": number, "book_number": book}, None)
    assert dict(calls) == {"registration_number": False, "book_number": True}
