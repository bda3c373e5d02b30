"""Periodic duties in one process: once per period, a missed stretch once on return, and a
duty the site switched off (LMS_DUTIES_OFF) not at all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from lms.jobs import periodic

RUNS: list[datetime] = []


@pytest.fixture
def clock() -> Iterator[list[datetime]]:
    """A clock the test moves, and an hourly duty that notes each run (only for this test)."""
    moment = [datetime(2026, 12, 3, 9, 5, tzinfo=UTC)]
    periodic.set_clock(lambda: moment[0])
    periodic.duty("tests.hourly", every="hour")(RUNS.append)
    RUNS.clear()
    yield moment
    periodic.set_clock(None)
    del periodic.DUTIES["tests.hourly"]


def test_a_duty_runs_once_per_period_and_once_after_a_missed_stretch(
        app: Flask, clock: list[datetime]) -> None:
    assert "tests.hourly" in periodic.run_due()
    assert "tests.hourly" not in periodic.run_due()  # the same hour: already run
    clock[0] += timedelta(minutes=50)  # 09:55
    periodic.run_due()
    clock[0] += timedelta(days=2)  # everything down for two days
    periodic.run_due()
    periodic.run_due()
    assert RUNS == [datetime(2026, 12, 3, 9, 5, tzinfo=UTC),
                    datetime(2026, 12, 5, 9, 55, tzinfo=UTC)]


@pytest.mark.app_config(LMS_DUTIES_OFF="cohorts.digest, tests.hourly")
def test_a_duty_switched_off_never_runs(app: Flask, clock: list[datetime]) -> None:
    ran = periodic.run_due()
    assert "tests.hourly" not in ran and "cohorts.digest" not in ran
    assert "cohorts.reminders" in ran
    assert RUNS == []
