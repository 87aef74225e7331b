"""Dramatiq's Redis broker, with consumers that wake when a message comes instead of at their next poll.

Dramatiq's Redis consumer polls: when its queue is empty it sleeps with a backoff (up to the
worker's `fetch_wait_ms`), and a message enqueued meanwhile waits for the end of that sleep
(Dramatiq's Lua bookkeeping rules out a blocking pop on the queue itself). Measured in session 8
(docs/benchmarks.md): ~28 ms a page of a one-worker batch on Redis, mostly at a batch's start and
end, where each step's message finds the consumer of its queue asleep.

Here every enqueue also pushes a wake token to a list of its own per queue
(`<namespace>:__wake__.<queue>`, capped at a few tokens), and a consumer whose queue was empty waits
for a token with a blocking pop (BRPOP) for as long as it would have slept, so an idle consumer
takes a new message at once; a message returned to the queue by a stopping worker wakes one too.
A consumer that holds as many messages as it may prefetch does not pop tokens (another process's
idle consumer needs them): it waits, as long as before, for one of its messages to be acknowledged.
The queues, the message and acknowledgement bookkeeping, the requeue of a dead worker's messages
and the delay queues are Dramatiq's, untouched: a lost token only means the consumer looks at its
next poll, as before. Redis times blocking pops out at its clock tick (`hz`, 10 a second by
default), so an idle consumer's look comes every ≥100 ms: no more often than before. Nor less
often, on purpose: Dramatiq gives a dead worker's unacknowledged messages back in its "maintenance",
which runs on 0.1% of the broker's commands, so fewer polls would leave them waiting longer.
"""

from __future__ import annotations

import threading

import redis
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.common import compute_backoff
from dramatiq.errors import ConnectionClosed

#: Tokens kept in a wake list nobody waits on: enough for a few consumers that are between an
#: empty fetch and their blocking pop when messages come; every token left over costs an idle
#: consumer one look more.
WAKE_TOKENS_KEPT = 4


class WakingRedisBroker(RedisBroker):
    """Dramatiq's Redis broker whose enqueues wake an idle consumer of the queue."""

    @property
    def consumer_class(self):
        return WakingRedisConsumer

    def wake_key(self, queue_name: str) -> str:
        # Queue names never start with "__" (sohoa's, and Dramatiq's own keys are __acks__, __heartbeats__).
        return f"{self.namespace}:__wake__.{queue_name}"

    def enqueue(self, message, *, delay=None):
        message = super().enqueue(message, delay=delay)
        self.wake(message.queue_name)  # the delay queue's name when delayed
        return message

    def wake(self, queue_name: str) -> None:
        """Push a wake token for the queue: a consumer blocked on it takes it at once (Redis
        serves blocked clients after each command), and the list keeps no more than a few.
        Best effort: the message is already in its queue, and a consumer not woken finds it at
        its next poll, so a Redis error here is not the sender's."""
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.lpush(self.wake_key(queue_name), 1)
            pipe.ltrim(self.wake_key(queue_name), 0, WAKE_TOKENS_KEPT - 1)
            pipe.execute()
        except redis.RedisError as exc:
            self.logger.debug("Wake token for queue %r not sent: %s", queue_name, exc)


class WakingRedisConsumer(_RedisConsumer):
    """Dramatiq's Redis consumer, waiting for a wake token (or an acknowledgement, when it holds
    all the messages it may) instead of sleeping out its backoff."""

    def __init__(self, broker, queue_name, prefetch, timeout):
        super().__init__(broker, queue_name, prefetch, timeout)
        self.wakes = 0  # tokens that ended a wait (the tests read this)
        self._slot_freed = threading.Event()

    def ack(self, message):
        try:
            super().ack(message)
        finally:
            self._slot_freed.set()

    def nack(self, message):
        try:
            super().nack(message)
        finally:
            self._slot_freed.set()

    def requeue(self, messages):
        messages = list(messages)
        super().requeue(messages)
        if messages:  # handed back by a stopping worker: another consumer may take them now
            self.broker.wake(self.queue_name)

    def __next__(self):
        if self.message_cache:
            return super().__next__()  # Dramatiq decodes and tracks the message
        try:
            self._slot_freed.clear()  # before counting: an ack from now on ends the wait below
            room = self.prefetch - self.outstanding_message_count
            if room > 0:
                self.message_cache = self.broker.do_fetch(self.queue_name, room) or []
                if self.message_cache:
                    return super().__next__()
            self.misses, backoff_ms = compute_backoff(self.misses, max_backoff=self.timeout)
            if room <= 0:
                self._slot_freed.wait(backoff_ms / 1000)
                return None
            try:
                woken = self.broker.client.brpop(
                    [self.broker.wake_key(self.queue_name)], timeout=backoff_ms / 1000
                )
            except redis.TimeoutError:  # a client socket timeout shorter than the wait
                woken = None
            if woken:
                self.wakes += 1
            return None
        except redis.ConnectionError as e:
            raise ConnectionClosed(e) from None
