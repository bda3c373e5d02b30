"""The statements waiting for (or already in) the learning record store.

A statement is written in the same transaction as the action it records, under an id derived
from the event (statements.statement_id): recording it twice (a retry, a second worker, the
backfill) inserts nothing, and sending it twice gives the LRS the same id and content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

QUEUED = "queued"  # waiting for next_attempt_at and a worker (claimed while claimed_until)
SENT = "sent"      # the LRS accepted it (200) or already held it, identical (204)
FAILED = "failed"  # the LRS refused this statement (a 4xx of its own); kept with the error
STATUSES = (QUEUED, SENT, FAILED)


class XapiStatement(Model):
    """One xAPI statement, as it is (and will again be) sent."""

    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_status_next", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement's UUID
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    verb: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
