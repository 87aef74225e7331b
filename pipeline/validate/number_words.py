"""Vietnamese number words: read and write numbers, dates and areas in words.

Birth and death certificates repeat the date in words (`Ngày mười lăm tháng ba năm hai nghìn không
trăm linh năm`) and land certificates the area (`một trăm năm mươi hai phẩy năm mét vuông`). Common
number-to-words libraries get Vietnamese wrong, so this module owns the grammar:

- it reads every spelling DOMAIN.md lists: `nghìn`/`ngàn`, `linh`/`lẻ`, `mốt`/`một`, `tư`/`bốn`,
  `lăm`/`năm`/`nhăm`, `bảy`/`bẩy`, `mười`/`mươi` (either spelling in either place), a dropped `mươi`
  (`hai mốt`, `ba lăm`), an optional `không trăm`, `mồng`/`mùng`, `tháng giêng`/`tháng chạp`, commas
  between the parts, a leading `Ngày`, any letter case;
- it matches words on their diacritic-free ("folded") form, so OCR slips in the marks do not break
  it; the ambiguities folding creates (`muoi` = mười or mươi, `nam` = the digit five or the word
  "year") are resolved by position in the grammar, and the confidence drops when the marks on the
  page did not match a known spelling, or when a word was recognised only at one letter's distance;
- it writes a canonical spelling and, for the samples generator, any chosen variant
  (`WordVariant`, or a `random.Random` that picks one).

Parsers return a `ParseResult` and never raise on bad text.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import product
from typing import ClassVar, Literal

from rapidfuzz.distance import Levenshtein

from .issues import ParseResult, ValidationIssue, error
from .text import fold, nfc

__all__ = [
    "CANONICAL",
    "WordVariant",
    "area_to_words",
    "date_to_words",
    "number_to_words",
    "parse_area_words",
    "parse_date_words",
    "parse_number_words",
    "snap_area_words",
    "snap_number_word",
]

# --------------------------------------------------------------------------------------------
# Vocabulary: folded spelling -> (kind, value, the correctly marked spellings)
# --------------------------------------------------------------------------------------------

DIGIT = "digit"  # không .. chín (also tư, mốt: they only ever mean 4 and 1)
UNIT5 = "unit5"  # lăm, nhăm: five, but only after a tens word
TEN = "ten"  # mười / mươi
HUNDRED = "hundred"
THOUSAND = "thousand"
MILLION = "million"
ZERO_TENS = "zero_tens"  # linh / lẻ
DAY_KW = "day_kw"
MONTH_KW = "month_kw"
DAY_PREFIX = "day_prefix"  # mồng / mùng
MONTH_NAME = "month_name"  # giêng, chạp
DECIMAL = "decimal"  # phẩy
UNIT = "unit"  # mét vuông, m2, m²

_VOCAB: dict[str, tuple[str, int, frozenset[str]]] = {
    "khong": (DIGIT, 0, frozenset({"không"})),
    "mot": (DIGIT, 1, frozenset({"một", "mốt"})),
    "hai": (DIGIT, 2, frozenset({"hai"})),
    "ba": (DIGIT, 3, frozenset({"ba"})),
    "bon": (DIGIT, 4, frozenset({"bốn"})),
    "tu": (DIGIT, 4, frozenset({"tư"})),
    "nam": (DIGIT, 5, frozenset({"năm"})),
    "lam": (UNIT5, 5, frozenset({"lăm"})),
    "nham": (UNIT5, 5, frozenset({"nhăm"})),
    "sau": (DIGIT, 6, frozenset({"sáu"})),
    "bay": (DIGIT, 7, frozenset({"bảy", "bẩy"})),
    "tam": (DIGIT, 8, frozenset({"tám"})),
    "chin": (DIGIT, 9, frozenset({"chín"})),
    "muoi": (TEN, 10, frozenset({"mười", "mươi"})),
    "tram": (HUNDRED, 100, frozenset({"trăm"})),
    "nghin": (THOUSAND, 1000, frozenset({"nghìn"})),
    "ngan": (THOUSAND, 1000, frozenset({"ngàn"})),
    "trieu": (MILLION, 1_000_000, frozenset({"triệu"})),
    "linh": (ZERO_TENS, 0, frozenset({"linh"})),
    "le": (ZERO_TENS, 0, frozenset({"lẻ"})),
    "ngay": (DAY_KW, 0, frozenset({"ngày"})),
    "thang": (MONTH_KW, 0, frozenset({"tháng"})),
    "mong": (DAY_PREFIX, 0, frozenset({"mồng"})),
    "mung": (DAY_PREFIX, 0, frozenset({"mùng"})),
    "gieng": (MONTH_NAME, 1, frozenset({"giêng"})),
    "chap": (MONTH_NAME, 12, frozenset({"chạp"})),
    "phay": (DECIMAL, 0, frozenset({"phẩy", "phảy"})),
    "met": (UNIT, 0, frozenset({"mét"})),
    "vuong": (UNIT, 0, frozenset({"vuông"})),
    "m2": (UNIT, 0, frozenset({"m2"})),
    "m²": (UNIT, 0, frozenset({"m²"})),
    "m": (UNIT, 0, frozenset({"m"})),
    # "(bằng chữ: ...)" may come along with the value; only accepted at the start
    "bang": (UNIT, 0, frozenset({"bằng"})),
    "chu": (UNIT, 0, frozenset({"chữ"})),
}
# Words short enough that one wrong letter makes another word: never matched approximately.
_MIN_FUZZY_LEN = 3
_FUZZY_KEYS = tuple(
    k for k in _VOCAB if len(k) >= _MIN_FUZZY_LEN and (_VOCAB[k][0] != UNIT or k in ("met", "vuong"))
)

_TOKEN = re.compile(r"[^\W_]+|²", re.UNICODE)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    value: int
    key: str  # folded spelling
    marks_ok: bool  # the marks on the page are a known spelling of the word
    approximate: bool  # recognised only at one letter's distance


def _lex(text: str) -> tuple[list[_Tok], str | None]:
    """Tokens of a words field, or the first word that is not a number word."""
    toks: list[_Tok] = []
    for word in _TOKEN.findall(nfc(text).lower().replace("m²", " m² ")):
        tok = _word(word)
        if tok is None:
            return [], word
        toks.append(tok)
    # "(bằng chữ: ...)" may come along with the value
    if len(toks) >= 2 and toks[0].key == "bang" and toks[1].key == "chu":
        toks = toks[2:]
    return toks, None


@lru_cache(maxsize=4096)
def _word(word: str) -> _Tok | None:
    """One lower-case word as a token: exactly, on its folded form, or at one letter's distance."""
    key: str | None = fold(word)
    entry = _VOCAB.get(key)
    approximate = False
    if entry is None:
        key = _approximate(key)
        if key is None:
            return None
        entry = _VOCAB[key]
        approximate = True
    kind, value, spellings = entry
    return _Tok(kind, value, key, word in spellings, approximate)


