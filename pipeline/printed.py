"""Known text put back where recognition slipped on it: the forms' printed phrases, a garbled
`Số:`, surnames after a name label, `m²` after an area, `Ia` in Jarai place names.

Most of a form page is pre-printed text the form tables know exactly (`FormSpec.printed`), and
Tesseract slips on it the way it slips on any text: an italic `ghi` read `ghỉ`, `Quyển` read
`Quyền`, a label's colon lost or read `;` where a value is typed over it. `mend_printed` compares
each line's words with the printed phrases on their folded form (`forms.fold`: no diacritics, no
case; an item's letter keeps its `đ` and its stop) and, where a run of whole words spells a
phrase, writes the phrase's own words over them (boxes and confidences stay). In a phrase of four
words or more one word other than the last may be one folded letter off (`II.` for `III.`). In a
label of two words or more the last word may be read cut short or a letter off where the
value's first ink runs into it (`Nguyên nhân ch Bệnh`, `năm đăng k99/03/2024`, `Dân tộ&inh`): the
label's word is put back and what followed it in the word becomes a word of its own. Where no
phrase matches so, the last word may also be read with all its letters but the last and then the
value's first letters run into it (`Nơi chếfhôn`, `Giới tínữ`): `Nơi chết: fhôn`, `Giới tính: ữ`.
A phrase's word read in two pieces (`Nơi sin h:`, `lú C:`) is one word again, in the box of both.
An item's roman numeral may be read with two strokes run together as `H` (`IH.` for `III.`), and
a phrase wrapped onto the next line in a table's cell (`Xác nhận của cơ quan có thẩm` / `quyền`)
matches where its line ends after `_WRAPPED_WORDS` of its words.

A value is never rewritten: only whole words that spell the phrase are; a colon read inside the
run ends the label (`Họ và tên: LÊ` is not `Họ và tên mẹ:` a letter off); the last word must
match exactly; a colon is not added where the words go on as a longer label (`tên người raẹ:`);
a value word that ran into the label's last word (`tộcKinh`) was cut apart before
(`ocr._mend_word`) or does not match. Then rules on typed data whose spelling is known:

- a line opening with `s`, at most one more letter and a stop (`sø:`, `Sấ:`, `số;`) before a
  number, with `sø` or `Số` before a register number (`Số 95 Quyển số:`), or with `Số46`, opens
  with `Số:` and the number;
- the first word of a name after a name label (`Họ, chữ đệm, tên:`, `Ông:`) that folds to a
  common surname it is not (`NGUYÊN`) is that surname (`NGUYỄN`; `validate.lexicon`'s names);
- a name in capitals after a name label is tidied where the name lexicon tells (`_tidy_name`):
  specks and ink around its words dropped, a word read in two pieces joined, the surname's first
  letter put back (`RẦN` → `TRẦN`), a word known only with another tone mark given it (`LÔC` →
  `LỘC`);
- the values of the closed-list labels (`Giới tính:`, `Dân tộc:`, `Quốc tịch:`) read a slip or a
  speck away from one of their list's (`am`, `Kinh 5`, `Wiệt Nam.`) are that value;
- a date or an area in words (after `bằng chữ:`, or a line of number words only) has its number
  words spelled right (`lãm` → `lăm`, `BẤY` → `BẨY`: `validate.number_words.snap_number_word`);
- the phrases the typed values repeat (`Ủy ban nhân dân`, `Bệnh viện Đa khoa`) are spelled right
  where their marks slipped or one word was read a letter off (`ly ban`, `Bênh viên`);
- `m2`, `m?` or `mỶ` after a number is `m²`, and `77m2` is `77 m²`;
- a line opening with a printed phrase but its item number (`I.` lost) gets the number back where
  the forms print those words after one number only; the death certificate's `do … cấp` row ends
  with its stop; a cause of death after `Nguyên nhân chết:` gets the marks the causes' table gives
  it (`Đột quy` → `Đột quỵ`);
- `la` between a unit word and a name is `Ia` where the administrative-unit tables have such a
  unit (`huyện la Grai`: the tables are loaded only for a page with such a word).

Pure functions over the OCR stage's words (`OcrWord`, grouped by their `line`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz.distance import Levenshtein
from sohoa.schemas import OcrWord

from .forms import FORMS, fold
from .validate.lexicon import (
    SNAPPED,
    is_surname,
    is_vietnamese_syllable,
    name_lexicon,
    snap_cause_of_death,
    snap_ethnicity,
    snap_nationality,
)
from .validate.number_words import snap_number_word

_EDGE = ".,:;()…·'\"-_"
_NUMBER = re.compile(r"^\d[\d.,]*$")


def _key(text: str) -> str:
    """A word's folded letters and figures without the punctuation at its ends."""
    return fold(text).strip(_EDGE)


def _case(text: str) -> bool | None:
    """Whether the word's first letter is a capital (None: no letter)."""
    return next((c.isupper() for c in text if c.isalpha()), None)


Phrase = tuple[tuple[str, ...], tuple[str, ...]]  # (folded keys, printed words)


