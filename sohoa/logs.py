"""Structured logs (structlog) on stderr, as readable lines or JSON lines.

Log events carry ids, counts, codes and timings only: never names, identity numbers, addresses or
recognised text (Decree 13/2023 on personal data). `scrub` drops keys that could carry such data,
as a second line of defence.
"""

from __future__ import annotations

import logging
import sys

import structlog

#: Keys that may carry personal data; they are removed from every event.
_PERSONAL_KEYS = frozenset(
    {"text", "value", "name", "full_name", "address", "personal_id", "fields", "lines"}
)


def scrub(_logger, _method, event: dict) -> dict:
    for key in _PERSONAL_KEYS & event.keys():
        event[key] = "[removed]"
    return event


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is at the time of writing (tests and CLI runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "info", fmt: str = "console") -> None:
    numeric = getattr(logging, level.upper(), logging.INFO)
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            scrub,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=False,
    )