def _approximate(key: str) -> str | None:
    """The one vocabulary word at edit distance 1 from an unknown folded word, if exactly one."""
    key = key.replace("rn", "m")  # OCR reads "m" as "rn"
    if key in _VOCAB:
        return key
    if len(key) < _MIN_FUZZY_LEN or not key.isalpha():
        return None
    near = [k for k in _FUZZY_KEYS if Levenshtein.distance(key, k, score_cutoff=1) <= 1]
    return near[0] if len(near) == 1 else None


def _untoned(text: str) -> str:
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in _TONES)
    )


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def snap_number_word(word: str, *, approximate: bool = True) -> str | None:
    """A number word (of a date or an area in words) read with a slip in its marks or, with
    `approximate`, a letter off (`lãm`, `BẤY`, `trặm`, `gày`): its spelling (`lăm`, `BẨY`, `trăm`,
    `ngày`) in the reading's case; of two spellings the one with the reading's vowel marks
    (`bẩy` for `bấy`). The word itself when it is spelled right; None when it is no number word
    or the spelling is not clear. Units and `bằng chữ` are not number words here."""
    lower = nfc(word).lower()
    tok = _word(lower)
    if tok is None or tok.kind == UNIT or (tok.approximate and not approximate):
        return None
    spellings = _VOCAB[tok.key][2]
    if lower in spellings:
        return word
    pick = sorted(spellings)
    if len(pick) > 1:
        pick = [s for s in pick if _untoned(s) == _untoned(lower)]
    if len(pick) != 1:
        return None
    spelled = pick[0]
    if word.isupper():
        return spelled.upper()
    return spelled[:1].upper() + spelled[1:] if word[:1].isupper() else spelled


