"""Closed vocabularies of the civil-status papers, to choose between OCR readings that differ in
diacritics and to snap a slipped reading to its printed spelling.

- person names (`person_names.json`): Vietnamese surnames with their approximate population share
  and middle/given-name syllables with a frequency tier, from public knowledge. A name in capitals is
  read syllable by syllable: a reading the lexicon knows stays; one it does not know takes the
  spelling of the same letters the lexicon knows (`NGUYÊN` as a surname → `NGUYỄN`, `UYỆN` →
  `UYÊN`), and a reading that is no Vietnamese syllable at all (two tone marks) is marked down;
- ethnic groups (`ethnic_groups.json`, the 54 groups) and nationalities (`countries.json`): a reading
  snaps to the closest name of the list when it is close enough and unambiguous.

Each helper returns a `ParseResult` whose confidence is a cap for the field (1.0: the reading was
already a known spelling, nothing to doubt). The lexicon only ever picks among spellings of the
letters OCR read (or a closed list's name): it never invents a name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .issues import ParseResult
from .text import fold, nfc

__all__ = [
    "is_surname",
    "is_vietnamese_syllable",
    "name_lexicon",
    "snap_ethnicity",
    "snap_nationality",
    "snap_person_name",
]

#: Cap when a reading was replaced by the only (or far most common) spelling of its letters.
SNAPPED = 0.85
#: Cap when the replacement had rivals of similar frequency, or a reading is out of the lexicon.
DOUBTFUL = 0.7
#: Cap when a reading cannot be a Vietnamese syllable and nothing replaced it.
IMPOSSIBLE = 0.5
#: A surname reading gives way to a fold-equal surname this many times more common; a syllable to
#: one two tiers more common (`TAM` → `TÂM`): OCR drops the marks of capitals far more often than
#: parents choose the rare spelling.
_SURNAME_DOMINANCE = 20.0
_SYLLABLE_TIERS = 2

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_PUNCT = ".,;:!?\"'`()[]{}|/\\-_~*+=<>"


def _data(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class NameLexicon:
    surnames: dict[str, float]  # spelling (title case) -> share
    syllables: dict[str, int]  # spelling (title case) -> tier
    surname_by_fold: dict[str, tuple[str, ...]]
    syllable_by_fold: dict[str, tuple[str, ...]]

    def knows(self, word: str) -> bool:
        w = _title(word)
        return w in self.syllables or w in self.surnames


def _title(word: str) -> str:
    return nfc(word[:1].upper() + word[1:].lower())


@lru_cache(maxsize=1)
def name_lexicon() -> NameLexicon:
    data = _data("person_names.json")
    surnames = {nfc(k): float(v) for k, v in data["surnames"].items()}
    syllables = {nfc(k): int(v) for k, v in data["syllables"].items()}
    sur_fold: dict[str, list[str]] = {}
    for s in surnames:
        sur_fold.setdefault(fold(s).replace(" ", ""), []).append(s)
    syl_fold: dict[str, list[str]] = {}
    for s in syllables:
        syl_fold.setdefault(fold(s), []).append(s)
    return NameLexicon(
        surnames,
        syllables,
        {k: tuple(sorted(v, key=lambda s: -surnames[s])) for k, v in sur_fold.items()},
        {k: tuple(sorted(v, key=lambda s: -syllables[s])) for k, v in syl_fold.items()},
    )


def is_surname(word: str) -> bool:
    """A surname the lexicon knows, in any case (`NGUYỄN`, `Lê`)."""
    return _title(word) in name_lexicon().surnames


def tone_marks(word: str) -> int:
    return sum(1 for ch in unicodedata.normalize("NFD", word) if ch in _TONES)


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:[aeiouy]{1,3})(?:ch|ng|nh|[cmnpt])?$"
)


def is_vietnamese_syllable(word: str) -> bool:
    """Letters that can spell one Vietnamese syllable: an initial, one to three vowels, a final,
    and at most one tone mark."""
    w = word.strip(_PUNCT)
    return bool(w) and tone_marks(w) <= 1 and bool(_SYLLABLE.match(fold(w)))


def _case_like(spelling: str, reading: str) -> str:
    letters = [c for c in reading if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return spelling.upper()
    if letters and all(c.islower() for c in letters):
        return spelling.lower()
    return spelling


def _pick(reading: str, cands: tuple[str, ...], weight: dict, surname: bool) -> tuple[str, float]:
    """The spelling to report among the fold-equal `cands`, and the cap it earns."""
    here = _title(reading)
    best = cands[0]
    if here in cands:
        if (
            weight[best] >= _SURNAME_DOMINANCE * weight[here]
            if surname
            else weight[best] >= weight[here] + _SYLLABLE_TIERS
        ):
            return best, SNAPPED
        # A known spelling, but a more common one shares its letters: the marks may have slipped.
        return here, (SNAPPED if weight[best] > weight[here] else 1.0)
    close = len(cands) > 1 and weight[cands[1]] * 2 > weight[best]
    return best, (DOUBTFUL if close else SNAPPED)


def _split(word: str, lex: NameLexicon) -> tuple[str, str] | None:
    """Two syllables OCR ran together (`THIAN` → `THỊ AN`, `MỸXOAN` → `MỸ XOAN`): the split whose
    rarer part is commonest; each part keeps its read spelling when the lexicon knows it."""
    best = None
    for i in range(2, len(word) - 1):
        parts = []
        for piece in (word[:i], word[i:]):
            cands = lex.syllable_by_fold.get(fold(piece))
            if not cands:
                break
            parts.append(_title(piece) if _title(piece) in cands else cands[0])
        if len(parts) == 2:
            score = min(lex.syllables[parts[0]], lex.syllables[parts[1]])
            if best is None or score > best[0]:
                best = (score, parts[0], parts[1])
    return (best[1], best[2]) if best else None


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _base(text: str) -> str:
    """The letters without their tone marks (`ữ` → `ư`, `ắ` → `ă`)."""
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in _TONES)
    )


def _undoubled(word: str, by_fold: dict[str, tuple[str, ...]]) -> str | None:
    """A syllable whose vowel OCR read twice or more (`KHẮĂC`, `ĐỨỨứC`: a stacked mark read as a
    second letter): the run of letters that fold alike kept as one of its letters, or two, where
    that gives a syllable of `by_fold`, the letter the table spells it with first."""
    m = next(
        (m for m in re.finditer(r"(\w)\1+", fold(word.lower())) if m.group(1) in "aeiouy"),
        None,
    )
    if m is None or len(word) != len(fold(word.lower())):
        return None
    a, b = m.span()
    if b - a == 2 and (_base(word[a:b].lower()) == "ưu" or m.group(1) == "o"):
        return None  # `HỮU`, `CỪU`, `XOONG`: the two vowels a syllable may hold
    for keep in (1, 2):
        if b - a <= keep:
            continue
        options = [word[:a] + word[i : i + keep] + word[b:] for i in range(a, b - keep + 1)]
        known = [o for o in options if fold(o.lower()) in by_fold]
        if known:
            exact = [o for o in known if _title(o) in by_fold[fold(o.lower())]]
            return (exact or known)[0]
    return None


def _rejoin(words: list[str], lex: NameLexicon) -> list[str]:
    """Pieces of one syllable OCR cut apart (`PHậ M` → `PHậM`): two neighbours that are no known
    syllable on their own but are one together."""
    out: list[str] = []
    for w in words:
        if out and not (lex.knows(out[-1]) and lex.knows(w)):
            joined = fold(out[-1] + w)
            if (
                joined in lex.syllable_by_fold
                or joined in lex.surname_by_fold
                or _undoubled(out[-1] + w, lex.syllable_by_fold) is not None
            ):
                out[-1] = out[-1] + w
                continue
        out.append(w)
    return out


def snap_person_name(text: str, alternatives: tuple[str, ...] = ()) -> ParseResult[str]:
    """A person's name as printed (surname first), syllable by syllable through the lexicon.

    `alternatives`: other readings of the same name (a second OCR of its crop); where one lines up
    word for word, a syllable the lexicon knows is preferred to one it does not.
    """
    lex = name_lexicon()
    # Names hold no punctuation: a full stop or comma inside a word is a space (`KIM.HƯỜNG`).
    words = [w for w in (t.strip(_PUNCT) for t in re.sub(r"[.,;:]", " ", nfc(text)).split()) if w]
    if not words:
        return ParseResult.failed()
    words = _rejoin(words, lex)
    alts = [[w for w in (t.strip(_PUNCT) for t in nfc(a).split()) if w] for a in alternatives]
    alts = [a for a in alts if len(a) == len(words)]
    out: list[str] = []
    cap = 1.0
    for i, word in enumerate(words):
        options = [word] + [a[i] for a in alts if fold(a[i]) == fold(word) and a[i] != word]
        table, by_fold = (
            (lex.surnames, lex.surname_by_fold) if i == 0 else (lex.syllables, lex.syllable_by_fold)
        )
        key = fold(word).replace(" ", "")
        cands = by_fold.get(key) or (lex.syllable_by_fold.get(key) if i == 0 else None)
        if cands:
            weight = table if cands[0] in table else lex.syllables
            known = [o for o in options if _title(o) in cands]
            reading = max(known, key=lambda o: weight[_title(o)]) if known else word
            spelling, c = _pick(reading, cands, weight, weight is lex.surnames)
            out.append(_case_like(spelling, word))
            cap = min(cap, c)
            continue
        if i == 0 and len(key) >= 5:
            # A surname with one letter misread (`IGUYỄN`): the one surname one letter away.
            near = [
                k
                for k in lex.surname_by_fold
                if len(k) == len(key) and sum(a != b for a, b in zip(k, key, strict=True)) == 1
            ]
            if len(near) == 1:
                spelling, _ = _pick(word, lex.surname_by_fold[near[0]], lex.surnames, True)
                out.append(_case_like(spelling, word))
                cap = min(cap, DOUBTFUL)
                continue
        if i == 0 and len(key) >= 3 and not cands:
            # A surname whose first letter OCR lost (`RAN` of `TRẦN`): the one surname it ends.
            near = [k for k in lex.surname_by_fold if len(k) == len(key) + 1 and k[1:] == key]
            if len(near) == 1:
                out.append(_case_like(lex.surname_by_fold[near[0]][0], word))
                cap = min(cap, DOUBTFUL)
                continue
        table_fold = by_fold if i == 0 else lex.syllable_by_fold
        undoubled = _undoubled(word, table_fold)
        if undoubled is not None:
            cands = table_fold[fold(undoubled.lower())]
            spelling = _title(undoubled) if _title(undoubled) in cands else cands[0]
            out.append(_case_like(spelling, undoubled))
            cap = min(cap, DOUBTFUL)
            continue
        split = _split(word, lex) if len(key) >= 4 else None
        if split is not None:
            out += [_case_like(s, word) for s in split]
            cap = min(cap, DOUBTFUL)
            continue
        if len(key) == 1 and tone_marks(word) and i > 0:
            cap = min(cap, DOUBTFUL)  # a stray mark read as a letter (`Ễ`): no syllable of a name
            continue
        out.append(word)
        cap = min(cap, DOUBTFUL if is_vietnamese_syllable(word) else IMPOSSIBLE)
    return ParseResult(" ".join(out), cap)


# --------------------------------------------------------------------------------------------
# Closed lists: ethnic groups and nationalities
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ethnic() -> tuple[tuple[str, ...], dict[str, str]]:
    data = _data("ethnic_groups.json")
    return tuple(nfc(n) for n in data["names"]), {nfc(k): nfc(v) for k, v in data["other_spellings"].items()}


@lru_cache(maxsize=1)
def _countries() -> tuple[str, ...]:
    return tuple(nfc(n) for n in _data("countries.json")["names"])


def _words(text: str) -> list[str]:
    return [w for w in (t.strip(_PUNCT) for t in nfc(text).replace("-", " ").split()) if w]


def _key(text: str) -> str:
    return "".join(fold(w) for w in _words(text))


def _aligned(reading: list[str], name: list[str]) -> tuple[float, int]:
    """Mean fuzzy score of the name's words against reading words in order (junk words between
    them skipped), and how many of the name's words were found."""
    scores, j = [], 0
    for part in name:
        best = (0.0, j)
        for k in range(j, len(reading)):
            s = fuzz.ratio(fold(part), fold(reading[k]))
            if s > best[0]:
                best = (s, k + 1)
        if best[0] >= 70:
            scores.append(best[0])
            j = best[1]
    return (sum(scores) / len(scores) if scores else 0.0), len(scores)


