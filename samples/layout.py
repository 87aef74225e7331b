"""Draws a form page from its layout table: the small language the per-type form tables are written in.

A layout is a list of items, each a tuple whose first element names what to draw:

- ``("header", {"agency": bool, "emblem": bool})`` national header (agency block on the left);
- ``("title", text[, scale])`` a bold centred title; ``("subtitle", text)`` an italic centred line;
- ``("text", text[, {"align", "bold", "italic", "scale"}])`` printed text, ``{slot}`` filled from values;
- ``("row", [(label, slot, share), ...])`` labels on dotted lines with the values typed on them;
- ``("columns", [(heading, [row segments, ...]), ...])`` side-by-side columns of rows;
- ``("typed", slot)`` a free line (or several: a list value) of typed data;
- ``("gap", mm)``; ``("signer", {...})`` the signing block with seal and signature;
- ``("call", name)`` a per-type drawing function (diagram, table, QR code).

`shown` maps slot names to the text typed in that slot; a missing slot is left blank, as clerks do.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import ornaments
from .render import PageWriter


@dataclass
class FormDoc:
    """What a form builder returns: canonical truth fields and the drawn pages."""

    form_version: str
    fields: dict[str, str]
    pages: list[PageWriter] = field(default_factory=list)


def render_fitted(
    new_page: Callable[..., PageWriter],
    size_mm: tuple[float, float],
    items: list[tuple],
    shown: dict,
    rng: random.Random,
    calls: dict[str, Callable[[PageWriter], None]] | None = None,
    **page_kw,
) -> PageWriter:
    """Draw a one-page layout, shrinking the type (as a clerk's template would) until it fits."""
    for _attempt in range(6):
        pw = new_page(*size_mm, **page_kw)
        render_layout(pw, items, shown, rng, calls)
        if pw.y <= pw.image.height - pw.px(pw.margin_mm[3]) or pw.style.size_pt <= 9.5:
            return pw
        pw.style.size_pt -= 0.5
        pw.style.data_size_pt = min(pw.style.data_size_pt, pw.style.size_pt)
    return pw


def render_layout(
    pw: PageWriter,
    items: list[tuple],
    shown: dict,
    rng: random.Random,
    calls: dict[str, Callable[[PageWriter], None]] | None = None,
) -> None:
    for item in items:
        kind = item[0]
        if kind == "header":
            opts = item[1] if len(item) > 1 else {}
            if opts.get("agency"):
                ornaments.national_header(pw, shown.get("agency_block"))
            else:
                ornaments.national_header(pw, None)
            if opts.get("emblem"):
                ornaments.emblem(pw)
        elif kind == "title":
            pw.gap(2)
            pw.text(
                item[1], align="center", bold=True, scale=item[2] if len(item) > 2 else 1.35, spacing=1.45
            )
        elif kind == "subtitle":
            pw.text(item[1], align="center", italic=True, scale=0.95)
        elif kind == "text":
            opts = item[2] if len(item) > 2 else {}
            text = item[1].format(**shown) if "{" in item[1] else item[1]
            pw.text(
                text,
                align=opts.get("align", "left"),
                bold=opts.get("bold", False),
                italic=opts.get("italic", False),
                scale=opts.get("scale", 1.0),
                x=pw.left + pw.px(opts.get("indent", 0)),
            )
        elif kind == "row":
            segs = [(label, shown.get(slot) if slot else None, share) for label, slot, share in item[1]]
            pw.row(segs)
        elif kind == "columns":
            _columns(pw, item[1], shown)
        elif kind == "typed":
            value = shown.get(item[1])
            if value:
                for line in [value] if isinstance(value, str) else value:
                    pw.typed(line)
        elif kind == "gap":
            pw.gap(item[1])
        elif kind == "signer":
            opts = item[1] if len(item) > 1 else {}
            if shown.get("place_date") and opts.get("place_date", True):
                xc = pw.left + int((pw.right - pw.left) * 0.72)
                pw.text(shown["place_date"], x_center=xc, italic=True)
            ornaments.signer_block(
                pw,
                rng,
                heading=shown["signer_heading"],
                signer_name=shown["signer_name"],
                seal_text=shown["seal_text"],
                hint=opts.get("hint"),
                authority=shown.get("signer_authority"),
            )
        elif kind == "call":
            assert calls is not None, f"layout calls {item[1]!r} but no functions were given"
            calls[item[1]](pw)
        else:
            raise ValueError(f"unknown layout item {kind!r}")


def _columns(pw: PageWriter, columns: list[tuple[str, list[list[tuple]]]], shown: dict) -> None:
    """Side-by-side columns (e.g. wife and husband), each a heading and rows of segments."""
    top = pw.y
    gutter = pw.px(8)
    width = (pw.right - pw.left - gutter * (len(columns) - 1)) // len(columns)
    bottom = top
    for k, (heading, rows) in enumerate(columns):
        x0 = pw.left + k * (width + gutter)
        pw.y = top
        pw.text(heading, x_center=x0 + width // 2, bold=True)
        for segs in rows:
            pw.row(
                [(label, shown.get(slot) if slot else None, share) for label, slot, share in segs],
                x0=x0,
                x1=x0 + width,
            )
        bottom = max(bottom, pw.y)
    pw.y = bottom
