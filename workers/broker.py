"""Which Dramatiq broker the workers use, and the queue names.

No `SOHOA_BROKER_URL`: Dramatiq's in-process StubBroker (the embedded default: one office PC, no
server; the state database is what survives a restart). `redis://...` or `amqp://...`: Dramatiq's
Redis or RabbitMQ broker (scale-out, several machines), with their own client libraries installed.

Queues: `ocr` (long, one message at a time per worker thread), `assemble` (reading inputs,
splitting, extraction, PDFs, finishing: short), `sign` (signatures never wait behind OCR), and
`sign.<keystore>` for a key store only one machine can reach.
"""

from __future__ import annotations

import re

import dramatiq
from dramatiq.brokers.stub import StubBroker

QUEUE_OCR = "ocr"
QUEUE_ASSEMBLE = "assemble"
QUEUE_SIGN = "sign"
DEFAULT_KEYSTORE = "default"
_KEYSTORE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class BrokerConfigError(ValueError):
    """SOHOA_BROKER_URL names a broker sohoa cannot use."""


def sign_queue(keystore: str | None) -> str:
    """The queue signing for a key store runs on: `sign` for the default one, else `sign.<keystore>`."""
    if not keystore or keystore == DEFAULT_KEYSTORE:
        return QUEUE_SIGN
    if not _KEYSTORE.match(keystore):
        raise ValueError(f"bad key store name {keystore!r}: lower-case letters, digits, '-' and '_'")
    return f"{QUEUE_SIGN}.{keystore}"


def make_broker(url: str | None) -> dramatiq.Broker:
    if not url:
        return StubBroker()
    scheme = url.split(":", 1)[0].lower()
    if scheme in ("redis", "rediss"):
        try:
            from dramatiq.brokers.redis import RedisBroker
        except ImportError as exc:
            raise BrokerConfigError(
                "the Redis broker needs the 'redis' package: pip install 'dramatiq[redis]'"
            ) from exc
        return RedisBroker(url=url)
    if scheme in ("amqp", "amqps"):
        try:
            from dramatiq.brokers.rabbitmq import RabbitmqBroker
        except ImportError as exc:
            raise BrokerConfigError(
                "the RabbitMQ broker needs the 'pika' package: pip install 'dramatiq[rabbitmq]'"
            ) from exc
        return RabbitmqBroker(url=url)
    raise BrokerConfigError(f"unsupported broker URL scheme {scheme!r}: use redis:// or amqp://, or none")


def is_embedded(broker: dramatiq.Broker) -> bool:
    return isinstance(broker, StubBroker)
