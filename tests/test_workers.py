"""The Dramatiq workers on the embedded broker, with SQLite and with PostgreSQL, and real Tesseract:
a batch end to end (a corrupt page and an unreadable input failed while the rest finishes), a
restart of the whole worker process (SIGKILL mid-batch) finishing with every page and document done
exactly once, `sohoa retry`, `watch` taking a file once while it is still being written, and a
signature request signed once when its message arrives twice.

Inputs: pages drawn by tests/drawn.py and a two-document feeder stack from `sohoa.samples.generate`
(n=2, level clean); the corrupt and empty files are made here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sohoa.store import db, state
from sohoa.store.storage import sha256_file
from sohoa.workers.actors import is_transient, retry_when
from sohoa.workers.context import SignedInfo
from sohoa.workers.runtime import Runtime, WorkerOptions
from sohoa.workers.watch import Watcher
from sqlalchemy import text

from sohoa.config import load_settings

from .drawn import birth_certificate
from .store_support import add_processed_document
from .test_store import postgres_url  # noqa: F401 - fixture

SOHOA = Path(sys.executable).with_name("sohoa")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(autouse=True)
def _fresh_logging():
    """Log to this test's stderr: an earlier CLI test may have bound structlog to a closed stream."""
    from sohoa.logs import configure_logging

    configure_logging("info")


