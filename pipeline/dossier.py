"""Citizen dossiers: the processed documents of one procedure joined into one PDF (`sohoa dossier`).

`build_dossier(info, documents, out)` writes: a cover page (dossier code, procedure, applicant,
received and due dates, the list of documents, and the QR code of the contract,
`{public_url}/tra-cuu/<code>`, drawn as vector squares) in an embedded subset of Liberation Serif
so the Vietnamese text shows and extracts everywhere; then every document's searchable PDF as
`sohoa process` wrote it. Bookmarks per document and page, page labels ("Bìa", "1.1", "1.2",
"2.1", ...), Info and XMP metadata (title, subject, keywords from document types and key fields,
author, producer, creation date). The output is a clean PDF 1.7 (see `pdf.save_pdf`).

Inputs are `sohoa process` output folders (`result.json` next to the documents' PDFs);
`load_documents` reads them. Document PDFs are opened with `pdf.open_pdf` (repaired if damaged,
refused if encrypted) and must hold exactly the pages result.json lists: no page is lost silently.
The one place besides `pdf.py` that builds PDFs. Never logs personal data (names, numbers).
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pikepdf
import segno
import structlog
from sohoa.schemas import ProcessResult

from .errors import InputError, MissingDependencyError
from .ingest import natural_key
from .pdf import PRODUCER, VN_TZ, PdfMetadata, add_pdfa_output_intent, open_pdf, save_pdf, set_metadata

log = structlog.get_logger(__name__)

#: What a dossier code may hold: it becomes a path segment of the lookup URL.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

#: How each document type is named to a clerk or a citizen.
DOC_TYPE_NAMES = {
    "birth_certificate": "Giấy khai sinh",
    "marriage_certificate": "Giấy chứng nhận kết hôn",
    "death_certificate": "Trích lục khai tử",
    "land_use_certificate": "Giấy chứng nhận quyền sử dụng đất",
    "unknown": "Tài liệu khác",
}
#: The fields that identify a document of each type: shown on the cover and put in the keywords.
KEY_FIELDS = {
    "birth_certificate": ("full_name", "personal_id", "registration_number"),
    "marriage_certificate": ("husband_name", "wife_name", "registration_number"),
    "death_certificate": ("full_name", "personal_id", "registration_number"),
    "land_use_certificate": ("certificate_serial", "holder_name", "co_holder_name", "registry_number"),
    "unknown": (),
}

#: A4 portrait, in points.
PAGE_W, PAGE_H = 595.276, 841.89
_MARGIN = 56.7  # 2 cm

#: Fonts with full Vietnamese glyphs, in order of preference (fonts-liberation2, fonts-dejavu-core).
FONT_CANDIDATES = {
    "regular": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ),
    "bold": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
}
_FC_PATTERNS = {"regular": "Liberation Serif:style=Regular", "bold": "Liberation Serif:style=Bold"}


@dataclass(frozen=True)
class DossierInfo:
    """What the cover says about the dossier (the procedure-handling system's data)."""

    code: str
    procedure: str
    applicant: str
    received: date
    due: date | None = None
    agency: str | None = None
    public_url: str = "http://localhost:8000"

    @property
    def lookup_url(self) -> str:
        """The contract's QR content: `{SOHOA_PUBLIC_URL}/tra-cuu/<dossier-code>`."""
        return f"{self.public_url.rstrip('/')}/tra-cuu/{self.code}"


@dataclass(frozen=True)
class DossierDocument:
    """One processed document to put in the dossier."""

    pdf: Path
    doc_type: str
    pages: int
    fields: dict[str, str] = field(default_factory=dict)
    source: str = ""  # "<input-name>/<doc-id>", for messages and logs (no personal data)

    @property
    def name(self) -> str:
        return DOC_TYPE_NAMES.get(self.doc_type, DOC_TYPE_NAMES["unknown"])

    @property
    def key_values(self) -> list[str]:
        return [self.fields[k] for k in KEY_FIELDS.get(self.doc_type, ()) if self.fields.get(k)]


@dataclass(frozen=True)
class DossierSummary:
    path: Path
    documents: int
    pages: int
    cover_pages: int


def validate_code(code: str) -> str:
    if not CODE_PATTERN.match(code):
        raise ValueError(
            "mã hồ sơ chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 64 ký tự)"
        )
    return code


def add_working_days(start: date, days: int, holidays: Sequence[date] = ()) -> date:
    """`start` plus `days` working days (Monday to Friday, not in `holidays`).

    Simple on purpose: public holidays (Tết follows the lunar calendar) are the caller's list; no
    holiday calendar is built in.
    """
    if days < 0:
        raise ValueError("days must be ≥ 0")
    off = set(holidays)
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            left -= 1
    return current


# --- inputs ------------------------------------------------------------------------------------


def result_folders(paths: Sequence[Path]) -> list[Path]:
    """The `sohoa process` output folders among `paths`: each path is one (it holds result.json)
    or the `--out` folder above them (its subfolders with result.json, in natural order)."""
    found: list[Path] = []
    for path in paths:
        if (path / "result.json").is_file():
            found.append(path)
            continue
        if path.is_dir():
            subs = sorted(
                (p for p in path.iterdir() if (p / "result.json").is_file()),
                key=lambda p: natural_key(p.name),
            )
            if subs:
                found.extend(subs)
                continue
        raise InputError(
            f"{path} không phải thư mục kết quả của 'sohoa process' (không có result.json): "
            "hãy chỉ tới thư mục --out hoặc thư mục con của một đầu vào.",
            code="no_result",
        )
    return found


def load_documents(
    paths: Sequence[Path], *, skip_unknown: bool = False, min_confidence: float = 0.6
) -> list[DossierDocument]:
    """Every document of the given result folders, in folder order then document order.

    Field values below `min_confidence` are left out of the cover and the keywords: a dossier
    shows no guesses.
    """
    documents: list[DossierDocument] = []
    for folder in result_folders(paths):
        try:
            result = ProcessResult.model_validate_json((folder / "result.json").read_bytes())
        except ValueError as exc:
            raise InputError(
                f"Tệp {folder.name}/result.json hỏng hoặc không đúng định dạng: hãy chạy lại 'sohoa process --force'.",
                code="bad_result",
                detail=type(exc).__name__,
            ) from None
        for doc in result.documents:
            if skip_unknown and doc.doc_type == "unknown":
                continue
            source = f"{folder.name}/{doc.id}"
            if not doc.pdf or not (folder / doc.pdf).is_file():
                raise InputError(
                    f"Văn bản {source} không có tệp PDF: hãy chạy lại 'sohoa process --force' cho đầu vào {folder.name}.",
                    code="missing_pdf",
                )
            documents.append(
                DossierDocument(
                    pdf=folder / doc.pdf,
                    doc_type=str(doc.doc_type),
                    pages=len(doc.pages),
                    fields={k: v.value for k, v in doc.fields.items() if v.confidence >= min_confidence},
                    source=source,
                )
            )
    if not documents:
        raise InputError("Không có văn bản nào để lập hồ sơ.", code="no_documents")
    return documents


# --- the embedded font -------------------------------------------------------------------------


def find_font(style: str = "regular") -> Path:
    for candidate in FONT_CANDIDATES[style]:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", _FC_PATTERNS[style]], capture_output=True, text=True, timeout=30
        )
        path = Path(out.stdout.strip())
        if "Liberation" in path.name and path.is_file():
            return path
    raise MissingDependencyError(
        "Thiếu phông Liberation Serif để in bìa hồ sơ: cài bằng 'apt-get install fonts-liberation2'.",
        code="missing_font",
    )


