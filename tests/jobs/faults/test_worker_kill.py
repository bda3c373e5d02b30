"""A worker killed (SIGKILL) in the middle of a batch, then restarted: nothing is lost, and
nothing is delivered twice, but for the one case SMTP cannot make exactly-once.

That case: the server has taken a message and the worker dies before it reads the reply, so
the outbox still says "not sent" and the next worker sends it again. Nothing can tell a lost
reply from a lost message; what makes it harmless is the Message-ID fixed when the message was
queued: the second copy is the same bytes, and mail programs show it once. So after a kill, at
most one message (the one in flight) may arrive twice, always as the same message.
"""

from __future__ import annotations

import collections
import subprocess

from tests.jobs.faults.helpers import (
    Mailbox,
    Received,
    Workers,
    outbox_ids,
    queue_mail,
    sent_count,
    wait_until,
)

MESSAGES = 300
KILL_AT = 100


def assert_each_once_but_in_flight(received: list[Received], queued: list[str]) -> list[str]:
    """Every queued message arrived, none with two different contents; return the repeats."""
    assert set(message.message_id for message in received) == set(queued) == outbox_ids()
    copies: dict[str, set[bytes]] = collections.defaultdict(set)
    for message in received:
        copies[message.message_id].add(message.raw)
    assert all(len(contents) == 1 for contents in copies.values())  # a repeat is the same bytes
    counts = collections.Counter(message.message_id for message in received)
    return sorted(message_id for message_id, count in counts.items() if count > 1)


def test_a_worker_killed_mid_batch_loses_nothing(smtp: tuple[Mailbox, int],
                                                  workers: Workers) -> None:
    mailbox, _ = smtp
    mailbox.delay = 0.005  # a batch is in flight for a while
    queued = queue_mail(MESSAGES)
    first = workers.start()
    wait_until(lambda: len(mailbox.snapshot()) >= KILL_AT, 60, f"{KILL_AT} received",
               workers.logs)
    workers.kill(first)
    in_hand = len(mailbox.snapshot())
    assert in_hand < MESSAGES  # killed mid-batch, not after the end
    workers.start()
    wait_until(lambda: sent_count() == MESSAGES, 60, "every message sent", workers.logs)
    repeats = assert_each_once_but_in_flight(mailbox.snapshot(), queued)
    assert len(repeats) <= 1  # at most the message whose reply died with the worker


def test_killed_inside_data_only_that_message_repeats(smtp: tuple[Mailbox, int],
                                                      workers: Workers) -> None:
    """The server kills the worker while it waits for the reply to message KILL_AT (stored
    by the server, not yet acknowledged): exactly that message arrives twice."""
    mailbox, _ = smtp
    queued = queue_mail(MESSAGES)
    victims: list[subprocess.Popen[bytes]] = []

    def kill_before_replying(message: Received, count: int) -> None:
        if count == KILL_AT:
            workers.kill(victims[0])  # dead before the 250 is written: the reply is lost

    mailbox.on_data = kill_before_replying
    victims.append(workers.start())
    wait_until(lambda: victims[0].poll() is not None, 60, "the worker killed", workers.logs)
    mailbox.on_data = None
    in_flight = mailbox.snapshot()[KILL_AT - 1].message_id
    workers.start()
    wait_until(lambda: sent_count() == MESSAGES, 60, "every message sent", workers.logs)
    received = mailbox.snapshot()
    assert assert_each_once_but_in_flight(received, queued) == [in_flight]
    assert len(received) == MESSAGES + 1