def _contains(name: list[str], reading: list[str]) -> bool:
    folded = [fold(w) for w in name]
    return all(fold(w) in folded for w in reading) and len(reading) < len(name)


def _snap_closed(text: str, names: tuple[str, ...], other: dict[str, str]) -> ParseResult[str]:
    words = _words(text)
    if not words:
        return ParseResult.failed()
    key = "".join(fold(w) for w in words)
    joined = " ".join(words).casefold()
    for spelling in (*names, *other):
        if _key(spelling) == key:
            if " ".join(_words(spelling)).casefold() == joined:
                # Already a known spelling: as printed, without the specks OCR added (`Kinh +`).
                kept = [t for t in nfc(text).split() if t.strip(_PUNCT) or t in ("-", "–")]
                return ParseResult(" ".join(kept).strip(" ,.;:-–"), 1.0)
            return ParseResult(other.get(spelling, spelling), 0.95)
    scored = []
    for n, spelling in enumerate(names):
        parts = _words(spelling)
        whole = fuzz.ratio(_key(spelling), key)
        mean, found = _aligned(words, parts)
        full = found == len(parts)
        score = max(whole, mean if full else 0.0)
        scored.append((score, full or whole >= 80, -n, spelling, found))
    scored.sort(reverse=True)
    best = scored[0]
    if best[0] >= 75 and best[1] and (len(scored) < 2 or best[0] - scored[1][0] >= 8):
        return ParseResult(best[3], SNAPPED)
    # Part of a name and nothing else (`Nam` of `Việt Nam`): the first name of the list that has
    # every word of the reading.
    partial = [s for s in scored if _contains(_words(s[3]), words)]
    if partial and not best[1]:
        return ParseResult(min(partial, key=lambda s: -s[2])[3], IMPOSSIBLE)
    stem = _T_STEM.sub("T", text.strip())
    if stem != text.strip():
        # A `T` whose bar OCR lost, read as `l` or `I` (`lày`): the name it then spells exactly.
        again = _snap_closed(stem, names, other)
        if again.confidence >= SNAPPED:
            return ParseResult(again.value, SNAPPED)
    return ParseResult(text, DOUBTFUL)