@functools.cache
def _phrases() -> tuple[Phrase, ...]:
    """(folded keys, printed words) of every form's printed phrases, longest first. A phrase of one
    word counts only with its colon (`Số:`): one word alone is too often part of a value."""
    seen: dict[tuple[str, ...], tuple[str, ...]] = {}
    for form in FORMS.values():
        for phrase in form.printed:
            printed = tuple(phrase.split())
            if len(printed) == 1 and not phrase.endswith(":"):
                continue
            seen.setdefault(tuple(_key(w) for w in printed), printed)
    return tuple(sorted(seen.items(), key=lambda kv: -len(kv[0])))


@functools.cache
def _index() -> dict[str, tuple[Phrase, ...]]:
    """The phrases by the key of their first word with letters, and (for those that may be read a
    word wrong, `_FUZZY_WORDS`) also by their second: a run of words is compared only with the
    phrases it could be."""
    out: dict[str, list[Phrase]] = {}
    for phrase in _phrases():
        keyed = [k for k in phrase[0] if k]
        for k in keyed[: 2 if len(keyed) >= _FUZZY_WORDS else 1]:
            if phrase not in out.setdefault(k, []):
                out[k].append(phrase)
    return {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in out.items()}


#: A phrase of at least this many words still matches with one word read wrong by up to
#: `_FUZZY_EDITS` folded letters (`II.` for `III.`, `(Œý,` for `(Ký,`, `GẢN` for `GẮN`).
_FUZZY_WORDS = 4
_FUZZY_EDITS = 1


#: A phrase of at least `_LONG_WORDS` words (`(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)`)
#: still matches with up to `_GARBLED_WORDS` words between its first and last read as anything
#: but a label (a signature over `ghi rõ`: `# lỗ`, `gbí rõ tío. chữ đy,`), word for word.
_LONG_WORDS = 8
_GARBLED_WORDS = 2


def _near(a: str, b: str) -> bool:
    """Whether two folded words are at most `_FUZZY_EDITS` edits apart (both non-empty)."""
    return bool(a and b) and Levenshtein.distance(a, b, score_cutoff=_FUZZY_EDITS) <= _FUZZY_EDITS


def _same(ocr: str, ocr_key: str, word: str, key: str) -> bool:
    """Whether an OCR word is the printed word, diacritics and end punctuation aside. An item's
    letter (`đ)`, `b.`) keeps its diacritic and, when read, its stop: the two land forms letter the
    same items `d)` and `đ.`. An opening bracket must be read: `(bằng chữ:` is not the end of
    `ghi bằng chữ:` whose `ghi` was lost."""
    if len(key) == 1 and key.isalpha():
        return ocr[:1].casefold() == word[0].casefold() and ocr[1:] in ("", word[1:])
    if word.startswith("(") and not ocr.startswith("("):
        return False
    if len(key) > 1 and _ROMAN.match(key):
        return _numeral(ocr_key) == key and _case(ocr) == _case(word)
    return ocr_key == key and (not key or _case(ocr) == _case(word))


_ROMAN = re.compile(r"^[ivx]+$")


def _numeral(key: str) -> str:
    """A folded roman numeral as OCR reads its strokes: two `I`s run together as an `H` (`IH.` for
    `III.`, `H.` for `II.`), an `I` as `l` or `1`."""
    return key.replace("h", "ii").replace("l", "i").replace("1", "i")


def _split(w: OcrWord, head: str, tail: str, share: float | None = None) -> list[OcrWord]:
    """The word as the two words `head` and `tail`, its box cut at `share` of its width (by default
    in proportion to their letters)."""
    x0, y0, x1, y1 = w.box
    share = len(head) / max(1, len(head) + len(tail)) if share is None else share
    at = x0 + round((x1 - x0) * share)
    return [
        w.model_copy(update={"text": head, "box": (x0, y0, at, y1)}),
        w.model_copy(update={"text": tail, "box": (at, y0, x1, y1)}),
    ]


def _join(a: OcrWord, b: OcrWord, text: str) -> OcrWord:
    """Two words as the one word `text`, in the box of both."""
    box = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
    return a.model_copy(update={"text": text, "box": box})


_LETTERS = re.compile(r"[^\W\d_]+")
#: A label of at least this many words may have its last word read cut short (`_cut`); 3 kept
#: two-word labels (`Dân tộ&inh`, `Năm sinl`) as read: seeds 64 + 65 hard 458 -> 430 edits.
_CUT_WORDS = 2


def _cut(ocr: str, word: str, key: str) -> str | None:
    """Where the OCR word is the label's last word read cut short or a letter off, the value's
    ink run into it (`k#`, `ch`, `sinl`, `thâr`, `k99/03/2024`): what follows the label in it
    (`99/03/2024`, or empty); None where it is not. The value's first ink is no letter: a word of
    letters only a letter off the label's (`Thẻ` for `thân:`) may be the value itself."""
    m = _LETTERS.match(ocr)
    if m is None or _case(ocr) != _case(word):
        return None
    head, rest = fold(m.group(0)), ocr[m.end() :]
    if rest[:1].isalpha():
        return None
    if len(head) < len(key) and key.startswith(head):
        pass
    elif len(head) != len(key) or Levenshtein.distance(head, key) != 1:
        return None
    if len(head) == len(key) and not rest and ocr[:1] != word[:1]:
        return None
    return rest.lstrip(_EDGE + "#€£$@\\|/~^`‹›„“”")