def _confidence(toks: list[_Tok], abbreviated: bool = False) -> float:
    if not toks:
        return 0.0
    unmarked = sum(1 for t in toks if not t.marks_ok and not t.approximate)
    approximate = sum(1 for t in toks if t.approximate)
    conf = 1.0 - 0.25 * unmarked / len(toks) - 0.15 * approximate
    if abbreviated:
        conf = min(conf, 0.6)
    return round(max(0.05, min(1.0, conf)), 3)


# --------------------------------------------------------------------------------------------
# Integer grammar
# --------------------------------------------------------------------------------------------


def _is_unit(tok: _Tok) -> bool:
    """A units word after a tens word: một/mốt .. chín, tư, lăm, nhăm (not không)."""
    return tok.kind in (DIGIT, UNIT5) and tok.value >= 1


def _parse_tens(toks: list[_Tok], allow_linh: bool) -> int | None:
    """0..99 from the words after the hundreds (or a whole small number)."""
    n = len(toks)
    if n == 0:
        return 0
    first = toks[0]
    if first.kind == ZERO_TENS:
        if allow_linh and n == 2 and toks[1].kind == DIGIT and toks[1].value >= 1:
            return toks[1].value
        return None
    if first.kind == TEN:  # mười (or mươi written for it)
        if n == 1:
            return 10
        if n == 2 and _is_unit(toks[1]):
            return 10 + toks[1].value
        return None
    if first.kind != DIGIT:
        return None
    if n == 1:
        return first.value
    if first.value < 2:
        return None
    if toks[1].kind == TEN:
        if n == 2:
            return 10 * first.value
        if n == 3 and _is_unit(toks[2]):
            return 10 * first.value + toks[2].value
        return None
    if n == 2 and _is_unit(toks[1]):  # dropped "mươi": hai mốt, ba lăm
        return 10 * first.value + toks[1].value
    return None


def _parse_group(toks: list[_Tok], after_scale: bool) -> tuple[int, bool] | None:
    """0..999 from one group; `after_scale` when a triệu/nghìn precedes (allows không trăm, linh)."""
    if not toks:
        return None
    if len(toks) >= 2 and toks[0].kind == DIGIT and toks[1].kind == HUNDRED:
        hundreds = toks[0].value
        if hundreds == 0 and not after_scale:
            return None
        rest = toks[2:]
        if hundreds and len(rest) == 1 and rest[0].kind == DIGIT and rest[0].value >= 1:
            # "một trăm hai" is spoken for 120: accepted, but as a guess
            return hundreds * 100 + rest[0].value * 10, True
        tens = _parse_tens(rest, allow_linh=True)
        if tens is None or (hundreds == 0 and tens == 0):
            return None
        return hundreds * 100 + tens, False
    tens = _parse_tens(toks, allow_linh=after_scale)
    return (tens, False) if tens is not None else None


_NUMBER_KINDS = frozenset({DIGIT, UNIT5, TEN, HUNDRED, THOUSAND, MILLION, ZERO_TENS})
_SCALES = ((MILLION, 1_000_000), (THOUSAND, 1000))


def _parse_int(toks: list[_Tok]) -> tuple[int, bool] | None:
    """An integer below 10**9 and whether a colloquial abbreviation had to be guessed."""
    kinds = [t.kind for t in toks]
    if not toks or not _NUMBER_KINDS.issuperset(kinds):
        return None
    value = 0
    rest = toks
    last_scale = 0
    for kind, scale in _SCALES:
        count = kinds.count(kind)
        if not count:
            continue
        if count > 1:
            return None
        at = kinds.index(kind)
        head, rest, kinds = rest[:at], rest[at + 1 :], kinds[at + 1 :]
        group = _parse_group(head, after_scale=bool(last_scale))
        if group is None or group[1] or group[0] == 0:
            return None
        value += group[0] * scale
        last_scale = scale
    if not rest:
        return (value, False) if last_scale else None
    if last_scale and len(rest) == 1 and rest[0].kind == DIGIT and rest[0].value >= 1:
        # "hai nghìn hai" is spoken for 2 200: accepted, but as a guess
        return value + rest[0].value * last_scale // 10, True
    group = _parse_group(rest, after_scale=bool(last_scale))
    if group is None:
        return None
    return value + group[0], group[1]