#: A word's first letter OCR reads for a `T` that lost its bar.
_T_STEM = re.compile(r"(?<!\w)[lI|](?=[^\W\d_])")


def snap_ethnicity(text: str) -> ParseResult[str]:
    """An ethnic group's name from a reading (`lầy` → `Tày`, `Kinh +` → `Kinh`)."""
    names, other = _ethnic()
    return _snap_closed(text, names, other)


def snap_nationality(text: str) -> ParseResult[str]:
    """A nationality (country name in Vietnamese) from a reading (`Yiệt Nam` → `Việt Nam`)."""
    return _snap_closed(text, _countries(), {})


#: How land is held (Luật Đất đai: hình thức sử dụng), as certificates print it.
USAGE_FORMS = ("Sử dụng riêng", "Sử dụng chung")


@lru_cache(maxsize=1)
def _causes() -> tuple[str, ...]:
    return tuple(nfc(n) for n in _data("causes_of_death.json")["names"])


def snap_marks(text: str, names: tuple[str, ...]) -> ParseResult[str]:
    """A reading that is one of `names` but for its diacritics (`Đột quy` → `Đột quỵ`, `Sứ dụng
    riêng` → `Sử dụng riêng`): that name (0.85); the reading itself when it already is one (1.0);
    value None when it is none of them (free text: nothing to check it against)."""
    words = _words(text)
    if not words:
        return ParseResult.failed()
    key = " ".join(fold(w) for w in words)
    for name in names:
        if " ".join(fold(w) for w in _words(name)) == key:
            same = " ".join(words).casefold() == " ".join(_words(name)).casefold()
            return ParseResult(text.strip(" ,.;:") if same else name, 1.0 if same else 0.85)
    return ParseResult.failed()


