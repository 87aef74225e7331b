"""Accuracy of `sohoa process` on a generated set of synthetic scans, against their ground truth.

Generates a set with `sohoa.samples.generate` (or takes one with --set), runs the real command
line, `sohoa process INPUT... --out DIR --force`, once per level (so seconds per page are per
level), reads every `result.json` (CONTRACT.md) and prints a table per document type and level:

- docs: documents in the group; type: doc-type accuracy (the predicted document holding most of
  the truth document's pages has the right `doc_type`); split: the truth document's pages form
  exactly one predicted document;
- fields: truth fields extracted with the right value (normalised comparison,
  `sohoa.samples.scoring.same_field`), over all truth fields; extra: predicted fields the truth
  does not have, over predicted fields;
- words: page word recall of the OCR text against the truth lines; CER: character error rate of the
  truth lines found in the page text, order-insensitive (`sohoa.samples.scoring`);
- rot: pages whose `rotation` is right; skew med/max: absolute skew error in degrees;
- s/page: wall time of `sohoa process` per page, per level.

Inputs are the per-document folders (`--input folders`, default), the multi-page TIFFs (`tiff`) or the
whole feeder stack `batch.pdf` (`batch`, which also tests splitting).

    .venv/bin/python benchmarks/accuracy.py --n 60 --seed 0 --work /tmp/sohoa-bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.samples import LEVEL_NAMES, generate
from sohoa.samples.scoring import page_cer, same_field, word_recall
from sohoa.schemas import Truth, TruthDocument

DOC_TYPES = ("birth_certificate", "marriage_certificate", "death_certificate", "land_use_certificate")


@dataclass
class Tally:
    docs: int = 0
    type_ok: int = 0
    split_ok: int = 0
    fields: int = 0
    fields_ok: int = 0
    predicted_fields: int = 0
    extra_fields: int = 0
    words: int = 0
    words_found: int = 0
    chars: int = 0
    char_errors: int = 0
    pages: int = 0
    rotation_ok: int = 0
    skew_errors: list[float] = field(default_factory=list)
    failed_pages: int = 0

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, list):
                getattr(self, name).extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)


@dataclass
class PredictedPage:
    rotation: int | None
    skew_deg: float | None
    text: str
    status: str


@dataclass
class PredictedDoc:
    doc_type: str
    pages: list[int]  # global page numbers
    fields: dict[str, str]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--set", type=Path, help="an existing set (folder with truth.json); default: generate one"
    )
    ap.add_argument("--n", type=int, default=60, help="documents to generate (default 60)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--level", default="mixed", choices=[*LEVEL_NAMES, "mixed"])
    ap.add_argument("--work", type=Path, default=Path("/tmp/sohoa-accuracy"), help="working folder")
    ap.add_argument("--input", choices=["folders", "tiff", "batch"], default="folders")
    ap.add_argument("--sohoa", default=str(Path(sys.executable).with_name("sohoa")), help="the sohoa command")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)

    if args.set:
        set_dir = args.set
        truth = Truth.model_validate_json((set_dir / "truth.json").read_text(encoding="utf-8")).root
    else:
        set_dir = args.work / "set"
        print(
            f"generating {args.n} documents (seed {args.seed}, level {args.level}) in {set_dir}",
            file=sys.stderr,
        )
        t0 = time.perf_counter()
        truth = generate(set_dir, n=args.n, seed=args.seed, level=args.level)
        print(f"  {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    out_dir = args.work / "out"
    seconds: dict[str, float] = {}
    page_counts: dict[str, int] = defaultdict(int)
    for doc in truth:
        page_counts[doc.level] += len(doc.pages)
    predicted_pages: dict[tuple[str, int], PredictedPage] = {}
    predicted_docs: list[PredictedDoc] = []
    raw_docs: list[tuple[list[int], dict]] = []
    if args.input == "batch":
        inputs = {"all": [set_dir / "batch.pdf"]}
    else:
        inputs = defaultdict(list)
        for doc in truth:
            inputs[doc.level].append(
                set_dir / doc.id if args.input == "folders" else set_dir / "tiff" / f"{doc.id}.tif"
            )
    for group, paths in inputs.items():
        print(f"sohoa process: {len(paths)} input(s) [{group}]", file=sys.stderr)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [args.sohoa, "process", *map(str, paths), "--out", str(out_dir), "--force"],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        seconds[group] = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
            print(f"sohoa process failed with exit code {proc.returncode}", file=sys.stderr)
            return 2
    # Global page numbering: truth pages in set order; each input's pages map onto a run of them.
    global_of: dict[tuple[str, int], int] = {}
    g = 0
    for doc in truth:
        for k in range(1, len(doc.pages) + 1):
            g += 1
            global_of[(doc.id, k)] = g
    for paths in inputs.values():
        for path in paths:
            result_path = out_dir / path.stem / "result.json"
            if not result_path.exists():
                print(f"missing {result_path}", file=sys.stderr)
                continue
            result = json.loads(result_path.read_text(encoding="utf-8"))
            if args.input == "batch":
                to_global = {p["index"]: p["index"] for p in result["pages"]}
            else:
                to_global = {p["index"]: global_of.get((path.stem, p["index"]), -1) for p in result["pages"]}
            for p in result["pages"]:
                predicted_pages[("g", to_global[p["index"]])] = PredictedPage(
                    p.get("rotation"), p.get("skew_deg"), p.get("text") or "", p.get("status", "")
                )
            for d in result["documents"]:
                raw_docs.append(([to_global[i] for i in d.get("pages", [])], d))  # for extraction_tables
                predicted_docs.append(
                    PredictedDoc(
                        d.get("doc_type", "unknown"),
                        [to_global[i] for i in d.get("pages", [])],
                        {k: v["value"] for k, v in (d.get("fields") or {}).items() if isinstance(v, dict)},
                    )
                )

    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for doc in truth:
        tallies[(doc.doc_type, doc.level)].add(_score(doc, global_of, predicted_pages, predicted_docs))

    print(_table(tallies, seconds, page_counts, args.input))
    print(extraction_tables(truth, global_of, raw_docs))
    print(
        f"\n{len(truth)} documents, {sum(page_counts.values())} pages; input: {args.input}; "
        f"{platform.node()} {time.strftime('%Y-%m-%d')}"
    )
    if args.json:
        args.json.write_text(json.dumps(_as_json(tallies, seconds, page_counts), indent=2), encoding="utf-8")
    return 0


def _score(doc: TruthDocument, global_of, predicted_pages, predicted_docs) -> Tally:
    t = Tally(docs=1)
    pages = [global_of[(doc.id, k)] for k in range(1, len(doc.pages) + 1)]
    best, overlap = None, 0
    for pd in predicted_docs:
        n = len(set(pd.pages) & set(pages))
        if n > overlap:
            best, overlap = pd, n
    if best is not None:
        t.type_ok = int(best.doc_type == doc.doc_type)
        t.split_ok = int(sorted(best.pages) == pages)
        for name in best.fields:
            t.predicted_fields += 1
            if name not in doc.fields:
                t.extra_fields += 1
    t.fields = len(doc.fields)
    if best is not None and best.doc_type == doc.doc_type:
        t.fields_ok = sum(
            1
            for name, want in doc.fields.items()
            if name in best.fields and same_field(doc.doc_type, name, best.fields[name], want)
        )
    for k, page in enumerate(doc.pages, start=1):
        t.pages += 1
        pred = predicted_pages.get(("g", global_of[(doc.id, k)]))
        if pred is None or pred.status == "failed":
            t.failed_pages += 1
        text = pred.text if pred else ""
        found, total = word_recall(page.lines, text)
        t.words_found += found
        t.words += total
        errors, chars = page_cer(page.lines, text)
        t.char_errors += errors
        t.chars += chars
        if pred is not None and pred.rotation == page.rotation:
            t.rotation_ok += 1
        if pred is not None and pred.skew_deg is not None:
            t.skew_errors.append(abs(pred.skew_deg - page.skew_deg))
    return t


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def _row(name: str, level: str, t: Tally, s_per_page: str) -> str:
    skew = f"{statistics.median(t.skew_errors):.2f} / {max(t.skew_errors):.2f}" if t.skew_errors else "—"
    return (
        f"| {name} | {level} | {t.docs} | {_pct(t.type_ok, t.docs)} | {_pct(t.split_ok, t.docs)} | "
        f"{_pct(t.fields_ok, t.fields)} | {_pct(t.extra_fields, t.predicted_fields)} | "
        f"{_pct(t.words_found, t.words)} | {_pct(t.char_errors, t.chars)} | {_pct(t.rotation_ok, t.pages)} | "
        f"{skew} | {s_per_page} |"
    )


def _table(tallies, seconds, page_counts, input_mode: str) -> str:
    head = (
        "| doc type | level | docs | type | split | fields | extra | words | CER | rot | skew med / max ° | s/page |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = [head]
    levels = [lv for lv in LEVEL_NAMES if any(k[1] == lv for k in tallies)]

    def spp(level: str | None) -> str:
        if input_mode == "batch":
            total = sum(page_counts.values())
            return f"{seconds['all'] / total:.2f}" if total else "—"
        if level is None:
            total = sum(page_counts.values())
            return f"{sum(seconds.values()) / total:.2f}" if total else "—"
        return f"{seconds[level] / page_counts[level]:.2f}" if page_counts.get(level) else "—"

    for doc_type in DOC_TYPES:
        for level in levels:
            if (doc_type, level) in tallies:
                rows.append(_row(doc_type, level, tallies[(doc_type, level)], spp(level)))
    for level in levels:
        t = Tally()
        for (_dt, lv), v in tallies.items():
            if lv == level:
                t.add(v)
        rows.append(_row("**all**", level, t, spp(level)))
    total = Tally()
    for v in tallies.values():
        total.add(v)
    rows.append(_row("**all**", "**all**", total, spp(None)))
    return "\n".join(rows)


def _as_json(tallies, seconds, page_counts) -> dict:
    return {
        "groups": [
            {
                "doc_type": dt,
                "level": lv,
                **{k: v for k, v in vars(t).items() if k != "skew_errors"},
                "skew_error_median": statistics.median(t.skew_errors) if t.skew_errors else None,
                "skew_error_max": max(t.skew_errors) if t.skew_errors else None,
            }
            for (dt, lv), t in sorted(tallies.items())
        ],
        "seconds": seconds,
        "pages": dict(page_counts),
    }


def extraction_tables(truth, global_of, raw_docs) -> str:
    """Issue 8's figures: field accuracy per form version and per field, form-version accuracy,
    document boundaries, and calibration (accuracy of the fields reported with confidence ≥ 0.9)."""
    by_version: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    by_field: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    bounds = [0, 0]
    for doc in truth:
        pages = [global_of[(doc.id, k)] for k in range(1, len(doc.pages) + 1)]
        best = max(raw_docs, key=lambda rd: len(set(rd[0]) & set(pages)), default=None)
        if best is not None and not set(best[0]) & set(pages):
            best = None
        bounds[1] += 1
        bounds[0] += int(best is not None and sorted(best[0]) == pages)
        fields = (
            (best[1].get("fields") or {})
            if best is not None and best[1].get("doc_type") == doc.doc_type
            else {}
        )
        row = by_version[(doc.doc_type, doc.form_version)]
        row[4] += int(best is not None and best[1].get("form_version") == doc.form_version)
        for name, want in doc.fields.items():
            got = fields.get(name)
            ok = got is not None and same_field(doc.doc_type, name, got["value"], want)
            row[0] += ok
            row[1] += 1
            by_field[(doc.doc_type, name)][0] += ok
            by_field[(doc.doc_type, name)][1] += 1
            if got is not None and got["confidence"] >= 0.9:
                row[2] += ok
                row[3] += 1
    lines = [
        "",
        "| doc type | form version | docs | fields | version | conf ≥ 0.9 right | share of fields at ≥ 0.9 |",
        "|---|---|---|---|---|---|---|",
    ]
    docs_of = defaultdict(int)
    for doc in truth:
        docs_of[(doc.doc_type, doc.form_version)] += 1
    tot = [0, 0, 0, 0, 0]
    for key in sorted(by_version):
        r = by_version[key]
        tot = [a + b for a, b in zip(tot, r, strict=True)]
        lines.append(
            f"| {key[0]} | {key[1]} | {docs_of[key]} | {_pct(r[0], r[1])} | {_pct(r[4], docs_of[key])} | "
            f"{_pct(r[2], r[3])} | {_pct(r[3], r[1])} |"
        )
    lines.append(
        f"| **all** | | {len(truth)} | {_pct(tot[0], tot[1])} | {_pct(tot[4], len(truth))} | "
        f"{_pct(tot[2], tot[3])} | {_pct(tot[3], tot[1])} |"
    )
    lines += [
        "",
        f"document boundaries right: {_pct(*bounds)}",
        "",
        "| doc type | field | right |",
        "|---|---|---|",
    ]
    for (dt, name), (ok, n) in sorted(by_field.items()):
        lines.append(f"| {dt} | {name} | {ok}/{n} ({_pct(ok, n)}) |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