def _run_into(ocr: str, word: str, key: str) -> str | None:
    """Where the OCR word is a short label's last word with the value's first letters run into
    it (`chếfhôn` for `chết: Thôn`, `tộđinh` for `tộc: Kinh`): the value's part (`fhôn`, `đinh`;
    empty for the whole word and its colon read as a letter, `sinhl`); None where it is not. All
    the label word's letters but its last must be read, in place, then at least one letter that
    is not the label's; a colon in the word makes it a label of its own."""
    if ":" in ocr or _case(ocr) != _case(word):
        return None
    head = fold(ocr)
    n = 0
    while n < min(len(head), len(key)) and head[n] == key[n]:
        n += 1
    if n < max(2, len(key) - 1) or n >= len(head) or not ocr[n].isalpha():
        return None
    if n == len(key) and ocr[n:] == "l":
        return ""  # the whole word, its colon read as a letter (`sinhl`)
    return ocr[n:]


def _torn_end(text: str) -> bool:
    """Whether a word is the end of the label's last word read apart, with its colon (`nhậ n:`,
    `k VY:`): no value follows in it."""
    return text.endswith(":") and len(text) <= 3


#: A phrase wrapped onto the next line (a table's header cell: `Xác nhận của cơ quan có thẩm` /
#: `quyền`) matches where the line ends after this many of its words.
_WRAPPED_WORDS = 6


def _match(
    line: list[OcrWord],
    keys: list[str],
    i: int,
    phrase: Phrase,
    run_into: bool = False,
    wrapped: bool = False,
) -> list[tuple[int, str]]:
    """The words of `line` from `i` that spell the phrase, as (index, printed word) pairs; empty
    when they do not. A phrase word without letters (the motto's dashes) may be missing from the
    line. In a long phrase one word other than the last may be read a letter wrong. A colon read
    inside the run ends the label there: what follows is a value, never rewritten (`Họ và tên:
    LÊ` is not `Họ và tên mẹ:`). With `run_into` (tried when no phrase matched without), the label's
    last word may hold the value's first letters (`_run_into`); with `wrapped` (tried last), the
    phrase may stop where the line ends, after `_WRAPPED_WORDS` of its words."""
    pkeys, printed = phrase
    slip = sum(map(bool, pkeys)) >= _FUZZY_WORDS
    garbled = _GARBLED_WORDS if sum(map(bool, pkeys)) >= _LONG_WORDS else 0
    last = max(n for n, key in enumerate(pkeys) if key)
    j, pairs = i, []
    for n, (key, word) in enumerate(zip(pkeys, printed, strict=True)):
        ocr = line[j].text if j < len(line) else None
        if ocr is None and wrapped and sum(map(bool, pkeys[:n])) >= _WRAPPED_WORDS:
            return pairs
        if ocr is not None and n < last and ocr.endswith(":") and not word.endswith(":"):
            return []
        if (
            ocr is not None
            and len(key) == 1
            and j + 1 < len(line)
            and line[j + 1].text in (".", ")")
            and _same(ocr + line[j + 1].text, key, word, key)
        ):
            pairs.append((j, word + "\1"))  # an item's letter and its stop read apart (`b .`)
            j += 2
        elif ocr is not None and _same(ocr, keys[j], word, key):
            pairs.append((j, word))
            j += 1
        elif (
            ocr is not None
            and len(key) >= 2
            and j + 1 < len(line)
            and not ocr.endswith(":")
            and keys[j]
            and key.startswith(keys[j])
            and any(c.isalpha() for c in ocr)
            and any(c.isalpha() for c in line[j + 1].text)
            and _same(joined := ocr + line[j + 1].text, _key(joined), word, key)
        ):
            pairs.append((j, word + "\1"))  # the word read in two pieces (`sin h:`, `lú C:`)
            j += 2
        elif not key:
            continue
        elif slip and n < last and ocr is not None and keys[j] != key and _near(keys[j], key):
            slip = False
            pairs.append((j, word))
            j += 1
        elif garbled and 0 < n < last and ocr is not None and not ocr.endswith(":"):
            garbled -= 1
            pairs.append((j, word))
            j += 1
        elif (
            n == last
            and ocr is not None
            and word.endswith(":")
            and (
                (
                    sum(map(bool, pkeys)) >= _CUT_WORDS
                    and (rest := _cut(ocr, word, key)) is not None
                    and not (not rest and j + 1 < len(line) and _torn_end(line[j + 1].text))
                )
                or (run_into and n > 0 and (rest := _run_into(ocr, word, key)) is not None)
            )
        ):
            pairs.append((j, word + ("\0" + rest if rest else "")))
            j += 1
        else:
            return []
    if len(printed) == 1 and not line[i].text.rstrip().endswith(":"):
        return []  # `Số:` only where its colon was read
    return pairs


