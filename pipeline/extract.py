"""Field extraction: label-anchored reading of a document's OCR lines into the contract's fields.

For each line, the labels of the form table (`pipeline.forms`) are found on the diacritic-folded
text; a label's value is what follows it up to the next label (or the next line, when the label
ends the line). Each value is cut to its kind (a date, a year, an identity number...) and checked
against the contract's format; a value that does not fit is left out and reported as an issue,
never guessed. Confidence is the OCR confidence of the value's line(s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sohoa.schemas import DocumentIssue, FieldValue, field_kind, normalize_text, validate_field_value

from .forms import FORMS, FormSpec, LabelSpec, fold
from .types import OcrPage

_LEADERS = re.compile(r"[.…_·]{2,}|…")
_DATE = re.compile(
    r"(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+|\s+thang\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+năm\s+|\s+nam\s+)\s*(\d{4})",
    re.IGNORECASE,
)
_TIME = re.compile(r"(\d{1,2})\s*(?:giờ|gio|h|:)\s*(\d{1,2})", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
_DIGITS = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}\s?\d{6,8}|\d[\d\s]{7,14}\d)(?![A-Z0-9])")
_AREA = re.compile(r"(\d[\d.]*(?:,\d+)?)\s*(?:m2|m²|m)?")
_IDENT = re.compile(r"([A-Z0-9][A-Z0-9 ./\-]*[A-Z0-9]|[A-Z0-9])")


@dataclass
class _Hit:
    start: int
    end: int
    label: LabelSpec


@dataclass
class Extraction:
    fields: dict[str, FieldValue]
    issues: list[DocumentIssue]


def _alias_pattern(alias: str) -> re.Pattern:
    head = r"(?<![a-z0-9])" if alias[0].isalnum() else ""
    tail = r"(?![a-z0-9])" if alias[-1].isalnum() else ""
    return re.compile(head + re.escape(alias) + tail)


def _section_of(folded_line: str, form: FormSpec, current: str | None) -> str | None:
    best = None
    for name, phrases in form.sections.items():
        for phrase in phrases:
            m = _alias_pattern(phrase).search(folded_line)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), name)
    return best[1] if best else current


def _hits(line: str, folded: str, form: FormSpec, section: str | None) -> list[_Hit]:
    found: list[_Hit] = []
    for label in form.labels:
        if label.section is not None and label.section != section:
            continue
        for alias in label.aliases:
            for m in _alias_pattern(alias).finditer(folded):
                found.append(_Hit(m.start(), m.end(), label))
    # Longest first, then keep those that do not overlap an already kept one.
    found.sort(key=lambda h: (-(h.end - h.start), h.start))
    kept: list[_Hit] = []
    for h in found:
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def _clean(value: str) -> str:
    value = _LEADERS.sub(" ", value)
    return normalize_text(value).strip(" :;,-–")


def _cut(kind: str, raw: str) -> list[tuple[str, str]]:
    """Candidate values of a kind inside the raw text after a label: (value, field suffix)."""
    if kind == "date":
        m = _DATE.search(raw)
        return [(f"{m.group(1)}/{m.group(2)}/{m.group(3)}", "")] if m else []
    if kind == "year":
        m = _YEAR.search(raw)
        return [(m.group(1), "")] if m else []
    if kind == "time":
        m = _TIME.search(raw)
        return [(f"{m.group(1)}:{m.group(2)}", "")] if m else []
    if kind == "identity_number":
        m = _DIGITS.search(raw.upper())
        return [(m.group(1).replace(" ", ""), "")] if m else []
    if kind == "area":
        m = _AREA.search(raw)
        return [(m.group(1), "")] if m else []
    if kind == "identifier":
        m = _IDENT.search(raw.upper())
        return [(m.group(1), "")] if m else []
    if kind == "sex":
        f = fold(raw)
        if re.search(r"(?<![a-z])nu(?![a-z])", f):
            return [("Nữ", "")]
        if re.search(r"(?<![a-z])nam(?![a-z])", f):
            return [("Nam", "")]
        return []
    return [(raw, "")] if raw else []


def extract_fields(doc_type: str, pages: list[OcrPage]) -> Extraction:
    """Read the fields of one document of a known type from its pages' OCR lines."""
    form = FORMS.get(doc_type)
    if form is None:
        return Extraction({}, [])
    raw_values: dict[str, tuple[str, float]] = {}
    for page in pages:
        line_conf = _line_confidences(page)
        section = None
        lines = page.lines
        for n, line in enumerate(lines):
            folded = fold(line)
            section = _section_of(folded, form, section)
            hits = _hits(line, folded, form, section)
            for k, hit in enumerate(hits):
                end = hits[k + 1].start if k + 1 < len(hits) else len(line)
                value = _clean(line[hit.end : end])
                conf = line_conf.get(n, 0.5)
                nxt = n + 1
                if not value and k + 1 == len(hits) and nxt < len(lines):
                    # Label at the end of its line: the value sits on the next line (if it holds no label).
                    if not _hits(lines[nxt], fold(lines[nxt]), form, section):
                        value, conf = _clean(lines[nxt]), line_conf.get(nxt, 0.5)
                elif value and hit.label.multiline and k + 1 == len(hits) and nxt < len(lines):
                    follow = lines[nxt]
                    if (
                        not _hits(follow, fold(follow), form, section)
                        and _section_of(fold(follow), form, None) is None
                    ):
                        value = f"{value} {_clean(follow)}".strip()
                        conf = min(conf, line_conf.get(nxt, 0.5))
                if value and hit.label.field not in raw_values:
                    raw_values[hit.label.field] = (value, conf)

    fields: dict[str, FieldValue] = {}
    issues: list[DocumentIssue] = []
    for name, (raw, conf) in raw_values.items():
        kind = field_kind(doc_type, name)
        candidates = _cut(kind, raw)
        if not candidates:
            issues.append(_format_issue(name, kind))
            continue
        try:
            value = validate_field_value(doc_type, name, candidates[0][0])
        except ValueError:
            issues.append(_format_issue(name, kind))
            continue
        fields[name] = FieldValue(value=value, confidence=round(max(0.0, min(1.0, conf)), 3))
    return Extraction(fields, issues)


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


def _line_confidences(page: OcrPage) -> dict[int, float]:
    sums: dict[int, list[float]] = {}
    for w in page.words:
        s = sums.setdefault(w.line, [0.0, 0.0])
        s[0] += w.confidence * len(w.text)
        s[1] += len(w.text)
    return {line: s[0] / s[1] for line, s in sums.items() if s[1]}
