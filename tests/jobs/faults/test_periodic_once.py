"""Two workers on one Redis, as on two machines: a periodic duty runs once per period.

Both workers tick every second and both ask for the duty's period; the claim is a conditional
UPDATE of its row in `periodic_runs`, in the same transaction as the duty's own work, so one
worker wins each period and the other sees it taken. The duty (`tests.jobs.faults.worker_app`) is
hourly and reads its time from a file the test writes, so the test moves to the next hour
without waiting one. Each run queues one email naming its period: a run is a committed row.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.jobs.models import OutboxMessage, PeriodicRun
from tests.jobs.faults.helpers import Mailbox, RedisServer, Workers, wait_until

DUTY = "tests.hourly"


@pytest.fixture
def store(redis_server: RedisServer) -> str:
    return redis_server.url


def runs() -> list[str]:
    """The subjects of the duty's emails: one per run."""
    return sorted(db.session.scalars(select(OutboxMessage.subject)
                                     .where(OutboxMessage.recipient == "duty@example.org")))


def claimed_period() -> str | None:
    return db.session.scalar(select(PeriodicRun.period).where(PeriodicRun.name == DUTY))


def test_two_workers_run_a_periodic_duty_once_per_period(
        smtp: tuple[Mailbox, int], workers: Workers, tmp_path: Path) -> None:
    mailbox, _ = smtp
    clock = tmp_path / "clock.txt"
    clock.write_text("2027-01-04T10:15:00+00:00")
    for _ in range(2):
        workers.start(app="tests.jobs.faults.worker_app", LMS_TEST_CLOCK_FILE=str(clock))

    wait_until(lambda: claimed_period() == "2027-01-04T10", 60, "the 10:00 period claimed",
               workers.logs)
    time.sleep(5)  # ten more ticks, five from each worker, all in the same hour
    assert [subject.split(" by ")[0] for subject in runs()] == ["hourly run 2027-01-04T10"]

    clock.write_text("2027-01-04T11:05:00+00:00")
    wait_until(lambda: claimed_period() == "2027-01-04T11", 30, "the 11:00 period claimed",
               workers.logs)
    time.sleep(5)
    assert [subject.split(" by ")[0] for subject in runs()] == [
        "hourly run 2027-01-04T10", "hourly run 2027-01-04T11"]
    wait_until(lambda: len(mailbox.snapshot()) == 2, 30, "both runs' emails delivered",
               workers.logs)
    assert all(process.poll() is None for process in workers.processes)  # both still running