def _continues(keys: list[str], j: int, phrase: Phrase) -> bool:
    """Whether the words from `j` go on as a longer printed phrase that begins with this one
    (`Họ, chữ đệm, tên` then `người raẹ:`, a garbled `người mẹ:`): the label does not end here."""
    head = phrase[0]
    return j < len(keys) and any(
        len(longer) > len(head)
        and longer[: len(head)] == head
        and (keys[j] == longer[len(head)] or _near(keys[j], longer[len(head)]))
        for longer, _ in _phrases()
    )


def _mend_line(line: list[OcrWord]) -> list[OcrWord]:
    out = list(line)
    keys = [_key(w.text) for w in out]
    index = _index()
    i = 0
    while i < len(out):
        candidates = index.get(keys[i], ())
        if i + 1 < len(out) and keys[i + 1] in index:
            candidates = candidates + index[keys[i + 1]]
        tries = sorted(set(candidates), key=lambda p: -len(p[0])) if candidates else []
        passes = [(p, False, False) for p in tries] + [(p, True, False) for p in tries]
        rest = len(out) - i
        wraps = [(p, False, True) for p in tries if len(p[0]) > rest]  # the line ends inside it
        for phrase, run_into, wrapped in passes + wraps:
            pairs = _match(out, keys, i, phrase, run_into, wrapped)
            if not pairs:
                continue
            words = [w for _, w in pairs]
            merged = [j for (j, _), w in zip(pairs, words, strict=True) if w.endswith("\1")]
            words = [w.removesuffix("\1") for w in words]
            end = pairs[-1][0] + (2 if pairs[-1][0] in merged else 1)
            if (
                words[-1].endswith(":")
                and not out[end - 1].text.endswith(":")
                and _continues(keys, end, phrase)
            ):
                words[-1] = words[-1][:-1]  # no colon where a longer label goes on
            cut = None
            for (j, _), word in zip(pairs, words, strict=True):
                if "\0" in word:  # the label's last word and the value's start run together
                    word, value = word.split("\0")
                    cut = (j, len(word), value)
                if out[j].text != word:
                    out[j] = out[j].model_copy(update={"text": word})
            if cut is not None:
                j, _, value = cut
                out[j : j + 1] = _split(out[j], out[j].text, value)
                keys.insert(j + 1, _key(value))
                end += 1
            for j in reversed(merged):  # one word of the two pieces, in the box of both
                out[j] = _join(out[j], out[j + 1], out[j].text)
                del out[j + 1]
                del keys[j + 1]
                end -= 1
            # A colon read apart after the label's last word is the one the phrase now holds.
            if words[-1].endswith(":") and end < len(out) and out[end].text in (":", ".:", ":."):
                del out[end]
                del keys[end]
            i = end - 1
            break
        i += 1
    return out


#: Labels a person's name follows (folded, colon included).
_NAME_LABELS = ("ten:", "me:", "cha:", "sinh:", "tu:", "ong:", "ba:")


def _name_label(words: list[OcrWord], i: int) -> bool:
    """Whether words[i] is the last word of a printed name label (`Họ, chữ đệm, tên:`, `Họ và tên
    mẹ:`, `... người đi khai sinh:`, `Ông:`)."""
    if not words[i].text.endswith(":"):
        return False
    last = fold(words[i].text)
    if last not in _NAME_LABELS:
        return False
    if last in ("ong:", "ba:"):
        return words[i].text[0].isupper()
    head = " ".join(fold(w.text) for w in words[max(0, i - 9) : i + 1])
    return head.startswith("ho") or " ho" in head


def _mend_surname(line: list[OcrWord]) -> list[OcrWord]:
    out = list(line)
    for i in range(len(out) - 1):
        if not _name_label(out, i):
            continue
        word = out[i + 1]
        text = word.text.strip(_EDGE)
        if len(text) < 2 or not text[0].isupper() or is_surname(text):
            continue  # itself a surname (`Lã` as well as `La`)
        # the most common one-word surname of that folded spelling
        known = next((n for n in name_lexicon().surname_by_fold.get(fold(text), ()) if " " not in n), None)
        if known is None:
            continue
        mended = known.upper() if text.isupper() else known
        out[i + 1] = word.model_copy(update={"text": word.text.replace(text, mended, 1)})
    return out


#: The square-metre sign as OCR reads it after an area (`80,0 m2`, `1763,5 m?`, `242,0 mỶ,`).
_SQUARE_METRE = re.compile(r"^m[2?²Ỷỷ‡](?=[,.;)]*$)")
#: An area and its unit read as one word (`77m2`).
_AREA_AND_UNIT = re.compile(r"^(\d[\d.,]*)(m[2²])([,.;)]*)$")


def _mend_units(line: list[OcrWord]) -> list[OcrWord]:
    """`m2`, `m?`, `mỶ`, `m‡` after a number are `m²`; `77m2` is `77 m²`."""
    out = []
    for w in line:
        m = _AREA_AND_UNIT.match(w.text)
        if m is None:
            out.append(w)
            continue
        out += _split(w, m.group(1), "m²" + m.group(3))
    for i in range(1, len(out)):
        text = out[i].text
        if _SQUARE_METRE.match(text) and text[1] != "²" and _NUMBER.match(out[i - 1].text.rstrip(",.;")):
            out[i] = out[i].model_copy(update={"text": "m²" + text[2:]})
    return out


