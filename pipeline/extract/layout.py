"""Where things are on a document's pages: words in deskewed pixels, and the labels, stop phrases,
section phrases and headings of its form table found on them by fuzzy matching.

Words come from OCR with boxes in upright (not deskewed) pixels; each box is moved back through the
inverse of `PreparedPage.ocr_to_upright` (by its centre, keeping its size), so rows are horizontal
even on a tilted scan. Labels are matched on folded words (`forms.spec.tokens`): a long label may
differ by a few letters (OCR slips in diacritics and letters), a short one must be exact, and a
label written with a colon in the table (`Số:`) needs its colon on the page. A label read too
badly for that is taken at a lower score where its position confirms it (`_weak_labels`), and a
section whose phrase OCR lost is opened by its repeated labels (`_resolve_sections`).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

import cv2
import numpy as np
from rapidfuzz import fuzz

from ..forms import FormSpec, LabelSpec
from ..forms.spec import tokens
from ..types import OcrPage

#: A run of dotted-leader characters (OCR reads the printed dots as these).
_LEADERS = re.compile(r"[.…_·•,:;'`~\-—=¬ˆ]{2,}|[…_·•~—=¬ˆ]")
_EDGE_JUNK = re.compile(r"^[.,;:'`\-–|]+|[;'`\-–|]+$")
_ENUMERATOR = re.compile(r"^(?:\d{1,2}|[a-gđ]|[ivx]{1,4})[.)]$", re.IGNORECASE)


@dataclass
class Word:
    page: int  # 0-based page of the document
    text: str  # cleaned of dotted leaders
    toks: tuple[str, ...]
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float
    line: int
    raw: str  # as OCR gave it (colon kept)
    hit: int | None = None  # index of the hit (label, stop, section) the word is part of
    shifted: bool = False  # given to a label whose row it sits well off (assemble)

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Hit:
    """A phrase of the form table found on a page."""

    kind: str  # "label", "stop", "section" or "heading"
    page: int
    words: list[Word]
    score: float  # 0..1 match quality
    alias: str
    specs: tuple[LabelSpec, ...] = ()  # labels whose alias this is
    section: str | None = None  # for section phrases and headings
    order: int = 0  # position in reading order
    resolved: LabelSpec | None = None
    weak: bool = False  # read too badly to match alone; kept where its position confirms it

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def yc(self) -> float:
        return statistics.median(w.yc for w in self.words)


@dataclass
class PageLayout:
    index: int  # 0-based page of the document
    words: list[Word]
    line_height: float
    left: float  # where the labels start (the form's left margin)
    right: float
    split: float | None = None  # x between two text columns
    pitch: float = 0.0  # distance between two printed rows
    ocr_page: OcrPage | None = None
    to_ocr: np.ndarray | None = None  # 2×3 affine: upright pixels → ocr_image pixels
    #: Words dropped as what OCR makes of dotted lines (`_is_junk`): a value's first word read
    #: badly (`Sð` for `Số`) is among them.
    dropped: list[Word] = field(default_factory=list)


@dataclass
class Layout:
    form: FormSpec
    pages: list[PageLayout]
    hits: list[Hit] = field(default_factory=list)
    #: The sections of a two-column form's columns, left to right, when the page tells them.
    columns: tuple[str, str] | None = None

    def section_order(self) -> list[str]:
        """Sections in reading order of their first phrase or heading (a two-column form's columns
        first, left to right, when known)."""
        seen: list[str] = list(self.columns or ())
        for h in sorted(self.hits, key=lambda h: h.order):
            if h.kind in ("section", "heading") and h.section not in seen:
                seen.append(h.section)
        return seen


def clean_word(text: str) -> str:
    """A word without the dotted leaders OCR attached to it (`Kinh......` → `Kinh`); a single
    trailing comma, full stop or semicolon stays (it belongs to the printed value: `thôn; Đất`)."""
    text = _LEADERS.sub(" ", text).strip()
    semicolon = bool(re.search(r"\w;$", text))
    text = _EDGE_JUNK.sub("", text).strip()
    return text + ";" if semicolon and text and not text.endswith(";") else text


#: Where one OCR box holds a label and its value: spaces, after a label's colon or semicolon
#: (`tộc:Kinh`), and where a lower-case letter runs into a digit or a capital (`sinh18/11/1996`,
#: `tộcKinh`, `mẹt.Ê`: Vietnamese words never change case or turn to digits inside).
_SPLIT = re.compile(r"\s+|(?<=[^\s\d][:;])(?=\S)")
#: How a label ends on the page: a colon, which OCR often reads as a semicolon.
_LABEL_END = (":", ";")


#: Labels' last words that OCR runs into the value's first word (`ghi bằng chữngày hai mươi`):
#: no Vietnamese syllable starts with them and goes on for two letters or more.
_GLUED_LABEL_ENDS = ("chữ",)


def _speck(c: str) -> bool:
    """A mark no word holds inside (`.`, `|`, `£`), unlike a hyphen, slash or apostrophe."""
    return not c.isalnum() and not c.isspace() and c not in "-–/'’"


def _case_parts(text: str) -> list[str]:
    cuts = [
        i
        for i in range(1, len(text))
        if (text[i - 1].islower() and (text[i].isdigit() or text[i].isupper()))
        # `mẹt.Ê`, `chữ\GÀY`, `m£RẦN`: a label's last letters, a speck and the value's first capital
        or (i >= 2 and _speck(text[i - 1]) and text[i - 2].islower() and text[i].isupper())
    ]
    for end in _GLUED_LABEL_ENDS:
        if text.startswith(end) and len(text) >= len(end) + 2 and text[len(end) :][:2].isalpha():
            cuts.append(len(end))
        # The colon read as a hyphen between them (`chữ-Ngày`): the hyphen stays with the label.
        rest = text[len(end) + 1 :]
        if text.startswith(end) and text[len(end) : len(end) + 1] in ("-", "–") and rest[:2].isalpha():
            cuts.append(len(end) + 1)
    cuts = sorted(set(cuts))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _split_word(text: str) -> list[tuple[str, float, float]]:
    """A box OCR read as one word but holding two (`tộc Kinh`, `tộc:Kinh`): the parts with their
    share of the box's width, by characters."""
    parts = [q for p in _SPLIT.split(text) if p for q in _case_parts(p)]
    if len(parts) <= 1:
        return [(text, 0.0, 1.0)]
    total = sum(len(p) for p in parts) + len(parts) - 1
    out, pos = [], 0
    for p in parts:
        out.append((p, pos / total, (pos + len(p)) / total))
        pos += len(p) + 1
    return out


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$"
)


