"""What the admins' page of background work shows (`/admin/jobs`) and what it may do to a
failed message or job; and the queue's health, for that page and for `/healthz`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from lms import paging
from lms.extensions import db
from lms.jobs import outbox, queue
from lms.jobs.models import (
    DISCARDED,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Job,
    OutboxMessage,
    PeriodicRun,
)

# Due work that waited this long while nothing finished: no worker is taking it.
STUCK_AFTER = timedelta(minutes=10)
SENT_DAYS = 14
RECENT_PER_PAGE = 50
FAILED_SHOWN = 100
SCHEDULED = "scheduled"  # queued, but for a later time (a retry's backoff, a delayed job)


class JobsError(Exception):
    """Something an admin asked that cannot be done (the message says why)."""


class NotFound(JobsError):
    """No such message or job."""


class NotFailed(JobsError):
    """Retry and discard are for failed work only; this one is in another state."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


# --- counts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StateCounts:
    """How many messages (or jobs) are in each state; `finished_today` counts mail sent or
    jobs done since midnight UTC."""

    queued: int
    scheduled: int
    running: int
    failed: int
    finished_today: int


def _state_counts(model: Any, due: InstrumentedAttribute[datetime],
                  finished: InstrumentedAttribute[datetime | None], now: datetime) -> StateCounts:
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), UTC)

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(select(
        total(and_(model.status == QUEUED, due <= now)),
        total(and_(model.status == QUEUED, due > now)),
        total(model.status == RUNNING),
        total(model.status == FAILED),
        total(finished >= midnight),
    ).where(or_(model.status.in_([QUEUED, RUNNING, FAILED]), finished >= midnight))).one()
    return StateCounts(*(int(value) for value in row))


def mail_counts(now: datetime) -> StateCounts:
    """The outbox by state, and the messages sent today."""
    return _state_counts(OutboxMessage, OutboxMessage.next_attempt_at, OutboxMessage.sent_at,
                         now)


def job_counts(now: datetime) -> StateCounts:
    """The jobs by state, and the jobs done today."""
    return _state_counts(Job, Job.run_after, Job.finished_at, now)


# --- lists --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MailRow:
    """One outbox message as the page lists it (without its raw text)."""

    id: int
    recipient: str
    subject: str
    kind: str
    state: str  # a status, or SCHEDULED for a queued message whose time has not come
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None

    @property
    def error_line(self) -> str:
        return last_line(self.last_error)


@dataclass(frozen=True)
class JobRow:
    """One failed job as the page lists it."""

    id: int
    name: str
    arguments: dict[str, object]
    attempts: int
    last_error: str
    created_at: datetime

    @property
    def error_line(self) -> str:
        return last_line(self.last_error)

    @property
    def arguments_text(self) -> str:
        """The arguments as the handler receives them: `cohort_id=3, day='2026-12-03'`."""
        return ", ".join(f"{name}={value!r}" for name, value in sorted(self.arguments.items()))


def last_line(error: str) -> str:
    """The line of an error that says what went wrong (a traceback's last)."""
    lines = error.strip().splitlines()
    return lines[-1] if lines else ""


_MAIL_COLUMNS = (OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject,
                 OutboxMessage.kind, OutboxMessage.status, OutboxMessage.attempts,
                 OutboxMessage.last_error, OutboxMessage.created_at,
                 OutboxMessage.next_attempt_at, OutboxMessage.sent_at)


def _mail_rows(query: Any, now: datetime) -> list[MailRow]:
    return [MailRow(row.id, row.recipient, row.subject, row.kind,
                    SCHEDULED if row.status == QUEUED and row.next_attempt_at > now
                    else row.status, row.attempts, row.last_error, row.created_at,
                    row.next_attempt_at, row.sent_at)
            for row in db.session.execute(query)]


def failed_mail(now: datetime, limit: int = FAILED_SHOWN) -> list[MailRow]:
    """The messages that failed for good, newest first."""
    return _mail_rows(select(*_MAIL_COLUMNS).where(OutboxMessage.status == FAILED)
                      .order_by(OutboxMessage.id.desc()).limit(limit), now)