#: `Số:` as OCR garbles it at a line's start (`số:`, `Sấ:`, `sø:`, `Số.`, `số;`): an `s`, at most
#: one more letter, and a stop.
_NUMBER_LABEL = re.compile(r"^[sS]\w?[:;.]$")
#: `Số:` and its number read as one word (`Số46`, `Số:100`).
_GLUED_NUMBER_LABEL = re.compile(r"^([sS]ố[:;.]?)(\d+)$")
#: A registration or extract number: up to four figures, and a letter code (`138/TLKT-BS`); an
#: identity number (nine or twelve figures) is not one.
_REGISTER_NUMBER = re.compile(r"^\d{1,4}(?:/[A-Z][A-Z-]*)?[.,;]?$")
#: Specks read in front of the number (`Số: ,203`, `Số. .121`, `Số: ‹121`).
_NUMBER_SPECKS = ".,;:'\"`‹›«»~^-_"


def _then_volume(line: list[OcrWord], k: int) -> bool:
    """Whether the line ends at word `k` or goes on with `Quyển số:` (the registration row)."""
    return k >= len(line) or fold(line[k].text).startswith("quyen")


def _mend_number_label(line: list[OcrWord]) -> list[OcrWord]:
    """A line opening with a garbled `Số:` and then a number (the registration row, an extract's
    number) opens with `Số:`: nothing else printed on these forms starts a line so. Garbled is: an
    `s`, at most one more letter and a stop (`sấ:`); an `s` and a letter that spells no Vietnamese
    syllable (`sø`, `sœ`) before a register number; `Số` without its stop before a register number
    and `Quyển số:` or the line's end (`Số 95 Quyển số:`, not an address's `Số 11T`); `Số` with the
    number run into it (`Số46`). Specks read in front of the number are dropped."""
    if line and (m := _GLUED_NUMBER_LABEL.match(line[0].text)) and _then_volume(line, 1):
        line = [*_split(line[0], m.group(1), m.group(2)), *line[1:]]
    if len(line) < 2:
        return line
    head, number = line[0].text, line[1].text.lstrip(_NUMBER_SPECKS)
    if not number[:1].isdigit():
        return line
    if not (
        head == "Số:"
        or _NUMBER_LABEL.match(head)
        or (
            re.match(r"^[sS]\w$", head)
            and not is_vietnamese_syllable(head)
            and _REGISTER_NUMBER.match(number)
        )
        or (head == "Số" and _REGISTER_NUMBER.match(number) and _then_volume(line, 2))
    ):
        return line
    out = [line[0].model_copy(update={"text": "Số:"}), *line[1:]]
    if number != line[1].text:
        out[1] = line[1].model_copy(update={"text": number})
    return out


#: Administrative unit words a place name follows.
_UNIT_WORDS = frozenset({"xa", "huyen", "tran", "phuong", "tinh", "quan", "thi"})


@functools.cache
def _ia_names() -> frozenset[str]:
    """Second words of the administrative units named `Ia ...` (Gia Lai, Kon Tum: `Ia Grai`)."""
    from .validate.places import unit_names

    return frozenset(fold(name.split()[1]) for name in unit_names() if name.startswith("Ia "))


def _mend_ia(line: list[OcrWord]) -> list[OcrWord]:
    """`la` between a unit word and a capitalised word is the `Ia` of a Jarai place name
    (`huyện la Grai`) when the administrative-unit tables know such a unit. The tables are
    loaded only for a page that has such a word."""
    out = list(line)
    for i in range(1, len(out) - 1):
        if out[i].text != "la" or fold(out[i - 1].text).strip(_EDGE) not in _UNIT_WORDS:
            continue
        nxt = out[i + 1].text.strip(_EDGE)
        if nxt[:1].isupper() and fold(nxt) in _ia_names():
            out[i] = out[i].model_copy(update={"text": "Ia"})
    return out


#: An item's number printed before a phrase: a roman numeral, a figure or a letter, and its stop.
_ITEM = re.compile(r"^(?:[IVX]+|\d+|[a-zđ])[.)]$")
#: At least this many of a phrase's words after its item number must open a line for the number
#: to be put back.
_ITEM_TAIL = 4


@functools.cache
def _item_numbers() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(folded keys of the words after the item number, the item number) of every printed phrase
    that opens with an item number."""
    out = []
    for keys, printed in _phrases():
        tail = tuple(k for k in keys[1:] if k)
        if len(printed) > 1 and _ITEM.match(printed[0]) and len(tail) >= _ITEM_TAIL:
            out.append((tail, printed[0]))
    return tuple(out)


@functools.cache
def _item_heads() -> frozenset[str]:
    """The first words (folded keys) of the phrases' words after their item numbers."""
    return frozenset(tail[0] for tail, _ in _item_numbers())


