"""Running the workers in a process: the database, the storage directory, the broker, the actors,
the Dramatiq worker threads, and the reconciler.

Embedded (no `SOHOA_BROKER_URL`): messages live in this process only, so the database is the queue
of record. `submit` records a batch as `submitted`; the process that runs the workers claims it
(`submitted` → `queued`, one conditional update, so two processes never both take it) and enqueues
its work. On start, the reconciler re-enqueues every unfinished step of every `queued` batch: what
a killed process took with it. With a real broker, `submit` claims and enqueues itself; the
reconciler on a worker's start re-sends what a broker lost (duplicates are no-ops), and a worker
that has been idle while the database recorded no progress for `stall_seconds` twice in a row
re-sends it too (a broker restarted without its messages, a worker killed mid-message).

Scale-out (issue 14): OCR runs on its own threads with prefetch 1; each `sign.<keystore>` queue a
worker is told to consume gets its own single-threaded Dramatiq worker (one signature at a time
on that key store, no broker-specific rate limiter); `/health` and `/metrics` are served on a
local port when asked (`workers.health`); stopping finishes the messages being handled within
`shutdown_seconds` and hands the prefetched ones back to the broker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import dramatiq
import structlog
from dramatiq.common import q_name
from sohoa.pipeline.parallel import (
    keep_page_memory,
    one_thread_per_page,
    release_memory,
    settle_startup_objects,
)
from sohoa.pipeline.process import ProcessOptions
from sohoa.store import db, state
from sohoa.store.models import Document, Event, Input, Page
from sohoa.store.state import SourceFile, Step
from sohoa.store.storage import open_storage
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sohoa.config import Settings

from . import actors as actor_module
from .broker import (
    QUEUE_ASSEMBLE,
    QUEUE_OCR,
    QUEUE_SIGN,
    is_embedded,
    make_broker,
    queue_depths,
    redact,
    sign_queue,
)
from .context import Signer, WorkerContext, set_context
from .health import HealthServer, Metrics

log = structlog.get_logger(__name__)


class DatabaseNotReady(RuntimeError):
    """The state database is missing tables or is at an older revision: run `sohoa db upgrade`."""


class _DropDuplicateMiddlewareWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "same type twice" not in record.getMessage()


logging.getLogger("dramatiq.broker").addFilter(_DropDuplicateMiddlewareWarning())
for _name in ("dramatiq.broker.StubBroker", "dramatiq.broker.RedisBroker", "dramatiq.broker.RabbitmqBroker"):
    logging.getLogger(_name).addFilter(_DropDuplicateMiddlewareWarning())


@dataclass(frozen=True)
class WorkerOptions:
    ocr_threads: int = 1  # OCR threads in this process, each taking one message at a time (0: OCR
    # shares the other threads; with assemble_threads=1 the worker is single-threaded)
    assemble_threads: int = 2  # threads for ingest, split, extraction, PDFs, finishing and signing
    queues: frozenset[str] | None = None  # None: every queue (ocr, assemble, sign)
    poll_seconds: float = 2.0  # embedded: how often to look for batches submitted by other processes
    metrics_port: int | None = None  # serve /health and /metrics on this port (0: any free port)
    metrics_host: str = "127.0.0.1"  # localhost only unless told otherwise (a container: 0.0.0.0)
    shutdown_seconds: float = 60.0  # on stop, how long the messages being handled may take to finish
    stall_seconds: float = 60.0  # broker: re-send unfinished work after this long idle without progress
    # Longest a worker waits between looks for a message. Dramatiq's Redis consumer polls, backing
    # off up to this (its default, 1 s, left an OCR thread idle ~0.35 s per page on average: the
    # consumer had backed off while the thread was busy); sohoa's wakes it when a message is
    # enqueued or one of its own is acknowledged (workers.redis_wake), so this now bounds only what
    # comes without a wake (a dead worker's messages given back). RabbitMQ pushes, so there it only
    # bounds how often idle threads wake up.
    fetch_wait_ms: int = 100


def is_keystore_queue(queue: str) -> bool:
    return queue.startswith(QUEUE_SIGN + ".")


#: How long the consumers of queues that rarely hold a message wait between looks: delay queues
#: (a retry waiting out its backoff, 1 s at least) and the shared sign queue (a leader's approval).
#: Dramatiq's Redis consumer polls; at `fetch_wait_ms` each idle one cost a Redis round trip ten
#: times a second, with four such consumers beside the page and assembly queues.
RARE_QUEUE_WAIT_MS = 1000


class _Worker(dramatiq.Worker):
    """A Dramatiq worker whose consumers of rarely used queues look for messages less often."""

    def __init__(self, broker, *, queues, worker_threads, worker_timeout, rare=frozenset()):
        super().__init__(broker, queues=queues, worker_threads=worker_threads, worker_timeout=worker_timeout)
        self._rare = rare

    def _add_consumer(self, queue_name: str, *, delay: bool = False) -> None:
        # A delay queue may come as a plain queue first (the stub broker declares it as one).
        if not delay and q_name(queue_name) == queue_name and queue_name not in self._rare:
            return super()._add_consumer(queue_name, delay=delay)
        # Called on the starting thread, before the worker threads exist (which read the timeout too).
        timeout, self.worker_timeout = self.worker_timeout, max(self.worker_timeout, RARE_QUEUE_WAIT_MS)
        try:
            super()._add_consumer(queue_name, delay=delay)
        finally:
            self.worker_timeout = timeout


class Runtime:
    """Everything a process needs to submit batches and (optionally) run the workers."""

    def __init__(
        self,
        settings: Settings,
        *,
        broker: dramatiq.Broker | None = None,
        signers: dict[str, Signer] | None = None,
        check_schema: bool = True,
    ):
        self.settings = settings
        self.engine = db.make_engine(settings.database_url)
        if check_schema and not db.is_current(self.engine):
            if db.is_sqlite(settings.database_url):  # the embedded default sets itself up
                db.upgrade(settings.database_url)
            else:
                self.engine.dispose()
                raise DatabaseNotReady(settings.database_url)
        self.sessions = db.session_factory(self.engine)
        self.storage = open_storage(settings.storage_dir)
        self.broker = broker or make_broker(settings.broker_url)
        self.metrics = Metrics()
        self.broker.add_middleware(self.metrics)
        self.actors = actor_module.declare(self.broker, ocr_timeout=settings.ocr_timeout)
        self.options = ProcessOptions(
            lang=settings.ocr_lang, ocr_timeout=settings.ocr_timeout, jpeg_quality=settings.jpeg_quality
        )
        self.context = WorkerContext(
            sessions=self.sessions,
            reads=db.read_session_factory(self.engine),
            storage=self.storage,
            options=self.options,
            send=self.send,
            signers=signers or {},
        )
        set_context(self.context)
        self._workers: list[dramatiq.Worker] = []
        self._lock = threading.Lock()
        self._health: HealthServer | None = None
        self._queues: set[str] = set()
        self._shutdown_ms = 10_000

    @property
    def embedded(self) -> bool:
        return is_embedded(self.broker)

    # --- sending ------------------------------------------------------------------------------

    def send(self, step: Step) -> None:
        actor = self.actors[step.actor]
        message = actor.message(step.entity_id)
        if step.actor == state.SIGN:
            with self.sessions() as s:
                req = state.get_signature_request(s, step.entity_id)
                keystore = req.keystore if req else None
            queue = sign_queue(keystore)
            if queue != QUEUE_SIGN:
                self.broker.declare_queue(queue)
                message = message.copy(queue_name=queue)
        self.broker.enqueue(message)

    def send_all(self, steps: Iterable[Step]) -> int:
        n = 0
        for step in steps:
            self.send(step)
            n += 1
        return n

    # --- submitting ---------------------------------------------------------------------------

    def submit(
        self,
        paths: list[Path],
        *,
        one_document: bool = False,
        name: str | None = None,
        origin: str = "submit",
    ) -> int:
        """Copy the inputs into the storage directory and record a batch; returns its id.
        With a real broker its work is enqueued at once; embedded, a worker process claims it."""
        batch_id = self._submit(paths, one_document=one_document, name=name, origin=origin)
        assert batch_id is not None
        return batch_id

    def submit_watched(self, path: Path, sha256: str, *, one_document: bool = False) -> int | None:
        """Submit a file `sohoa watch` found, unless this name with this content was taken before
        (checked and recorded in the batch's own transaction). Returns the batch id or None."""
        with db.transaction(self.sessions) as s:
            if state.watched(s, path.parent, path.name, sha256):
                return None
        return self._submit(
            [path], one_document=one_document, name=path.name, origin="watch", watched=(path, sha256)
        )

    def _submit(
        self,
        paths: list[Path],
        *,
        one_document: bool,
        name: str | None,
        origin: str,
        watched: tuple[Path, str] | None = None,
    ) -> int | None:
        sources = []
        for path in paths:
            key, sha = self.storage.put_source(path, watched[1] if watched else None)
            sources.append(
                SourceFile(
                    name=path.stem if path.is_file() else path.name, key=key, sha256=sha, path=str(path)
                )
            )
        try:
            with db.transaction(self.sessions) as s:
                batch_id = state.create_batch(
                    s,
                    name or ", ".join(p.name for p in paths),
                    sources,
                    one_document=one_document,
                    origin=origin,
                )
                if watched:
                    path, sha = watched
                    state.record_watched(s, path.parent, path.name, sha, path.stat().st_size, batch_id)
        except IntegrityError:
            if watched:  # another watcher took the same file first
                return None
            raise
        log.info("batch_submitted", batch=batch_id, inputs=len(sources), origin=origin)
        if not self.embedded:
            self.claim(batch_id)
        return batch_id

    def claim(self, batch_id: int | None = None) -> int:
        """Claim submitted batches (one, or all) and enqueue their work; returns steps sent."""
        with db.transaction(self.sessions) as s:
            claimed = state.claim_submitted(s, batch_id)
        return sum(self._enqueue_batch(b) for b in claimed)

    def _enqueue_batch(self, batch_id: int) -> int:
        with db.transaction(self.sessions) as s:
            steps = state.work_for_batch(s, batch_id)
        return self.send_all(steps)

    def reconcile(self) -> int:
        """Re-enqueue every unfinished step the database knows of (run when the workers start)."""
        with db.transaction(self.sessions) as s:
            batches = state.unfinished_batches(s)
            signatures = state.pending_signatures(s)
        sent = sum(self._enqueue_batch(b) for b in batches)
        sent += self.send_all(Step(state.SIGN, rid) for rid, _ in signatures)
        sent += self.claim()
        log.info("reconciled", batches=len(batches), steps=sent)
        return sent

    def retry(self, batch_id: int) -> dict[str, int]:
        with db.transaction(self.sessions) as s:
            counts = state.reset_failed(s, self.storage, batch_id, resubmit=True)
        if not self.embedded and counts.get("inputs"):
            self.claim(batch_id)
        return counts

    def status(self, batch_id: int) -> state.BatchStatus | None:
        with self.sessions() as s:
            return state.batch_status(s, batch_id)

    # --- running ------------------------------------------------------------------------------

    def start(self, options: WorkerOptions = WorkerOptions()) -> None:
        """Reconcile, then start the worker threads: OCR with prefetch 1 on its own threads (or,
        with `ocr_threads=0`, on the shared threads), one single-threaded worker per
        `sign.<keystore>` queue, the rest on shared threads."""
        queues = set(options.queues or {QUEUE_OCR, QUEUE_ASSEMBLE, QUEUE_SIGN})
        for queue in queues:
            if is_keystore_queue(queue):
                sign_queue(queue.split(".", 1)[1])  # a bad key store name fails here, not later
            self.broker.declare_queue(queue)
        self._queues = queues
        self._shutdown_ms = int(options.shutdown_seconds * 1000)
        self.broker.emit_after("process_boot")
        one_thread_per_page()
        keep_page_memory()
        settle_startup_objects()
        wait = options.fetch_wait_ms
        if QUEUE_OCR in queues and options.ocr_threads > 0:
            ocr = _Worker(
                self.broker, queues={QUEUE_OCR}, worker_threads=options.ocr_threads, worker_timeout=wait
            )
            ocr.queue_prefetch = 1
            self._workers.append(ocr)
        for queue in sorted(q for q in queues if is_keystore_queue(q)):
            keystore = queue.split(".", 1)[1]
            if keystore not in (self.context.signers or {}):
                log.warning("keystore_queue_without_signer", queue=queue)
            # One thread, one message at a time: a token signs one document at a time.
            signing = _Worker(
                self.broker, queues={queue}, worker_threads=1, worker_timeout=wait, rare=frozenset({queue})
            )
            signing.queue_prefetch = 1
            self._workers.append(signing)
        own_ocr = options.ocr_threads > 0
        rest = {q for q in queues if not (q == QUEUE_OCR and own_ocr) and not is_keystore_queue(q)}
        if rest:
            # Dramatiq's default prefetch (2 per thread): with OCR here, one page waits beside the
            # one being read, so a polled broker (Redis) never leaves the thread idle between pages.
            self._workers.append(
                _Worker(
                    self.broker,
                    queues=rest,
                    worker_threads=max(1, options.assemble_threads),
                    worker_timeout=wait,
                    rare=frozenset({QUEUE_SIGN}),
                )
            )
        for worker in self._workers:
            worker.start()
        if options.metrics_port is not None:
            self._health = HealthServer(
                self.metrics, self.health, self.gauges, host=options.metrics_host, port=options.metrics_port
            )
            self._health.start()
        self.reconcile()
        log.info("workers_started", queues=sorted(queues), broker=redact(self.settings.broker_url))

    @property
    def health_port(self) -> int | None:
        return self._health.port if self._health else None

    def stop(self, timeout_ms: int | None = None) -> None:
        """Stop the workers: the messages being handled finish (within the shutdown time; after
        that they are left unacknowledged, and the broker or the reconciler gives them back),
        prefetched ones go back to the broker."""
        for worker in self._workers:
            worker.stop(timeout=self._shutdown_ms if timeout_ms is None else timeout_ms)
        self._workers.clear()
        if self._health:
            self._health.stop()
            self._health = None
        self.broker.close()
        self.engine.dispose()
        set_context(None)

    # --- health -------------------------------------------------------------------------------

    def health(self) -> tuple[bool, dict]:
        """Whether the database and the broker answer, and which queues this process consumes."""
        details: dict = {"queues": sorted(self._queues), "broker": redact(self.settings.broker_url)}
        ok = True
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            details["database"] = "ok"
        except Exception as exc:  # health reports, never raises
            details["database"] = type(exc).__name__
            ok = False
        try:
            details["queue_depths"] = queue_depths(self.broker, self._queues)
            details["broker_status"] = "ok"
        except Exception as exc:
            details["broker_status"] = type(exc).__name__
            ok = False
        details["workers"] = len(self._workers)
        return ok, details

    def gauges(self) -> list[str]:
        """Prometheus gauges read at scrape time: queue depths, pages and documents per state."""
        lines = ["# HELP sohoa_queue_depth Messages waiting in a queue.", "# TYPE sohoa_queue_depth gauge"]
        try:
            for queue, n in queue_depths(self.broker, self._queues).items():
                lines.append(f'sohoa_queue_depth{{queue="{queue}"}} {n}')
        except Exception:
            lines.append("sohoa_broker_up 0")
        else:
            lines.append("sohoa_broker_up 1")
        try:
            with self.sessions() as s:
                for name, model in (("pages", Page), ("documents", Document)):
                    lines += [
                        f"# HELP sohoa_{name} {name.capitalize()} in the state database by state.",
                        f"# TYPE sohoa_{name} gauge",
                    ]
                    for st, n in s.execute(select(model.state, func.count()).group_by(model.state)).all():
                        lines.append(f'sohoa_{name}{{state="{getattr(st, "value", st)}"}} {n}')
        except Exception:
            lines.append("sohoa_database_up 0")
        else:
            lines.append("sohoa_database_up 1")
        return lines

    def progress_marker(self) -> tuple:
        """Something that changes whenever any worker anywhere makes progress (the last event and
        the counts of pages, inputs and documents per state)."""
        with self.sessions() as s:
            marker: list = [s.execute(select(func.max(Event.id))).scalar()]
            for model in (Page, Input, Document):
                rows = s.execute(select(model.state, func.count()).group_by(model.state)).all()
                marker.append(tuple(sorted((str(st), n) for st, n in rows)))
        return tuple(marker)

    def has_unfinished(self) -> bool:
        with self.sessions() as s:
            return bool(state.unfinished_batches(s) or state.pending_signatures(s))

    def wait(
        self,
        batch_ids: list[int],
        *,
        timeout: float | None = None,
        poll_seconds: float = 0.5,
        on_status: Callable[[list[state.BatchStatus]], None] | None = None,
        stop: threading.Event | None = None,
    ) -> bool:
        """Wait until every batch is finished (True) or the timeout passes (False)."""
        deadline = timeout and time.monotonic() + timeout
        while True:
            statuses = [self.status(b) for b in batch_ids]
            if on_status:
                on_status([s for s in statuses if s])
            if all(s is None or s.finished for s in statuses):
                return True
            if (deadline and time.monotonic() > deadline) or (stop and stop.is_set()):
                return False
            if self.embedded:
                self.claim()
            time.sleep(poll_seconds)

    def serve(self, stop: threading.Event, options: WorkerOptions = WorkerOptions()) -> None:
        """Run the workers until `stop` is set; embedded, pick up newly submitted batches; with a
        broker, re-send unfinished work when nothing anywhere progressed while this process was
        idle for `stall_seconds`, twice in a row (the messages were lost).

        Once the workers have nothing to do, the memory the last pages used goes back to the system
        (`release_memory`). Not after every page: that cost ~5% of a page's CPU time (the trim, and
        the next page faulting the memory in again) and left the peak, one page's working set, as
        it was (docs/benchmarks.md)."""
        self.start(options)
        marker, checked = None, time.monotonic()
        released = self.metrics.processed
        try:
            while not stop.wait(options.poll_seconds):
                if self.metrics.processed != released and self.metrics.idle_for() >= options.poll_seconds:
                    released = self.metrics.processed
                    release_memory()
                if self.embedded:
                    self.claim()
                    continue
                if not options.stall_seconds or time.monotonic() - checked < options.stall_seconds:
                    continue
                checked = time.monotonic()
                if self.metrics.idle_for() < options.stall_seconds:
                    marker = None
                    continue
                try:
                    now = self.progress_marker()
                    if now == marker and self.has_unfinished():
                        log.warning("stalled_reconcile", idle_seconds=round(self.metrics.idle_for()))
                        self.reconcile()
                        now = None
                    marker = now
                except Exception as exc:  # the database is down: try again next round
                    log.warning("stall_check_failed", error=type(exc).__name__)
                    marker = None
        finally:
            self.stop()