def parse_number_words(text: str) -> ParseResult[int]:
    """An integer (0 .. 999 999 999) written in Vietnamese words."""
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_unreadable(None))
    toks, bad = _lex(text)
    if bad is not None:
        return ParseResult.failed(_unreadable(bad))
    parsed = _parse_int(toks)
    if parsed is None:
        return ParseResult.failed(_unreadable(None))
    return ParseResult(parsed[0], _confidence(toks, parsed[1]))


def _unreadable(word: str | None) -> ValidationIssue:
    if word:
        return error(None, "words_unreadable", f"Không đọc được chữ «{word}» trong phần ghi bằng chữ.")
    return error(None, "words_unreadable", "Phần ghi bằng chữ không phải một số viết bằng chữ hợp lệ.")


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTH_WORDS: dict[tuple[str, ...], int] = {
    ("mot",): 1,
    ("gieng",): 1,
    ("hai",): 2,
    ("ba",): 3,
    ("tu",): 4,
    ("bon",): 4,
    ("nam",): 5,
    ("sau",): 6,
    ("bay",): 7,
    ("tam",): 8,
    ("chin",): 9,
    ("muoi",): 10,
    ("muoi", "mot"): 11,
    ("muoi", "hai"): 12,
    ("chap",): 12,
}


def parse_date_words(text: str) -> ParseResult[date]:
    """A date written in words (`Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm`)."""
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_not_a_date())
    toks, bad = _lex(text)
    if bad is not None:
        return ParseResult.failed(_unreadable(bad))
    body = list(toks)
    if body and body[0].kind == DAY_KW:
        body = body[1:]
    if body and body[0].kind == DAY_PREFIX:
        body = body[1:]
    month_at = next((i for i, t in enumerate(body) if t.kind == MONTH_KW), None)
    if month_at is None:
        return ParseResult.failed(_not_a_date())
    day = _parse_int(body[:month_at])
    after = body[month_at + 1 :]
    candidates: list[tuple[int, int, bool]] = []
    for length in (1, 2):
        month = _MONTH_WORDS.get(tuple(t.key for t in after[:length]))
        if month is None or len(after) <= length + 1 or after[length].key != "nam":
            continue
        year = _parse_int(after[length + 1 :])
        if year is not None and 1000 <= year[0] <= 2999:
            candidates.append((month, year[0], year[1]))
    if day is None or not candidates or not 1 <= day[0] <= 31:
        return ParseResult.failed(_not_a_date())
    month, year, year_guess = candidates[0]
    try:
        value = date(year, month, day[0])
    except ValueError:
        return ParseResult.failed(
            error(
                None,
                "words_not_calendar_date",
                f"Ngày ghi bằng chữ ({day[0]}/{month}/{year}) không có trên lịch.",
            )
        )
    conf = _confidence(toks, day[1] or year_guess)
    if len(candidates) > 1:
        conf = min(conf, 0.5)
    return ParseResult(value, conf)


def _not_a_date() -> ValidationIssue:
    return error(
        None,
        "words_not_a_date",
        "Phần ghi bằng chữ không đọc được thành ngày, tháng, năm (cần dạng «ngày … tháng … năm …»).",
    )


# --------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------


