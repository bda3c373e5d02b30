"""Redis restarts under load (production's store, keeping nothing on disk): every wake-up and
queued task in it is lost, yet every email is delivered exactly once and a job queued while it
was down runs once it is back. The rows in the database are the work; Redis only said "look",
and a worker's tick looks anyway.
"""

from __future__ import annotations

import collections
import time

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.jobs import queue
from lms.jobs.models import DONE, Job
from tests.jobs.faults.handlers import NOTE
from tests.jobs.faults.helpers import (
    Mailbox,
    RedisServer,
    Workers,
    outbox_ids,
    queue_mail,
    sent_count,
    wait_until,
)

BEFORE, DURING = 200, 50


@pytest.fixture
def store(redis_server: RedisServer) -> str:
    """Redis only: its restart is the fault under test."""
    return redis_server.url


def test_redis_restarted_mid_delivery_loses_nothing_and_repeats_nothing(
        smtp: tuple[Mailbox, int], workers: Workers, redis_server: RedisServer) -> None:
    mailbox, _ = smtp
    mailbox.delay = 0.01
    queued = queue_mail(BEFORE)
    workers.start(app="tests.jobs.faults.worker_app")  # the production app, plus the tests.note job
    wait_until(lambda: len(mailbox.snapshot()) >= 50, 60, "delivery under way", workers.logs)

    redis_server.kill()  # its queued tasks and any wake-up still in it: gone
    # Actions go on while Redis is down: their rows commit, only their wake-ups are lost.
    queued += queue_mail(DURING)
    queue.enqueue(NOTE, text="queued while Redis was down")
    db.session.commit()
    time.sleep(3)  # the worker finishes what it had in hand; nothing can wake it now

    redis_server.start()  # the same port, empty
    wait_until(lambda: sent_count() == BEFORE + DURING + 1, 90,
               "every email sent, the job's own included", workers.logs)
    received = mailbox.ids()
    counts = collections.Counter(received)
    assert max(counts.values()) == 1 and set(received) == outbox_ids()
    assert set(queued) < set(received)
    assert [message_id for message_id in received if message_id not in queued]  # the job's
    job = db.session.scalars(select(Job)).one()
    assert (job.name, job.status, job.attempts) == (NOTE, DONE, 1)
    job_mail = [message for message in mailbox.snapshot()
                if b"job ran: queued while Redis was down" in message.raw]
    assert len(job_mail) == 1