def snap_cause_of_death(text: str) -> ParseResult[str]:
    """A cause of death with the marks of its usual wording (`snap_marks` on `causes_of_death.json`)."""
    return snap_marks(text, _causes())


@lru_cache(maxsize=1)
def _streets() -> tuple[str, ...]:
    return tuple(nfc(n) for n in _data("street_names.json")["names"])


_STREET = re.compile(r"(?<!\w)((?:đường|Đường|phố|Phố)\s+)([^,\d]+?)(?=\s*,|$)")


def snap_street(text: str) -> ParseResult[str]:
    """An address whose street (`đường Đỉnh Tiên Hoàng`) is a known street name but for its marks:
    the address with the name's marks (0.85); value None when no street of it needed that."""
    changed = False

    def fix(m: re.Match) -> str:
        nonlocal changed
        got = snap_marks(m.group(2), _streets())
        if got.value is None or got.confidence >= 1.0:
            return m.group(0)
        changed = True
        return m.group(1) + got.value

    out = _STREET.sub(fix, nfc(text))
    return ParseResult(out, 0.85) if changed else ParseResult.failed()


#: How the health facilities where people are born and die are named (the facility's own unit
#: follows: `Bệnh viện Đa khoa tỉnh Vĩnh Phúc`, `Trạm Y tế xã An Bình`).
FACILITIES = (
    "Bệnh viện Đa khoa",
    "Bệnh viện Phụ sản",
    "Bệnh viện Sản Nhi",
    "Bệnh viện",
    "Trung tâm Y tế",
    "Trạm Y tế",
    "Nhà hộ sinh",
    "Phòng khám Đa khoa",
)


def snap_facility(text: str) -> ParseResult[str]:
    """A place that starts with a health facility's kind read with wrong marks (`Bệnh viên Đạ
    khoa, tỉnh …`): that kind as written, run on into its unit without a comma (0.85); value None
    when the place starts with no such kind or already reads right."""
    words = nfc(text).split()
    for kind in FACILITIES:
        n = len(kind.split())
        head = words[:n]
        if len(head) < n:
            continue
        got, want = " ".join(fold(w.strip(",.;:")) for w in head), fold(kind)
        # One letter off only in a long kind (`Irạm Y tế`): a short one could be another word.
        if got != want and not (len(want) >= 8 and Levenshtein.distance(got, want) <= 1):
            continue
        rest = " ".join(words[n:])
        fixed = f"{kind} {rest}".strip() if rest else kind
        if head[-1].endswith((",", ".", ";")) and rest:
            fixed = f"{kind} {rest}"
        return ParseResult(fixed, 0.85) if fixed != nfc(text).strip() else ParseResult.failed()
    return ParseResult.failed()
