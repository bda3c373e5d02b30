"""Peer review assignment: who reviews whose capstone, and the overdue ones handed on.

Reviewers come from the same cohort's learners who have submitted their own capstone. The
least loaded go first (open assignments, then all they were ever given), never the author,
never twice for the same capstone (a unique constraint, so two requests at once cannot either).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.capstone import notices
from lms.capstone.models import (
    DRAFT,
    SUBMITTED,
    Capstone,
    CapstoneVersion,
    PeerAssignment,
)
from lms.cohorts.models import Membership
from lms.courses import services as courses
from lms.courses.capstone_content import CapstoneSpec
from lms.database import insert_or_ignore
from lms.db import utcnow
from lms.extensions import db

# Assignments that count towards a capstone's reviewers: done, or still open (not handed on).
COUNTING = PeerAssignment.replaced_at.is_(None)


def _reviewer_count(capstone_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(PeerAssignment).where(
        PeerAssignment.capstone_id == capstone_id, COUNTING)) or 0


def _candidates(capstone: Capstone) -> list[int]:
    """The cohort's submitters who could review this capstone, least loaded first."""
    already = select(PeerAssignment.reviewer_id).where(
        PeerAssignment.capstone_id == capstone.id)
    submitters = list(db.session.scalars(
        select(Capstone.user_id).join(Membership, (Membership.user_id == Capstone.user_id)
                                      & (Membership.cohort_id == capstone.cohort_id))
        .where(Capstone.course_id == capstone.course_id, Capstone.cohort_id == capstone.cohort_id,
               Capstone.state != DRAFT, Capstone.user_id != capstone.user_id,
               Capstone.user_id.not_in(already))))
    if not submitters:
        return []
    open_load = dict(db.session.execute(
        select(PeerAssignment.reviewer_id, func.count()).where(
            PeerAssignment.reviewer_id.in_(submitters), PeerAssignment.done_at.is_(None),
            PeerAssignment.replaced_at.is_(None)).group_by(PeerAssignment.reviewer_id)).all())
    total_load = dict(db.session.execute(
        select(PeerAssignment.reviewer_id, func.count()).where(
            PeerAssignment.reviewer_id.in_(submitters))
        .group_by(PeerAssignment.reviewer_id)).all())
    return sorted(submitters, key=lambda user_id: (open_load.get(user_id, 0),
                                                   total_load.get(user_id, 0), user_id))


def _assign(capstone: Capstone, version_id: int, reviewer_id: int, spec: CapstoneSpec,
            now: datetime) -> bool:
    added = insert_or_ignore(PeerAssignment, {
        "capstone_id": capstone.id, "version_id": version_id, "reviewer_id": reviewer_id,
        "assigned_at": now, "due_at": now + timedelta(days=spec.due_days)},
        ["capstone_id", "reviewer_id"])
    if added:
        notices.review_requested(reviewer_id, capstone)
    return added


def _first_version_id(capstone: Capstone) -> int | None:
    return db.session.scalar(select(CapstoneVersion.id).where(
        CapstoneVersion.capstone_id == capstone.id).order_by(CapstoneVersion.number).limit(1))


def fill(capstone: Capstone, spec: CapstoneSpec, now: datetime | None = None) -> int:
    """Assign peers until the capstone has as many reviewers as the course asks; how many
    were added (fewer when the cohort has not enough submitters yet)."""
    version_id = _first_version_id(capstone)
    if capstone.cohort_id is None or version_id is None:
        return 0
    now = now or utcnow()
    needed = spec.reviewers - _reviewer_count(capstone.id)
    added = 0
    for reviewer_id in _candidates(capstone)[:max(needed, 0)]:
        added += _assign(capstone, version_id, reviewer_id, spec, now)
    return added


def assign_reviewers(capstone: Capstone, version: CapstoneVersion, spec: CapstoneSpec) -> int:
    """On a first submission: as many reviewers as the course asks, if the cohort has them."""
    db.session.flush()
    return fill(capstone, spec)


def pick_up_waiting(reviewer_id: int, own: Capstone, spec: CapstoneSpec) -> int:
    """A learner who has just submitted reviews capstones still short of reviewers (oldest
    first, up to as many as the course asks of each reviewer), so early submitters get theirs."""
    counted = select(PeerAssignment.capstone_id, func.count().label("reviewers")).where(
        COUNTING).group_by(PeerAssignment.capstone_id).subquery()
    mine = select(PeerAssignment.capstone_id).where(PeerAssignment.reviewer_id == reviewer_id)
    waiting = list(db.session.scalars(
        select(Capstone).outerjoin(counted, counted.c.capstone_id == Capstone.id)
        .where(Capstone.cohort_id == own.cohort_id, Capstone.course_id == own.course_id,
               Capstone.state == SUBMITTED, Capstone.user_id != reviewer_id,
               Capstone.id.not_in(mine),
               func.coalesce(counted.c.reviewers, 0) < spec.reviewers)
        .order_by(Capstone.updated_at, Capstone.id)))
    now, added = utcnow(), 0
    for capstone in waiting:
        if added >= spec.reviewers:
            break
        version_id = _first_version_id(capstone)
        if version_id is not None:
            added += _assign(capstone, version_id, reviewer_id, spec, now)
    return added


def reassign_overdue(now: datetime) -> int:
    """Hand each review past its due date to another eligible peer (the overdue assignment
    stays recorded, marked replaced); one with nobody to take it over stays open. Returns how
    many were handed on."""
    overdue = list(db.session.execute(
        select(PeerAssignment, Capstone).join(Capstone, Capstone.id == PeerAssignment.capstone_id)
        .where(PeerAssignment.done_at.is_(None), PeerAssignment.replaced_at.is_(None),
               PeerAssignment.due_at < now, Capstone.state == SUBMITTED)
        .order_by(PeerAssignment.due_at)))
    handed = 0
    for late, capstone in overdue:
        spec = courses.get_course(capstone.course_id).capstone
        candidates = _candidates(capstone)
        if spec is None or not candidates:
            continue
        late.replaced_at = now
        db.session.flush()
        handed += _assign(capstone, late.version_id, candidates[0], spec, now)
    return handed