def parse_area_words(text: str) -> ParseResult[Decimal]:
    """An area in words (`một trăm năm mươi hai phẩy năm mét vuông`) as an exact decimal."""
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_unreadable(None))
    toks, bad = _lex(text)
    if bad is not None:
        return ParseResult.failed(_unreadable(bad))
    while toks and toks[-1].kind == UNIT:
        toks = toks[:-1]
    at = [i for i, t in enumerate(toks) if t.kind == DECIMAL]
    if len(at) > 1:
        return ParseResult.failed(_unreadable(None))
    whole_toks, frac_toks = (toks[: at[0]], toks[at[0] + 1 :]) if at else (toks, [])
    whole = _parse_int(whole_toks)
    if whole is None or (at and not frac_toks):
        return ParseResult.failed(_unreadable(None))
    guessed = whole[1]
    digits = ""
    if frac_toks:
        if all(t.kind == DIGIT for t in frac_toks):  # read digit by digit: "phẩy không năm"
            digits = "".join(str(t.value) for t in frac_toks)
        else:  # read as a number: "phẩy hai mươi lăm"
            frac = _parse_int(frac_toks)
            if frac is None:
                return ParseResult.failed(_unreadable(None))
            digits, guessed = str(frac[0]), guessed or frac[1]
    try:
        value = Decimal(f"{whole[0]}.{digits}") if digits else Decimal(whole[0])
    except InvalidOperation:  # pragma: no cover - digits are always decimal here
        return ParseResult.failed(_unreadable(None))
    return ParseResult(value, _confidence(toks, guessed))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordVariant:
    """One way of spelling numbers and dates in words; the defaults are the canonical spelling.

    Every field is a spelling choice DOMAIN.md lists. `OPTIONS` names the values each can take, so
    a test or the samples generator can enumerate them; `random()` picks a realistic mix.
    """

    thousand: Literal["nghìn", "ngàn"] = "nghìn"
    zero_tens: Literal["linh", "lẻ"] = "linh"
    one_after_tens: Literal["mốt", "một"] = "mốt"  # 21 = hai mươi mốt / hai mươi một
    four_after_tens: Literal["tư", "bốn"] = "tư"  # 24 = hai mươi tư / hai mươi bốn
    five_after_tens: Literal["lăm", "năm", "nhăm"] = "lăm"  # 25 (15 is always mười lăm)
    seven: Literal["bảy", "bẩy"] = "bảy"
    tens_word: Literal["mươi", "mười"] = "mươi"  # "hai mười" is a frequent slip
    drop_muoi: bool = False  # hai mốt, ba lăm
    zero_hundred: bool = True  # hai nghìn không trăm linh năm / hai nghìn linh năm
    day_prefix: Literal["", "mồng", "mùng"] = ""  # for days 1..10
    january: Literal["một", "giêng"] = "một"
    april: Literal["tư", "bốn"] = "tư"
    december: Literal["mười hai", "chạp"] = "mười hai"
    leading_ngay: bool = True
    commas: bool = False  # "ngày mười lăm, tháng ba, năm …"
    case: Literal["sentence", "lower", "upper"] = "sentence"

    OPTIONS: ClassVar[dict[str, tuple[object, ...]]] = {
        "thousand": ("nghìn", "ngàn"),
        "zero_tens": ("linh", "lẻ"),
        "one_after_tens": ("mốt", "một"),
        "four_after_tens": ("tư", "bốn"),
        "five_after_tens": ("lăm", "năm", "nhăm"),
        "seven": ("bảy", "bẩy"),
        "tens_word": ("mươi", "mười"),
        "drop_muoi": (False, True),
        "zero_hundred": (True, False),
        "day_prefix": ("", "mồng", "mùng"),
        "january": ("một", "giêng"),
        "april": ("tư", "bốn"),
        "december": ("mười hai", "chạp"),
        "leading_ngay": (True, False),
        "commas": (False, True),
        "case": ("sentence", "lower", "upper"),
    }
    # How often the generator leaves the canonical choice (the first option) for another one.
    _VARIATION: ClassVar[dict[str, float]] = {"tens_word": 0.05, "drop_muoi": 0.1, "case": 0.3}

    @classmethod
    def random(cls, rng: random.Random) -> WordVariant:
        """A realistic variant: mostly canonical, each option left now and then."""
        picks: dict[str, object] = {}
        for f in fields(cls):
            options = cls.OPTIONS[f.name]
            leave = cls._VARIATION.get(f.name, 0.35)
            picks[f.name] = rng.choice(options[1:]) if rng.random() < leave else options[0]
        return cls(**picks)  # type: ignore[arg-type]


CANONICAL = WordVariant()

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _variant(variant: WordVariant | random.Random | None) -> WordVariant:
    if variant is None:
        return CANONICAL
    if isinstance(variant, random.Random):
        return WordVariant.random(variant)
    return variant


def _digit(d: int, v: WordVariant) -> str:
    return v.seven if d == 7 else _DIGIT_WORDS[d]


def _tens_words(n: int, v: WordVariant, after_hundred: bool) -> list[str]:
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return []
        return [v.zero_tens, _digit(units, v)] if after_hundred else [_digit(units, v)]
    if tens == 1:
        return ["mười"] + ([] if units == 0 else ["lăm" if units == 5 else _digit(units, v)])
    if units == 0:
        return [_digit(tens, v), v.tens_word]
    unit = {1: v.one_after_tens, 4: v.four_after_tens, 5: v.five_after_tens}.get(units) or _digit(units, v)
    if v.drop_muoi:
        # without "mươi" only the unambiguous spellings are used: hai mốt, ba lăm
        unit = {1: "mốt", 5: "nhăm" if v.five_after_tens == "nhăm" else "lăm"}.get(units, unit)
        return [_digit(tens, v), unit]
    return [_digit(tens, v), v.tens_word, unit]