def _is_junk(text: str, conf: float) -> bool:
    """What OCR makes of a dotted line: low confidence and no Vietnamese syllable or number."""
    if conf >= 0.35:
        return False
    folded = "".join(tokens(text))
    if not folded:
        return True
    if folded.isdigit():
        return len(set(folded)) <= 2 and len(folded) >= 4 or conf < 0.1 and len(folded) >= 6
    if any(c.isdigit() for c in folded):
        return not re.fullmatch(r"[a-z]{0,3}\d+[a-z]?", folded) or conf < 0.1
    return not _SYLLABLE.match(folded)


#: Marks no word of these forms holds: OCR's reading of dots and stains (`se°e®`, `99%`).
_STAIN_MARKS = re.compile(r"[°©®%=]")
#: A line read from a dotted line: at least this many words, this unsure (mean, by characters),
#: this share of them no word.
_DOTTED_LINE_WORDS = 4
_DOTTED_LINE_CONF = 0.4
_DOTTED_LINE_SHARE = 0.5


def _no_word(text: str) -> bool:
    """Neither a Vietnamese syllable nor a number (`sóo6060666`, `tS66`, `se°e®`)."""
    if _STAIN_MARKS.search(text):
        return True
    folded = "".join(tokens(text))
    if not folded:
        return True
    if folded.isdigit():
        return False
    return any(c.isdigit() for c in folded) or not _SYLLABLE.match(folded)


def _dotted_lines(page: OcrPage) -> set[int]:
    """The OCR lines read from a row's dotted line or a stain under it (`9° S7 sẰ=°S
    see°es°°°°e°e° S166`): many words, mostly unsure, mostly no word at all. Left in, they sit within
    a row of a value and are taken into it word by word; their words go to `dropped`."""
    lines: dict[int, list] = {}
    for w in page.words:
        lines.setdefault(w.line, []).append(w)
    junk: set[int] = set()
    for n, ws in lines.items():
        chars = sum(len(w.text) for w in ws) or 1
        mean = sum(w.confidence * len(w.text) for w in ws) / chars
        if (
            len(ws) >= _DOTTED_LINE_WORDS
            and mean < _DOTTED_LINE_CONF
            and sum(_no_word(w.text) for w in ws) >= _DOTTED_LINE_SHARE * len(ws)
        ):
            junk.add(n)
    return junk


def is_enumerator(text: str) -> bool:
    """`2.`, `a)`, `đ)`, `b.`, `II.`: the start of a new item of a form."""
    return bool(_ENUMERATOR.match(text.strip()))


