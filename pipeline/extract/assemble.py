"""From a document's layout to its fields: values next to and below their labels, values found by
their shape, cut to their kinds, validated, with a confidence (see the package docstring)."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from sohoa.schemas import DocumentIssue, FieldValue, field_kind, validate_field_value

from ..forms import fold
from ..forms.spec import tokens
from ..validate import check_document
from ..validate.land import purpose_to_codes
from ..validate.normalize import PLACE_FIELDS, normalized_value
from ..validate.places import snap_place
from .codes import apply_codes
from .confidence import score_fields
from .layout import Hit, Layout, PageLayout, Word, column_of, is_enumerator
from .reread import _BLANK_KINDS, _CLOSED_FIELDS, MAX_BLANK_READS, read_blank, recover
from .values import cut, digits_fixed

#: How far (in line heights) a value may sit above or below its label's row.
_ROW_BAND = 0.8
#: How far a value may sit off the row of a label that has nothing on its own row (at most 0.62 of
#: the distance between printed rows).
_SHIFT_BAND = 1.4
#: Confidence factor of a value found that far off its label's row, or by a label read too badly
#: to match without its position (`layout._weak_labels`).
_PLACED = 0.9
#: The most confidence of a value whose label was not on the row it belongs on (`LabelSpec.row_with`).
_OFF_ROW = 0.85
#: The most continuation lines a value runs on to.
_MAX_MORE_LINES = 3


@dataclass
class RawValue:
    field: str
    kind: str
    text: str
    words: list[Word]
    label_score: float
    page: int
    lines: int = 1
    source: str = "label"  # "label", "pattern", "derived" or "code" (a QR code, `codes.py`)
    cut_clean: float = 1.0
    value: str | None = None
    notes: dict = field(default_factory=dict)


def _same_row(a: Hit, b: Hit, pl: PageLayout) -> bool:
    return a.page == b.page and abs(a.yc - b.yc) < 0.6 * pl.line_height


def _right_limit(h: Hit, barriers: list[Hit], pl: PageLayout, layout: Layout) -> float:
    xs = [b.x0 for b in barriers if b is not h and _same_row(b, h, pl) and b.x0 > h.x1 - 0.5 * pl.line_height]
    if _in_left_column(h, pl, layout):
        xs.append(pl.split)
    return min(xs) if xs else pl.right + 1


def _in_left_column(h: Hit, pl: PageLayout, layout: Layout) -> bool:
    """A label of a column's section (a spouse's) in the left column: its value stops at the split."""
    spec = h.resolved
    return (
        pl.split is not None
        and column_of(pl, h.x0) == 0
        and spec is not None
        and isinstance(spec.section, str)
        and spec.section in layout.form.headings
    )


def _assign_same_row(layout: Layout) -> dict[int, list[Word]]:
    """Free words → the label (or stop) they stand right of, on the nearest row."""
    out: dict[int, list[Word]] = {}
    for pl in layout.pages:
        barriers = [h for h in layout.hits if h.page == pl.index and h.kind in ("label", "stop")]
        heading_words = {id(w) for h in layout.hits if h.kind == "heading" for w in h.words}
        limits = {id(h): _right_limit(h, barriers, pl, layout) for h in barriers}
        lines = {id(h): {x.line for x in h.words} for h in barriers}
        lh = pl.line_height
        row_y = _line_heights(pl, heading_words)
        for w in pl.words:
            if w.hit is not None or id(w) in heading_words:
                continue
            best = None
            for h in barriers:
                # A word OCR put on the label's own line is on its row, however high it was typed;
                # the words of one OCR line go to one row (`cơ` of a raised `Nhồi máu cơ tim`).
                dy = 0.0 if w.line in lines[id(h)] else abs(row_y[w.line] - h.yc)
                if dy > _ROW_BAND * lh or not _after_label(w, h, lh) or w.xc >= limits[id(h)]:
                    continue
                rank = (dy > 0.35 * lh, dy, w.x0 - h.x1)
                if best is None or rank < best[0]:
                    best = (rank, h)
            if best is not None:
                out.setdefault(id(best[1]), []).append(w)
        _assign_shifted(pl, barriers, limits, heading_words, out, layout.form.doc_type)
    return out


def _after_label(w: Word, h: Hit, lh: float) -> bool:
    """Whether a word stands right of a label: past its end, or typed over the second half of its
    last word (`Tổ` over `chết` of `Nơi chết`, a form fed askew)."""
    last = max(h.words, key=lambda x: x.x1)
    return w.xc > h.x1 - 0.1 * lh or w.x0 > (last.x0 + last.x1) / 2


def _line_heights(pl: PageLayout, skip: set[int]) -> dict[int, float]:
    """Per OCR line, the median height (y) of its free words."""
    ys: dict[int, list[float]] = {}
    for w in pl.words:
        if w.hit is None and id(w) not in skip:
            ys.setdefault(w.line, []).append(w.yc)
    return {line: statistics.median(v) for line, v in ys.items()}


def _legible(w: Word) -> bool:
    """A word that can be (part of) a value: a figure or two letters (`Nữ`, `4`; not `“Ÿ`)."""
    return any(c.isdigit() for c in w.text) or sum(c.isalpha() for c in w.text) >= 2


def _has_value(h: Hit, words: list[Word], doc_type: str) -> bool:
    """Whether the words on a label's row can be its value: something legible, and for a field of
    a kind with a format (a date, a year, a number), in that format (`bị Ẵ ý` is no date)."""
    if not any(_legible(w) for w in words):
        return False
    spec = h.resolved
    if spec is None:
        return True
    kind = spec.kind or field_kind(doc_type, spec.field)
    return (
        kind == "text" or cut(kind, " ".join(w.text for w in sorted(words, key=lambda w: w.x0))) is not None
    )


def _assign_shifted(
    pl: PageLayout,
    barriers: list[Hit],
    limits: dict[int, float],
    skip: set[int],
    out: dict[int, list[Word]],
    doc_type: str,
) -> None:
    """Words typed further off their row than `_ROW_BAND` (a value raised or lowered by a whole line
    on a skewed or badly fed form) → a label with nothing on its own row, when that label's row is
    the nearest label row to them (a value wrapped from the row above sits nearer its own label)."""
    lh = pl.line_height
    band = max(_ROW_BAND * lh, min(_SHIFT_BAND * lh, 0.62 * pl.pitch))
    if band <= _ROW_BAND * lh:
        return
    taken = {id(w) for ws in out.values() for w in ws}
    empty = [h for h in barriers if h.kind == "label" and not _has_value(h, out.get(id(h), []), doc_type)]
    if not empty:
        return
    rows = [h.yc for h in barriers]
    row_y = _line_heights(pl, skip)
    for w in pl.words:
        if w.hit is not None or id(w) in skip or id(w) in taken:
            continue
        nearest = min(abs(row_y[w.line] - y) for y in rows)
        best = None
        for h in empty:
            dy = abs(row_y[w.line] - h.yc)
            if not _ROW_BAND * lh < dy <= band or dy > nearest + 1e-6:
                continue
            if not _after_label(w, h, lh) or w.xc >= limits[id(h)]:
                continue
            if best is None or (dy, w.x0 - h.x1) < best[0]:
                best = ((dy, w.x0 - h.x1), h)
        if best is not None:
            got = out.setdefault(id(best[1]), [])
            if not any(x.shifted for x in got):
                got.clear()  # specks on the label's own row are no part of the value
            got.append(w)
            w.shifted = True


def _more_lines(
    h: Hit, first: list[Word], pl: PageLayout, layout: Layout, taken: set[int], barriers: list[Hit]
) -> list[list[Word]]:
    """The rows a multi-line value runs on to: below, within its column, before the next label."""
    lh = pl.line_height
    col = column_of(pl, h.x0)
    col_left = pl.left if col == 0 else pl.split - 0.5 * lh
    limit = _right_limit(h, barriers, pl, layout)
    if col == 0 and pl.split is not None and limit > pl.right:
        # A full-width row of a two-column form only when nothing of the right column is on it.
        limit = pl.right + 1
    # From the label's row down, even when the value was typed above it.
    last_y = max([w.yc for w in first] + [h.yc])
    rows: list[list[Word]] = []
    for _ in range(_MAX_MORE_LINES):
        cands = [
            w
            for w in pl.words
            if w.hit is None
            and id(w) not in taken
            and col_left <= w.xc < limit
            and last_y + 0.6 * lh < w.yc < last_y + max(2.3 * lh, 1.45 * pl.pitch)
        ]
        if not cands:
            break
        top = min(w.yc for w in cands)
        row = sorted((w for w in cands if w.yc < top + 0.6 * lh), key=lambda w: w.x0)
        row_y = sum(w.yc for w in row) / len(row)
        blocked = any(
            b.page == pl.index
            and last_y + 0.5 * lh < b.yc < row_y + 0.6 * lh
            and b.x1 > col_left
            and b.x0 < limit
            for b in layout.hits
            if b.kind in ("label", "stop", "section", "heading") and b is not h
        )
        if blocked or is_enumerator(row[0].text):
            break
        rows.append(row)
        taken.update(id(w) for w in row)
        last_y = row_y
    return rows


def _label_values(layout: Layout, doc_type: str) -> dict[str, list[RawValue]]:
    assigned = _assign_same_row(layout)
    taken = {id(w) for ws in assigned.values() for w in ws}
    found: dict[str, list[RawValue]] = {}
    for h in sorted((h for h in layout.hits if h.kind == "label" and h.resolved), key=lambda h: h.order):
        spec = h.resolved
        pl = layout.pages[h.page]
        barriers = [b for b in layout.hits if b.page == pl.index and b.kind in ("label", "stop")]
        words = sorted(assigned.get(id(h), []), key=lambda w: w.x0)
        lines = [words] if words else []
        if spec.multiline:
            lines += _more_lines(h, words, pl, layout, taken, barriers)
        all_words = [w for line in lines for w in line]
        text = " ".join(w.text for w in all_words)
        for name in (spec.field, *spec.also):
            kind = spec.kind if name == spec.field and spec.kind else field_kind(doc_type, name)
            rv = RawValue(name, kind, text, all_words, h.score, h.page, max(1, len(lines)))
            rv.notes["hit"] = h
            if h.weak or any(w.shifted for w in words):
                rv.notes["position"] = _PLACED
            lost = _lost_start(h, words, pl)
            if lost is not None and kind == "text":
                rv.notes["lost_start"] = lost
            if words:  # the words given to the label's row (raised or lowered a little)
                far = (words[0].x0 - h.x1) / pl.line_height
                if far > _FAR_VALUE:
                    rv.notes["far"] = far
                    rv.notes["cap"] = min(rv.notes.get("cap", 1.0), _FAR_CAP)
            found.setdefault(name, []).append(rv)
    return found


#: A value starting this far right of its label's end (in line heights) on the label's row: values
#: are typed just after their label (≤ 2.8 line heights for 3,316 of the 3,323 values chosen on
#: fresh seeds 53, 57, 58; of the 7 further, 6 were wrong), so
#: OCR lost what stood between (a surname, `UBND`) or the words belong to a label OCR lost after
#: it (`ngày`): never sure (`_FAR_CAP`).
_FAR_VALUE = 3.0
_FAR_CAP = 0.85


def _not_its_rows_other_label(layout: Layout, chosen: dict[str, RawValue]) -> None:
    """Leave out a value found far right of its label (`Quyển số:` … `11/2024`) on a row that
    prints another label after it (`LabelSpec.row_with`: the death extract's `ngày`) that OCR did
    not find there: the words are that label's value (the date, its `ngày` and day lost), and the
    field itself was left blank."""
    for spec in layout.form.labels:
        rv = chosen.get(spec.row_with) if spec.row_with else None
        if rv is None or "far" not in rv.notes:
            continue
        pl = layout.pages[rv.page]
        first = rv.words[0]
        found = any(
            h.kind == "label"
            and h.resolved is spec
            and h.page == rv.page
            and abs(h.yc - first.yc) < pl.line_height
            and h.x1 <= first.x0
            for h in layout.hits
        )
        if not found:
            del chosen[spec.row_with]


#: A gap between a label and its value's first word (in line heights) that held a word OCR lost.
_LOST_WORD_GAP = 3.0


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _lost_start(h: Hit, words: list[Word], pl: PageLayout) -> float | None:
    """Where a word OCR read too badly to keep (`Sð` for `Số`, `WGUYỄN`) stands between a label and
    its value's first word: the x the value's second reading starts from; None when none does."""
    if not words:
        return None
    first = words[0]
    lh = pl.line_height
    xs = [
        d.x0
        for d in pl.dropped
        if abs(d.yc - first.yc) < 0.6 * lh
        and h.x1 - 0.5 * lh <= d.xc < first.x0
        and first.x0 - d.x1 < 1.5 * lh
    ]
    if xs:
        return min(xs)
    # A name in capitals starting far right of its label on the label's row (`tên:` … `HỮU LỘC`):
    # OCR lost its first word (the surname) altogether.
    if (
        abs(first.yc - h.yc) < 0.6 * lh
        and first.x0 - h.x1 > _LOST_WORD_GAP * lh
        and all(_capitals(w.text) for w in words)
    ):
        return h.x1 + 0.2 * lh
    return None


def _pattern_values(layout: Layout, doc_type: str) -> dict[str, list[RawValue]]:
    found: dict[str, list[RawValue]] = {}
    for spec in layout.form.patterns:
        rx = re.compile(spec.regex)
        for pl in layout.pages:
            if spec.page is not None and pl.index != spec.page - 1:
                continue
            for ws in _printed_rows(pl) if spec.across else _ocr_lines(pl):
                segs = [ws] if spec.across else _segments(ws, pl)
                for seg in segs:
                    text = " ".join(w.text for w in seg)
                    folded = fold(text)
                    probe = folded.strip(" .,;:-_'`|") if spec.alone else folded
                    offset = folded.find(probe) if spec.alone else 0
                    m = rx.search(probe)
                    if not m:
                        continue
                    start, end = m.start(1) + offset, m.end(1) + offset
                    value = text[start:end]
                    used = _words_in_span(seg, start, end)
                    rv = RawValue(spec.field, field_kind(doc_type, spec.field), value, used, 1.0, pl.index)
                    rv.source = "pattern"
                    if spec.cap < 1.0:
                        rv.notes["cap"] = spec.cap
                    found.setdefault(spec.field, []).append(rv)
    return found


def _ocr_lines(pl: PageLayout) -> list[list[Word]]:
    by_line: dict[int, list[Word]] = {}
    for w in pl.words:
        by_line.setdefault(w.line, []).append(w)
    return [sorted(ws, key=lambda w: w.x0) for ws in by_line.values()]


def _printed_rows(pl: PageLayout) -> list[list[Word]]:
    """OCR lines joined into the printed rows they sit on (OCR may cut a row where its labels'
    dotted lines leave wide gaps: `Số. 107` and `Quyển số: 02` on two lines), left to right."""
    rows: list[list[Word]] = []
    for ws in sorted(_ocr_lines(pl), key=lambda ws: statistics.median(w.yc for w in ws)):
        y = statistics.median(w.yc for w in ws)
        if rows and abs(y - statistics.median(w.yc for w in rows[-1])) < 0.6 * pl.line_height:
            rows[-1] = sorted(rows[-1] + ws, key=lambda w: w.x0)
        else:
            rows.append(ws)
    return rows


def _segments(ws: list[Word], pl: PageLayout) -> list[list[Word]]:
    segs = [[ws[0]]]
    for w in ws[1:]:
        if w.x0 - segs[-1][-1].x1 > 3.0 * pl.line_height:
            segs.append([])
        segs[-1].append(w)
    return segs


def _words_in_span(seg: list[Word], start: int, end: int) -> list[Word]:
    out, pos = [], 0
    for w in seg:
        a, b = pos, pos + len(w.text)
        if a < end and start < b:
            out.append(w)
        pos = b + 1
    return out


def _on_row_with(rv: RawValue, field_name: str, layout: Layout) -> bool:
    """Whether the value's label stands on one row with the label of `field_name`."""
    h = rv.notes.get("hit")
    if h is None:
        return False
    pl = layout.pages[h.page]
    return any(
        o.kind == "label"
        and o.resolved is not None
        and o.resolved.field == field_name
        and o.page == h.page
        and abs(o.yc - h.yc) < 0.6 * pl.line_height
        for o in layout.hits
    )


def _row_with(cands: list[RawValue], layout: Layout) -> list[RawValue]:
    """Usable candidates of a label whose value belongs on another label's row
    (`LabelSpec.row_with`): those on that row when there are any; else all, capped below the bar
    (the signer's date of an original extract is its registration date; of a copy, it is not)."""
    specs = [rv.notes["hit"].resolved for rv in cands if rv.notes.get("hit") is not None]
    other = next((s.row_with for s in specs if s is not None and s.row_with), None)
    if other is None:
        return cands
    on_row = [rv for rv in cands if rv.source != "label" or _on_row_with(rv, other, layout)]
    # A label's value on that row comes first; a pattern read on the row (`FormSpec.patterns`:
    # the registration row's date whose `ngày` OCR garbled) beats a label elsewhere.
    if any(rv.source in ("label", "pattern") for rv in on_row):
        return on_row
    for rv in cands:
        if rv.source == "label":
            rv.notes["cap"] = _OFF_ROW
    return cands


def _choose(doc_type: str, name: str, cands: list[RawValue], layout: Layout) -> RawValue | None:
    """The candidate to report when a field was found more than once."""
    usable = []
    for rv in cands:
        c = cut(rv.kind, rv.text)
        if c is None:
            continue
        try:
            rv.value = (
                validate_field_value(doc_type, name, c.value)
                if rv.kind == field_kind(doc_type, name)
                else c.value
            )
        except ValueError:
            continue
        rv.cut_clean = c.clean
        usable.append(rv)
    usable = _row_with(usable, layout)
    if not usable:
        return None
    for rv in usable:
        h = rv.notes.get("hit")
        spec = h.resolved if h is not None else None
        if spec is not None and spec.prefer_row_with and _on_row_with(rv, spec.prefer_row_with, layout):
            return rv
    return usable[0]


def assemble(doc_type: str, layout: Layout, *, reread: bool = True):
    """Fields, issues and per-field evidence of one document."""
    raw = _label_values(layout, doc_type)
    for name, cands in _pattern_values(layout, doc_type).items():
        raw.setdefault(name, []).extend(cands)
    chosen: dict[str, RawValue] = {}
    issues: list[DocumentIssue] = []
    for name, cands in raw.items():
        rv = _choose(doc_type, name, cands, layout)
        if rv is not None:
            chosen[name] = rv
            continue
        found = [c for c in cands if c.words and cut("text", c.text)]
        if reread and found and recover(doc_type, found[0], layout):
            chosen[name] = found[0]
        elif found or any(c.text.strip() and cut("text", c.text) for c in cands):
            issues.append(_format_issue(name, cands[0].kind))
    _not_its_rows_other_label(layout, chosen)
    if reread:
        _read_empty_labels(doc_type, layout, chosen)
    _nationality_after_ethnicity(doc_type, chosen)
    _ethnicity_after_sex(doc_type, chosen)
    # Identity papers: the truth holds the number (the field's own format is free text).
    for rv in chosen.values():
        if rv.kind != field_kind(doc_type, rv.field):
            try:
                rv.value = validate_field_value(doc_type, rv.field, rv.value)
            except ValueError:
                rv.value = None
    for name, rv in chosen.items():
        if name in PLACE_FIELDS and rv.value and _a_name_not_a_place(rv.value):
            rv.value = None
    chosen = {k: v for k, v in chosen.items() if v.value}
    for rv in chosen.values():
        starts = _first_figure_doubt(rv, layout)
        if starts is not None:
            rv.notes["figure_lost"] = starts
    apply_codes(doc_type, layout, chosen)
    _derived(doc_type, chosen)
    fields, evidence, check_issues = score_fields(doc_type, chosen, layout, reread=reread)
    issues += check_issues
    return fields, issues, evidence


#: A figure whose box starts this close (in line heights) to the end of the word before it touches
#: that word: its ink may be one blob with the label's last letters.
_TOUCH = 0.25
#: How far before a value's first figure a garbled label word may end (in line heights).
_NEAR = 1.5
#: How far before the end of the label a value's first figure may be lost in its crops start (in
#: line heights): the figure is typed over the label's colon (`lúc` and the `1` of `13` over `:`).
_READ_FROM = (0.5, 1.0)
#: A value's first figure group and, for a date, the month after it (`8/01/1956`: `8`, `01`).
_FIRST_GROUP = re.compile(r"^(\D*?)(\d+)(?:\s*[/.\-]\s*(\d+))?")


def _first_figure_doubt(rv: RawValue, layout: Layout) -> tuple[float, ...] | None:
    """Where a value's first figure may have been lost in the label before it (`ngà 8/02/2016` for
    `ngày 18/02/2016`, `lúc:` touching the `3` of `13 giờ`): the x's its crop is read again from
    (a little before the end of the word before it); None when nothing says so. A day or hour of
    one figure, or a registration number of any length, is doubted when the word before it touches
    it, is no word of the form's printed text (a garbled label, OCR's reading of the lost figure's
    ink) or is glued to it (`sø/3`, `sø‡00`); a registration number also when it starts with 0 (a
    register counts from 1), a date when its month keeps the leading zero its day lacks
    (`8/01/1956`: a date is typed with both or neither). The nearest start comes first
    (`reread._restore_figure` relies on it: that crop holds none of the label's `S`)."""
    if not rv.words or not (rv.kind in ("date", "time") or rv.field == "registration_number"):
        return None
    words = rv.words
    whole = cut(rv.kind, " ".join(w.text for w in words))
    # The word the value starts in: the last from which the words still cut to the same value (a
    # number found by its shape in a word with its label, `sø/3`: that word).
    start = 0
    for k in range(1, len(words) if whole is not None else 1):
        c = cut(rv.kind, " ".join(w.text for w in words[k:]))
        if c is None or c.value != whole.value:
            break
        start = k
    first = words[start]
    # Letters read for figures are figures here too (`L5/09/1951` is a day of two).
    m = _FIRST_GROUP.match(digits_fixed(first.text))
    register = rv.field == "registration_number"
    if m is None or (len(m.group(2)) != 1 and not register):
        return None
    pl = layout.pages[first.page]
    lh = pl.line_height
    before = [
        w
        for w in pl.words + pl.dropped
        if w is not first
        and abs(w.yc - first.yc) < 0.6 * lh
        and w.x0 < first.x0
        and w.x1 < first.x0 + 0.3 * lh
    ]
    left = max(before, key=lambda w: w.x1) if before else None
    gap = first.x0 - left.x1 if left is not None else None
    near = left is not None and gap < _NEAR * lh
    doubt = (
        any(c.isalpha() for c in m.group(1))  # glued to letters: `sø/3`
        or (left is not None and gap < _TOUCH * lh)
        or (near and left.hit is None and not set(left.toks) <= _printed_tokens(layout))
        or (rv.kind == "date" and m.group(3) is not None and len(m.group(3)) == 2 and m.group(3)[0] == "0")
        # A register's entries are counted from 1 and written without a leading zero (`00`: `200`).
        or (register and m.group(2)[0] == "0")
    )
    if not doubt:
        return None
    end = left.x1 if near else first.x0
    return tuple(end - back * lh for back in _READ_FROM)


def _printed_tokens(layout: Layout) -> set[str]:
    """The folded words of the form's printed text and labels (`ngay`, `so`, `quyen`)."""
    form = layout.form
    phrases = [*form.printed, *(a for s in form.labels for a in s.aliases), *form.stops]
    return {t for p in phrases for t in tokens(p)}


#: Words a place text holds (its units, the settlement words before them).
_PLACE_WORDS = re.compile(
    r"\b(xa|phuong|thi tran|huyen|quan|thi xa|tinh|thanh pho|thon|xom|ap|ban|to|khom|khu|so|duong|"
    r"buon|lang|doi|soc|ubnd|uy ban)\b"
)


def _a_name_not_a_place(value: str) -> bool:
    """A place field's value in capitals with no figure and no unit or settlement word: a person's
    name from the row below whose label OCR lost (`Quê quán:` empty, `NGUYỄN NGỌC XUÂN TÂM` under
    it), not a place: left out rather than reported."""
    letters = [c for c in value if c.isalpha()]
    return (
        len(letters) >= 4
        and all(c.isupper() for c in letters)
        and not any(c.isdigit() for c in value)
        and not _PLACE_WORDS.search(fold(value))
        and snap_place(value).value is None  # `AN GIANG`: a province's name alone
    )


def _without_partner(doc_type: str, chosen: dict[str, RawValue], field: str, partner: str):
    """(raw value, partner's name) for each person's `field` (`ethnicity`, `husband_ethnicity`) with
    a value whose `partner` field (`nationality`, `husband_nationality`), one of the document
    type's, has none chosen — looked up as the caller goes, so a partner it adds counts."""
    from sohoa.schemas import DOC_TYPE_FIELDS

    known = DOC_TYPE_FIELDS[doc_type].model_fields
    for name, rv in list(chosen.items()):
        if not name.endswith(field) or not rv.value:
            continue
        other = name[: -len(field)] + partner
        if other not in chosen and other in known:
            yield rv, other


def _nationality_after_ethnicity(doc_type: str, chosen: dict[str, RawValue]) -> None:
    """`Dân tộc: Kinh Việt Nam` where OCR lost the `Quốc tịch:` between them: an ethnic group
    followed by a country, with no nationality found for that person, is the two fields (the
    nationality below the bar)."""
    from ..validate.lexicon import snap_ethnicity, snap_nationality

    for rv, other in _without_partner(doc_type, chosen, "ethnicity", "nationality"):
        words = rv.value.split()
        if len(words) < 2:
            continue
        # The country may be followed by what OCR made of the row's next label (`ăm ử inh: 1875`).
        splits = [
            (k, m) for k in range(1, min(3, len(words))) for m in range(k + 1, min(k + 3, len(words)) + 1)
        ]
        for k, m in splits:
            head, tail = " ".join(words[:k]), " ".join(words[k:m])
            group, country = snap_ethnicity(head), snap_nationality(tail)
            if group.confidence >= 0.95 and country.confidence >= 0.95 and country.value == tail:
                rv.value = rv.text = head
                rv.words = rv.words[:k] if len(rv.words) == len(words) else rv.words
                nat = RawValue(other, "text", tail, [], rv.label_score, rv.page)
                nat.value = country.value
                nat.notes["reread_confidence"] = _OFF_ROW  # no label of its own: never sure
                chosen[other] = nat
                break


def _ethnicity_after_sex(doc_type: str, chosen: dict[str, RawValue]) -> None:
    """`Giới tính: Nữ Dâ t ạc.Kinh` where OCR garbled the `Dân tộc:` between them: the sex followed
    at the end of its row by the name of an ethnic group, with no ethnicity found for that person,
    gives the ethnicity too (below the bar)."""
    from ..validate.lexicon import snap_ethnicity

    for rv, other in _without_partner(doc_type, chosen, "sex", "ethnicity"):
        words = rv.text.split()
        if len(words) < 2:
            continue
        if fold(words[0]).strip(".,;:") not in ("nam", "nu"):
            continue
        for k in (2, 1, 3):
            if k >= len(words):
                continue
            tail = " ".join(words[-k:]).strip(".,;:")
            group = snap_ethnicity(tail)
            if group.confidence >= 0.95 and fold(group.value) == fold(tail):
                eth = RawValue(
                    other, "text", tail, rv.words[-k:] if len(rv.words) == len(words) else [], 1.0, rv.page
                )
                eth.value = group.value
                eth.notes["cap"] = _OFF_ROW  # no label of its own: never sure
                eth.notes["reread_confidence"] = _OFF_ROW
                chosen[other] = eth
                break


def _read_empty_labels(doc_type: str, layout: Layout, chosen: dict[str, RawValue]) -> None:
    """Labels of short fields found on the page with no value chosen: their row, from the label's
    end to the next label, read again on its own (`reread.read_blank`)."""
    reads = 0
    for h in sorted((h for h in layout.hits if h.kind == "label" and h.resolved), key=lambda h: h.order):
        spec = h.resolved
        name = spec.field
        kind = spec.kind or field_kind(doc_type, name)
        if name in chosen or spec.also or h.weak:
            continue
        if kind not in _BLANK_KINDS and not name.endswith(_CLOSED_FIELDS):
            continue
        if reads >= MAX_BLANK_READS:
            return
        pl = layout.pages[h.page]
        barriers = [b for b in layout.hits if b.page == pl.index and b.kind in ("label", "stop")]
        lh = pl.line_height
        right = min(_right_limit(h, barriers, pl, layout), pl.right + lh)
        # On the label's row, then raised by most of a row (typed above the dotted line).
        for left, top, bottom in ((0.2, 0.9, 0.9), (0.2, 1.7, 0.2)):
            box = (h.x1 + left * lh, h.yc - top * lh, right - 0.2 * lh, h.yc + bottom * lh)
            rv = RawValue(name, kind, "", [], h.score, h.page)
            rv.notes["hit"] = h
            reads += 1
            if read_blank(doc_type, rv, box, layout):
                chosen[name] = rv
                break
    reads = _read_number_before_book(doc_type, layout, chosen, reads)
    _read_row_rest(doc_type, layout, chosen, reads)


def _read_row_rest(doc_type: str, layout: Layout, chosen: dict[str, RawValue], reads: int) -> None:
    """A value that belongs on another label's row (`LabelSpec.row_with`: the death extract's
    registration `ngày`) found only elsewhere or not at all: the rest of that row, right of the
    other label's value, read on its own (OCR may lose a whole stretch of a row)."""
    for spec in layout.form.labels:
        if not spec.row_with or reads >= MAX_BLANK_READS:
            continue
        have = chosen.get(spec.field)
        if have is not None and "cap" not in have.notes:
            continue
        anchor = chosen.get(spec.row_with)
        hits = [
            h
            for h in layout.hits
            if h.kind == "label" and h.resolved is not None and h.resolved.field == spec.row_with
        ]
        if not hits:
            continue
        h = hits[0]
        pl = layout.pages[h.page]
        lh = pl.line_height
        on_row = [w for w in (anchor.words if anchor is not None else []) if abs(w.yc - h.yc) < 0.8 * lh]
        # Only the words the anchor's value was cut from: what follows it (`Quyển số: 01/2019 ngà
        # 89/05/2019`, the `ngày` garbled) is the stretch to read.
        own = [w for w in on_row if _figures_of(w.text) and _figures_of(w.text) in _figures_of(anchor.value)]
        on_row = own or on_row
        start = max([h.x1] + [w.x1 for w in on_row]) + 0.3 * lh
        box = (start, h.yc - 0.9 * lh, pl.right + lh, h.yc + 0.9 * lh)
        rv = RawValue(spec.field, spec.kind or field_kind(doc_type, spec.field), "", [], 0.8, h.page)
        reads += 1
        if read_blank(doc_type, rv, box, layout):
            chosen[spec.field] = rv


def _figures_of(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _read_number_before_book(doc_type: str, layout: Layout, chosen: dict[str, RawValue], reads: int) -> int:
    """A registration number whose `Số:` OCR lost sits left of `Quyển số:` on its row (the
    `prefer_row_with` of the form table): that stretch of the row read on its own."""
    specs = [s for s in layout.form.labels if s.prefer_row_with and s.field not in chosen]
    for spec in specs:
        rows = [
            h
            for h in layout.hits
            if h.kind == "label" and h.resolved is not None and h.resolved.field == spec.prefer_row_with
        ]
        if not rows or reads >= MAX_BLANK_READS:
            continue
        h = rows[0]
        pl = layout.pages[h.page]
        lh = pl.line_height
        # Nothing of another label on the stretch: the number's own label was lost.
        if any(
            b.page == h.page and b is not h and abs(b.yc - h.yc) < 0.6 * lh and b.x1 < h.x0
            for b in layout.hits
        ):
            continue
        box = (pl.left, h.yc - 0.9 * lh, h.x0 - 0.3 * lh, h.yc + 0.9 * lh)
        rv = RawValue(spec.field, spec.kind or field_kind(doc_type, spec.field), "", [], 0.8, h.page)
        reads += 1
        if read_blank(doc_type, rv, box, layout, with_label=True):
            chosen[spec.field] = rv
    return reads


def _derived(doc_type: str, chosen: dict[str, RawValue]) -> None:
    """Fields the contract derives from others: the land-use code when the purpose maps to one."""
    if doc_type != "land_use_certificate" or "land_use_purpose" not in chosen or "land_use_code" in chosen:
        return
    purpose = chosen["land_use_purpose"]
    res = purpose_to_codes(purpose.value)
    if res.value and len(res.value) == 1:
        rv = RawValue(
            "land_use_code", "identifier", res.value[0], purpose.words, purpose.label_score, purpose.page
        )
        rv.value = res.value[0]
        rv.source = "derived"
        rv.notes["parse_confidence"] = res.confidence
        chosen["land_use_code"] = rv


_KIND_VI = {
    "date": "ngày (ngày/tháng/năm)",
    "year": "năm (4 chữ số)",
    "time": "giờ (giờ:phút)",
    "identity_number": "số định danh/CMND/hộ chiếu",
    "identifier": "số hiệu",
    "area": "diện tích (số)",
    "sex": "giới tính (Nam/Nữ)",
    "text": "chữ",
}


def _format_issue(name: str, kind: str) -> DocumentIssue:
    return DocumentIssue(
        field=name,
        code="unreadable_value",
        message=f"Không đọc được giá trị đúng dạng {_KIND_VI.get(kind, kind)} cho trường này: cần người kiểm tra.",
    )


__all__ = ["RawValue", "assemble", "check_document", "normalized_value", "FieldValue"]