def _group_words(n: int, v: WordVariant, after_scale: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    if hundreds or (after_scale and v.zero_hundred):
        return [_digit(hundreds, v), "trăm", *_tens_words(rest, v, after_hundred=True)]
    return _tens_words(rest, v, after_hundred=after_scale)


def _number_words(n: int, v: WordVariant) -> list[str]:
    if not 0 <= n < 1_000_000_000:
        raise ValueError(f"number out of range for words: {n}")
    if n == 0:
        return ["không"]
    millions, rem = divmod(n, 1_000_000)
    thousands, units = divmod(rem, 1000)
    words: list[str] = []
    if millions:
        words += [*_group_words(millions, v, after_scale=False), "triệu"]
    if thousands:
        words += [*_group_words(thousands, v, after_scale=bool(millions)), v.thousand]
    if units:
        words += _group_words(units, v, after_scale=bool(millions or thousands))
    return words


def number_to_words(n: int, variant: WordVariant | random.Random | None = None) -> str:
    """An integer 0 .. 999 999 999 in lower-case words (canonical spelling unless a variant is given).

    Raises ValueError outside that range.
    """
    return " ".join(_number_words(n, _variant(variant)))


def _apply_case(text: str, case: str) -> str:
    if case == "upper":
        return nfc(text.upper())
    if case == "sentence":
        return text[:1].upper() + text[1:]
    return text


def date_to_words(value: date, variant: WordVariant | random.Random | None = None) -> str:
    """A date in words: `Ngày mười lăm tháng ba năm hai nghìn không trăm linh năm` by default."""
    v = _variant(variant)
    day = _number_words(value.day, v)
    if v.day_prefix and value.day <= 10:
        day = [v.day_prefix, *day]
    special = {1: v.january, 4: v.april, 7: v.seven, 12: v.december}
    month = special.get(value.month) or " ".join(_number_words(value.month, v))
    parts = [
        " ".join((["ngày"] if v.leading_ngay else []) + day),
        f"tháng {month}",
        "năm " + " ".join(_number_words(value.year, v)),
    ]
    return _apply_case((", " if v.commas else " ").join(parts), v.case)


def area_to_words(
    value: Decimal | str | int | float,
    variant: WordVariant | random.Random | None = None,
    *,
    unit: str | None = "mét vuông",
) -> str:
    """An area in words with `phẩy` for the decimal comma: `Một trăm năm mươi hai phẩy năm mét vuông`.

    Decimals are read digit by digit when they start with a zero (`phẩy không năm`), as a number
    otherwise (`phẩy hai mươi lăm`). Only the number spellings and the case of the variant apply.
    Raises ValueError for a negative value or one of 10**9 or more: a generator helper's input
    comes from code, not from a scan.
    """
    v = _variant(variant)
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if amount < 0 or amount != amount:  # negative or NaN
        raise ValueError(f"not an area: {value}")
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    words = _number_words(int(whole), v)
    if frac:
        words.append("phẩy")
        if frac.startswith("0"):
            words += [_digit(int(d), v) for d in frac]
        else:
            words += _number_words(int(frac), v)
    if unit:
        words.append(unit)
    return _apply_case(" ".join(words), v.case)


# --------------------------------------------------------------------------------------------
# Snapping a read words field to its printed spelling
# --------------------------------------------------------------------------------------------

_DIGIT_WORD_KEYS = frozenset(k for k, v in _VOCAB.items() if v[0] == DIGIT and k not in ("khong",))


#: The usual spelling of words written two ways.
_USUAL = {"bay": "bảy", "phay": "phẩy", "mot": "một", "muoi": "mười"}


def _spelling(key: str, prev: str | None, reading: str) -> str:
    """The marked spelling of a folded vocabulary word, by its place: `mươi` after a digit word
    (`hai mươi`), `mười` elsewhere; `mốt` after a tens word, `một` elsewhere; the reading's own
    spelling when it is one of the word's (`bảy`/`bẩy`)."""
    spellings = _VOCAB[key][2]
    if reading in spellings:
        return reading
    if key == "muoi":
        return "mươi" if prev in _DIGIT_WORD_KEYS else "mười"
    if key == "mot":
        return "mốt" if prev == "muoi" or prev in _DIGIT_WORD_KEYS else "một"
    if reading and len(spellings) > 1:
        # The spelling nearest the reading mark by mark (`bấy` is `bẩy` with one mark read wrong).
        nfd = unicodedata.normalize("NFD", reading)
        near = sorted(
            spellings,
            key=lambda sp: (
                Levenshtein.distance(unicodedata.normalize("NFD", sp), nfd),
                sp != _USUAL.get(key),
            ),
        )
        return near[0]
    return _USUAL.get(key) or next(iter(spellings))


def _cased(word: str, reading: str) -> str:
    letters = [c for c in reading if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return word.upper()
    if reading[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def snap_date_words(text: str, expected: date | None = None) -> ParseResult[str]:
    """A date in words as read, each word in its marked spelling (`nặm` → `năm`, `hại` → `hai`,
    `trắm` → `trăm`), specks after the last word dropped (`… hai hai x`), full stops (the dotted
    line between the words) and marks other than commas around a word dropped (`MƯỜI.LĂM.`,
    `MƯỜI!`), an opening word one letter off `ngày` read as it (`GÀY`). With `expected` (the date
    in figures), a word recognised only at one letter's distance, or an unknown word that one number
    word would replace, is kept only when the whole then reads as that date.

    Confidence: 1.0 unchanged; 0.85 spellings repaired; 0.6 the words do not read as a date (or not
    as `expected`). Value None when nothing of it is a number word.
    """
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_not_a_date())
    # A full stop is never part of a date in words: it is the dotted line read between the words
    # (`MƯỜI.LĂM. THÁNG BẢY. NĂM.HẠI.NGÀN`).
    raw = _stops_as_commas(nfc(text))
    raw = re.sub(r"\.+", " ", raw).split()
    if len(raw) >= 2 and fold((raw[0] + raw[1]).lower()) == "ngay":
        raw[:2] = [raw[0] + raw[1]]  # `N gày`: the opening word cut in two
    raw = _rejoined(raw)
    out: list[str] = []
    keys: list[str | None] = []
    for piece in raw:
        if not any(c.isalnum() for c in piece):
            # A speck between two words (`tháng } bốn`); a comma goes to the word before it.
            if "," in piece and out and not out[-1].endswith(","):
                out[-1] += ","
            continue
        m = re.match(r"^([^\w]*)([\w]+)([^\w]*)$", piece)
        if m is None:
            out.append(piece)
            keys.append(None)
            continue
        lead, word, trail = m.groups()
        # Of the marks around a number word only the comma is written (`MƯỜI!` is a speck).
        lead, trail = "", ("," if "," in trail else "")
        if not out and fold(word.lower()) != "ngay" and Levenshtein.distance(fold(word.lower()), "ngay") == 1:
            # The printed `Ngày` opening the value with a letter lost or misread (`GÀY`, `\GÀY`).
            out.append(_cased("ngày", word) + trail)
            keys.append(None)
            continue
        low = word.lower()
        key = fold(low)
        if key not in _VOCAB:
            key = _approximate(key)
        if key is None or _VOCAB[key][0] in (UNIT, DECIMAL, MILLION):
            out.append(piece)
            keys.append(None)
            continue
        prev = next((k for k in reversed(keys) if k is not None), None)
        out.append(lead + _cased(_spelling(key, prev, low), word) + trail)
        keys.append(key)
    # Nothing after the last number word belongs to the date.
    last = max((i for i, k in enumerate(keys) if k is not None), default=-1)
    if last < 0:
        return ParseResult.failed(_not_a_date())
    out = out[: last + 1]
    keys = keys[: last + 1]
    if expected is not None and None in keys:
        out = _fill_unknown(out, keys, expected)
    value = " ".join(out).rstrip(" ,.;:")
    parsed = parse_date_words(value)
    if parsed.value is None or (expected is not None and parsed.value != expected):
        return ParseResult(value, 0.6, parsed.issues)
    return ParseResult(value, 1.0 if value == nfc(text).strip() else 0.85)


def _rejoined(raw: list[str]) -> list[str]:
    """Number words OCR cut in two (`không t răm`): two neighbours, at least one of them no number
    word, that together spell one."""
    out: list[str] = []
    for piece in raw:
        if out:
            a, b = fold(out[-1].lower()), fold(piece.lower())
            if (a not in _VOCAB or b not in _VOCAB) and (a + b) in _VOCAB and a.isalpha() and b.isalpha():
                out[-1] += piece
                continue
        out.append(piece)
    return out


_STOP_BEFORE_PART = re.compile(r"(?<=\w)\.(?=\s+(\w+))")


def _stops_as_commas(text: str) -> str:
    """In a date in words whose parts are parted by commas (`MÙNG CHÍN, THÁNG SÁU. NĂM …`), a full
    stop ending the word before `tháng` or the year's `năm` is the comma OCR read as a stop."""
    if "," not in text:
        return text

    def comma(m: re.Match) -> str:
        before = fold(text[: m.start()].split()[-1].lower()) if text[: m.start()].split() else ""
        after = fold(m.group(1).lower())
        return "," if after == "thang" or (after == "nam" and before != "thang") else m.group(0)

    return _STOP_BEFORE_PART.sub(comma, text)


def _fill_unknown(out: list[str], keys: list[str | None], expected: date) -> list[str]:
    """The unknown words whose replacement by number words makes the words read as `expected`: one
    unknown word by any number word, two (`ha mươi … năm bai nghìn`) each by a number word one
    letter from it; only when exactly one replacement fits."""
    holes = [i for i, k in enumerate(keys) if k is None]
    if not 1 <= len(holes) <= 2:
        return out
    options: list[list[str]] = []
    for i in holes:
        near = []
        for key, (kind, _, _) in _VOCAB.items():
            if kind not in (DIGIT, TEN, UNIT5, ZERO_TENS):
                continue
            if len(holes) > 1 and Levenshtein.distance(fold(out[i].lower().rstrip(",")), key) > 1:
                continue
            near.append(key)
        options.append(near)
    fits = []
    for choice in product(*options):
        trial = list(out)
        trial_keys = list(keys)
        for i, key in zip(holes, choice, strict=True):
            trial_keys[i] = key
        for i, key in zip(holes, choice, strict=True):
            prev = next((k for k in reversed(trial_keys[:i]) if k is not None), None)
            # The hole's comma is the printed one (`GHÍN,` → `CHÍN,`).
            comma = "," if out[i].endswith(",") else ""
            trial[i] = _cased(_spelling(key, prev, ""), out[i]) + comma
        if parse_date_words(" ".join(trial)).value == expected:
            fits.append(trial)
    return fits[0] if len(fits) == 1 else out


def snap_area_words(text: str, expected: Decimal | None = None) -> ParseResult[str]:
    """An area in words as read, each number word, `phẩy` and the unit in its marked spelling
    (`phấy` → `phẩy`, `lắm` → `lăm`, `vuộng` → `vuông`). With `expected` (the area in figures) the
    repaired words must read as it.

    Confidence: 1.0 unchanged; 0.85 spellings repaired; 0.6 the words do not read as an area (or
    not as `expected`). Value None when nothing of it is a number word.
    """
    if not isinstance(text, str) or not text.strip():
        return ParseResult.failed(_unreadable(None))
    out: list[str] = []
    prev: str | None = None
    known = 0
    for piece in nfc(text).split():
        m = re.match(r"^([^\w]*)([\w]+)([^\w]*)$", piece)
        key = None
        if m is not None and m.group(2).lower() not in ("m2", "m"):
            key = fold(m.group(2).lower())
            if key not in _VOCAB:
                key = _approximate(key)
        if key is None or key in ("bang", "chu", "m2", "m²", "m"):
            out.append(piece)
            continue
        lead, word, trail = m.groups()
        out.append(lead + _cased(_spelling(key, prev, word.lower()), word) + trail)
        prev = key
        known += 1
    if not known:
        return ParseResult.failed(_unreadable(None))
    if fold(out[-1].lower()).strip(" ,.;:)") == "met":
        out.append(_cased("vuông", out[-1]))  # the unit is two words: `vuông` wrapped to a lost line
    value = " ".join(out)
    parsed = parse_area_words(value)
    if parsed.value is None or (expected is not None and parsed.value != expected):
        return ParseResult(value, 0.6, parsed.issues)
    return ParseResult(value, 1.0 if value == nfc(text).strip() else 0.85)
