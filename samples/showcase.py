"""Writes the gallery of `docs/samples/`: one page of each document type at each level, downscaled.

    .venv/bin/python -m sohoa.samples.showcase docs/samples

The pages come from `generate` (a mixed set of 16 documents covers every type at every level), so
the gallery is regenerated, never edited by hand.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from PIL import Image

from .generate import generate

WIDTH = 760


def write_showcase(out_dir: Path, seed: int = 0, width: int = WIDTH) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = generate(Path(tmp), n=16, seed=seed, level="mixed")
        for doc in docs:
            page = doc.pages[0]
            with Image.open(Path(tmp) / page.file) as im:
                small = im.convert("RGB")
                small.thumbnail((width, width * 2), Image.Resampling.LANCZOS)
                small = small.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
                path = out_dir / f"{doc.doc_type}-{doc.level}.png"
                small.save(path, optimize=True)
                written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    for path in write_showcase(args.out_dir, args.seed):
        print(path, f"{path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
