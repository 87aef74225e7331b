"""Health and metrics of a worker process: a Dramatiq middleware that counts the messages this
process handles, and a small HTTP server on a local port (`sohoa worker --metrics-port`).

    GET /health   200 {"status": "ok", ...} when the state database and the broker answer, else 503
    GET /metrics  Prometheus text format: messages per actor and outcome, in flight, durations,
                  queue depths, pages and documents per state

The equivalent of Dramatiq's Prometheus middleware without its multi-process exposition server
(sohoa runs its workers as threads in one process, not under the `dramatiq` command). Counts and
ids only: no file names, no personal data.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dramatiq
import structlog

log = structlog.get_logger(__name__)


class Metrics(dramatiq.Middleware):
    """Per-process counters: messages started and finished per actor and outcome, time spent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started_at = time.time()
        self.last_activity = time.monotonic()
        self.in_flight = 0
        self.total: dict[tuple[str, str, str], int] = defaultdict(int)  # (queue, actor, outcome)
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.cpu_seconds: dict[tuple[str, str], float] = defaultdict(float)  # the thread's CPU time
        self._start: dict[str, tuple[float, float]] = {}

    def before_process_message(self, broker, message) -> None:
        with self._lock:
            self.in_flight += 1
            self.last_activity = time.monotonic()
            self._start[message.message_id] = (time.monotonic(), time.thread_time())

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        outcome = "failed" if exception is not None else "done"
        self._finish(message, outcome)

    def after_skip_message(self, broker, message) -> None:
        self._finish(message, "skipped")

    def _finish(self, message, outcome: str) -> None:
        with self._lock:
            started = self._start.pop(message.message_id, None)
            if started is None:
                return
            started, cpu_started = started
            self.in_flight = max(0, self.in_flight - 1)
            now = time.monotonic()
            self.last_activity = now
            key = (message.queue_name, message.actor_name)
            self.total[(*key, outcome)] += 1
            self.seconds[key] += now - started
            # Dramatiq calls before_ and after_process_message on the thread that handles the message
            self.cpu_seconds[key] += time.thread_time() - cpu_started

    @property
    def processed(self) -> int:
        """Messages this process has finished (any outcome)."""
        with self._lock:
            return sum(self.total.values())

    def idle_for(self) -> float:
        """Seconds since this process last started or finished a message (0 while one runs)."""
        with self._lock:
            return 0.0 if self.in_flight else time.monotonic() - self.last_activity

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "in_flight": self.in_flight,
                "messages": {"/".join(k): v for k, v in sorted(self.total.items())},
                "processed": sum(v for (_, _, o), v in self.total.items() if o != "skipped"),
                "uptime_seconds": round(time.time() - self.started_at, 1),
            }

    def prometheus(self) -> list[str]:
        with self._lock:
            lines = [
                "# HELP sohoa_messages_total Messages this worker process handled, by queue, actor and outcome.",
                "# TYPE sohoa_messages_total counter",
            ]
            for (queue, actor, outcome), n in sorted(self.total.items()):
                lines.append(
                    f'sohoa_messages_total{{queue="{queue}",actor="{actor}",outcome="{outcome}"}} {n}'
                )
            lines += [
                "# HELP sohoa_message_seconds_total Time spent handling messages, by queue and actor.",
                "# TYPE sohoa_message_seconds_total counter",
            ]
            for (queue, actor), sec in sorted(self.seconds.items()):
                lines.append(f'sohoa_message_seconds_total{{queue="{queue}",actor="{actor}"}} {sec:.3f}')
            lines += [
                "# HELP sohoa_message_cpu_seconds_total CPU time of the threads handling messages, by queue and actor.",
                "# TYPE sohoa_message_cpu_seconds_total counter",
            ]
            for (queue, actor), sec in sorted(self.cpu_seconds.items()):
                lines.append(f'sohoa_message_cpu_seconds_total{{queue="{queue}",actor="{actor}"}} {sec:.3f}')
            lines += [
                "# HELP sohoa_messages_in_flight Messages being handled now.",
                "# TYPE sohoa_messages_in_flight gauge",
                f"sohoa_messages_in_flight {self.in_flight}",
            ]
            return lines


class HealthServer:
    """HTTP `/health` and `/metrics` on `host:port` (localhost by default), in a daemon thread.

    `check()` returns (healthy, details); `gauges()` returns extra Prometheus lines (queue depths,
    states in the database). Both are called per request and must not raise.
    """

    def __init__(
        self,
        metrics: Metrics,
        check: Callable[[], tuple[bool, dict[str, Any]]],
        gauges: Callable[[], list[str]],
        *,
        host: str = "127.0.0.1",
        port: int = 9191,
    ) -> None:
        self.metrics, self.check, self.gauges = metrics, check, gauges
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?", 1)[0]
                if path in ("/health", "/healthz"):
                    ok, details = server.check()
                    body = {"status": "ok" if ok else "unavailable", **details, **server.metrics.snapshot()}
                    self._send(200 if ok else 503, "application/json", json.dumps(body, ensure_ascii=False))
                elif path == "/metrics":
                    text = "\n".join(server.metrics.prometheus() + server.gauges()) + "\n"
                    self._send(200, "text/plain; version=0.0.4; charset=utf-8", text)
                else:
                    self._send(404, "text/plain; charset=utf-8", "not found: /health, /metrics\n")

            def _send(self, code: int, ctype: str, body: str) -> None:
                data = body.encode("utf-8")
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # requests are not worth a log line each
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sohoa-health", daemon=True)

    def start(self) -> None:
        self._thread.start()
        log.info("health_listening", port=self.port)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