def _mend_item_number(line: list[OcrWord]) -> list[OcrWord]:
    """A line opening with a printed phrase's words but its item number (`Người sử dụng đất, chủ
    sở hữu nhà ở …` without its `I.`: Tesseract drops a lone `I` now and then) gets the number
    back, in a box left of the first word; only where every phrase the line's words could be
    has that number (not the land forms' `a)` and `a.` before `Thửa đất số:`)."""
    if not line or _ITEM.match(line[0].text) or _key(line[0].text) not in _item_heads():
        return line
    keys = [k for k in (_key(w.text) for w in line) if k]
    items = set()
    for tail, item in _item_numbers():
        n = min(len(tail), len(keys))
        if n >= _ITEM_TAIL and tuple(keys[:n]) == tail[:n]:
            items.add(item)
    if len(items) != 1:
        return line
    item = items.pop()
    first = line[0]
    x0, y0, x1, y1 = first.box
    height = y1 - y0
    right = max(0, x0 - round(0.3 * height))
    box = (max(0, right - round(0.5 * height * len(item))), y0, right, y1)
    return [first.model_copy(update={"text": item, "box": box}), *line]


def _mend_issuer_row(line: list[OcrWord]) -> list[OcrWord]:
    """The death certificate's row `do … cấp.` read without its closing stop (a speck to
    Tesseract) ends with `cấp.`."""
    if len(line) >= 3 and fold(line[0].text) == "do" and line[-1].text == "cấp":
        return [*line[:-1], line[-1].model_copy(update={"text": "cấp."})]
    return line


def _mend_cause(line: list[OcrWord]) -> list[OcrWord]:
    """A cause of death after `Nguyên nhân chết:` read with a slip in its diacritics (`Đột quy`)
    spelled as the causes' table spells it (`Đột quỵ`, `validate.lexicon.snap_cause_of_death`)."""
    for k in range(1, len(line) - 1):
        if fold(line[k].text) == "chet:" and fold(line[k - 1].text) == "nhan":
            value = line[k + 1 :]
            snapped = snap_cause_of_death(" ".join(w.text for w in value))
            if snapped.value is None or snapped.confidence >= 1.0 or len(snapped.value.split()) != len(value):
                return line
            return [
                *line[: k + 1],
                *(
                    w
                    if w.text.strip(_EDGE) == word
                    else w.model_copy(update={"text": w.text.replace(w.text.strip(_EDGE), word, 1)})
                    for w, word in zip(value, snapped.value.split(), strict=True)
                ),
            ]
    return line


def _untoned(text: str) -> str:
    """The letters without their tone marks, the vowels' own marks kept (`Ỷ` → `Y`, `Ậ` → `Â`)."""
    return unicodedata.normalize(
        "NFC",
        "".join(c for c in unicodedata.normalize("NFD", text) if c not in "\u0300\u0301\u0303\u0309\u0323"),
    )


def _name_span(words: list[OcrWord], i: int) -> int:
    """Where the name after the name label `words[i]` ends (exclusive): at a comma (kept), a colon,
    or a word of two letters or more with a small letter (`năm sinh:`, the next column's `Họ,`)."""
    j = i + 1
    while j < len(words):
        text = words[j].text
        letters = [c for c in text if c.isalpha()]
        if text.endswith(":") or (len(letters) > 1 and any(c.islower() for c in letters)):
            break
        j += 1
        if text.endswith(","):
            break
    return j


def _capitals(text: str) -> bool:
    return text.isalpha() and text.isupper()


@functools.cache
def _surnames_by_tail() -> dict[str, tuple[str, ...]]:
    """The surnames (in capitals) by their letters after the first."""
    out: dict[str, list[str]] = {}
    for name in name_lexicon().surnames:
        if " " not in name:
            out.setdefault(name.upper()[1:], []).append(name.upper())
    return {k: tuple(v) for k, v in out.items()}


