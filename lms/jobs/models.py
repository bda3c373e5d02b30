"""What background work keeps in the database: the mail outbox, durable jobs, periodic runs.

The queue (Huey) only carries wake-ups; these rows are the truth. They are written in the same
transaction as the action that causes them, so a crash, a lost queue or a restarted Redis
loses nothing: the worker's sweep finds what is due and runs it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

# States of an outbox message and of a job.
QUEUED = "queued"      # waiting for its time (next_attempt_at) and a worker
RUNNING = "running"    # claimed by a worker until claimed_until (then free again)
SENT = "sent"          # mail only: the server accepted it
DONE = "done"          # jobs only
FAILED = "failed"      # gave up after its attempts; an admin may retry or discard it
DISCARDED = "discarded"


class OutboxMessage(Model):
    """One email: written with the action that causes it, delivered by a worker exactly once
    (its Message-ID is fixed here, so a retry after a lost reply is the same message)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
                      Index("ix_outbox_messages_sent_at", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # reminder, invitation, digest, account...
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(255))
    # The email as written (mail.Draft's fields); the worker makes the message from it on
    # its first attempt and keeps it in `raw`, so every attempt sends the same bytes.
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Job(Model):
    """One piece of background work other than mail (render a PDF...): a handler's name and
    its arguments, retried with backoff, kept with its error when it fails."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    arguments: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PeriodicRun(Model):
    """The last period each periodic duty ran for: claimed by one worker with a conditional
    update, so a period runs once across all workers, and a missed period once on return."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    period: Mapped[str] = mapped_column(String(40))  # e.g. 2026-12-03T14 or 2026-W49
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
