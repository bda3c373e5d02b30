"""Several workers (as on several machines) share one Redis and one database: they deliver
the outbox together and never send one message twice.
"""

from __future__ import annotations

import collections

import pytest

from tests.jobs.faults.helpers import (
    Mailbox,
    RedisServer,
    Workers,
    outbox_ids,
    queue_mail,
    sent_count,
    wait_until,
)


@pytest.fixture
def store(redis_server: RedisServer) -> str:
    return redis_server.url


def test_two_workers_deliver_500_messages_each_once(smtp: tuple[Mailbox, int],
                                                    workers: Workers) -> None:
    mailbox, _ = smtp
    mailbox.delay = 0.002
    workers.start()
    workers.start()
    queued = queue_mail(500)
    wait_until(lambda: sent_count() == 500, 120, "500 messages sent", workers.logs)
    counts = collections.Counter(mailbox.ids())
    assert set(counts) == set(queued) == outbox_ids()
    assert max(counts.values()) == 1


def test_a_batch_slower_than_its_claim_is_not_sent_twice(smtp: tuple[Mailbox, int],
                                                         workers: Workers) -> None:
    """A slow server: a batch of 100 takes longer than a claim holds (LMS_CLAIM_SECONDS=2
    here, 5 minutes in production against a server that may take 30 s per command). The
    worker renews its claim on what it has not sent yet, so the other worker never takes
    those messages while they are still in hand."""
    mailbox, _ = smtp
    mailbox.delay = 0.04  # 100 messages: 4 s, twice the claim
    workers.start()
    workers.start()
    queued = queue_mail(150)
    wait_until(lambda: sent_count() == 150, 120, "150 messages sent", workers.logs)
    counts = collections.Counter(mailbox.ids())
    assert set(counts) == set(queued)
    assert [message_id for message_id, count in counts.items() if count > 1] == []