def _tidy_name(name: list[OcrWord]) -> list[OcrWord]:
    """A name typed in capitals as OCR read it, tidied where the name lexicon tells: ink before a
    word (`„NGUYỄN`, `-LÊ`) and specks between words (`HÀ s l DIỆU`, `¡} NGUYỄN`) dropped, two
    words read with a stop between them apart (`BÁ.HÒA`), a word
    read in two pieces joined (`TH UẬN`, `N GUYỄN`), a lone capital before a word dropped (`E
    LOÀNG`; `Y` is a name), the surname's first letter read wrong or lost put back where one
    surname only is so spelled (`RẦN` → `TRẦN`, `IGUYỄN` → `NGUYỄN`, `Ê` → `LÊ`), and a word
    the lexicon knows only with another tone mark given that mark (`LÔC` → `LỘC`, `THỦ` → `THU`;
    the most common such word first)."""
    lex = name_lexicon()
    out = []
    for w in name:  # ink read before the word
        head = w.text.lstrip(_EDGE + "„‚`´'~^-—–¡¿{}[]")
        if head != w.text and head[:1].isalpha() and head[:1].isupper():
            w = w.model_copy(update={"text": head})
        out.append(w)

    k = 0
    while k < len(out):  # two words read with a stop between them (`BÁ.HÒA`)
        a, dot, b = out[k].text.partition(".")
        if dot and _capitals(a) and _capitals(b.rstrip(",")) and lex.knows(a) and lex.knows(b.rstrip(",")):
            out[k : k + 1] = _split(out[k], a, b, len(a) / len(out[k].text))
        k += 1

    def named(k: int) -> bool:
        return any(_capitals(w.text.strip(_EDGE)) and len(w.text.strip(_EDGE)) > 1 for w in out[k:])

    k = 0
    while k < len(out):  # specks between the words
        text = out[k].text
        if not any(c.isupper() for c in text) and sum(c.isalpha() for c in text) <= 1 and named(k + 1):
            del out[k]
        else:
            k += 1
    k = 0
    while k + 1 < len(out):  # a word read in two pieces
        a, b = out[k].text, out[k + 1].text
        both = a + b.rstrip(",")
        if (
            _capitals(a)
            and _capitals(b.rstrip(","))
            and lex.knows(both)
            and not (lex.knows(a) and lex.knows(b.rstrip(",")))
        ):
            out[k : k + 2] = [_join(out[k], out[k + 1], a + b)]
        k += 1

    def surname(text: str) -> str | None:
        found = {*_surnames_by_tail().get(text[1:], ()), *_surnames_by_tail().get(text, ())}
        return found.pop() if len(found) == 1 else None

    k = 0
    while k + 1 < len(out):  # a lone capital
        text = out[k].text
        if (
            len(text) == 1
            and text.isupper()
            and text != "Y"
            and named(k + 1)
            and not (k == 0 and surname(text))
        ):
            del out[k]
        else:
            k += 1
    for k, w in enumerate(out):
        text = w.text.strip(_EDGE)
        if not text or lex.knows(text) or not (_capitals(text) or (k == 0 and _capitals(text[1:]))):
            continue
        spelled = None
        if k == 0:  # the surname: its first letter read wrong or lost
            spelled = surname(text)
        if spelled is None and _capitals(text):
            same = [
                c for c in lex.syllable_by_fold.get(fold(text), ()) if _untoned(c.upper()) == _untoned(text)
            ]
            spelled = same[0].upper() if same else None
        if spelled is not None:
            out[k] = w.model_copy(update={"text": w.text.replace(text, spelled, 1)})
    return out


def _mend_name_marks(line: list[OcrWord]) -> list[OcrWord]:
    """The names in capitals after the line's name labels tidied (`_tidy_name`)."""
    out = list(line)
    i = 0
    while i < len(out) - 1:
        if _name_label(out, i):
            end = _name_span(out, i)
            name = out[i + 1 : end]
            if name:
                out[i + 1 : end] = _tidy_name(name)
        i += 1
    return out


#: The values of `Giới tính:`.
_SEXES = ("Nam", "Nữ")


@functools.cache
def _label_heads() -> frozenset[str]:
    """The folded first words of the printed labels (phrases ending in their colon), after any
    item number."""
    return frozenset(
        next(k for k, w in zip(keys, printed, strict=True) if k and not _ITEM.match(w))
        for keys, printed in _phrases()
        if printed[-1].endswith(":")
    )


def _closed_value(label: tuple[str, str], value: str) -> str | None:
    """The value of a closed-list label (`Giới tính:`, `Dân tộc:`, `Quốc tịch:`) as its list spells
    it, or None where the reading is none of the list's a slip away."""
    if label == ("gioi", "tinh:"):
        near = [v for v in _SEXES if Levenshtein.distance(fold(value).strip(_EDGE), fold(v)) <= 1]
        return near[0] if len(near) == 1 and len(value.strip(_EDGE)) >= 2 else None
    snap = {("dan", "toc:"): snap_ethnicity, ("quoc", "tich:"): snap_nationality}.get(label)
    if snap is None:
        return None
    got = snap(value)
    return got.value if got.value is not None and got.confidence >= SNAPPED else None


def _speck(text: str) -> bool:
    """A word of at most one letter or figure (`5`, `h`, `„`): ink read beside a value."""
    return sum(c.isalnum() for c in text) <= 1


def _mend_closed_values(line: list[OcrWord]) -> list[OcrWord]:
    """The values of closed-list labels (`Giới tính: am` → `Nam`, `Quốc tịch: Wiệt Nam.` → `Việt
    Nam`, `Dân tộc: Kinh 5` → `Kinh`): the words after the label up to a colon or the next
    label's first word (`Quốc`, `Năm`; not the second word of a nationality, `Việt Nam`), specks
    left out, read a slip away from one of the list's values (`validate.lexicon`'s snapping) are
    that value, word for word; the specks are dropped."""
    out = list(line)
    k = 1
    while k < len(out) - 1:
        label = (fold(out[k - 1].text).strip(_EDGE), fold(out[k].text))
        if label not in (("gioi", "tinh:"), ("dan", "toc:"), ("quoc", "tich:")):
            k += 1
            continue
        end = k + 1
        while end < len(out) and not out[end].text.endswith(":"):
            head = _key(out[end].text) in _label_heads()
            second = sum(not _speck(w.text) for w in out[k + 1 : end]) == 1  # `Việt Nam`'s `Nam`
            if end > k + 1 and head and not (label[1] == "tich:" and second and _key(out[end].text) == "nam"):
                break
            end += 1
        value = out[k + 1 : end]
        words = [w for w in value if not _speck(w.text)]
        read = " ".join(w.text for w in value)
        got = _closed_value(label, " ".join(w.text for w in words)) if words else None
        if got is None or got == read or len(got.split()) != len(words):
            k = end
            continue
        mended = [w.model_copy(update={"text": t}) for w, t in zip(words, got.split(), strict=True)]
        out[k + 1 : end] = mended
        k += 1 + len(mended)
    return out


