"""Size and fidelity of sohoa's searchable-PDF pages against OCRmyPDF `--optimize 2`.

Generated scans (`sohoa.samples.generate`, every level) go through sohoa's own path: read by
`pipeline/ingest` (which keeps a JPEG file's bytes), turned upright by `prepare`, and written one
page per PDF by the PDF stage of `sohoa process` (`write_document_pdf`: codec "auto"; a JPEG scan
embedded unchanged, drawn turned when the page was turned) — the "sohoa" column; "sohoa-jpeg" is
the upright page always re-encoded as JPEG at the configured quality; "ocrmypdf" is OCRmyPDF
`--optimize 2 --output-type pdf` on the same page image file. The page image is read back out of
each PDF and compared with the scan it stores (`fidelity`: PSNR over RGB, dB; ≥ 40 dB is not
visibly different on these pages; 99 = bit-exact). OCR is skipped on both sides by default
(`--tesseract-timeout 0` for OCRmyPDF, no words for sohoa) so that only the image encoding is
compared; `--ocr` adds both text layers (slow). Needs `make bench-deps` (OCRmyPDF, ghostscript,
pngquant).

    .venv/bin/python benchmarks/pdf_size.py [--n 8] [--seed 3] [--quality 85] [--ocr]
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image
from sohoa.pipeline.ingest import open_input
from sohoa.pipeline.ocr import ocr_page
from sohoa.pipeline.pdf import PdfPage, TextWord, write_pdf
from sohoa.pipeline.preprocess import prepare
from sohoa.pipeline.process import write_document_pdf
from sohoa.pipeline.types import OcrPage
from sohoa.samples import generate


def fidelity(got: Image.Image, *references: np.ndarray) -> float:
    """PSNR of an image read back from a PDF against the scan it stores: as scanned (a JPEG scan
    embedded unchanged and drawn turned, OCRmyPDF's images) or upright (re-encoded pages)."""
    arr = np.asarray(got)
    return max(psnr(ref, arr) for ref in references if ref.shape == arr.shape)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * math.log10(255.0**2 / mse)


def page_image(pdf_path: Path) -> tuple[Image.Image, str]:
    with pikepdf.open(pdf_path) as pdf:
        (raw,) = pdf.pages[0].get_images().values()
        image = pikepdf.PdfImage(raw)
        filters = raw.get("/Filter", "raw")
        names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
        kind = "+".join(n.strip("/").removesuffix("Decode") for n in names)
        kind += "+palette" if "/Indexed" in str(raw.ColorSpace) else ""
        return image.as_pil_image().convert("RGB"), kind


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8, help="documents to generate (levels cycle clean..hard)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--quality", type=int, default=85, help="sohoa JPEG quality (SOHOA_JPEG_QUALITY)")
    ap.add_argument("--ocr", action="store_true", help="also recognise text on both sides (slow)")
    args = ap.parse_args()
    ocrmypdf = shutil.which("ocrmypdf") or str(Path(__file__).resolve().parents[1] / ".venv/bin/ocrmypdf")

    work = Path(tempfile.mkdtemp(prefix="sohoa-pdf-size-"))
    truth = generate(work / "samples", n=args.n, seed=args.seed, level="mixed")
    rows = []
    for doc in truth:
        for k, page in enumerate(doc.pages, start=1):
            src = work / "samples" / page.file
            (scan,) = open_input(src).pages()
            prepared = prepare(scan)
            ocr = ocr_page(prepared) if args.ocr else OcrPage(prepared, words=[], lines=[])
            upright = prepared.upright.convert("RGB")
            upright_px = np.asarray(upright)
            scanned_px = np.asarray(scan.image.convert("RGB"))
            row = {"page": f"{doc.id}/{k}", "level": doc.level, "dpi": page.dpi, "px": scan.image.size}
            for name in ("sohoa", "sohoa-jpeg"):
                out = work / f"{doc.id}-{k}-{name}.pdf"
                t = time.perf_counter()
                if name == "sohoa":
                    write_document_pdf([ocr], out, title=doc.id, jpeg_quality=args.quality)
                else:
                    words = [TextWord(w.text, w.box, w.line) for w in ocr.words]
                    write_pdf(
                        [PdfPage(upright, scan.dpi, words)], out, jpeg_quality=args.quality, codec="jpeg"
                    )
                seconds = time.perf_counter() - t
                got, kind = page_image(out)
                row[name] = (out.stat().st_size, fidelity(got, upright_px, scanned_px), kind, seconds)
            out = work / f"{doc.id}-{k}-ocrmypdf.pdf"
            cmd = [ocrmypdf, "-q", "--optimize", "2", "--output-type", "pdf", "--image-dpi", str(page.dpi)]
            cmd += ["-l", "vie", "--rotate-pages"] if args.ocr else ["--tesseract-timeout", "0"]
            t = time.perf_counter()
            subprocess.run([*cmd, str(src), str(out)], check=True)
            seconds = time.perf_counter() - t
            got, kind = page_image(out)
            # OCRmyPDF keeps the image as scanned (`--rotate-pages` only sets the page's /Rotate).
            row["ocrmypdf"] = (out.stat().st_size, fidelity(got, scanned_px), kind, seconds)
            rows.append(row)

    cols = ("sohoa", "sohoa-jpeg", "ocrmypdf")
    print(
        f"JPEG quality {args.quality}; OCR {'on' if args.ocr else 'off'}; sizes in KB; PSNR in dB vs the scan\n"
    )
    print(
        "| page | level | dpi | pixels | " + " | ".join(f"{c} KB | {c} PSNR | {c} codec" for c in cols) + " |"
    )
    print("|---" * (4 + 3 * len(cols)) + "|")
    for r in rows:
        cells = [r["page"], r["level"], str(r["dpi"]), f"{r['px'][0]}×{r['px'][1]}"]
        for c in cols:
            size, q, kind, _ = r[c]
            cells += [f"{size / 1024:.0f}", f"{q:.1f}", kind]
        print("| " + " | ".join(cells) + " |")
    print()
    print("| tool | pages | mean KB/page | max KB/page | mean KB per 200-dpi page | min PSNR | mean s/page |")
    print("|---|---|---|---|---|---|---|")
    at200 = [r for r in rows if r["dpi"] == 200]
    for c in cols:
        sizes = [r[c][0] / 1024 for r in rows]
        print(
            f"| {c} | {len(rows)} | {statistics.mean(sizes):.0f} | {max(sizes):.0f} | "
            f"{statistics.mean(r[c][0] / 1024 for r in at200):.0f} ({len(at200)} pages) | "
            f"{min(r[c][1] for r in rows):.1f} | {statistics.mean(r[c][3] for r in rows):.2f} |"
        )
    over = [r["page"] for r in at200 if r["sohoa"][0] > 300 * 1024]
    print(f"\n200-dpi pages over 300 KB with sohoa: {len(over)} of {len(at200)} {over}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