def _runtime(url: str, storage: Path, **overrides) -> Runtime:
    db.upgrade(url)
    return Runtime(load_settings(database_url=url, storage_dir=storage, **overrides))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    from sohoa.samples import generate

    d = tmp_path_factory.mktemp("inputs")
    truth = generate(d / "samples", n=2, seed=3, level="clean")
    assert sum(len(t.pages) for t in truth) == 2, "the feeder stack should stay two pages (test speed)"
    page = birth_certificate()
    folder = d / "folder"
    folder.mkdir()
    page.save(folder / "page-1.png", dpi=(200, 200))
    good = (folder / "page-1.png").read_bytes()
    (folder / "page-2.png").write_bytes(good[: len(good) // 3])  # cut short: a corrupt page
    (d / "empty.pdf").write_bytes(b"")
    restart = d / "restart"
    restart.mkdir()
    for i, im in enumerate([page] * 3, start=1):
        im.save(restart / f"page-{i}.png", dpi=(200, 200))
    return d


def _events(runtime: Runtime, kind: str) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM events WHERE kind = :k"), {"k": kind}).scalar()


def test_batch_end_to_end(inputs, database_url, tmp_path):
    runtime = _runtime(database_url, tmp_path / "storage")
    try:
        batch = runtime.submit([inputs / "samples" / "batch.pdf", inputs / "folder", inputs / "empty.pdf"])
        assert runtime.status(batch).state == "submitted"
        runtime.start(WorkerOptions(ocr_threads=2))
        assert runtime.wait([batch], timeout=300)
        st = runtime.status(batch).as_json()
    finally:
        runtime.stop()
    runtime.engine = db.make_engine(database_url)

    assert st["finished"] is True
    assert st["inputs"] == {"pending": 0, "ocr": 0, "split": 0, "done": 2, "failed": 1}
    assert st["pages"] == {"pending": 0, "done": 3, "failed": 1}
    assert st["documents"]["done"] == 3 and st["documents"]["failed"] == 0
    codes = {(f["input"], f["page"], f["code"]) for f in st["failures"]}
    assert ("folder", 2, "corrupt_image") in codes
    assert any(f["input"] == "empty" and f["page"] is None for f in st["failures"])

    storage = runtime.storage
    truth = json.loads((inputs / "samples" / "truth.json").read_text())
    stack = json.loads(storage.read_bytes("inputs/1/result.json"))
    assert stack["source"].endswith("batch.pdf") and stack["error"] is None
    found = [d["doc_type"] for d in stack["documents"]]
    assert found == [d["doc_type"] for d in truth]
    for doc in stack["documents"]:
        assert storage.read_bytes(f"inputs/1/{doc['pdf']}").startswith(b"%PDF")
    folder = json.loads(storage.read_bytes("inputs/2/result.json"))
    assert [p["status"] for p in folder["pages"]] == ["document", "failed"]
    assert folder["documents"][0]["doc_type"] == "birth_certificate"
    with runtime.engine.connect() as conn:  # result.json's fields are the rows the extraction stored
        rows = conn.execute(
            text(
                "SELECT f.name, f.value FROM fields f JOIN documents d ON d.id = f.document_id WHERE d.input_id = 2"
            )
        ).all()
    assert {k: v["value"] for k, v in folder["documents"][0]["fields"].items()} == dict(rows)
    assert json.loads(storage.read_bytes("inputs/3/result.json"))["error"]["code"]
    assert not [k for k in storage.files() if k.endswith(".part")]


def _status(env: dict, batch: int) -> dict:
    """`sohoa status BATCH --json`, as an operator would ask."""
    out = subprocess.run(
        [str(SOHOA), "status", str(batch), "--json"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _counts(url: str, batch: int) -> tuple[int, bool]:
    """Pages done and whether the batch is finished (a cheap poll, no process start)."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            done = conn.execute(text("SELECT count(*) FROM pages WHERE state = 'done'")).scalar()
            finished = (
                conn.execute(text("SELECT state FROM batches WHERE id = :b"), {"b": batch}).scalar() == "done"
            )
        return done, finished
    finally:
        engine.dispose()


def _start_worker(env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(SOHOA), "worker", "--ocr-threads", "1"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=open(cwd / "worker.log", "ab"),  # noqa: SIM115 - kept open for the child
    )


def test_restart_mid_batch_does_everything_exactly_once(inputs, database_url, tmp_path):
    """`sohoa submit`, then a `sohoa worker` killed with SIGKILL mid-batch and started again: the
    batch finishes, and every page and document exists once, in the database and on disk."""
    storage_dir = tmp_path / "storage"
    env = {
        **os.environ,
        "SOHOA_DATABASE_URL": database_url,
        "SOHOA_STORAGE_DIR": str(storage_dir),
        "SOHOA_LOG_LEVEL": "warning",
    }
    subprocess.run([str(SOHOA), "db", "upgrade"], env=env, check=True, capture_output=True)
    submitted = subprocess.run(
        [str(SOHOA), "submit", str(inputs / "restart")], env=env, capture_output=True, text=True, check=True
    )
    batch = int(submitted.stdout.strip())

    worker = _start_worker(env, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while _counts(database_url, batch)[0] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        killed_at = _status(env, batch)
        assert not killed_at["finished"], "the kill should land mid-batch"
        assert 0 < killed_at["pages"]["done"] < 3

        worker = _start_worker(env, tmp_path)
        deadline = time.monotonic() + 240
        while not _counts(database_url, batch)[1]:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.3)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()

    st = _status(env, batch)
    assert st["finished"] is True
    assert st["pages"] == {"pending": 0, "done": 3, "failed": 0}
    assert st["documents"] == {"pending": 0, "extracted": 0, "done": 3, "failed": 0}
    runtime = _runtime(database_url, storage_dir)
    try:
        with runtime.engine.connect() as conn:
            pages = conn.execute(text('SELECT "index", status FROM pages ORDER BY "index"')).all()
            docs = conn.execute(text("SELECT number, pages FROM documents ORDER BY number")).all()
        assert pages == [(i, "document") for i in range(1, 4)]
        assert [n for n, _ in docs] == [1, 2, 3]
        assert _events(runtime, "split") == 1
        assert _events(runtime, "input_done") == 1
        assert _events(runtime, "batch_done") == 1
        files = [k for k in runtime.storage.files() if not k.startswith("sources/")]
    finally:
        runtime.stop()
    # the folder's pages are read from the submitted files: no page image is stored
    expected = {f"inputs/1/ocr/{i:04d}.json" for i in range(1, 4)}
    expected |= {f"inputs/1/d{n}.pdf" for n in range(1, 4)} | {"inputs/1/result.json", "inputs/1/words.json"}
    assert sorted(files) == sorted(expected)  # no duplicate, no stray temporary file
    result = json.loads((storage_dir / "inputs/1/result.json").read_text())
    assert [d["pages"] for d in result["documents"]] == [[1], [2], [3]]
    assert [p["status"] for p in result["pages"]] == ["document"] * 3


def test_retry_runs_failed_pages_again(inputs, tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    # A Tesseract time limit too short for any page: every OCR fails, recorded, not retried.
    runtime = _runtime(url, tmp_path / "storage", ocr_timeout=0.001)
    try:
        batch = runtime.submit([inputs / "folder"])
        runtime.start()
        assert runtime.wait([batch], timeout=120)
        st = runtime.status(batch)
        assert st.pages == {"pending": 0, "done": 0, "failed": 2}
        assert {f["code"] for f in st.failures} == {"corrupt_image", "ocr_timeout"}
    finally:
        runtime.stop()

    runtime = _runtime(url, tmp_path / "storage")
    try:
        counts = runtime.retry(batch)
        assert counts == {"inputs": 1, "pages": 1, "documents": 0}  # the unreadable page stays failed
        runtime.start()
        assert runtime.wait([batch], timeout=120)
        st = runtime.status(batch)
        assert st.pages == {"pending": 0, "done": 1, "failed": 1}
        assert st.documents["done"] == 1
        assert runtime.retry(batch) == {}  # nothing left that a retry can fix
    finally:
        runtime.stop()


def test_watch_takes_a_file_once_even_while_it_is_written(inputs, database_url, tmp_path):
    drop = tmp_path / "scanner"
    drop.mkdir()
    runtime = _runtime(database_url, tmp_path / "storage")
    try:
        watcher = Watcher(runtime, drop, settle=0.6)
        data = (inputs / "samples" / "batch.pdf").read_bytes()
        submitted: list[int] = []
        done = threading.Event()

        def scanner():  # writes in bursts with pauses shorter than the settle time
            with (drop / "scan-001.pdf").open("wb") as f:
                step = len(data) // 6 + 1
                for i in range(0, len(data), step):
                    f.write(data[i : i + step])
                    f.flush()
                    time.sleep(0.25)
            done.set()

        writer = threading.Thread(target=scanner)
        writer.start()
        while not done.is_set():
            submitted += watcher.scan()
            time.sleep(0.05)
        writer.join()
        assert submitted == [], "a file still being written must not be taken"
        deadline = time.monotonic() + 5
        while not submitted and time.monotonic() < deadline:
            submitted += watcher.scan()
            time.sleep(0.05)
        assert len(submitted) == 1
        for _ in range(5):
            assert watcher.scan() == []
            time.sleep(0.2)
        # A restarted watcher (same database) does not take it again.
        again = Watcher(runtime, drop, settle=0.0)
        again.scan()
        time.sleep(0.05)
        assert again.scan() == []
        with runtime.sessions() as s:
            inp = state.get_input(s, state.work_for_batch(s, submitted[0])[0].entity_id)
        assert inp.source_sha256 == sha256_file(drop / "scan-001.pdf")
        assert runtime.storage.read_bytes(inp.source_key) == data
        # The same name with new content is a new scan.
        (drop / "scan-001.pdf").write_bytes(data + b"\n% rescanned\n")
        later = []
        deadline = time.monotonic() + 5
        while not later and time.monotonic() < deadline:
            later += again.scan()
            time.sleep(0.05)
        assert len(later) == 1 and later != submitted
    finally:
        runtime.stop()


def test_signature_is_applied_once_on_its_own_queue(tmp_path):
    """A signature request whose message arrives twice is signed once (one row, one file); signing
    runs on the `sign` queue, so it does not wait for OCR workers (none run here)."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    runtime = _runtime(url, tmp_path / "storage")
    calls = []

    def copy_signer(pdf_in: Path, pdf_out: Path, *, profile: str) -> SignedInfo:
        # Stands in for pipeline.signing: this test is about the queue and exactly-once bookkeeping.
        calls.append(profile)
        pdf_out.write_bytes(pdf_in.read_bytes())
        return SignedInfo(signer="test-cert", level="B-B")

    runtime.context.signers["default"] = copy_signer
    try:
        with db.transaction(runtime.sessions) as s:
            doc_id = add_processed_document(runtime, s)
            request = state.request_signature(s, doc_id, profile="sao-y")
        runtime.start(WorkerOptions(ocr_threads=0, queues=frozenset({"sign"})))
        runtime.send(state.Step(state.SIGN, request))
        runtime.send(state.Step(state.SIGN, request))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with runtime.engine.connect() as conn:
                signed = conn.execute(text("SELECT count(*) FROM signatures")).scalar()
                req_state = conn.execute(text("SELECT state FROM signature_requests")).scalar()
            if req_state == "done":
                break
            time.sleep(0.1)
        runtime.broker.join("sign")
        with runtime.engine.connect() as conn:
            signed = conn.execute(text("SELECT count(*) FROM signatures")).scalar()
        assert req_state == "done" and signed == 1 and calls == ["sao-y"]
        assert runtime.storage.files("signed") == [f"signed/{request}.pdf"]
    finally:
        runtime.stop()


def test_only_transient_errors_are_retried():
    from sohoa.pipeline.errors import InputError, MissingDependencyError
    from sqlalchemy.exc import IntegrityError, OperationalError

    assert is_transient(OperationalError("SELECT 1", {}, Exception("database is locked")))
    assert is_transient(OSError(28, "No space left on device"))
    assert is_transient(MissingDependencyError("thiếu tesseract"))
    assert not is_transient(InputError("hỏng"))
    assert not is_transient(IntegrityError("INSERT", {}, Exception("unique")))
    assert not is_transient(ValueError("bug"))
    assert retry_when(0, OSError()) and not retry_when(10, OSError())
    import redis.exceptions

    # Dramatiq's Redis broker lets the client's own error through when it sends a message.
    assert is_transient(redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"))


def test_a_step_the_broker_does_not_take_is_left_to_the_stall_check(tmp_path):
    """After a committed change, a next step that cannot be sent (the broker restarting) does not
    fail the entity: the others are still sent and the database keeps the work to re-send."""
    import redis.exceptions
    from sohoa.pipeline.process import ProcessOptions
    from sohoa.store.storage import Storage
    from sohoa.workers.context import WorkerContext

    sent = []

    def send(step):
        if step.entity_id == 2:
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        sent.append(step.entity_id)

    ctx = WorkerContext(sessions=None, storage=Storage(tmp_path), options=ProcessOptions(), send=send)
    ctx.send_all([state.Step(state.EXTRACT, i) for i in (1, 2, 3)])
    assert sent == [1, 3]


def _fields_of(result: dict) -> list[dict]:
    return [
        {name: (f["value"], f["confidence"]) for name, f in doc["fields"].items()}
        for doc in result["documents"]
    ]


def _direct_results(inputs: list[Path], out: Path) -> list[dict]:
    """`sohoa process`'s result.json of each input, in one process."""
    from sohoa.pipeline.process import ProcessOptions, process_input

    options = ProcessOptions(workers=0)
    return [json.loads((process_input(p, out, options).out_dir / "result.json").read_text()) for p in inputs]


def _worker_results(runtime: Runtime, inputs: list[Path]) -> list[dict]:
    """The workers' result.json of each input: one batch on one thread, embedded broker."""
    try:
        batch = runtime.submit(inputs)
        runtime.start(WorkerOptions(ocr_threads=0, assemble_threads=1))
        assert runtime.wait([batch], timeout=300)
    finally:
        runtime.stop()
    return [
        json.loads(runtime.storage.read_bytes(f"inputs/{i}/result.json")) for i in range(1, len(inputs) + 1)
    ]


def test_workers_extract_what_sohoa_process_extracts(tmp_path):
    """The workers' fields, values and confidences, are those of `sohoa process` on the same pages,
    whether the extraction reads its pages' OCR images as the OCR step stored them or, when they
    are lost, makes them again from the stored pages: weak fields are re-read on the cleaned,
    deskewed image OCR read, either way. Once extracted, nothing of those images is left behind.
    Pages: `sohoa.samples.generate` (n=3, seed 1, level hard: tilted, noisy JPEG scans with seals,
    where re-reading decides some fields); SQLite and the embedded broker."""
    from sohoa.samples import generate
    from sohoa.store.storage import Storage

    class LosingOcrImages(Storage):
        """A storage where the OCR step's image never lands (a crash before it reached the disk)."""

        def write_bytes(self, key, data, *, durable=True):
            return key if key.endswith(".pixels.lz4") else super().write_bytes(key, data, durable=durable)

    truth = generate(tmp_path / "samples", n=3, seed=1, level="hard")
    folders = [tmp_path / "samples" / t.id for t in truth]
    direct = _direct_results(folders, tmp_path / "direct")
    assert sum(len(d["fields"]) for r in direct for d in r["documents"]) > 20

    for stored in (True, False):
        url = f"sqlite:///{tmp_path / f'state-{stored}.db'}"
        runtime = _runtime(url, tmp_path / f"storage-{stored}")
        if not stored:
            runtime.storage = runtime.context.storage = LosingOcrImages(runtime.storage.root)
        for i, (got, expected) in enumerate(zip(_worker_results(runtime, folders), direct, strict=True)):
            assert _fields_of(got) == _fields_of(expected), (stored, i)
        assert not [k for k in runtime.storage.files() if k.endswith(".lz4")]


def test_pages_of_image_files_are_read_from_the_submitted_file(tmp_path):
    """A page of an image file is not copied into the storage (no PNG written and decoded again,
    as TIFF and PNG pages were): the workers read it from the submitted file, frame by frame, and
    get what `sohoa process` gets (text, turn, fields) for a PNG page, a JPEG that EXIF turns and
    the two frames of a TIFF; a PDF's page is still stored (its scanner's JPEG as it is). Pages:
    tests/drawn.py, saved here as PNG, JPEG (EXIF orientation 8) and a two-page JPEG-compressed
    TIFF (the second page upside down); the PDF by `pipeline.pdf.write_pdf`."""
    import io

    from PIL import Image
    from sohoa.pipeline.pdf import PdfPage, write_pdf

    page = birth_certificate()
    folder = tmp_path / "in" / "folder"
    folder.mkdir(parents=True)
    page.save(folder / "page-1.png", dpi=(200, 200))
    exif = Image.Exif()
    exif[0x0112] = 8  # shown turned 90° clockwise: stored turned the other way
    page.rotate(-90, expand=True).save(folder / "page-2.jpg", quality=90, dpi=(200, 200), exif=exif)
    tiff = tmp_path / "in" / "stack.tif"
    page.save(tiff, save_all=True, append_images=[page.rotate(180)], compression="jpeg", dpi=(200, 200))
    jpeg = io.BytesIO()
    page.save(jpeg, format="JPEG", quality=90)
    pdf = tmp_path / "in" / "scan.pdf"
    write_pdf([PdfPage(image=page, dpi=200, source_jpeg=jpeg.getvalue())], pdf, title="t")
    inputs = [folder, tiff, pdf]

    direct = _direct_results(inputs, tmp_path / "direct")
    runtime = _runtime(f"sqlite:///{tmp_path / 'state.db'}", tmp_path / "storage")
    for got, expected in zip(_worker_results(runtime, inputs), direct, strict=True):
        pages = [(p["index"], p["status"], p["rotation"], p["text"]) for p in got["pages"]]
        assert pages == [(p["index"], p["status"], p["rotation"], p["text"]) for p in expected["pages"]]
        assert _fields_of(got) == _fields_of(expected)
    assert [p["rotation"] for p in direct[1]["pages"]] == [0, 180]  # the TIFF's frames, each its own
    assert all(len(p["text"]) > 100 for r in direct for p in r["pages"])
    stored = [k for k in runtime.storage.files() if "/pages/" in k]
    assert stored == ["inputs/3/pages/0001.jpg"]  # the PDF's page only


def test_rarely_used_queues_are_looked_at_less_often():
    """Consumers of delay queues and of the shared sign queue wait a second between looks; the
    page and assembly queues keep the short wait (Dramatiq's Redis consumer polls: each look is a
    round trip). On Dramatiq's stub broker, in memory."""
    from dramatiq.brokers.stub import StubBroker
    from sohoa.workers.runtime import RARE_QUEUE_WAIT_MS, _Worker

    broker = StubBroker()
    for queue in ("ocr", "sign"):
        broker.declare_queue(queue)
    worker = _Worker(
        broker, queues={"ocr", "sign"}, worker_threads=1, worker_timeout=100, rare=frozenset({"sign"})
    )
    worker.start()
    try:
        waits = {name: consumer.worker_timeout for name, consumer in worker.consumers.items()}
        assert waits == {
            "ocr": 100,
            "ocr.DQ": RARE_QUEUE_WAIT_MS,
            "sign": RARE_QUEUE_WAIT_MS,
            "sign.DQ": RARE_QUEUE_WAIT_MS,
        }
        assert worker.worker_timeout == 100 and RARE_QUEUE_WAIT_MS > 100
    finally:
        worker.stop()
        broker.close()


_PAGE_THREAD = """
import resource, sys, threading
import numpy as np
from sohoa.pipeline.parallel import keep_page_memory
if sys.argv[1] == "keep":
    assert keep_page_memory()
def pages():
    for _ in range(3):  # what a first page maps stays mapped in both cases
        np.ones((3508, 2480, 3), np.uint8)
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    for k in range(10):  # a page's images (~180 MB): colour copies of the scan and grey ones, freed together
        images = [np.full((3508, 2480, 3), k, np.uint8) for _ in range(4)]
        images += [np.full((3508, 2480), k, np.uint8) for _ in range(6)]
        del images
    print(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
thread = threading.Thread(target=pages)  # a worker thread, as a `sohoa worker` reads pages on
thread.start()
thread.join()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_worker_thread_keeps_the_memory_of_one_page_for_the_next():
    """Without `keep_page_memory` a thread's arena gives every free 64 MB heap back, and the next
    page faults its images in again; with it, the memory of one page serves the next."""

    def faults(mode: str, env: dict | None = None) -> int:
        run = subprocess.run(
            [sys.executable, "-c", _PAGE_THREAD, mode],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
        )
        return int(run.stdout.split()[-1])

    default, kept = faults("default"), faults("keep")
    # here ~32,000 faults when each page's memory is mapped again, ~5,000 when it is kept
    assert kept * 3 < default, (kept, default)
    # an admin's own glibc settings are left as they are
    with pytest.raises(subprocess.CalledProcessError):
        faults("keep", {"MALLOC_TOP_PAD_": "0"})


_SETTLE = """
import gc, weakref
from sohoa.pipeline.parallel import settle_startup_objects
class Node:
    pass
def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)
before = cycle()  # garbage left by start-up: collected, not frozen
settle_startup_objects()
frozen = gc.get_freeze_count()
after = cycle()  # a page's garbage, made later: still collected
gc.collect()
print(frozen, before() is None, after() is None)
"""


def test_settled_startup_objects_leave_full_collections_and_later_garbage_is_still_collected():
    """`settle_startup_objects` (a worker's start): what start-up made is moved out of the
    collector's view, start-up's own garbage is collected first, and cycles made afterwards (a
    page's) are collected as before. In a fresh interpreter, so the test process is not frozen."""
    run = subprocess.run([sys.executable, "-c", _SETTLE], capture_output=True, text=True, check=True)
    frozen, before_gone, after_gone = run.stdout.split()
    assert int(frozen) > 10_000  # the interpreter's and sohoa's modules
    assert before_gone == "True"
    assert after_gone == "True"
