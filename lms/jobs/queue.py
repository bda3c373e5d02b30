"""The task queue: Huey carries wake-ups between the web and the workers; the database holds
the work (`lms.jobs.models`), so nothing is lost when the queue is.

- `enqueue(name, **arguments)` adds a job in the caller's transaction; `mail.queue` does the
  same for an email. Once that transaction commits, a wake-up goes on the queue.
- A worker (`flask --app wsgi lms worker`) runs Huey's consumer: woken, it claims what is due
  (a conditional UPDATE, so two workers never take the same row), runs it and records the
  outcome. Every tick (a minute; `LMS_TICK_SECONDS`) it also runs whatever is due without a
  wake-up (a retry's time has come, a wake-up was lost with a restarted Redis, a worker was
  killed holding a claim) and the periodic duties (`lms.jobs.periodic`).
- The store: SQLite (a file in the instance folder) by default, so `make run` needs no server;
  `LMS_QUEUE_URL=redis://...` in production; `memory://` in tests.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer, Scheduler
from redis import ConnectionPool
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from lms.database import rowcount
from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job

log = logging.getLogger(__name__)
P = ParamSpec("P")

HANDLERS: dict[str, Callable[..., None]] = {}
_WAKE = "lms.jobs.wake"  # session.info: which kinds of work this transaction added
MAIL, JOBS = "mail", "jobs"


def handler(name: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Declare a background job (in an area's `tasks.py`): `enqueue(name, **arguments)` runs
    it in a worker, inside the worker's transaction, which commits with the job's outcome."""

    def register(function: Callable[P, None]) -> Callable[P, None]:
        HANDLERS[name] = function
        return function

    return register


def enqueue(name: str, *, delay: timedelta | None = None, **arguments: Any) -> Job:
    """Add a job to the current transaction; a worker runs it once that commits."""
    if name not in HANDLERS:
        raise KeyError(f"no job handler named {name!r}")
    job = Job(name=name, arguments=arguments, run_after=utcnow() + (delay or timedelta()))
    db.session.add(job)
    wake_after_commit(JOBS)
    return job


def wake_after_commit(kind: str) -> None:
    """Ask for a worker's wake-up once the current transaction commits."""
    db.session.info.setdefault(_WAKE, set()).add(kind)


def _after_commit(session: Session) -> None:
    kinds = session.info.pop(_WAKE, None)
    if kinds:
        wake(*sorted(kinds))


def _after_rollback(session: Session) -> None:
    session.info.pop(_WAKE, None)


def wake(*kinds: str) -> None:
    """Put wake-ups on the queue. A queue that is down loses only the wake-up: the rows are
    committed and the next tick of any worker finds them."""
    try:
        tasks = current_app.extensions["lms.tasks"]
    except (RuntimeError, KeyError):
        return
    for kind in kinds:
        try:
            tasks[kind]()
        except Exception:  # noqa: BLE001 - the action is done; the sweep will do the rest
            log.warning("could not put a %s wake-up on the queue; the next tick will", kind,
                        exc_info=True)


# --- the store and its tasks --------------------------------------------------------------------

def make_huey(app: Flask) -> Huey:
    """This app's Huey, from LMS_QUEUE_URL, with the three tasks every worker runs."""
    url = str(app.config.get("LMS_QUEUE_URL") or "")
    name = str(app.config.get("LMS_QUEUE_NAME") or "lms")
    huey: Huey
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Several workers on several machines share it; Redis hands each task to one of them.
        # Short connection timeouts: a request's wake-up must never hang on a lost Redis.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=10)
        huey = RedisHuey(name, connection_pool=pool, results=False)
    elif url == "memory://":
        huey = MemoryHuey(name, results=False)
    else:
        path = Path(url.removeprefix("sqlite:///")) if url else (
            Path(app.instance_path) / "jobs.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(path), results=False)

    def in_app(work: Callable[[], object]) -> None:
        with app.app_context():
            work()

    @huey.task(name="deliver_mail")
    def deliver_mail() -> None:
        from lms.jobs import outbox

        in_app(outbox.deliver_due)

    @huey.task(name="run_jobs")
    def run_jobs() -> None:
        in_app(run_due_jobs)

    @huey.periodic_task(lambda moment: True, name="tick")  # every tick of the scheduler
    def tick_task() -> None:
        in_app(tick)

    app.extensions["lms.huey"] = huey
    app.extensions["lms.tasks"] = {MAIL: deliver_mail, JOBS: run_jobs, "tick": tick_task}
    return huey


def tick() -> None:
    """What every worker does each tick: deliver what is due, run due jobs and periodic duties
    (each claimed, so doing it on several workers at once is safe)."""
    from lms.jobs import outbox, periodic

    outbox.deliver_due()
    run_due_jobs()
    periodic.run_due()


def consumer(app: Flask, workers: int = 1) -> Consumer:
    """Huey's consumer for this app: `workers` threads, the scheduler ticking every
    LMS_TICK_SECONDS (60 by default; Huey's own unit for periodic tasks)."""
    Scheduler.periodic_task_seconds = int(app.config.get("LMS_TICK_SECONDS") or 60)
    huey: Huey = app.extensions["lms.huey"]
    # An idle worker polls a SQLite store at most a second apart (Huey's default backs off to
    # 10 s), so mail leaves within a second or two; Redis answers at once (a blocking pop).
    return huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                check_worker_health=True, max_delay=1.0)


