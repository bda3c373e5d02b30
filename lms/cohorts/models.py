"""Cohorts: a group of learners taking a course together on a schedule, led by facilitators."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model


class Cohort(Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))  # focus.REGIONAL or focus.THEMATIC
    focus: Mapped[str] = mapped_column(String(60))  # a code from focus.REGIONS or focus.THEMES
    course_id: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # Certificates need the facilitator's sign-off for members of such a cohort.
    requires_signoff: Mapped[bool] = mapped_column(Boolean, default=False)
    join_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where the cohort meets (IANA name): due dates end there, reminders go out by its clock
    # for members who have not set their own.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Automatic reminders (lms.cohorts.tasks), each off (None) until a facilitator sets it:
    # N days before a lesson's due date, N days after it was missed, after N days inactive.
    remind_before_days: Mapped[int | None] = mapped_column()
    remind_after_days: Mapped[int | None] = mapped_column()
    remind_inactive_days: Mapped[int | None] = mapped_column()
    # Live sessions (lms.live): certificates need at least this many attended, when set.
    min_attendance: Mapped[int | None] = mapped_column()


class CohortFacilitator(Model):
    __tablename__ = "cohort_facilitators"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class Membership(Model):
    """A learner in a cohort; a graduate once the cohort closed with the course completed."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),
                      Index("ix_memberships_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graduated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CohortInvitation(Model):
    """An invitation to a cohort awaiting the person's answer; accepting creates the Membership.

    Kept apart from memberships so that nothing that reads memberships (dashboard, export,
    reminders, certificates, insights) can show a person who has not agreed to be in the cohort.
    """

    __tablename__ = "cohort_invitations"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),
                      Index("ix_cohort_invitations_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The address as the facilitator typed it: all they may see until the person accepts.
    email: Mapped[str] = mapped_column(String(254))
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DueDate(Model):
    """When a lesson is due in a cohort's schedule."""

    __tablename__ = "cohort_due_dates"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)


class FacilitatorNote(Model):
    """A private note by a facilitator about a learner in a cohort: not shown to learners on the
    site, but part of the data they can download about themselves."""

    __tablename__ = "facilitator_notes"
    __table_args__ = (Index("ix_facilitator_notes_cohort_learner", "cohort_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reminder(Model):
    """One reminder email to one learner (the record of every send): from a facilitator
    (rule "manual"), or sent by a rule of the cohort's policy (no sender)."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_cohort_learner", "cohort_id", "learner_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # manual, before_due, after_missed or inactive; the lesson a due-date rule was about.
    rule: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    lesson_id: Mapped[str | None] = mapped_column(String(100))