def failed_jobs(limit: int = FAILED_SHOWN) -> list[JobRow]:
    """The jobs that failed for good, newest first."""
    rows = db.session.execute(
        select(Job.id, Job.name, Job.arguments, Job.attempts, Job.last_error, Job.created_at)
        .where(Job.status == FAILED).order_by(Job.id.desc()).limit(limit))
    return [JobRow(row.id, row.name, dict(row.arguments or {}), row.attempts, row.last_error,
                   row.created_at) for row in rows]


@dataclass(frozen=True)
class MailPage:
    """A page of the most recent messages, newest first."""

    messages: list[MailRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return paging.page_count(self.total, self.per_page)


def recent_mail(now: datetime, page: int = 1, per_page: int = RECENT_PER_PAGE) -> MailPage:
    """The most recent messages in any state; past the last page, the last."""
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    page = paging.within(page, total, per_page)
    messages = _mail_rows(select(*_MAIL_COLUMNS).order_by(OutboxMessage.id.desc())
                          .limit(per_page).offset((page - 1) * per_page), now)
    return MailPage(messages, total, page, per_page)


@dataclass(frozen=True)
class SentDay:
    """The messages sent on one day (UTC), in all and by kind."""

    day: date
    total: int
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SentByDay:
    days: list[SentDay]  # newest first, every day of the period, those with none included
    kinds: list[str]  # the kinds sent in the period


def sent_by_day(today: date, days: int = SENT_DAYS) -> SentByDay:
    """How many messages were sent each day of the last `days` days (today included)."""
    first = today - timedelta(days=days - 1)
    day = func.date(OutboxMessage.sent_at)  # a date (PostgreSQL) or 'YYYY-MM-DD' (SQLite)
    rows = db.session.execute(
        select(day, OutboxMessage.kind, func.count())
        .where(OutboxMessage.sent_at >= datetime.combine(first, time(), UTC))
        .group_by(day, OutboxMessage.kind))
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for sent_on, kind, count in rows:
        counts[date.fromisoformat(str(sent_on))][kind] = int(count)
    kinds = sorted({kind for by_kind in counts.values() for kind in by_kind})
    return SentByDay(
        days=[SentDay(on, sum(counts[on].values()), dict(counts[on]))
              for on in (today - timedelta(days=back) for back in range(days))],
        kinds=kinds)


# --- actions ------------------------------------------------------------------------------------

Work = TypeVar("Work", OutboxMessage, Job)


def _failed(model: type[Work], work_id: int) -> Work:
    """The failed message or job, locked against a second admin's click; else NotFound or
    NotFailed."""
    work = db.session.get(model, work_id, with_for_update=True)
    if work is None:
        db.session.rollback()
        raise NotFound(work_id)
    if work.status != FAILED:
        status = work.status
        db.session.rollback()
        raise NotFailed(status)
    return work


def retry_mail(message_id: int) -> OutboxMessage:
    """Send a failed message back to the outbox for a new round of attempts (same Message-ID)."""
    message = _failed(OutboxMessage, message_id)
    outbox.retry(message)
    db.session.commit()
    return message


def discard_mail(message_id: int) -> OutboxMessage:
    """Give up on a failed message for good: it stays listed, as discarded."""
    return _discard(_failed(OutboxMessage, message_id))


def retry_job(job_id: int) -> Job:
    """Send a failed job back to the queue for a new round of attempts."""
    job = _failed(Job, job_id)
    queue.retry(job)
    db.session.commit()
    return job


def discard_job(job_id: int) -> Job:
    """Give up on a failed job for good: it stays in the table, as discarded."""
    return _discard(_failed(Job, job_id))


def _discard(work: Work) -> Work:
    work.status, work.claimed_until = DISCARDED, None
    db.session.commit()
    return work


# --- health -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueHealth:
    """Whether work is moving: stuck when something has been due for more than STUCK_AFTER
    and nothing (mail sent, job done, periodic duty finished) finished in that time."""

    now: datetime
    stuck: bool
    waiting_mail: int = 0
    waiting_jobs: int = 0
    oldest_due: datetime | None = None
    last_finished: datetime | None = None

    @property
    def state(self) -> str:
        return "stuck" if self.stuck else "ok"

    @property
    def waited_minutes(self) -> int:
        """How long the oldest due message or job has waited, in whole minutes."""
        return int((self.now - self.oldest_due).total_seconds() // 60) if self.oldest_due else 0

    def reason(self) -> str:
        """One line for monitors and logs (English, like the rest of /healthz)."""
        if not self.stuck:
            return ""

        def count(number: int, noun: str) -> str:
            return f"{number} {noun}{'' if number == 1 else 's'}"

        if self.last_finished is None:
            since = "nothing has finished yet"
        else:
            moment = self.last_finished.astimezone(UTC)
            shown = (moment.strftime("%H:%M") if moment.date() == self.now.astimezone(UTC).date()
                     else moment.strftime("%Y-%m-%d %H:%M"))
            since = f"nothing finished since {shown} UTC"
        return (f"{count(self.waiting_mail, 'email')} and {count(self.waiting_jobs, 'job')} "
                f"waiting for {count(self.waited_minutes, 'minute')}; {since}")

    def as_json(self) -> dict[str, object]:
        """The `queue` part of /healthz."""
        if not self.stuck:
            return {"state": "ok"}
        return {"state": "stuck", "reason": self.reason(),
                "waiting": {"emails": self.waiting_mail, "jobs": self.waiting_jobs},
                "oldest_due": self.oldest_due.isoformat() if self.oldest_due else None,
                "last_finished": self.last_finished.isoformat() if self.last_finished else None}


def _due(model: Any, due: InstrumentedAttribute[datetime], now: datetime) -> Any:
    """Due work: queued and its time has come, or claimed by a worker whose claim ran out."""
    return or_(and_(model.status == QUEUED, due <= now),
               and_(model.status == RUNNING, model.claimed_until <= now))


def _oldest_due(model: Any, due: InstrumentedAttribute[datetime],
                now: datetime) -> datetime | None:
    moments = [db.session.scalar(select(func.min(due)).where(model.status == QUEUED, due <= now)),
               db.session.scalar(select(func.min(model.claimed_until))
                                 .where(model.status == RUNNING, model.claimed_until <= now))]
    return min((moment for moment in moments if moment is not None), default=None)


def queue_health(now: datetime) -> QueueHealth:
    """Is the queue moving? Cheap when it is (two indexed look-ups per table); the counts and
    the last finish are read only when something has waited too long."""
    cutoff = now - STUCK_AFTER
    oldest = min((moment for moment in (
        _oldest_due(OutboxMessage, OutboxMessage.next_attempt_at, now),
        _oldest_due(Job, Job.run_after, now)) if moment is not None), default=None)
    if oldest is None or oldest > cutoff:
        return QueueHealth(now, stuck=False, oldest_due=oldest)
    finishes = [db.session.scalar(select(func.max(OutboxMessage.sent_at))),
                db.session.scalar(select(func.max(Job.finished_at)).where(Job.status == DONE)),
                db.session.scalar(select(func.max(PeriodicRun.finished_at)))]
    last = max((moment for moment in finishes if moment is not None), default=None)
    if last is not None and last > cutoff:
        return QueueHealth(now, stuck=False, oldest_due=oldest, last_finished=last)

    def waiting(model: Any, due: InstrumentedAttribute[datetime]) -> int:
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(_due(model, due, now))) or 0

    return QueueHealth(now, stuck=True,
                       waiting_mail=waiting(OutboxMessage, OutboxMessage.next_attempt_at),
                       waiting_jobs=waiting(Job, Job.run_after),
                       oldest_due=oldest, last_finished=last)