#: A line of at least this many number words and nothing else goes on a date or area in words.
_NUMBER_WORDS_LINE = 3


def _mend_number_words(line: list[OcrWord]) -> list[OcrWord]:
    """A date or an area in words (after `bằng chữ:`, up to the next label; or a line of number
    words only, where the value wrapped) with its words spelled right where the reading slipped on
    their marks or lost a letter (`lãm` → `lăm`, `BẤY` → `BẨY`, `gày` → `ngày`:
    `validate.number_words.snap_number_word`). A letter read apart from its word (`N gày`) is
    left as read."""
    start = next(
        (
            k + 1
            for k, w in enumerate(line)
            if k and fold(w.text) == "chu:" and _key(line[k - 1].text) == "bang"
        ),
        None,
    )
    if start is None:
        if len(line) < _NUMBER_WORDS_LINE or not snap_number_word(
            line[0].text.strip(_EDGE), approximate=False
        ):
            return line
        if not all(snap_number_word(w.text.strip(_EDGE), approximate=False) for w in line if _key(w.text)):
            return line
        start = 0
    out = list(line)
    for j in range(start, len(out)):
        text = out[j].text
        if text.endswith(":"):
            break
        word = text.strip(_EDGE)
        if not word.isalpha() or (j > start and len(out[j - 1].text.strip(_EDGE)) == 1):
            continue
        spelled = snap_number_word(word)
        if spelled is not None and spelled != word:
            out[j] = out[j].model_copy(update={"text": text.replace(word, spelled, 1)})
    return out


#: Phrases the typed values repeat word for word (issuers, facilities, identity papers).
_VALUE_PHRASES = (
    "Ủy ban nhân dân",
    "Bệnh viện Đa khoa",
    "Cục Cảnh sát QLHC về TTXH",
    "Chứng minh nhân dân",
    "Căn cước công dân",
)


@functools.cache
def _value_phrases() -> dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]:
    """The value phrases (folded words, words) by their last folded word."""
    out: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for phrase in _VALUE_PHRASES:
        words = tuple(phrase.split())
        out.setdefault(fold(words[-1]), []).append((tuple(fold(w) for w in words), words))
    return {k: tuple(v) for k, v in out.items()}


def _mend_value_phrases(line: list[OcrWord]) -> list[OcrWord]:
    """A phrase the typed values repeat (`Ủy ban nhân dân`, `Bệnh viện Đa khoa`) read with its
    marks slipped or one word a letter off (`UY ban`, `ly ban`, `Bênh viên`, `3ệnh viện`,
    `Đạ khoa`, `Cuc Cảnh sát`) written as it is spelled; the words' case must be the phrase's (a
    heading in capitals, `ỦY BAN NHÂN DÂN`, is left as read), and a word a letter off is not the
    end of a word read in two pieces (`Bệ ệnh`)."""
    out = list(line)
    for end in range(len(out)):
        for keys, words in _value_phrases().get(_key(out[end].text), ()):
            start = end + 1 - len(keys)
            if start < 0:
                continue
            run = out[start : end + 1]
            texts = [w.text.strip(_EDGE) for w in run]
            if texts == list(words) or any(
                _case(t) != _case(w) for t, w in zip(texts[1:], words[1:], strict=True)
            ):
                continue
            off = [k for k, (t, key) in enumerate(zip(texts, keys, strict=True)) if fold(t) != key]
            if off:
                k = off[0]
                piece = fold(out[start + k - 1].text) if start + k > 0 else ""
                if len(off) > 1 or not _near(fold(texts[k]).lstrip("0123456789"), keys[k]):
                    continue
                if piece and keys[k].startswith(piece):
                    continue
            for k, (w, t, word) in enumerate(zip(run, texts, words, strict=True)):
                if t != word and t:
                    out[start + k] = w.model_copy(update={"text": w.text.replace(t, word, 1)})
            break
    return out


def mend_printed(words: list[OcrWord]) -> list[OcrWord]:
    """The page's words (in lines, reading order) with the forms' printed phrases, surnames after
    name labels and `m²` put back where recognition slipped on them (see the module docstring)."""
    lines: dict[int, list[OcrWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    out: list[OcrWord] = []
    for line in lines.values():
        line = _mend_item_number(_mend_number_label(_mend_line(line)))
        line = _mend_ia(_mend_units(_mend_name_marks(_mend_surname(line))))
        line = _mend_closed_values(_mend_cause(_mend_issuer_row(line)))
        out += _mend_value_phrases(_mend_number_words(line))
    return out
