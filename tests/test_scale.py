"""Scale-out on real brokers (issue 14): `sohoa worker` processes on Redis and on RabbitMQ with
PostgreSQL and a shared storage directory.

- The same end-to-end batch on each broker, with `/health` and `/metrics` of a worker, and a
  graceful stop (SIGTERM: exit 0).
- Faults, on each broker, with a batch of 100 small pages (20 inputs of 5 pages) and two worker
  processes: one killed with SIGKILL mid-batch and a new one started; then every process restarted;
  then the broker itself killed and restarted (a private redis-server / RabbitMQ node of the test,
  so the machine's shared ones are left alone). In the end every page and document is done exactly
  once and `sohoa status --json` says so.
- A signing job for a key store whose worker is down waits on `sign.<keystore>`, and completes
  (one at a time) when that worker comes.
- `docker/compose.yaml` is valid (`docker compose config`, no engine needed).
- A JPEG scan goes through the workers without being re-encoded: stored as it came, embedded in
  the PDF as it is (embedded broker, SQLite).

Inputs: pages drawn by tests/drawn.py (the end-to-end batch) and small pages drawn here with
Pillow. Shared services: Redis DB 14 under a namespace of the test, a RabbitMQ vhost of the test,
a PostgreSQL database of the test; all removed afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from sohoa.store import db, state
from sohoa.workers.context import SignedInfo
from sohoa.workers.runtime import Runtime, WorkerOptions
from sqlalchemy import text

from sohoa.config import load_settings

from .conftest import require_services
from .drawn import FONT, birth_certificate
from .test_store import postgres_url  # noqa: F401 - fixture

SOHOA = Path(sys.executable).with_name("sohoa")
REPO = Path(__file__).resolve().parents[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    if require_services():
        pytest.fail(f"{what} is required (SOHOA_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- brokers ------------------------------------------------------------------------------------


def _redis_cleanup(url: str, namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(url.split("?", 1)[0])
    keys = list(client.scan_iter(f"{namespace}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def shared_redis():
    _need(_port_open(6379), "Redis on 127.0.0.1:6379")
    namespace = f"sohoa-test-{uuid.uuid4().hex[:8]}"
    url = f"redis://127.0.0.1:6379/14?namespace={namespace}"
    yield url
    _redis_cleanup(url, namespace)


@pytest.fixture
def shared_rabbitmq():
    _need(_port_open(5672) and shutil.which("rabbitmqctl") is not None, "RabbitMQ on 127.0.0.1:5672")
    vhost = f"sohoa-test-{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request):
    return request.getfixturevalue(f"shared_{request.param}")


class PrivateBroker:
    """A broker server of the test's own, which it may kill and restart (the shared ones stay up)."""

    def __init__(self, kind: str, base: Path):
        self.kind, self.base = kind, base
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.home: Path | None = None

    @property
    def url(self) -> str:
        if self.kind == "redis":
            return f"redis://127.0.0.1:{self.port}/0?heartbeat_timeout=5000"
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def start(self) -> None:
        log = open(self.base / f"{self.kind}.log", "ab")  # noqa: SIM115 - kept open for the child
        if self.kind == "redis":
            # No persistence: a restart loses every queued message (the worst case).
            cmd = [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
            cmd += ["--dir", str(self.base)]
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
        else:
            # Outside pytest's private tmp folder: the node runs as the rabbitmq user.
            self.home = self.home or Path(tempfile.mkdtemp(prefix="sohoa-rabbitmq-"))
            home = self.home
            for sub in ("mnesia", "log"):
                (home / sub).mkdir(parents=True, exist_ok=True)
            (home / "enabled_plugins").write_text("[].\n")
            shutil.chown(home, "rabbitmq", "rabbitmq")
            for p in home.rglob("*"):
                shutil.chown(p, "rabbitmq", "rabbitmq")
            env = {
                **os.environ,
                "HOME": str(home),
                "RABBITMQ_NODENAME": f"sohoatest{self.port}@localhost",
                "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(_free_port()),
                "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
                "RABBITMQ_LOG_BASE": str(home / "log"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
                "RABBITMQ_CONFIG_FILE": str(home / "none"),
            }
            # Started as the rabbitmq user directly (not through `su`, which would put the node in
            # a session of its own that killing this process group would miss).
            self.proc = subprocess.Popen(
                ["/usr/lib/rabbitmq/bin/rabbitmq-server"],
                env=env,
                cwd=home,
                stdout=log,
                stderr=log,
                start_new_session=True,
                user="rabbitmq",
                group="rabbitmq",
            )
        deadline = time.monotonic() + 60
        while not _port_open(self.port):
            assert time.monotonic() < deadline, (self.base / f"{self.kind}.log").read_text()[-2000:]
            time.sleep(0.2)

    def kill(self) -> None:
        """Kill the server and everything it started (its own process group) at once."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        deadline = time.monotonic() + 30
        while _port_open(self.port):
            assert time.monotonic() < deadline, f"the {self.kind} server on port {self.port} did not stop"
            time.sleep(0.2)


@pytest.fixture(params=["redis", "rabbitmq"])
def private_broker(request, tmp_path):
    kind = request.param
    binary = "redis-server" if kind == "redis" else "/usr/lib/rabbitmq/bin/rabbitmq-server"
    _need(shutil.which(binary) is not None, binary)
    if kind == "rabbitmq":
        _need(os.geteuid() == 0, "root (to run a private RabbitMQ node as the rabbitmq user)")
    base = tmp_path / "broker"
    base.mkdir()
    broker = PrivateBroker(kind, base)
    try:
        broker.start()
        yield broker
    finally:
        broker.kill()
        if broker.home:
            shutil.rmtree(broker.home, ignore_errors=True)


# --- processes ----------------------------------------------------------------------------------


def _env(broker: str, database: str, storage: Path) -> dict:
    return {
        **os.environ,
        "SOHOA_BROKER_URL": broker,
        "SOHOA_DATABASE_URL": database,
        "SOHOA_STORAGE_DIR": str(storage),
        "SOHOA_LOG_LEVEL": "warning",
    }


def _worker(env: dict, log: Path, *extra: str, single: bool = False) -> subprocess.Popen:
    """A `sohoa worker` process: one OCR thread beside two for the rest, or (`single`) every queue
    on one thread (`--ocr-threads 0 --threads 1`, the shape benchmarks/scale.py measures)."""
    threads = ["--ocr-threads", "0", "--threads", "1"] if single else ["--ocr-threads", "1"]
    return subprocess.Popen(
        [str(SOHOA), "worker", *threads, "--stall-seconds", "2", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),  # noqa: SIM115 - kept open for the child
    )


def _status(env: dict, batch: int) -> dict:
    out = subprocess.run(
        [str(SOHOA), "status", str(batch), "--json"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _pages_done(url: str, batch: int) -> tuple[int, bool]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            done = conn.execute(text("SELECT count(*) FROM pages WHERE state <> 'pending'")).scalar()
            finished = conn.execute(text("SELECT state FROM batches WHERE id = :b"), {"b": batch}).scalar()
        return done, finished == "done"
    finally:
        engine.dispose()


def _wait_for(cond, timeout: float, log: Path, workers: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        assert time.monotonic() < deadline, tail
        assert all(w.poll() is None for w in workers), tail
        time.sleep(0.2)


def _stop(workers: list[subprocess.Popen]) -> list[int]:
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    return [w.wait(90) for w in workers]


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


# --- tests --------------------------------------------------------------------------------------


def test_end_to_end_batch_on_broker_with_postgresql(broker_url, postgres_url, tmp_path):  # noqa: F811
    """`sohoa submit` enqueues on the broker; a `sohoa worker` process (another "machine": only the
    URLs and the storage folder in common) runs it; /health and /metrics answer; SIGTERM stops it
    cleanly."""
    folder = tmp_path / "scans"
    folder.mkdir()
    birth_certificate().save(folder / "page-1.png", dpi=(200, 200))
    Image.new("RGB", (1654, 2339), "white").save(folder / "page-2.png", dpi=(200, 200))
    env = _env(broker_url, postgres_url, tmp_path / "storage")
    subprocess.run([str(SOHOA), "db", "upgrade"], env=env, check=True, capture_output=True)
    batch = int(
        subprocess.run(
            [str(SOHOA), "submit", str(folder)], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    port = _free_port()
    log = tmp_path / "worker.log"
    worker = _worker(env, log, "--metrics-port", str(port))
    try:
        _wait_for(lambda: _pages_done(postgres_url, batch)[1], 180, log, [worker])
        code, body = _get(port, "/health")
        health = json.loads(body)
        assert code == 200 and health["status"] == "ok", body
        assert health["database"] == "ok" and health["broker_status"] == "ok"
        assert set(health["queues"]) == {"ocr", "assemble", "sign"}
        assert "guest:guest" not in body  # the password is never shown
        code, metrics = _get(port, "/metrics")
        assert code == 200
        # at least the two pages (the reconciler on start re-sends queued work: duplicates are no-ops)
        ocr_done = re.search(
            r'sohoa_messages_total\{queue="ocr",actor="ocr_page",outcome="done"\} (\d+)', metrics
        )
        assert ocr_done and int(ocr_done.group(1)) >= 2, metrics
        assert 'sohoa_pages{state="done"} 2' in metrics and "sohoa_broker_up 1" in metrics
    finally:
        codes = _stop([worker])
    assert codes == [0], log.read_text()[-3000:]
    st = _status(env, batch)
    assert st["finished"] is True and st["pages"] == {"pending": 0, "done": 2, "failed": 0}
    assert st["documents"]["done"] == 1
    result = json.loads((tmp_path / "storage" / "inputs/1/result.json").read_text())
    assert [p["status"] for p in result["pages"]] == ["document", "blank"], (
        result,
        st,
        log.read_text()[-3000:],
    )
    assert result["documents"][0]["doc_type"] == "birth_certificate"
    assert (tmp_path / "storage" / "inputs/1" / result["documents"][0]["pdf"]).read_bytes()[:4] == b"%PDF"


def _small_inputs(root: Path, inputs: int = 20, pages: int = 5) -> list[Path]:
    font = ImageFont.truetype(FONT, 28)
    folders = []
    for i in range(1, inputs + 1):
        folder = root / f"in-{i:02d}"
        folder.mkdir(parents=True)
        for p in range(1, pages + 1):
            im = Image.new("RGB", (500, 300), "white")
            ImageDraw.Draw(im).text((30, 120), f"Hồ sơ {i} trang {p}", font=font, fill="black")
            im.save(folder / f"page-{p}.png", dpi=(200, 200))
        folders.append(folder)
    return folders


def test_killed_workers_and_broker_restart_finish_exactly_once(private_broker, postgres_url, tmp_path):  # noqa: F811
    """100 pages, two workers: SIGKILL one mid-batch and start another; then restart every worker
    (as single-threaded workers, OCR sharing their one thread); then kill and restart the broker.
    Every page and document is done once."""
    inputs = _small_inputs(tmp_path / "scans")
    storage = tmp_path / "storage"
    env = _env(private_broker.url, postgres_url, storage)
    subprocess.run([str(SOHOA), "db", "upgrade"], env=env, check=True, capture_output=True)
    batch = int(
        subprocess.run(
            [str(SOHOA), "submit", "--one-document", *map(str, inputs)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    log = tmp_path / "workers.log"
    done = lambda: _pages_done(postgres_url, batch)[0]  # noqa: E731
    workers = [_worker(env, log), _worker(env, log)]
    try:
        # 1. One worker killed mid-batch, a new one started.
        _wait_for(lambda: done() >= 15, 180, log, workers)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        workers[0] = _worker(env, log)
        # 2. Every process restarted (killed, as a power cut would).
        _wait_for(lambda: done() >= 40, 180, log, workers)
        for w in workers:
            w.send_signal(signal.SIGKILL)
            w.wait(10)
        workers = [_worker(env, log, single=True), _worker(env, log, single=True)]
        # 3. The broker killed and restarted (Redis without persistence: every queued message lost).
        _wait_for(lambda: done() >= 60, 180, log, workers)
        at_broker_kill = done()
        private_broker.kill()
        time.sleep(1)
        private_broker.start()
        assert at_broker_kill < 100, "the broker restart should land mid-batch"
        _wait_for(lambda: _pages_done(postgres_url, batch)[1], 300, log, workers)
    finally:
        codes = _stop(workers)
    assert codes == [0, 0], log.read_text()[-3000:]

    st = _status(env, batch)
    assert st["finished"] is True
    assert st["pages"] == {"pending": 0, "done": 100, "failed": 0}
    assert st["documents"] == {"pending": 0, "extracted": 0, "done": 20, "failed": 0}
    engine = db.make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            q = lambda sql: conn.execute(text(sql)).scalar()  # noqa: E731
            assert q("SELECT count(*) FROM pages") == 100
            assert q("SELECT count(DISTINCT (input_id, index)) FROM pages") == 100
            assert q("SELECT count(*) FROM documents") == 20
            assert q("SELECT count(*) FROM events WHERE kind = 'input_done'") == 20
            assert q("SELECT count(*) FROM events WHERE kind = 'batch_done'") == 1
            assert q("SELECT count(*) FROM events WHERE kind = 'split'") == 20
    finally:
        engine.dispose()
    files = [p for p in storage.rglob("*") if p.is_file()]
    assert len([p for p in files if p.suffix == ".pdf"]) == 20
    # A worker killed while writing leaves its temporary `.part` file (store/storage.py: nothing
    # reads one); the step ran again, so the file it was writing exists in full — but for an OCR
    # image (`NNNN.pixels.lz4`), which lives only until its document is extracted and is deleted
    # then: its page's OCR JSON exists in full instead.
    for part in (p for p in files if p.name.endswith(".part")):
        final = _final_of(part)
        if final.name.endswith(".pixels.lz4"):
            final = final.with_name(final.name.removesuffix(".pixels.lz4") + ".json")
        assert final.is_file() and final.stat().st_size > 0, part


def _final_of(part: Path) -> Path:
    """The file a temporary file was for: `.d1.pdf.1a2b3c4d.part` (the storage's) → `d1.pdf`; the
    PDF writer's own inside it, `..d1.pdf.1a2b3c4d.part.part` (a worker killed while saving the
    PDF), → `d1.pdf` too."""
    name = part.name
    while name.startswith(".") and name.endswith(".part"):
        name = name[1 : -len(".part")]
        head, _, tail = name.rpartition(".")
        if len(tail) == 8 and all(c in "0123456789abcdef" for c in tail):  # the storage's random part
            name = head
    return part.with_name(name)


def test_signing_waits_for_its_keystore_worker(shared_redis, postgres_url, tmp_path):  # noqa: F811
    """Requests for key store `token1` wait on `sign.token1` while only a `sign` worker runs, then
    are signed, one at a time, by the worker that reaches the token."""
    from .store_support import add_processed_document

    db.upgrade(postgres_url)
    settings = load_settings(
        database_url=postgres_url, storage_dir=tmp_path / "storage", broker_url=shared_redis
    )

    runtime = Runtime(settings)
    with db.transaction(runtime.sessions) as s:
        doc_id = add_processed_document(runtime, s)
        requests = [state.request_signature(s, doc_id, profile="sao-y", keystore="token1") for _ in range(3)]

    def states() -> list[str]:
        with runtime.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT state FROM signature_requests ORDER BY id"))]

    try:  # the key store's machine is down: a worker without the token runs everything else
        runtime.start(WorkerOptions(ocr_threads=0, queues=frozenset({"sign", "assemble"})))
        for r in requests:
            runtime.send(state.Step(state.SIGN, r))
        time.sleep(3)
        assert states() == ["pending"] * 3
    finally:
        runtime.stop()

    active, most, calls = [0], [0], []
    lock = threading.Lock()

    def token_signer(pdf_in: Path, pdf_out: Path, *, profile: str) -> SignedInfo:
        # Stands in for the token (pipeline.signing): this test is about queues and waiting.
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.3)
        pdf_out.write_bytes(pdf_in.read_bytes())
        with lock:
            active[0] -= 1
            calls.append(profile)
        return SignedInfo(signer="token-cert", level="B-B")

    runtime = Runtime(settings, signers={"token1": token_signer})
    try:  # the token's machine comes back
        runtime.start(WorkerOptions(ocr_threads=0, queues=frozenset({"sign.token1"}), assemble_threads=4))
        deadline = time.monotonic() + 60
        while states() != ["done"] * 3:
            assert time.monotonic() < deadline, states()
            time.sleep(0.2)
    finally:
        runtime.stop()
    assert len(calls) == 3 and most[0] == 1  # one signature at a time on the token
    assert sorted(p.name for p in (tmp_path / "storage" / "signed").iterdir()) == [
        f"{r}.pdf" for r in requests
    ]


def test_bad_keystore_queue_is_refused(tmp_path):
    env = {
        **os.environ,
        "SOHOA_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
        "SOHOA_STORAGE_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [str(SOHOA), "worker", "--queues", "sign.Bad Name", "--ocr-threads", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2, out.stderr


def test_storage_location(tmp_path):
    from sohoa.store.storage import Storage, StorageConfigError, open_storage

    assert isinstance(open_storage(f"file://{tmp_path}"), Storage)
    assert open_storage(tmp_path).root == tmp_path
    with pytest.raises(StorageConfigError, match="docs/deploy.md"):
        open_storage(Path("s3://bucket/sohoa"))


def test_compose_file_is_valid(tmp_path):
    """`docker compose config` parses and resolves docker/compose.yaml (no engine needed)."""
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        cmd = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        cmd = ["docker-compose"]
    else:
        pytest.fail("neither `docker compose` nor `docker-compose` is installed (make deps installs it)")
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"}  # proves no engine is used
    compose = REPO / "docker" / "compose.yaml"
    out = subprocess.run(
        [*cmd, "-f", str(compose), "--profile", "rabbitmq", "--profile", "token", "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    import yaml

    config = yaml.safe_load(out.stdout)
    assert {"redis", "rabbitmq", "postgres", "migrate", "worker", "signer"} <= set(config["services"])
    assert config["services"]["worker"]["environment"]["SOHOA_BROKER_URL"].startswith("redis://")
    assert "sign.token" in " ".join(config["services"]["signer"]["command"])
    assert (REPO / "docker" / "worker.Dockerfile").read_text().count("ENTRYPOINT") == 1


def test_worker_path_keeps_a_jpeg_scan_as_it_came(tmp_path):
    """No image is re-encoded between actors: a JPEG page is read from the submitted scanner's
    file (no copy, no PNG, no upright image stored) and the document's PDF embeds those bytes,
    drawn turned for a turned page."""
    from .test_pdf import extracted_images

    folder = tmp_path / "scans"
    folder.mkdir()
    birth_certificate().rotate(90, expand=True).save(folder / "page-1.jpg", dpi=(200, 200), quality=85)
    original = (folder / "page-1.jpg").read_bytes()
    url = f"sqlite:///{tmp_path / 'state.db'}"
    db.upgrade(url)
    runtime = Runtime(load_settings(database_url=url, storage_dir=tmp_path / "storage"))
    try:
        batch = runtime.submit([folder])
        runtime.start(WorkerOptions(ocr_threads=1))
        assert runtime.wait([batch], timeout=300)
        files = [k for k in runtime.storage.files() if k.startswith("inputs/")]
    finally:
        runtime.stop()
    assert not [k for k in files if "/pages/" in k or k.endswith(".png")], files
    result = json.loads((tmp_path / "storage/inputs/1/result.json").read_text())
    assert result["pages"][0]["rotation"] == 90
    pdf = tmp_path / "storage/inputs/1" / result["documents"][0]["pdf"]
    assert extracted_images(pdf, tmp_path / "images") == [original]
