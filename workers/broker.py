"""Which Dramatiq broker the workers use, and the queue names.

No `SOHOA_BROKER_URL`: Dramatiq's in-process StubBroker (the embedded default: one office PC, no
server; the state database is what survives a restart). `redis://...` or `amqp://...`: Dramatiq's
Redis or RabbitMQ broker (scale-out, several machines), with their own client libraries installed;
on Redis, with consumers that wake when a message comes rather than at their next poll
(`workers.redis_wake`).

Queues: `ocr` (long, one message at a time per worker thread), `assemble` (reading inputs,
splitting, extraction, PDFs, finishing: short), `sign` (signatures never wait behind OCR), and
`sign.<keystore>` for a key store only one machine can reach.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


#: Options sohoa reads from the broker URL's query string (and strips before the client sees it):
#: `namespace` (Redis key prefix, default "sohoa") and `heartbeat_timeout` (Redis, milliseconds a
#: dead worker's unacknowledged messages wait before another worker takes them back, default 60000).
_SOHOA_PARAMS = ("namespace", "heartbeat_timeout")


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """The broker URL without sohoa's own query parameters, and those parameters."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in _SOHOA_PARAMS}
    rest = [(k, v) for k, v in query if k not in _SOHOA_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(rest))), ours


def redact(url: str | None) -> str:
    """The broker URL without its password, for logs and the health endpoint."""
    if not url:
        return "embedded"
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts._replace(query=""))


def make_broker(url: str | None) -> dramatiq.Broker:
    if not url:
        return StubBroker()
    scheme = url.split(":", 1)[0].lower()
    url, ours = split_url(url)
    if scheme in ("redis", "rediss"):
        try:
            from .redis_wake import WakingRedisBroker
        except ImportError as exc:
            raise BrokerConfigError(
                "the Redis broker needs the 'redis' package: pip install 'dramatiq[redis]'"
            ) from exc
        try:
            heartbeat = int(ours.get("heartbeat_timeout", 60_000))
        except ValueError as exc:
            raise BrokerConfigError("heartbeat_timeout must be a number of milliseconds") from exc
        return WakingRedisBroker(
            url=url, namespace=ours.get("namespace") or "sohoa", heartbeat_timeout=heartbeat
        )
    if scheme in ("amqp", "amqps"):
        try:
            from dramatiq.brokers.rabbitmq import RabbitmqBroker
        except ImportError as exc:
            raise BrokerConfigError(
                "the RabbitMQ broker needs the 'pika' package: pip install 'dramatiq[rabbitmq]'"
            ) from exc
        # Publisher confirms: a message `submit` sent is on the broker before it says so.
        return RabbitmqBroker(url=url, confirm_delivery=True)
    raise BrokerConfigError(f"unsupported broker URL scheme {scheme!r}: use redis:// or amqp://, or none")


def ping(broker: dramatiq.Broker) -> None:
    """Raise if the broker cannot be reached (the embedded one always can)."""
    queue_depths(broker, set())


def queue_depths(broker: dramatiq.Broker, queues: set[str]) -> dict[str, int]:
    """Messages waiting per queue (Redis: the list length; RabbitMQ: a passive declare on a short
    connection of our own, the broker's are per thread). Raises when the broker is unreachable."""
    if is_embedded(broker):
        return {queue: broker.queues[queue].qsize() for queue in sorted(queues) if queue in broker.queues}
    client = getattr(broker, "client", None)
    if client is not None:  # Redis
        client.ping()
        return {queue: int(client.llen(f"{broker.namespace}:{queue}")) for queue in sorted(queues)}
    import pika

    depths: dict[str, int] = {}
    connection = pika.BlockingConnection(broker.parameters)
    try:
        for queue in sorted(queues):
            channel = connection.channel()
            try:
                depths[queue] = channel.queue_declare(queue, passive=True).method.message_count
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:  # not declared yet: nothing waits in it
                depths[queue] = 0
    finally:
        connection.close()
    return depths


def is_embedded(broker: dramatiq.Broker) -> bool:
    return isinstance(broker, StubBroker)