def page_layout(page: OcrPage, index: int) -> PageLayout:
    to_ocr = cv2.invertAffineTransform(np.asarray(page.prepared.ocr_to_upright, dtype=np.float64))
    words: list[Word] = []
    dropped: list[Word] = []
    for w in page.words:
        x0, y0, x1, y1 = w.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ox = to_ocr[0][0] * cx + to_ocr[0][1] * cy + to_ocr[0][2]
        oy = to_ocr[1][0] * cx + to_ocr[1][1] * cy + to_ocr[1][2]
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        for text, a, b in _split_word(w.text):
            cleaned = clean_word(text)
            if not cleaned and text in ("-", "–") and w.confidence >= 0.6:
                cleaned = "-"  # the hyphen of `Bà Rịa - Vũng Tàu` belongs to the value
            wx0 = ox - hw + 2 * hw * a
            wx1 = ox - hw + 2 * hw * b
            word = Word(
                index, cleaned, tokens(cleaned), wx0, oy - hh, wx1, oy + hh, w.confidence, w.line, text
            )
            if not cleaned or _is_junk(cleaned, w.confidence):
                if any(c.isalnum() for c in text):
                    dropped.append(word)
                continue
            words.append(word)
    junk = _dotted_lines(page)
    dropped.extend(w for w in words if w.line in junk)
    words = [w for w in words if w.line not in junk]
    heights = [w.y1 - w.y0 for w in words if len(w.text) >= 3 and any(c.isalpha() for c in w.text)]
    lh = statistics.median(heights) if heights else 30.0
    right = max((w.x1 for w in words), default=0.0)
    left = min((w.x0 for w in words), default=0.0)
    return PageLayout(
        index, words, lh, left, right, pitch=_pitch(words, lh), ocr_page=page, to_ocr=to_ocr, dropped=dropped
    )


def _pitch(words: list[Word], lh: float) -> float:
    """The distance between two printed rows: the median step between the centres of OCR lines."""
    ys = sorted(statistics.median(w.yc for w in ws) for ws in _by_line(words).values())
    steps = [b - a for a, b in zip(ys, ys[1:], strict=False) if 0.8 * lh < b - a < 4 * lh]
    return statistics.median(steps) if steps else 2.0 * lh


def _by_line(words: list[Word]) -> dict[int, list[Word]]:
    out: dict[int, list[Word]] = {}
    for w in words:
        out.setdefault(w.line, []).append(w)
    return out


def _lines(pl: PageLayout) -> list[list[Word]]:
    """OCR lines cut where a wide gap separates two runs of words (two columns read as one line)."""
    by_line: dict[int, list[Word]] = {}
    for w in pl.words:
        by_line.setdefault(w.line, []).append(w)
    out = []
    for ws in by_line.values():
        ws.sort(key=lambda w: w.x0)
        seg = [ws[0]]
        for w in ws[1:]:
            if w.x0 - seg[-1].x1 > 3.0 * pl.line_height:
                out.append(seg)
                seg = []
            seg.append(w)
        out.append(seg)
    return out


def _threshold(alias: str) -> float:
    n = len(alias.replace(" ", ""))
    if n <= 5:
        return 100.0
    if n <= 10:
        return 87.0
    return 82.0


@dataclass(frozen=True)
class _Phrase:
    kind: str
    alias: str
    toks: tuple[str, ...]
    colon: bool
    specs: tuple[LabelSpec, ...] = ()
    section: str | None = None


def _phrases(form: FormSpec) -> list[_Phrase]:
    by_alias: dict[tuple[str, str], list[LabelSpec]] = {}
    for spec in form.labels:
        for alias in spec.aliases:
            by_alias.setdefault(("label", alias), []).append(spec)
    out = [
        _Phrase("label", a, tokens(a), a.rstrip().endswith(":"), tuple(specs))
        for (_, a), specs in by_alias.items()
    ]
    out += [_Phrase("stop", a, tokens(a), a.rstrip().endswith(":")) for a in form.stops]
    out += [_Phrase("section", a, tokens(a), False, section=s) for s, al in form.sections.items() for a in al]
    return out


