"""Live sessions of a cohort, who attended them, and the reminders sent about them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

PRESENT, EXCUSED, ABSENT = "present", "excused", "absent"
STATUSES = (PRESENT, EXCUSED, ABSENT)


class LiveSession(Model):
    """One scheduled session of a cohort: a video call or a meeting in a place."""

    __tablename__ = "live_sessions"
    __table_args__ = (Index("ix_live_sessions_cohort_starts", "cohort_id", "starts_at"),
                      Index("ix_live_sessions_starts_at", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A video-call link (http or https) or a place, as the facilitator wrote it.
    location: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    recording_url: Mapped[str | None] = mapped_column(String(500))
    # RFC 5545 SEQUENCE: every change a calendar should take over raises it.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class Attendance(Model):
    """Whether a member attended a session, as a facilitator marked it."""

    __tablename__ = "live_attendance"
    __table_args__ = (Index("ix_live_attendance_user_id", "user_id"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # PRESENT, EXCUSED or ABSENT
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionReminder(Model):
    """The reminder the day before a session, sent to one person: never twice."""

    __tablename__ = "live_session_reminders"

    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
