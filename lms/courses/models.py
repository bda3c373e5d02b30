"""What learners do in courses: lessons started and done, answers to checks, reflections.

Rows are keyed by course id, lesson id and block id (the permanent ids of content/), never by
language or text, so switching language or editing a lesson keeps a learner's progress.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model


class LessonProgress(Model):
    """A learner's state in one lesson: started when first opened, done when marked."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAttempt(Model):
    """Every answer submitted to a knowledge check (append-only)."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # Attempts are numbered per check: the form carries the number it will fill, so a
        # double click, a resent form or a second tab at the same point stores one attempt.
        UniqueConstraint("user_id", "course_id", "lesson_id", "quiz_id", "attempt"),
        Index("ix_quiz_attempts_lookup", "user_id", "course_id", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))
    attempt: Mapped[int] = mapped_column(Integer)
    answer: Mapped[list[int] | str] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Who may read a reflection besides its author: no one, or the facilitators of the author's
# cohorts for the course. Admins who do not facilitate one of those cohorts are not readers.
PRIVATE = "private"
FACILITATORS = "facilitators"
VISIBILITIES = (PRIVATE, FACILITATORS)


class Reflection(Model):
    """A learner's answer to a reflection prompt; one per prompt, edited in place.

    Private unless the learner chose to share it with their cohorts' facilitators."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_id", "reflection_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    reflection_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    # Rows written before learners could choose were promised "only you can read it": private.
    visibility: Mapped[str] = mapped_column(String(20), default=PRIVATE, server_default=PRIVATE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SelfAssessmentAnswer(Model):
    """A learner's capability self-assessment for a course, taken before or after it.

    One per learner, course and phase: the first one sent counts (the comparison is between
    where the learner stood when they started and when they finished)."""

    __tablename__ = "self_assessments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(10))  # "before" or "after"
    open_answer: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SelfAssessmentRating(Model):
    """One statement's rating (1-5) in a self-assessment; a row each so that the programme's
    averages are plain SQL."""

    __tablename__ = "self_assessment_ratings"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessments.id"),
                                               primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)