class _Font:
    """A TrueType font measured with fontTools; embedded as a subset of the glyphs used."""

    def __init__(self, path: Path, resource: str):
        from fontTools.ttLib import TTFont

        self.path = path
        self.resource = resource
        self.tt = TTFont(str(path))
        self.cmap = self.tt.getBestCmap()
        self.units = self.tt["head"].unitsPerEm
        self.hmtx = self.tt["hmtx"].metrics
        self.used: set[str] = set()

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def width(self, text: str, size: float) -> float:
        total = 0
        for ch in text:
            name = self.cmap.get(ord(ch), ".notdef")
            total += self.hmtx[name][0]
        return total * size / self.units

    def use(self, text: str) -> None:
        missing = {ch for ch in text if not self.has(ch) and ch not in "\n"}
        if missing:
            raise InputError(
                f"Phông {self.path.stem} không có {len(missing)} ký tự cần in trên bìa "
                f"({''.join(sorted(missing))[:10]}): hãy nhập lại bằng chữ tiếng Việt.",
                code="unsupported_character",
            )
        self.used.update(text)

    def embed(self, pdf: pikepdf.Pdf) -> tuple[pikepdf.Dictionary, dict[str, int]]:
        """The Type0 font of the used glyphs and each character's glyph id (= its CID) in it."""
        from fontTools import subset

        logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" notes

        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.layout_features = []
        options.hinting = False
        font = subset.load_font(str(self.path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in self.used])
        subsetter.subset(font)
        cmap = font.getBestCmap()
        gids = {ch: font.getGlyphID(cmap[ord(ch)]) for ch in self.used}
        from io import BytesIO

        buf = BytesIO()
        font.save(buf)
        data = buf.getvalue()
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        order = font.getGlyphOrder()
        widths = pikepdf.Array()
        for gid in sorted(set(gids.values())):
            widths.append(gid)
            widths.append(pikepdf.Array([round(metrics[order[gid]][0] * 1000 / units)]))
        tag = "".join(
            chr(ord("A") + b % 26) for b in hashlib.sha1("".join(sorted(self.used)).encode()).digest()[:6]
        )
        base = font["name"].getDebugName(6) or self.path.stem
        base_name = pikepdf.Name(f"/{tag}+{base}")
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]

        def scale(v: float) -> int:
            return round(v * 1000 / units)

        font_file = pikepdf.Stream(pdf, data)
        font_file.Length1 = len(data)
        descriptor = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.FontDescriptor,
                FontName=base_name,
                Flags=6,  # serif, symbolic (glyphs are reached by CID, not by an encoding)
                FontBBox=[scale(head.xMin), scale(head.yMin), scale(head.xMax), scale(head.yMax)],
                ItalicAngle=0,
                Ascent=scale(hhea.ascent),
                Descent=scale(hhea.descent),
                CapHeight=scale(getattr(os2, "sCapHeight", hhea.ascent) or hhea.ascent),
                StemV=80 if "Bold" not in base else 140,
                FontFile2=font_file,
            )
        )
        cid_font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.CIDFontType2,
                BaseFont=base_name,
                CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                FontDescriptor=descriptor,
                W=widths,
                DW=1000,
                CIDToGIDMap=pikepdf.Name.Identity,
            )
        )
        to_unicode = pikepdf.Stream(pdf, _to_unicode_cmap({gid: ch for ch, gid in gids.items()}))
        type0 = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type0,
                BaseFont=base_name,
                Encoding=pikepdf.Name("/Identity-H"),
                DescendantFonts=[cid_font],
                ToUnicode=to_unicode,
            )
        )
        return type0, gids


