"""Everything on a form that is not a plain text line: national header, emblem, seal, signature,
guilloche and border, QR code, parcel diagram, ruled tables.

Seal and signature are blended by multiplication (ink over paper), so the text under them stays
visible as on a real scan. Text these ornaments print (header, signer block) is recorded as lines;
the seal's ring text and the guilloche are not text lines.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
import segno
from PIL import Image, ImageDraw

from .render import INK, PageWriter, font, nfc

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def national_header(pw: PageWriter, agency: list[str] | None = None, *, center: bool = False) -> None:
    """The national header, with the issuing agency's block on the left when given."""
    top = pw.y
    if agency and not center:
        split = pw.left + int((pw.right - pw.left) * 0.40)
        lx = (pw.left + split) // 2 - pw.px(4)
        pw.y = top
        for k, line in enumerate(agency):
            scale = _fit_scale(pw, line, split - pw.left, 0.95, bold=k > 0)
            pw.text(line, x_center=lx, scale=scale, bold=k > 0, spacing=1.3)
        _rule(pw, lx, pw.y - pw.pt(1), pw.px(14))
        left_end = pw.y
        rx = (split + pw.right) // 2 + pw.px(2)
        pw.y = top
        scale = _fit_scale(pw, NATIONAL, pw.right - split, 0.95, bold=True)
        pw.text(NATIONAL, x_center=rx, scale=scale, bold=True, spacing=1.3)
        pw.text(MOTTO, x_center=rx, scale=1.0, bold=True, spacing=1.3)
        _rule(pw, rx, pw.y - pw.pt(3), pw.text_width(MOTTO, pw.form_font(1.0, bold=True)) // 2)
        pw.y = max(pw.y, left_end)
    else:
        mid = pw.image.width // 2
        pw.text(NATIONAL, x_center=mid, scale=1.0, bold=True, spacing=1.3)
        pw.text(MOTTO, x_center=mid, scale=1.0, bold=True, spacing=1.3)
        _rule(pw, mid, pw.y - pw.pt(3), pw.text_width(MOTTO, pw.form_font(1.0, bold=True)) // 2)
    pw.gap(3)


def _fit_scale(pw: PageWriter, text: str, room: int, scale: float, bold: bool = False) -> float:
    w = pw.text_width(nfc(text), pw.form_font(scale, bold=bold))
    return scale if w <= room else scale * room / w


def _rule(pw: PageWriter, x_center: int, y: int, half: int) -> None:
    pw.draw.line((x_center - half, y, x_center + half, y), fill=INK, width=max(pw.dpi // 150, 1))


def emblem(pw: PageWriter, diameter_mm: float = 18.0) -> None:
    """A simplified national emblem (red disc, yellow star, gold rim) centred at the cursor."""
    d = pw.px(diameter_mm)
    cx, cy = pw.image.width // 2, pw.y + d // 2
    pw.draw.ellipse((cx - d // 2, cy - d // 2, cx + d // 2, cy + d // 2), fill=(196, 160, 60))
    r = int(d * 0.42)
    pw.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(205, 40, 40))
    pw.draw.polygon(_star(cx, cy - r * 0.15, r * 0.55), fill=(250, 215, 60))
    pw.draw.rectangle((cx - r * 0.6, cy + r * 0.45, cx + r * 0.6, cy + r * 0.6), fill=(250, 215, 60))
    pw.y += d + pw.px(3)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def _multiply(page: Image.Image, layer: np.ndarray, x: int, y: int) -> None:
    """Blend an RGBA layer (float colours 0..255, alpha 0..1) over the page like ink: multiply."""
    h, w = layer.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, page.width), min(y + h, page.height)
    if x1 <= x0 or y1 <= y0:
        return
    sub = layer[y0 - y : y1 - y, x0 - x : x1 - x]
    region = np.asarray(page.crop((x0, y0, x1, y1)), dtype=np.float32)
    alpha = sub[..., 3:4]
    ink = sub[..., :3] / 255.0
    out = region * (1.0 - alpha + alpha * ink)
    page.paste(Image.fromarray(out.clip(0, 255).astype(np.uint8)), (x0, y0))


def seal(
    pw: PageWriter, cx: int, cy: int, ring_text: str, rng: random.Random, diameter_mm: float = 34.0
) -> None:
    """A red round seal: two rings, the agency's name around, a star in the middle; uneven ink."""
    d = pw.px(diameter_mm)
    layer = Image.new("L", (d, d), 0)
    dr = ImageDraw.Draw(layer)
    lw = max(pw.px(0.7), 2)
    dr.ellipse((lw, lw, d - lw, d - lw), outline=255, width=lw)
    inner = int(d * 0.30)
    dr.ellipse(
        (d // 2 - inner, d // 2 - inner, d // 2 + inner, d // 2 + inner), outline=255, width=max(lw // 2, 1)
    )
    dr.polygon(_star(d / 2, d / 2, inner * 0.55), fill=255)
    text = nfc(ring_text.upper())
    n = len(text)
    size = min(d * 0.095, 2 * math.pi * (d / 2 - lw * 2 - d * 0.06) * 0.9 / (n * 0.72))
    fnt = font("DejaVu Sans", max(int(size), 6), bold=True)
    radius = d / 2 - lw * 2 - fnt.size * 0.75
    span = min(2 * math.pi * 0.9, n * fnt.size * 0.72 / radius)
    start = -math.pi / 2 - span / 2
    for k, ch in enumerate(text):
        if ch == " ":
            continue
        a = start + span * (k + 0.5) / n
        g = Image.new("L", (fnt.size * 2, fnt.size * 2), 0)
        ImageDraw.Draw(g).text((fnt.size // 2, fnt.size // 3), ch, font=fnt, fill=255)
        g = g.rotate(-math.degrees(a + math.pi / 2), resample=Image.BILINEAR)
        gx = int(d / 2 + radius * math.cos(a) - g.width / 2)
        gy = int(d / 2 + radius * math.sin(a) - g.height / 2)
        layer.paste(255, (gx, gy), g)
    mask = np.asarray(layer, dtype=np.float32) / 255.0
    # Uneven stamping: a smooth random strength field.
    field = np.array([[rng.uniform(0.55, 1.0) for _ in range(4)] for _ in range(4)], dtype=np.float32)
    field = cv2.resize(field, (d, d), interpolation=cv2.INTER_CUBIC).clip(0.35, 1.0)
    alpha = mask * field * rng.uniform(0.75, 0.95)
    color = np.array(
        [rng.randint(185, 225), rng.randint(20, 60), rng.randint(30, 70)],
        dtype=np.float32,
    )
    rgba = np.empty((d, d, 4), np.float32)
    rgba[..., :3] = color
    rgba[..., 3] = alpha
    _multiply(pw.image, rgba, cx - d // 2, cy - d // 2)


def signature(pw: PageWriter, cx: int, cy: int, rng: random.Random, width_mm: float = 38.0) -> None:
    """A blue handwritten signature: a few smooth strokes with loops, around (cx, cy)."""
    w = pw.px(width_mm)
    h = int(w * 0.5)
    layer = np.zeros((h, w), np.uint8)
    thick = max(pw.px(0.35), 1)
    for _stroke in range(rng.randint(1, 3)):
        n = rng.randint(5, 9)
        xs = np.linspace(w * 0.08, w * 0.92, n) + np.array(
            [rng.uniform(-w * 0.05, w * 0.05) for _ in range(n)]
        )
        ys = np.array([rng.uniform(h * 0.2, h * 0.8) for _ in range(n)])
        t = np.linspace(0, 1, n)
        tt = np.linspace(0, 1, 240)
        px_ = np.interp(tt, t, xs)
        py_ = np.interp(tt, t, ys)
        loops = rng.uniform(3, 7)
        amp = rng.uniform(0.05, 0.14) * h
        px_ = px_ + amp * np.cos(tt * loops * 2 * math.pi) * 0.8
        py_ = py_ + amp * np.sin(tt * loops * 2 * math.pi)
        k = np.ones(15) / 15
        px_ = np.convolve(np.pad(px_, 7, mode="edge"), k, "valid")
        py_ = np.convolve(np.pad(py_, 7, mode="edge"), k, "valid")
        pts = np.stack([px_, py_], axis=1).astype(np.int32)
        cv2.polylines(layer, [pts], False, 255, thickness=thick, lineType=cv2.LINE_AA)
    rgba = np.empty((h, w, 4), np.float32)
    rgba[..., :3] = np.array([rng.randint(20, 50), rng.randint(40, 80), rng.randint(150, 200)], np.float32)
    rgba[..., 3] = layer.astype(np.float32) / 255.0 * 0.9
    _multiply(pw.image, rgba, cx - w // 2, cy - h // 2)


def signer_block(
    pw: PageWriter,
    rng: random.Random,
    *,
    heading: list[str],
    signer_name: str,
    seal_text: str,
    x_center: int | None = None,
    hint: str | None = None,
    authority: list[str] | None = None,
    signed: bool = True,
    space_mm: float = 24.0,
) -> None:
    """The right-hand signing block: heading lines, the signature with the seal over its left third,
    the signer's name."""
    xc = x_center if x_center is not None else pw.left + int((pw.right - pw.left) * 0.72)
    block_top = pw.y
    for k, line in enumerate(heading):
        pw.text(line, x_center=xc, bold=k == 0 or line.isupper(), spacing=1.3)
    if hint:
        pw.text(hint, x_center=xc, italic=True, scale=0.85, spacing=1.3)
    for line in authority or []:
        pw.text(line, x_center=xc, bold=True, spacing=1.3)
    top = pw.y
    space = pw.px(space_mm)
    if signed:
        seal_mm = 34.0
        r = pw.px(seal_mm / 2)
        # The seal covers the left third of the signature and the block's own lines above it, but
        # neither the text above the block nor the signer's name below.
        low = block_top + r - pw.px(2)
        high = top + space - r - pw.px(1)
        if low > high:
            space += low - high
            high = low
        sy = int(rng.uniform(low, high))
        sig_cx = xc + pw.px(rng.uniform(-4, 6))
        signature(pw, sig_cx, top + space // 2, rng)
        sx = sig_cx - pw.px(rng.uniform(10, 16))
        seal(pw, sx, sy, seal_text, rng, diameter_mm=seal_mm)
    pw.y = top + space
    pw.text(signer_name, x_center=xc, bold=True, spacing=1.3)


def guilloche(
    pw: PageWriter,
    rng: random.Random,
    color: tuple[int, int, int],
    *,
    rosette: bool = True,
    border: bool = True,
    strength: float = 1.0,
) -> None:
    """Security print of the land certificate: a wavy double border and a central rosette."""
    h, w = pw.image.height, pw.image.width
    layer = np.zeros((h, w), np.uint8)
    thick = max(pw.dpi // 200, 1)
    if border:
        m = pw.px(7)
        for band in range(3):
            off = m + band * pw.px(1.4)
            per = pw.px(rng.uniform(3.5, 5.5))
            amp = pw.px(0.9)
            top = np.arange(off, w - off, 2)
            side = np.arange(off, h - off, 2)
            phase = rng.uniform(0, 6.3)
            for pts in (
                np.stack([top, off + amp * np.sin(top / per * 2 * math.pi + phase)], 1),
                np.stack([top, h - off - amp * np.sin(top / per * 2 * math.pi + phase)], 1),
                np.stack([off + amp * np.sin(side / per * 2 * math.pi + phase), side], 1),
                np.stack([w - off - amp * np.sin(side / per * 2 * math.pi + phase), side], 1),
            ):
                cv2.polylines(
                    layer, [pts.astype(np.int32)], False, 255, thickness=thick, lineType=cv2.LINE_AA
                )
    if rosette:
        cx, cy = w / 2, h * rng.uniform(0.45, 0.55)
        big = min(w, h) * 0.36
        t = np.linspace(0, 2 * math.pi, 3000)
        for k in range(18):
            R, r, d = big, big * rng.uniform(0.18, 0.3), big * rng.uniform(0.4, 0.9)
            rot = k * math.pi / 9
            x = (R - r) * np.cos(t) + d * np.cos((R - r) / r * t)
            y = (R - r) * np.sin(t) - d * np.sin((R - r) / r * t)
            s = 0.5 + 0.5 * (k % 3) / 2
            xr = cx + s * (x * math.cos(rot) - y * math.sin(rot)) * 0.6
            yr = cy + s * (x * math.sin(rot) + y * math.cos(rot)) * 0.6
            cv2.polylines(
                layer,
                [np.stack([xr, yr], 1).astype(np.int32)],
                True,
                255,
                thickness=thick,
                lineType=cv2.LINE_AA,
            )
    _multiply_sparse(pw.image, layer, 0.55 * strength, color)


def _multiply_sparse(
    page: Image.Image, layer: np.ndarray, opacity: float, color: tuple[int, int, int]
) -> None:
    """Ink blend of a thin full-page drawing: only the pixels it touches are computed."""
    ys, xs = np.nonzero(layer)
    if len(ys) == 0:
        return
    arr = np.array(page)
    alpha = layer[ys, xs].astype(np.float32)[:, None] * (opacity / 255.0)
    ink = np.array(color, np.float32) / 255.0
    px = arr[ys, xs].astype(np.float32)
    arr[ys, xs] = (px * (1.0 - alpha + alpha * ink)).clip(0, 255).astype(np.uint8)
    page.paste(Image.fromarray(arr))


def qr_code(pw: PageWriter, x: int, y: int, data: str, size_mm: float = 20.0) -> None:
    """A QR code (segno) of `size_mm` with its top-left corner at (x, y)."""
    qr = segno.make(data, error="m")
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    matrix = np.pad(matrix, 2)
    size = pw.px(size_mm)
    img = np.where(matrix > 0, 20, 255).astype(np.uint8)
    img = cv2.resize(img, (size, size), interpolation=cv2.INTER_NEAREST)
    pw.image.paste(Image.fromarray(img).convert("RGB"), (x, y))


def parcel_diagram(
    pw: PageWriter, rng: random.Random, box: tuple[int, int, int, int], parcel: str, area_text: str
) -> None:
    """A sketch of the parcel: a polygon with its edge lengths, the parcel number and area inside.

    Edge lengths and the inner label are text, recorded as lines.
    """
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    n = rng.choice([4, 4, 4, 5, 6])
    rx, ry = (x1 - x0) * 0.33, (y1 - y0) * 0.33
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    pts = [
        (cx + rx * rng.uniform(0.75, 1.0) * math.cos(a), cy + ry * rng.uniform(0.75, 1.0) * math.sin(a))
        for a in angles
    ]
    pw.draw.polygon(pts, outline=INK, width=max(pw.dpi // 100, 2))
    fnt = font(pw.style.form_family, pw.pt(11.5))
    labels: list[tuple[float, float, str]] = []
    for k in range(n):
        (ax, ay), (bx, by) = pts[k], pts[(k + 1) % n]
        length = f"{rng.uniform(4.0, 30.0):.2f}".replace(".", ",")
        mx, my = (ax + bx) / 2, (ay + by) / 2
        # Put the label outside the polygon, away from the centre.
        vx, vy = mx - cx, my - cy
        norm = math.hypot(vx, vy) or 1.0
        tx = mx + vx / norm * pw.px(6) - pw.text_width(length, fnt) / 2
        ty = my + vy / norm * pw.px(5) - fnt.size / 2
        pw.draw.text((tx, ty), length, font=fnt, fill=INK)
        labels.append((ty, tx, length))
    inner = f"{parcel}"
    f2 = font(pw.style.form_family, pw.pt(11), bold=True)
    pw.draw.text((cx - pw.text_width(inner, f2) / 2, cy - f2.size), inner, font=f2, fill=INK)
    pw.draw.text((cx - pw.text_width(area_text, fnt) / 2, cy + fnt.size * 0.2), area_text, font=fnt, fill=INK)
    for _ty, _tx, text in sorted(labels):
        pw.lines.append(text)
    pw.lines.extend([inner, area_text])


def table(
    pw: PageWriter, columns: list[tuple[str, float]], rows: list[list[str]], *, height_mm: float
) -> None:
    """A ruled table: header cells (wrapped), then the given rows, then empty ruled space."""
    x0, x1 = pw.left, pw.right
    lw = max(pw.dpi // 150, 1)
    fnt_h = pw.form_font(0.95, bold=True)
    fnt = pw.data_font(0.95)
    top = pw.y
    widths = [int((x1 - x0) * share) for _, share in columns]
    xs = [x0]
    for wdt in widths[:-1]:
        xs.append(xs[-1] + wdt)
    xs.append(x1)
    head_h = pw.px(14)
    for k, (title, _share) in enumerate(columns):
        cx = (xs[k] + xs[k + 1]) // 2
        lines = _wrap(pw, title, fnt_h, xs[k + 1] - xs[k] - pw.px(4))
        yy = top + (head_h - len(lines) * fnt_h.size * 1.2) / 2
        for line in lines:
            pw.draw.text((cx - pw.text_width(line, fnt_h) / 2, yy), line, font=fnt_h, fill=INK)
            pw.lines.append(line)
            yy += fnt_h.size * 1.2
    y = top + head_h
    pw.draw.line((x0, y, x1, y), fill=INK, width=lw)
    for row in rows:
        heights = []
        for k, cell in enumerate(row):
            lines = _wrap(pw, cell, fnt, xs[k + 1] - xs[k] - pw.px(4))
            yy = y + pw.px(2)
            for line in lines:
                pw.draw.text((xs[k] + pw.px(2), yy), line, font=fnt, fill=(18, 18, 40))
                pw.lines.append(line)
                yy += fnt.size * 1.3
            heights.append(yy - y)
        y += int(max(heights) + pw.px(2))
    bottom = max(y, top + pw.px(height_mm))
    pw.draw.rectangle((x0, top, x1, bottom), outline=INK, width=lw)
    for x in xs[1:-1]:
        pw.draw.line((x, top, x, bottom), fill=INK, width=lw)
    pw.y = bottom + pw.px(4)


def _wrap(pw: PageWriter, text: str, fnt, room: int) -> list[str]:
    out: list[str] = []
    rest: str | None = nfc(text)
    while rest:
        shown, rest = pw._fit(rest, fnt, room)
        out.append(shown)
    return out
