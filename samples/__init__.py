"""Synthetic scans of the four document types with ground truth (`sohoa samples`).

Test data for demos, tests and benchmarks; never imported by the pipeline, workers or web app.
`generate(out_dir, n, seed, level, progress)` writes a set and returns its truth (see generate.py).
"""

from .generate import LEVEL_NAMES, generate

__all__ = ["LEVEL_NAMES", "generate"]