def _to_unicode_cmap(by_gid: dict[int, str]) -> bytes:
    entries = sorted(by_gid.items())
    chunks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    body = b"".join(
        b"%d beginbfchar\n" % len(chunk)
        + b"".join(
            b"<%04X> <%s>\n" % (gid, ch.encode("utf-16-be").hex().upper().encode()) for gid, ch in chunk
        )
        + b"endbfchar\n"
        for chunk in chunks
    )
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body + b"endcmap\n"
        b"CMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


# --- the cover ---------------------------------------------------------------------------------


@dataclass
class _Run:
    """A line of text to draw: font key, size, position (PDF points, baseline), text."""

    font: str
    size: float
    x: float
    y: float
    text: str


@dataclass
class _CoverPage:
    runs: list[_Run] = field(default_factory=list)
    graphics: list[str] = field(default_factory=list)


def _wrap(font: _Font, text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if current and font.width(trial, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def _break_url(font: _Font, url: str, size: float, width: float) -> list[str]:
    """Lines of a URL, broken after '/' where possible, else wherever the width ends."""
    lines, current = [], ""
    for part in re.split(r"(?<=/)", url):
        while part:
            if font.width(current + part, size) <= width:
                current, part = current + part, ""
            elif current:
                lines.append(current)
                current = ""
            else:
                cut = max(
                    1, next((i for i in range(len(part), 0, -1) if font.width(part[:i], size) <= width), 1)
                )
                lines.append(part[:cut])
                part = part[cut:]
    return [*lines, current] if current else lines


def _vn_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _layout_cover(
    info: DossierInfo, documents: Sequence[DossierDocument], fonts: dict[str, _Font], created: datetime
) -> list[_CoverPage]:
    """The cover as pages of text runs and vector graphics (more pages when the list is long)."""
    reg, bold = fonts["R"], fonts["B"]
    pages = [_CoverPage()]
    page = pages[0]
    left, right = _MARGIN, PAGE_W - _MARGIN
    width = right - left

    # QR code top left (as documents issued from the procedure-handling system carry it).
    qr = segno.make(info.lookup_url, error="m", micro=False)
    qr_size = 85.0
    module = qr_size / (qr.symbol_size(border=0)[0])
    top = PAGE_H - _MARGIN
    rects = []
    for r, row in enumerate(qr.matrix_iter(border=0)):
        for c, dark in enumerate(row):
            if dark:
                rects.append(
                    f"{left + c * module:.3f} {top - (r + 1) * module:.3f} {module:.3f} {module:.3f} re"
                )
    page.graphics.append("q 0 0 0 rg\n" + "\n".join(rects) + "\nf Q")
    page.runs.append(_Run("R", 7.5, left, top - qr_size - 10, "Tra cứu hồ sơ:"))
    url_lines = _break_url(reg, info.lookup_url, 7.5, qr_size + 15)
    for k, part in enumerate(url_lines):
        page.runs.append(_Run("R", 7.5, left, top - qr_size - 19 - 9 * k, part))

    # Header to the right of the QR code.
    hx = left + qr_size + 20
    hwidth = right - hx
    y = top - 12
    for line in _wrap(bold, (info.agency or "").upper(), 12, hwidth) if info.agency else []:
        page.runs.append(_Run("B", 12, hx + (hwidth - bold.width(line, 12)) / 2, y, line))
        y -= 16
    y -= 6
    for text, f, size in (("HỒ SƠ THỦ TỤC HÀNH CHÍNH", "B", 16), (f"Mã hồ sơ: {info.code}", "B", 13)):
        font = fonts[f]
        page.runs.append(_Run(f, size, hx + (hwidth - font.width(text, size)) / 2, y, text))
        y -= size + 8

    y = min(y, top - qr_size - 19 - 9 * len(url_lines)) - 24
    rows = [
        ("Thủ tục", info.procedure),
        ("Người nộp hồ sơ", info.applicant),
        ("Ngày tiếp nhận", _vn_date(info.received)),
        ("Ngày hẹn trả kết quả", _vn_date(info.due) if info.due else "—"),
        ("Số tài liệu", f"{len(documents)} tài liệu, {sum(d.pages for d in documents)} trang"),
    ]
    label_w = 140
    for label, value in rows:
        page.runs.append(_Run("B", 12, left, y, f"{label}:"))
        for k, line in enumerate(_wrap(reg, value, 12, width - label_w)):
            page.runs.append(_Run("R", 12, left + label_w, y - 16 * k, line))
            last = k
        y -= 16 * (last + 1) + 4

    y -= 14
    page.runs.append(_Run("B", 13, left, y, "DANH MỤC TÀI LIỆU"))
    y -= 8
    cols = (left, left + 34, right - 110, right - 50)  # STT | tài liệu | số trang | trang
    header = ("STT", "Tài liệu", "Số trang", "Trang")

    def table_header(pg: _CoverPage, y: float) -> float:
        pg.graphics.append(f"q 0.5 w {left:.2f} {y:.2f} m {right:.2f} {y:.2f} l S Q")
        y -= 14
        for x, text in zip(cols, header, strict=True):
            pg.runs.append(_Run("B", 10.5, x + 2, y, text))
        y -= 6
        pg.graphics.append(f"q 0.5 w {left:.2f} {y:.2f} m {right:.2f} {y:.2f} l S Q")
        return y - 14

    y = table_header(page, y)
    for n, doc in enumerate(documents, start=1):
        description = doc.name + (": " + ", ".join(doc.key_values) if doc.key_values else "")
        lines = _wrap(reg, description, 10.5, cols[2] - cols[1] - 8)
        needed = 14 * len(lines) + 4
        if y - needed < _MARGIN + 30:
            page = _CoverPage()
            pages.append(page)
            y = table_header(page, PAGE_H - _MARGIN)
        page.runs.append(_Run("R", 10.5, cols[0] + 2, y, str(n)))
        for k, line in enumerate(lines):
            page.runs.append(_Run("R", 10.5, cols[1] + 2, y - 14 * k, line))
        page.runs.append(_Run("R", 10.5, cols[2] + 2, y, str(doc.pages)))
        labels = f"{n}.1" if doc.pages == 1 else f"{n}.1–{n}.{doc.pages}"
        page.runs.append(_Run("R", 10.5, cols[3] + 2, y, labels))
        y -= needed
    page.graphics.append(f"q 0.5 w {left:.2f} {y + 10:.2f} m {right:.2f} {y + 10:.2f} l S Q")

    stamp = created.strftime("%H:%M:%S %d/%m/%Y") + " +07:00"
    for i, pg in enumerate(pages, start=1):
        footer = f"Lập bởi {PRODUCER} lúc {stamp}" + (f" — bìa {i}/{len(pages)}" if len(pages) > 1 else "")
        pg.runs.append(_Run("R", 8, left, _MARGIN - 20, footer))
    return pages


def _cover_content(page: _CoverPage, gids: dict[str, dict[str, int]]) -> bytes:
    ops = list(page.graphics)
    ops.append("BT 0 0 0 rg")
    for run in page.runs:
        codes = "".join(f"{gids[run.font][ch]:04X}" for ch in run.text)
        ops.append(f"/{run.font} {run.size:.2f} Tf 1 0 0 1 {run.x:.3f} {run.y:.3f} Tm <{codes}> Tj")
    ops.append("ET")
    return "\n".join(ops).encode("ascii")


# --- assembly ----------------------------------------------------------------------------------


def dossier_metadata(
    info: DossierInfo, documents: Sequence[DossierDocument], created: datetime
) -> PdfMetadata:
    keywords: list[str] = [info.code]
    for doc in documents:
        for item in (doc.name, doc.doc_type, *doc.key_values):
            if item not in keywords:
                keywords.append(item)
    return PdfMetadata(
        title=f"Hồ sơ {info.code}: {info.procedure}",
        subject=f"Hồ sơ thủ tục hành chính {info.code} — {info.procedure}; người nộp: {info.applicant}; "
        f"tiếp nhận {_vn_date(info.received)}" + (f", hẹn trả {_vn_date(info.due)}" if info.due else ""),
        keywords=keywords,
        author=info.agency,
        created=created,
    )


def _nfc_info(info: DossierInfo) -> DossierInfo:
    def n(v):
        return unicodedata.normalize("NFC", " ".join(v.split())) if isinstance(v, str) else v

    return DossierInfo(
        code=info.code,
        procedure=n(info.procedure),
        applicant=n(info.applicant),
        received=info.received,
        due=info.due,
        agency=n(info.agency),
        public_url=info.public_url,
    )


def build_dossier(
    info: DossierInfo,
    documents: Sequence[DossierDocument],
    out: Path,
    *,
    pdfa: bool = False,
    created: datetime | None = None,
) -> DossierSummary:
    """Join the documents behind a cover into one dossier PDF at `out` (written atomically)."""
    validate_code(info.code)
    if not documents:
        raise InputError("Không có văn bản nào để lập hồ sơ.", code="no_documents")
    if info.due is not None and info.due < info.received:
        raise ValueError("the due date is before the received date")
    info = _nfc_info(info)
    created = (created or datetime.now(VN_TZ)).replace(microsecond=0)
    fonts = {"R": _Font(find_font("regular"), "R"), "B": _Font(find_font("bold"), "B")}
    cover = _layout_cover(info, documents, fonts, created)
    for pg in cover:
        for run in pg.runs:
            fonts[run.font].use(run.text)

    pdf = pikepdf.new()
    gids: dict[str, dict[str, int]] = {}
    font_dicts = {}
    for key, font in fonts.items():
        font_dicts[key], gids[key] = font.embed(pdf)
    for pg in cover:
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=[0, 0, PAGE_W, PAGE_H],
                    Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(**font_dicts)),
                    Contents=pikepdf.Stream(pdf, _cover_content(pg, gids)),
                )
            )
        )

    sources: list[pikepdf.Pdf] = []
    starts: list[int] = []
    try:
        for doc in documents:
            src = open_pdf(doc.pdf)
            sources.append(src)
            if len(src.pages) != doc.pages:
                raise InputError(
                    f"Tệp PDF của văn bản {doc.source} có {len(src.pages)} trang nhưng result.json ghi "
                    f"{doc.pages} trang: hãy chạy lại 'sohoa process --force' cho đầu vào này.",
                    code="page_count_mismatch",
                )
            starts.append(len(pdf.pages))
            pdf.pages.extend(src.pages)

        _outline(pdf, documents, starts)
        _page_labels(pdf, len(cover), starts)
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        pdf.Root.Lang = pikepdf.String("vi-VN")
        set_metadata(pdf, dossier_metadata(info, documents, created), pdfa=pdfa)
        if pdfa:
            add_pdfa_output_intent(pdf)
        pdf.remove_unreferenced_resources()
        save_pdf(pdf, out)
        total = len(pdf.pages)
    finally:
        for src in sources:
            src.close()
        pdf.close()
    log.info("dossier_written", documents=len(documents), pages=total, cover_pages=len(cover))
    return DossierSummary(out, len(documents), total, len(cover))


def _outline(pdf: pikepdf.Pdf, documents: Sequence[DossierDocument], starts: list[int]) -> None:
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Bìa hồ sơ", 0))
        for n, (doc, start) in enumerate(zip(documents, starts, strict=True), start=1):
            title = f"{n}. {doc.name}" + (f" — {doc.key_values[0]}" if doc.key_values else "")
            item = pikepdf.OutlineItem(title, start)
            item.children.extend(
                pikepdf.OutlineItem(f"Trang {k}", start + k - 1) for k in range(1, doc.pages + 1)
            )
            outline.root.append(item)


def _page_labels(pdf: pikepdf.Pdf, cover_pages: int, starts: list[int]) -> None:
    nums = pikepdf.Array()
    if cover_pages == 1:
        nums.extend([0, pikepdf.Dictionary(P=pikepdf.String("Bìa"))])
    else:
        nums.extend([0, pikepdf.Dictionary(P=pikepdf.String("Bìa "), S=pikepdf.Name.D, St=1)])
    for n, start in enumerate(starts, start=1):
        nums.extend([start, pikepdf.Dictionary(P=pikepdf.String(f"{n}."), S=pikepdf.Name.D, St=1)])
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=nums)