def _match(words: list[Word], toks: tuple[str, ...], colon: bool) -> list[tuple[int, int, float]]:
    """(start, end, score 0..1) of every run of words that reads as the phrase."""
    target = " ".join(toks)
    need = _threshold(target)
    n = len(toks)
    found = []
    for i in range(len(words)):
        if not words[i].toks:
            continue
        for k in (n, n - 1, n + 1):
            if k < 1 or i + k > len(words):
                continue
            # A colon ends a label: a run with one inside reaches into the value.
            if any(w.raw.rstrip().endswith(_LABEL_END) for w in words[i : i + k - 1]):
                continue
            # Nor does a label printed in lower case run on into a value typed in capitals.
            if _into_capitals(words[i : i + k], toks):
                continue
            cand = " ".join(t for w in words[i : i + k] for t in w.toks)
            if abs(len(cand) - len(target)) > max(2, len(target) // 8):
                continue
            score = fuzz.ratio(target, cand)
            if score < need:
                continue
            last = words[i + k - 1]
            if (
                colon
                and not last.raw.rstrip().endswith(_LABEL_END)
                and not (i + k < len(words) and words[i + k].raw.startswith(_LABEL_END))
            ):
                continue
            found.append((i, i + k, score / 100.0))
    return found


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _into_capitals(run: list[Word], toks: tuple[str, ...]) -> bool:
    """A run that starts in lower-case words and ends in a word of capitals that is not the
    label's own last word (`tên NGUYỄN`, `tên HỒ` for `tên cha`, but not `cấp GCN`)."""
    last = run[-1]
    n = len(last.toks)
    return (
        len(run) > 1
        and any(not _capitals(w.text) for w in run[:-1])
        and _capitals(last.text)
        and not (n and tuple(last.toks) == tuple(toks[-n:]))
    )


def _rank(cand: tuple[int, int, float, _Phrase], words: list[Word]) -> tuple[float, float, int]:
    """Sort key of overlapping phrase candidates: the most letters matched first (a long label read
    with a slip beats a short one inside it), then the fewest letters wrong (`người raẹ` is
    `người mẹ` with two slips and `người cha` with three: both match 22 letters)."""
    i, j, score, ph = cand
    read = " ".join(t for w in words[i:j] for t in w.toks)
    matched = score * (len(" ".join(ph.toks)) + len(read)) / 2
    return (-round(matched, 6), -score, i)


#: How closely the words that tell a label from a shorter one it starts with must read (fuzz.ratio
#: of the folded text: `mẹ` read `rnẹ` 80 or `m£` 67 passes, `tên: LÊ` read `tên tỆ` 50 is no `tên mẹ`).
_DISTINCT_SCORE = 60.0


def _extra_tokens(phrases: list[_Phrase]) -> dict[int, int]:
    """For each phrase that is another phrase of the form with words added (`họ và tên mẹ` of `họ và
    tên`), by id: how many leading tokens the two share."""
    out: dict[int, int] = {}
    for ph in phrases:
        shared = [
            len(other.toks)
            for other in phrases
            if other.kind in ("label", "section")
            and len(other.toks) < len(ph.toks)
            and ph.toks[: len(other.toks)] == other.toks
        ]
        if shared and ph.kind in ("label", "section"):
            out[id(ph)] = max(shared)
    return out


def _distinct(words: list[Word], i: int, j: int, ph: _Phrase, shared: int) -> bool:
    """Whether the run's words after those a shorter phrase shares read as the phrase's own
    (`mẹ` of `Họ và tên mẹ:`): a slip there makes another label, or a value glued to the shorter
    one (`Họ và tên tỆ ÁNH` is the child's `Họ và tên: LÊ ÁNH`, not the mother's)."""
    toks = [t for w in words[i:j] for t in w.toks]
    return fuzz.ratio("".join(ph.toks[shared:]), "".join(toks[shared:])) >= _DISTINCT_SCORE


def find_hits(form: FormSpec, pages: list[PageLayout]) -> list[Hit]:
    phrases = _phrases(form)
    extra = _extra_tokens(phrases)
    hits: list[Hit] = []
    for pl in pages:
        lines = _lines(pl)
        for words in lines:
            cands: list[tuple[int, int, float, _Phrase]] = []
            for ph in phrases:
                for i, j, score in _match(words, ph.toks, ph.colon):
                    if id(ph) in extra and not _distinct(words, i, j, ph, extra[id(ph)]):
                        continue
                    cands.append((i, j, score, ph))
            # Labels and stops take their words, the longest phrase first; sections do not.
            taken: list[tuple[int, int]] = []
            stopped: list[tuple[int, int]] = []
            consuming = [c for c in cands if c[3].kind != "section"]
            # Best first by matched letters: a long label read with a slip beats a short one inside it.
            consuming.sort(key=lambda c: _rank(c, words))
            for i, j, score, ph in consuming:
                if any(i < b and a < j for a, b in taken):
                    continue
                taken.append((i, j))
                if ph.kind == "stop":
                    stopped.append((i, j))
                hits.append(Hit(ph.kind, pl.index, words[i:j], score, ph.alias, ph.specs))
            sections = [c for c in cands if c[3].kind == "section"]
            sections.sort(key=lambda c: _rank(c, words))
            # A section phrase inside a stop phrase (`GIẤY KHAI SINH` in `NGƯỜI KÝ GIẤY KHAI SINH`)
            # opens no section.
            taken = list(stopped)
            for i, j, score, ph in sections:
                if any(i < b and a < j for a, b in taken):
                    continue
                taken.append((i, j))
                hits.append(Hit("section", pl.index, words[i:j], score, ph.alias, section=ph.section))
            # Headings stand alone in their run of words.
            for section, aliases in form.headings.items():
                text = " ".join(t for w in words for t in w.toks)
                for alias in aliases:
                    target = " ".join(tokens(alias))
                    if text and fuzz.ratio(target, text) >= (100.0 if len(target) <= 5 else 88.0):
                        hits.append(Hit("heading", pl.index, list(words), 1.0, alias, section=section))
    for n, h in enumerate(hits):
        if h.kind in ("label", "stop"):
            for w in h.words:
                w.hit = n
    return hits


def _column_labels(form: FormSpec, pl: PageLayout, hits: list[Hit]) -> list[Hit]:
    """The labels of a column's section (a spouse's) on one page."""
    return [
        h
        for h in hits
        if h.page == pl.index
        and h.kind == "label"
        and any(isinstance(s.section, str) and s.section in form.headings for s in h.specs)
    ]


def _headings_and_captions(form: FormSpec, pl: PageLayout, hits: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """Heading hits above the columns' labels (`CHỒNG`, `VỢ` over each column) and below them (the
    `Chồng`, `Vợ` captions of the signatures at the bottom, printed in the columns' order)."""
    heads = [h for h in hits if h.page == pl.index and h.kind == "heading"]
    labels = _column_labels(form, pl, hits)
    if not labels:
        return heads, []
    top = min(h.yc for h in labels)
    bottom = max(h.yc for h in labels)
    return [h for h in heads if h.yc < top], [h for h in heads if h.yc > bottom]


def column_split(form: FormSpec, pl: PageLayout, hits: list[Hit]) -> float | None:
    """The x between two text columns: just left of the right copy of a label that both columns
    carry on one row, or midway between the two columns' headings, or the middle of the page."""
    if form.columns < 2:
        return None
    labels = _column_labels(form, pl, hits)
    for a in labels:
        for b in labels:
            if a.alias == b.alias and abs(a.yc - b.yc) < pl.line_height and a.x1 < b.x0:
                return b.x0 - pl.line_height
    heads, _ = _headings_and_captions(form, pl, hits)
    for a in heads:
        for b in heads:
            if a.section != b.section and abs(a.yc - b.yc) < pl.line_height and a.x1 < b.x0:
                return ((a.x0 + a.x1) / 2 + (b.x0 + b.x1) / 2) / 2
    return (pl.left + pl.right) / 2


def column_sections(form: FormSpec, pl: PageLayout, hits: list[Hit]) -> tuple[str, str] | None:
    """The sections of the left and right columns of a two-column page, from what survived OCR: the
    headings over the columns (one is enough: the other column holds the other section), else the
    captions at the bottom, left to right. None when neither tells."""
    sections = list(form.headings)
    if form.columns < 2 or len(sections) != 2 or pl.split is None:
        return None
    heads, captions = _headings_and_captions(form, pl, hits)
    by_col: dict[int, set[str]] = {}
    for h in heads:
        by_col.setdefault(column_of(pl, (h.x0 + h.x1) / 2), set()).add(h.section)
    known = {c: next(iter(s)) for c, s in by_col.items() if len(s) == 1}
    if len(known) == 2 and known[0] != known[1]:
        return known[0], known[1]
    if len(known) == 1 and len(by_col) == 1:
        col, section = next(iter(known.items()))
        other = next(s for s in sections if s != section)
        return (section, other) if col == 0 else (other, section)
    row = sorted(captions, key=lambda h: h.x0)
    if len(row) == 2 and row[0].section != row[1].section and abs(row[0].yc - row[1].yc) < pl.line_height:
        return row[0].section, row[1].section
    return None


def _resolve_columns(form: FormSpec, pls: list[PageLayout], hits: list[Hit]) -> list[tuple[str, str]]:
    """Each column label takes the spec of its column's section (see `column_sections`); the
    sections of the columns, left to right, per page where they are known."""
    found = []
    for pl in pls:
        cols = column_sections(form, pl, hits)
        if cols is None:
            continue
        found.append(cols)
        for h in _column_labels(form, pl, hits):
            section = cols[column_of(pl, h.x0)]
            h.resolved = next((s for s in h.specs if s.in_section(section)), h.resolved)
    return found


def lost_rows(pl: PageLayout, max_rows: int = 4) -> list[float]:
    """Heights (y) where a printed row OCR lost entirely should be: between two rows that start at
    the form's left margin (labels, and values wrapped to it) further apart than one row's pitch,
    one per missing pitch; at most `max_rows`, the largest gaps first."""
    by_line = _by_line(pl.words)
    if len(by_line) < 3 or pl.pitch <= 0:
        return []
    starts = sorted((min(w.x0 for w in ws), statistics.median(w.yc for w in ws)) for ws in by_line.values())
    margin = statistics.median(x for x, _ in starts[: max(3, len(starts) // 2)])
    lh = pl.line_height
    ys = sorted(y for x, y in starts if abs(x - margin) < 2.0 * lh)
    found: list[tuple[float, float]] = []
    for a, b in zip(ys, ys[1:], strict=False):
        gap = b - a
        k = round(gap / pl.pitch) - 1
        if gap < 1.6 * pl.pitch or k < 1 or k > 3:
            continue
        for j in range(1, k + 1):
            y = a + j * gap / (k + 1)
            # A row of other words there (a value typed off its line, a right column) is no loss.
            if any(abs(statistics.median(w.yc for w in ws) - y) < 0.45 * pl.pitch for ws in by_line.values()):
                continue
            found.append((-gap, y))
    return [y for _, y in sorted(found)[:max_rows]]


def add_line(pl: PageLayout, words: list[tuple[str, tuple[float, float, float, float], float]]) -> int:
    """Words read again from a strip of the page (text, box in the image OCR read, confidence) as a
    new OCR line of the page; the line's number."""
    line = max((w.line for w in pl.words), default=0) + 1000
    for text, (x0, y0, x1, y1), conf in words:
        for part, a, b in _split_word(text):
            cleaned = clean_word(part)
            if not cleaned or _is_junk(cleaned, conf):
                continue
            wx0, wx1 = x0 + (x1 - x0) * a, x0 + (x1 - x0) * b
            pl.words.append(Word(pl.index, cleaned, tokens(cleaned), wx0, y0, wx1, y1, conf, line, part))
    return line


def garbled_rows(pl: PageLayout, max_rows: int = 3) -> list[tuple[float, int]]:
    """(y, OCR line) of rows at the form's left margin where no phrase of the form was found and
    OCR was unsure of a word (`s&£! ngà#/2/2019` for `Số: 61 Quyển số: 01/2019 ngày 02/2/2019`);
    at most `max_rows`, the least sure first. Needs `find_hits` to have marked the label words."""
    by_line = _by_line(pl.words)
    if len(by_line) < 3:
        return []
    starts = sorted(min(w.x0 for w in ws) for ws in by_line.values())
    margin = statistics.median(starts[: max(3, len(starts) // 2)])
    out = []
    for line, ws in by_line.items():
        if abs(min(w.x0 for w in ws) - margin) >= 2.0 * pl.line_height or any(w.hit is not None for w in ws):
            continue
        low = min(w.conf for w in ws)
        if low < 0.7:
            out.append((low, statistics.median(w.yc for w in ws), line))
    return [(y, line) for _, y, line in sorted(out)[:max_rows]]


def read_layout(form: FormSpec, pages: list[OcrPage], *, recover_rows=None) -> Layout:
    """Words, phrases and sections of a document's pages, with every hit's label resolved.

    `recover_rows(page_layout) -> [(line added, line it reads again or None)]`: reads rows OCR
    lost (`lost_rows`) or garbled (`garbled_rows`) again; a row read that holds none of the form's
    phrases is dropped again, and one that does replaces a garbled row that held none."""
    pls = [page_layout(p, i) for i, p in enumerate(pages)]
    if recover_rows is not None:
        find_hits(form, pls)  # marks label words, so `garbled_rows` knows the rows with a phrase
        added = dict(pair for pl in pls for pair in recover_rows(pl))
        for pl in pls:
            for w in pl.words:
                w.hit = None
        if added:
            hits = find_hits(form, pls)
            with_hits = {w.line for h in hits for w in h.words}
            useful = {n for n, old in added.items() if n in with_hits and old not in with_hits}
            gone = set(added) - useful | {added[n] for n in useful if added[n] is not None}
            for pl in pls:
                pl.words = [w for w in pl.words if w.line not in gone]
                for w in pl.words:
                    w.hit = None
    hits = find_hits(form, pls)
    for pl in pls:
        labels = [h for h in hits if h.page == pl.index and h.kind == "label"]
        if labels:
            pl.left = min(h.x0 for h in labels) - pl.line_height
        pl.split = column_split(form, pl, hits)
    _order(pls, hits)
    _resolve_sections(hits, form)
    columns = _resolve_columns(form, pls, hits)
    weak = _weak_labels(form, pls, hits)
    if weak:
        hits += weak
        _order(pls, hits)
        _resolve_sections(hits, form)
        columns = _resolve_columns(form, pls, hits)
        _keep_best_weak(hits)
    # A label outside every section it belongs to is no label here (`ngày` of a death notice is
    # not the registration date's): its words go back to the values around it.
    for h in hits:
        if h.kind == "label" and h.resolved is None:
            for w in h.words:
                w.hit = None
    hits = [h for h in hits if h.kind != "label" or h.resolved is not None]
    return Layout(form, pls, hits, columns[0] if columns else None)


#: Fuzzy score (0..100) a label read badly must reach where its position confirms it: a field not
#: found otherwise, a run of words that starts its row or follows a gap, in the label's section.
_WEAK = 70.0
_WEAK_SHORT = 80.0  # labels of 6–10 letters


def _weak_labels(form: FormSpec, pls: list[PageLayout], hits: list[Hit]) -> list[Hit]:
    """Labels read too badly for `_match` (`Nơi đồng lý Thai nhún` for `Nơi đăng ký khai sinh`) of
    fields no label was found for: candidates at a lower fuzzy score, taken only at the start of a
    run of words; `_keep_best_weak` keeps those their section confirms, the best one per field."""
    found = {h.resolved.field for h in hits if h.kind == "label" and h.resolved is not None}
    by_alias: dict[str, list[LabelSpec]] = {}
    for spec in form.labels:
        if spec.field in found:
            continue
        for alias in spec.aliases:
            if len(alias.replace(" ", "")) > 5:
                by_alias.setdefault(alias, []).append(spec)
    if not by_alias:
        return []
    phrase_words = {id(w) for h in hits for w in h.words}
    # Every printed phrase of the form: a run that reads more like another one (a section's phrase
    # read badly: `Người sử dụ hủ` for `Người sử dụng đất`) is that one, not a weak label.
    printed = {" ".join(tokens(a)): a for a in {*(a for sp in form.labels for a in sp.aliases), *form.stops}}
    printed.update({" ".join(tokens(a)): a for al in form.sections.values() for a in al})
    out: list[Hit] = []
    for pl in pls:
        for words in _lines(pl):
            starts = [
                i
                for i, w in enumerate(words)
                if id(w) not in phrase_words and (i == 0 or w.x0 - words[i - 1].x1 > 1.5 * pl.line_height)
            ]
            best: dict[int, tuple[float, int, str]] = {}
            for alias in by_alias:
                toks = tokens(alias)
                target = " ".join(toks)
                need = _WEAK_SHORT if len(target.replace(" ", "")) <= 10 else _WEAK
                for i in starts:
                    for k in (len(toks), len(toks) - 1, len(toks) + 1):
                        run = words[i : i + k]
                        if k < 1 or i + k > len(words) or any(id(w) in phrase_words for w in run):
                            continue
                        if _capitals(run[0].text) or _into_capitals(run, toks):
                            continue
                        if any(w.raw.rstrip().endswith(_LABEL_END) for w in run[:-1]):
                            continue
                        cand = " ".join(t for w in run for t in w.toks)
                        score = fuzz.ratio(target, cand)
                        if score >= need and (i not in best or score > best[i][0]):
                            best[i] = (score, k, alias)
            for i, (score, k, alias) in list(best.items()):
                cand = " ".join(t for w in words[i : i + k] for t in w.toks)
                fields = {sp.field for sp in by_alias[alias]}
                if any(
                    fuzz.ratio(other, cand) > score
                    for other, a in printed.items()
                    if a != alias and not fields & {sp.field for sp in form.labels if a in sp.aliases}
                ):
                    del best[i]
            for i, (score, k, alias) in best.items():
                h = Hit("label", pl.index, words[i : i + k], score / 100.0, alias, tuple(by_alias[alias]))
                h.weak = True
                out.append(h)
    return out


def _keep_best_weak(hits: list[Hit]) -> None:
    """Of the weak labels (`_weak_labels`) those whose section resolved them, the best per field;
    their words become label words."""
    best: dict[str, Hit] = {}
    for h in hits:
        if h.weak and h.resolved is not None:
            f = h.resolved.field
            if f not in best or h.score > best[f].score:
                best[f] = h
    keep = {id(h) for h in best.values()}
    hits[:] = [h for h in hits if not h.weak or id(h) in keep]
    for n, h in enumerate(hits):
        if id(h) in keep:
            for w in h.words:
                w.hit = n


def column_of(pl: PageLayout, x: float) -> int:
    return 0 if pl.split is None or x < pl.split else 1


def _order(pls: list[PageLayout], hits: list[Hit]) -> None:
    """Reading order: page, column (two-column forms), then rows top to bottom, left to right."""

    def key(h: Hit):
        pl = pls[h.page]
        col = column_of(pl, (h.x0 + h.x1) / 2 if h.kind == "heading" else h.x0)
        return (h.page, col, h.yc)

    ordered = sorted(hits, key=key)
    rows: list[list[Hit]] = []
    for h in ordered:
        pl = pls[h.page]
        if rows and key(rows[-1][0])[:2] == key(h)[:2] and abs(rows[-1][0].yc - h.yc) < 0.6 * pl.line_height:
            rows[-1].append(h)
        else:
            rows.append([h])
    n = 0
    for row in rows:
        for h in sorted(row, key=lambda h: (h.x0, h.kind not in ("section", "heading"))):
            h.order = n
            n += 1


def _resolve_sections(hits: list[Hit], form: FormSpec | None = None) -> None:
    """Each label takes the spec of the section it stands in (the last section phrase before it).

    Where OCR lost a section's phrase (`Họ và tên mẹ:` read as `Họ và A:`), its labels would
    repeat the section before it; a label whose field that section already has, on another row,
    opens the one section not seen yet that has the label (`Dân tộc` a second time after the
    father's block: the mother's). A weak label (`_weak_labels`) whose alias is a section's phrase
    opens that section the same way."""
    section: str | None = None
    seen: set[str] = set()
    had: dict[str, Hit] = {}  # field -> the hit that gave it, in the current section
    opening = {a: s for s, aliases in (form.sections if form else {}).items() for a in aliases}
    order = list(form.sections) if form else []
    inferred: dict[str, list[Hit]] = {}  # sections opened by their labels, not their phrase
    for h in sorted(hits, key=lambda h: h.order):
        if h.kind in ("section", "heading"):
            section = h.section
            if section in inferred:
                _reassign(inferred.pop(section), section, order, seen)
            seen.add(section)
            had = {}
            continue
        if h.kind != "label":
            continue
        h.resolved = None
        spec = next((sp for sp in h.specs if sp.in_section(section)), None)
        new = None
        unseen = [s for s in order if s not in seen and any(sp.in_section(s) for sp in h.specs)]
        if h.weak and spec is None and opening.get(h.alias) not in (None, *seen):
            new = opening[h.alias]
        elif spec is not None and spec.field in had and not _same_row_hits(had[spec.field], h):
            if len(unseen) == 1 or unseen[:1] == [_next_section(order, section)]:
                new = unseen[0]
        elif spec is None and h.score == 1.0 and unseen[:1] == [_next_section(order, section)] and had:
            # A label read exactly that the current section does not have (`Năm sinh` after the
            # child's block) opens the section the form prints next, when that one has it.
            new = unseen[0]
        if new is not None:
            section = new
            seen.add(section)
            had = {}
            spec = next((sp for sp in h.specs if sp.in_section(section)), None)
            if not h.weak:
                inferred[section] = []
        if spec is not None:
            h.resolved = spec
            had[spec.field] = h
            if section in inferred:
                inferred[section].append(h)


def _reassign(block: list[Hit], section: str, order: list[str], seen: set[str]) -> None:
    """A block of labels taken for `section` before that section's own phrase came: it was
    another section whose phrase OCR lost (the father's block printed before the mother's on the
    older birth form): the first section not seen yet that has its labels, else none."""
    others = [
        s
        for s in order
        if s not in seen and s != section and all(any(sp.in_section(s) for sp in h.specs) for h in block)
    ]
    for h in block:
        h.resolved = next((sp for sp in h.specs if others and sp.in_section(others[0])), None)
    if others:
        seen.add(others[0])


def _next_section(order: list[str], section: str | None) -> str | None:
    """The section the form prints after `section` (None after the last or an unknown one)."""
    if section not in order:
        return None
    i = order.index(section)
    return order[i + 1] if i + 1 < len(order) else None


def _same_row_hits(a: Hit, b: Hit) -> bool:
    return a.page == b.page and abs(a.yc - b.yc) < 0.6 * statistics.median(w.y1 - w.y0 for w in a.words)
