"""The reform project (capstone): a learner's draft, its submitted versions, the peers assigned
to review them, and the reviews (by peers and by facilitators)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

DRAFT = "draft"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
STATES = (DRAFT, SUBMITTED, CHANGES_REQUESTED, APPROVED)

PEER = "peer"
FACILITATOR = "facilitator"
APPROVE = "approve"
ASK_CHANGES = "changes"
DECISIONS = (APPROVE, ASK_CHANGES)


class Capstone(Model):
    """One learner's reform project for one course: the draft they edit, and its state."""

    __tablename__ = "capstones"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      Index("ix_capstones_cohort_state", "cohort_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[str] = mapped_column(String(100))
    # The cohort it was (first) submitted in: its peers review it, its facilitators decide.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # The field values being edited (field id -> text); each submission copies them.
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Shown on the alumni profile once approved, only if the learner chooses so.
    show_on_profile: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CapstoneVersion(Model):
    """A submission, kept as it was sent: never edited afterwards."""

    __tablename__ = "capstone_versions"
    __table_args__ = (UniqueConstraint("capstone_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    capstone_id: Mapped[int] = mapped_column(ForeignKey("capstones.id"))
    number: Mapped[int] = mapped_column()
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PeerAssignment(Model):
    """A peer asked to review a capstone (its first submitted version). A reviewer is never
    assigned the same capstone twice; an overdue one is replaced, and stays recorded."""

    __tablename__ = "capstone_peer_assignments"
    __table_args__ = (UniqueConstraint("capstone_id", "reviewer_id"),
                      Index("ix_capstone_peer_assignments_reviewer", "reviewer_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    capstone_id: Mapped[int] = mapped_column(ForeignKey("capstones.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("capstone_versions.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CapstoneReview(Model):
    """Scores and comments on a version, by a peer or by a facilitator (who also decides)."""

    __tablename__ = "capstone_reviews"
    # A double-click never makes two reviews of the same version by the same person.
    __table_args__ = (UniqueConstraint("version_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    capstone_id: Mapped[int] = mapped_column(ForeignKey("capstones.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("capstone_versions.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(12))  # PEER or FACILITATOR
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)  # criterion id -> score
    comments: Mapped[dict[str, Any]] = mapped_column(JSON)  # criterion id -> text
    overall: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(12))  # facilitators: DECISIONS
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CapstoneCohortSetting(Model):
    """How a cohort runs peer review: whether authors see their reviewers' names."""

    __tablename__ = "capstone_cohort_settings"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    peer_review_anonymous: Mapped[bool] = mapped_column(Boolean, default=True,
                                                        server_default=true())