# --- jobs ---------------------------------------------------------------------------------------

def claim_until() -> datetime:
    """How long a claim holds: after that, a killed worker's rows are free again."""
    return utcnow() + timedelta(seconds=int(current_app.config.get("LMS_CLAIM_SECONDS") or 300))


def retry_delay(attempts: int) -> timedelta:
    """Backoff: the base delay (LMS_RETRY_SECONDS, 30 s) doubling each attempt, at most 1 h."""
    base = float(current_app.config.get("LMS_RETRY_SECONDS") or 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def max_attempts() -> int:
    return int(current_app.config.get("LMS_MAX_ATTEMPTS") or 8)


ABANDONED = "The worker stopped while running it, on its last attempt."


def _claim_job() -> Job | None:
    """Take the oldest due job (or one whose worker died), for this worker alone."""
    now = utcnow()
    # One whose worker died with it on its last attempt fails rather than run for ever.
    db.session.execute(
        update(Job).where(Job.status == RUNNING, Job.claimed_until < now,
                          Job.attempts >= max_attempts())
        .values(status=FAILED, claimed_until=None, last_error=ABANDONED)
        .execution_options(synchronize_session=False))
    due = (select(Job.id).where(or_(
        (Job.status == QUEUED) & (Job.run_after <= now),
        (Job.status == RUNNING) & (Job.claimed_until < now)))
        .order_by(Job.id).limit(1).with_for_update(skip_locked=True))
    job_id = db.session.scalar(due)
    if job_id is None:
        db.session.commit()  # what was marked failed above
        return None
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, or_(
            Job.status == QUEUED, (Job.status == RUNNING) & (Job.claimed_until < now)))
        .values(status=RUNNING, claimed_until=claim_until(), attempts=Job.attempts + 1,
                started_at=now))
    db.session.commit()
    if rowcount(claimed) != 1:
        return _claim_job()  # another worker took it between the two statements
    return db.session.get(Job, job_id)


def run_due_jobs() -> int:
    """Run every due job, one transaction each; return how many succeeded."""
    done = 0
    while (job := _claim_job()) is not None:
        job_id, name, arguments = job.id, job.name, dict(job.arguments)
        try:
            HANDLERS[name](**arguments)
            job.status, job.finished_at, job.claimed_until = DONE, utcnow(), None
            job.last_error = ""
            db.session.commit()
            done += 1
        except Exception:  # noqa: BLE001 - recorded on the job, retried, shown to admins
            db.session.rollback()
            error = traceback.format_exc(limit=5)
            log.exception("job %s (%s) failed", job_id, name)
            failed = db.session.get_one(Job, job_id)
            failed.last_error = error[-4000:]
            failed.claimed_until = None
            if failed.attempts >= max_attempts():
                failed.status = FAILED
            else:
                failed.status = QUEUED
                failed.run_after = utcnow() + retry_delay(failed.attempts)
            db.session.commit()
    return done


def retry(job: Job) -> None:
    """An admin sends a failed job back to the queue, for a new round of attempts."""
    job.status, job.attempts, job.run_after, job.claimed_until = QUEUED, 0, utcnow(), None
    wake_after_commit(JOBS)


def drain(app: Flask) -> None:
    """Run everything due now, in this process (tests, and `lms worker --once`)."""
    from lms.jobs import outbox

    huey = app.extensions.get("lms.huey")
    if isinstance(huey, MemoryHuey):
        huey.flush()  # the wake-ups: this call does what they ask
    with app.app_context():
        while outbox.deliver_due() + run_due_jobs():
            pass


def init_app(app: Flask) -> None:
    make_huey(app)


# Once per process: every session (web request, worker, test) wakes the queue after commit.
event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_soft_rollback", lambda session, previous: _after_rollback(session))
