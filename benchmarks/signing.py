"""Signing benchmark: PAdES signatures per second by level, 1-page vs 50-page documents, one
process and two, and a B-LT batch of 100 documents — against the test PKI (tests/pki) whose TSA,
OCSP responder and CRLs run on 127.0.0.1 in a separate process.

    .venv/bin/python benchmarks/signing.py            # prints a Markdown table
    .venv/bin/python benchmarks/signing.py --quick    # fewer documents

Targets (issue 10): ≥20 B-B signatures/s (1-page, PKCS#12 key); a 50-page document no slower than
2× a 1-page one; B-LT of 100 documents in under 30 s.

Targets (issue 12, second table): a batch of 100 one-page documents signed B-B through SoftHSM2
(PKCS#11) at ≥15 per second; through the local CSC server (certomancer-csc-dummy) with one
authorisation in under 20 s. Both with `Signer.sign_files` (one session / one authorisation), the
key store's opening (login, credential and chain fetch) included. Needs softhsm2 and opensc
(pkcs11-tool), see the Makefile.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.pki

PASS_ENV = "SOHOA_BENCH_P12_PASS"


TOKEN, PIN = "bench-leader", "135790"


def _serve_pki(directory: str, ready, stop) -> None:
    from tests.pki import CscServer, TestPki, softhsm_token

    pki = TestPki.create(Path(directory))
    csc = CscServer(pki)
    try:
        p12 = pki.p12("leader", os.environ[PASS_ENV])
        softhsm_token(pki, TOKEN, PIN)
        ready.put((str(p12), pki.tsa_url, str(pki.cert_pem("root")), csc.url))
        stop.wait()
    finally:
        csc.close()
        pki.close()


def _sign_keystore(kind: str, level: str, tsa: str, csc_url: str, src: Path, out_dir: Path, n: int):
    """A batch of n documents through a PKCS#11 token or the CSC service; (seconds, failures)."""
    from sohoa.pipeline.signing import CscKeyStore, Level, Pkcs11KeyStore, Signer, SigningError, SignOptions

    from tests.pki import SOFTHSM_MODULE

    pairs = [(src, out_dir / f"{kind}-{level}-{i}.pdf") for i in range(n)]
    t0 = time.perf_counter()
    if kind == "PKCS#11":
        key = Pkcs11KeyStore(SOFTHSM_MODULE, TOKEN, PIN, key_label="leader")
    else:
        key = CscKeyStore(csc_url, "sohoa-test/leader")
    with Signer(key, SignOptions(level=Level(level), tsa_url=tsa)) as signer:
        results = signer.sign_files(pairs)
    secs = time.perf_counter() - t0
    if hasattr(key, "close"):
        key.close()
    return secs, sum(isinstance(r, SigningError) for r in results), getattr(key, "authorisations", None)


def _make_pdf(path: Path, pages: int) -> Path:
    from PIL import Image, ImageDraw
    from sohoa.pipeline.pdf import PdfPage, write_pdf

    images = []
    for k in range(pages):
        img = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(img)
        for i in range(30):
            draw.line((100, 150 + 50 * i, 1100 - 7 * k, 150 + 50 * i), fill=(20, 20, 20), width=3)
        images.append(PdfPage(img, 150))
    return write_pdf(images, path)


def _sign_batch(p12: str, level: str, tsa: str, src: str, out_dir: str, n: int) -> float:
    """Sign `src` n times in one session; returns seconds (certificate check included)."""
    from sohoa.pipeline.signing import Level, Pkcs12KeyStore, Signer, SignOptions

    t0 = time.perf_counter()
    key = Pkcs12KeyStore(Path(p12), os.environ[PASS_ENV])
    with Signer(key, SignOptions(level=Level(level), tsa_url=tsa)) as signer:
        for i in range(n):
            signer.sign_file(Path(src), Path(out_dir) / f"{level}-{os.getpid()}-{i}.pdf")
    return time.perf_counter() - t0


def _two_processes(p12, level, tsa, src, out_dir, n) -> float:
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(2) as pool:
        pool.starmap(_sign_batch, [(p12, level, tsa, src, out_dir, n // 2)] * 2)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer documents per row")
    args = parser.parse_args()
    scale = 0.25 if args.quick else 1.0
    os.environ.setdefault(PASS_ENV, "benchmark-only-passphrase")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ctx = mp.get_context("spawn")
        ready, stop = ctx.Queue(), ctx.Event()
        from tests.pki import softhsm_setup

        softhsm_setup(tmp / "softhsm")  # before the PKCS#11 module is loaded (here and in the server)
        server = ctx.Process(target=_serve_pki, args=(str(tmp / "pki"), ready, stop), daemon=True)
        server.start()
        p12, tsa, _root, csc_url = ready.get(timeout=120)
        one, fifty = _make_pdf(tmp / "one.pdf", 1), _make_pdf(tmp / "fifty.pdf", 50)
        out = tmp / "out"
        out.mkdir()
        rows = []
        stores = []
        try:
            # Warm-up (imports, first TSA/OCSP fetch) outside the measurements.
            _sign_batch(p12, "B-LT", tsa, str(one), str(out), 2)
            plan = [
                ("B-B", one, 1, 200),
                ("B-B", fifty, 50, 100),
                ("B-T", one, 1, 100),
                ("B-T", fifty, 50, 50),
                ("B-LT", one, 1, 100),
                ("B-LTA", one, 1, 50),
            ]
            for level, src, pages, n in plan:
                n = max(4, int(n * scale))
                secs = _sign_batch(p12, level, tsa, str(src), str(out), n)
                rows.append((level, pages, 1, n, secs))
            for level in ("B-B", "B-LT"):
                n = max(4, int(200 * scale))
                secs = _two_processes(p12, level, tsa, str(one), str(out), n)
                rows.append((level, 1, 2, n, secs))
            _sign_keystore("PKCS#11", "B-B", tsa, csc_url, one, out, 4)  # warm-up
            for kind in ("PKCS#11", "CSC"):
                for level in ("B-B", "B-T"):
                    n = 100 if level == "B-B" else max(4, int(100 * scale))
                    secs, failed, auths = _sign_keystore(kind, level, tsa, csc_url, one, out, n)
                    stores.append((kind, level, n, secs, failed, auths))
        finally:
            stop.set()
            server.join(10)

    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}"
    )
    print()
    print("| level | pages | processes | documents | seconds | signatures/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for level, pages, procs, n, secs in rows:
        print(f"| {level} | {pages} | {procs} | {n} | {secs:.2f} | {n / secs:.1f} |")
    print()
    print("| key store | level | documents (1 page) | failed | authorisations | seconds | signatures/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind, level, n, secs, failed, auths in stores:
        a = "-" if auths is None else auths
        print(f"| {kind} | {level} | {n} | {failed} | {a} | {secs:.2f} | {n / secs:.1f} |")


if __name__ == "__main__":
    main()
