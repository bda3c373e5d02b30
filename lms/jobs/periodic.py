"""Periodic duties (reminders, digests): each runs once per period across all workers.

A worker's tick asks every duty whether its current period has run; the first worker to move
the duty's row in `periodic_runs` to the new period (a conditional UPDATE, in the same
transaction as the duty's own work) runs it, and every other worker sees the period taken.
The lock lives in the database rather than in the queue's store: Redis here keeps nothing on
disk, and a restarted Redis must not make a period run twice. A period missed while
everything was down is simply the current one on return: it runs once, not once per slot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from lms.database import insert_or_ignore, rowcount
from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import PeriodicRun

log = logging.getLogger(__name__)

PERIODS: dict[str, Callable[[datetime], str]] = {
    "hour": lambda moment: moment.strftime("%Y-%m-%dT%H"),
    "day": lambda moment: moment.strftime("%Y-%m-%d"),
    "week": lambda moment: moment.strftime("%G-W%V"),  # ISO week: sorts like time
}


@dataclass(frozen=True)
class Duty:
    name: str
    every: str
    run: Callable[[datetime], None]  # given the clock's time


DUTIES: dict[str, Duty] = {}
_clock: Callable[[], datetime] = utcnow


Run = Callable[[datetime], None]


def duty(name: str, every: str) -> Callable[[Run], Run]:
    """Declare a periodic duty (in an area's `tasks.py`): `run(now)` queues its work (mail,
    jobs) in the worker's transaction, which commits with the claim of its period."""
    if every not in PERIODS:
        raise ValueError(f"unknown period {every!r}")

    def register(function: Run) -> Run:
        DUTIES[name] = Duty(name, every, function)
        return function

    return register


def now() -> datetime:
    """The duties' clock (tests set their own with `set_clock`)."""
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Let tests control time; None goes back to the real clock."""
    global _clock
    _clock = clock or utcnow


def claim(name: str, period: str) -> bool:
    """Take this period of the duty for this transaction; False if it has run (or runs)."""
    insert_or_ignore(PeriodicRun, {"name": name, "period": "", "started_at": utcnow()}, ["name"])
    taken = db.session.execute(
        update(PeriodicRun).where(PeriodicRun.name == name, PeriodicRun.period < period)
        .values(period=period, started_at=utcnow(), finished_at=None))
    return rowcount(taken) == 1


def run_due() -> list[str]:
    """Run each duty whose current period has not run yet; return the names run."""
    moment = now()
    ran = []
    off = {name.strip() for name in
           str(current_app.config.get("LMS_DUTIES_OFF") or "").split(",") if name.strip()}
    for current in sorted(DUTIES.values(), key=lambda duty: duty.name):
        if current.name in off:
            continue
        period = PERIODS[current.every](moment)
        try:
            if not claim(current.name, period):
                db.session.rollback()
                continue
            current.run(moment)
            db.session.execute(update(PeriodicRun).where(PeriodicRun.name == current.name)
                               .values(finished_at=utcnow()))
            db.session.commit()
            ran.append(current.name)
        except Exception:  # noqa: BLE001 - rolled back with its claim: the next tick retries
            db.session.rollback()
            log.exception("periodic duty %s failed for %s", current.name, period)
    return ran
