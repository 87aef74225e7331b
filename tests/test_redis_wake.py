"""Redis consumers wake when a message comes, not at their next poll (`workers.redis_wake`).

Real Redis (DB 14, a namespace of the test). Nothing here is timed against the wake itself: each
consumer is set to wait a minute or more (a large `fetch_wait`, its backoff already at the top),
and the message must arrive within half a minute, so a loaded machine cannot make a wait that
ended by a wake look like one that ran out, or the other way round.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid

import pytest
from dramatiq.message import Message
from sohoa.workers.broker import make_broker
from sohoa.workers.redis_wake import WakingRedisBroker

from .test_scale import shared_redis  # noqa: F401 - fixture

WAIT_MS = 120_000  # a consumer's longest wait: its backoff then lies between 60 and 120 s
BOUND_S = 30  # a woken consumer must have returned well before that


def _message(queue: str) -> Message:
    return Message(queue_name=queue, actor_name="noop", args=(), kwargs={}, options={})


def _inside(thread: threading.Thread, function: str) -> bool:
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == function:
            return True
        frame = frame.f_back
    return False


def _next_in_thread(consumer, function: str) -> tuple[threading.Thread, list]:
    """Call next(consumer) on a thread; return once that thread waits inside `function`."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(next(consumer)), daemon=True)
    thread.start()
    deadline = time.monotonic() + BOUND_S
    while not _inside(thread, function):
        assert thread.is_alive() and time.monotonic() < deadline, "the consumer never waited"
        time.sleep(0.01)
    return thread, out


@pytest.fixture
def broker(shared_redis):  # noqa: F811
    broker = make_broker(shared_redis)
    assert isinstance(broker, WakingRedisBroker)
    yield broker
    broker.close()


def test_an_idle_consumer_wakes_when_a_message_is_enqueued(broker):
    queue = f"wake-{uuid.uuid4().hex[:6]}"
    broker.declare_queue(queue)
    consumer = broker.consume(queue, prefetch=2, timeout=WAIT_MS)
    consumer.misses = 40  # idle for long: the next wait is the longest

    thread, out = _next_in_thread(consumer, "brpop")  # its queue was empty: it waits for a token
    sent = broker.enqueue(_message(queue))
    thread.join(BOUND_S)
    assert not thread.is_alive(), "the enqueue did not wake the consumer"
    assert out == [None] and consumer.wakes == 1
    got = next(consumer)  # the look after the wake finds the message
    assert got is not None and got.message_id == sent.message_id
    consumer.ack(got)


def test_a_message_handed_back_wakes_another_consumer(shared_redis, broker):  # noqa: F811
    """A stopping worker returns its prefetched messages: an idle consumer elsewhere takes them at once."""
    queue = f"wake-{uuid.uuid4().hex[:6]}"
    broker.declare_queue(queue)
    other = make_broker(shared_redis)  # another worker process's broker
    try:
        stopping = other.consume(queue, prefetch=2, timeout=WAIT_MS)
        sent = broker.enqueue(_message(queue))
        held = next(stopping)
        assert held is not None and held.message_id == sent.message_id
        broker.client.delete(broker.wake_key(queue))  # the enqueue's token, nobody took it

        idle = broker.consume(queue, prefetch=2, timeout=WAIT_MS)
        idle.misses = 40
        thread, out = _next_in_thread(idle, "brpop")
        stopping.requeue([held])
        thread.join(BOUND_S)
        assert not thread.is_alive(), "the hand-back did not wake the idle consumer"
        assert out == [None] and idle.wakes == 1
        got = next(idle)
        assert got is not None and got.message_id == sent.message_id
        idle.ack(got)
    finally:
        other.close()


def test_a_full_consumer_looks_again_when_one_of_its_messages_is_acknowledged(broker):
    """With as many messages as it may prefetch, a consumer does not take wake tokens (an idle
    consumer elsewhere needs them): it waits for an acknowledgement, then takes the next message."""
    queue = f"wake-{uuid.uuid4().hex[:6]}"
    broker.declare_queue(queue)
    consumer = broker.consume(queue, prefetch=1, timeout=WAIT_MS)
    first, second = broker.enqueue(_message(queue)), broker.enqueue(_message(queue))
    got = next(consumer)
    assert got is not None and got.message_id == first.message_id
    consumer.misses = 40

    thread, out = _next_in_thread(consumer, "wait")  # full: waits for an ack, not a token
    consumer.ack(got)
    thread.join(BOUND_S)
    assert not thread.is_alive(), "the acknowledgement did not end the wait"
    assert out == [None] and consumer.wakes == 0
    got = next(consumer)
    assert got is not None and got.message_id == second.message_id
    consumer.ack(got)
