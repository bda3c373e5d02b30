"""Where a cohort's reform projects stand, for its facilitators: one query for a whole cohort
(the capstones page, the progress dashboard and its CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from lms.accounts.models import User
from lms.capstone.models import (
    APPROVED,
    CHANGES_REQUESTED,
    DRAFT,
    SUBMITTED,
    Capstone,
    CapstoneVersion,
    PeerAssignment,
)
from lms.cohorts.models import Membership
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import name_key

NOT_STARTED = "not_started"
PEER_REVIEWED = "peer_reviewed"  # submitted, and every current peer review is in
# What each state is called, on facilitators' pages and in the CSV.
STATE_LABELS = {
    NOT_STARTED: _l("Not started"), DRAFT: _l("Draft"), SUBMITTED: _l("In peer review"),
    PEER_REVIEWED: _l("Peer-reviewed"), CHANGES_REQUESTED: _l("Changes asked"),
    APPROVED: _l("Approved"),
}


@dataclass(frozen=True)
class CapstoneStatus:
    capstone_id: int | None
    state: str  # a key of STATE_LABELS
    versions: int
    submitted_at: datetime | None  # the latest version's
    reviews_done: int
    reviews_assigned: int  # current assignments (done or open), handed-on ones excluded
    overdue: int  # open assignments past their due date

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


NONE = CapstoneStatus(None, NOT_STARTED, 0, None, 0, 0, 0)


def statuses(cohort_id: int, course_id: str) -> dict[int, CapstoneStatus]:
    """Each member's capstone status in the cohort's course, by user id (one query)."""
    now = utcnow()
    current = PeerAssignment.replaced_at.is_(None)
    reviews = select(
        PeerAssignment.capstone_id.label("capstone_id"),
        func.count(case((current, 1))).label("assigned"),
        func.count(case((and_(current, PeerAssignment.done_at.is_not(None)), 1))).label("done"),
        func.count(case((and_(current, PeerAssignment.done_at.is_(None),
                              PeerAssignment.due_at < now), 1))).label("overdue"),
    ).group_by(PeerAssignment.capstone_id).subquery()
    versions = select(CapstoneVersion.capstone_id.label("capstone_id"),
                      func.count().label("versions"),
                      func.max(CapstoneVersion.submitted_at).label("submitted_at")) \
        .group_by(CapstoneVersion.capstone_id).subquery()
    rows = db.session.execute(
        select(Membership.user_id, Capstone.id, Capstone.state, versions.c.versions,
               versions.c.submitted_at, reviews.c.assigned, reviews.c.done, reviews.c.overdue)
        .select_from(Membership)
        .join(Capstone, and_(Capstone.user_id == Membership.user_id,
                             Capstone.course_id == course_id))
        .outerjoin(versions, versions.c.capstone_id == Capstone.id)
        .outerjoin(reviews, reviews.c.capstone_id == Capstone.id)
        .where(Membership.cohort_id == cohort_id))
    result = {}
    for user_id, capstone_id, state, count, submitted_at, assigned, done, overdue in rows:
        assigned, done = assigned or 0, done or 0
        if state == SUBMITTED and assigned and done >= assigned:
            state = PEER_REVIEWED
        result[user_id] = CapstoneStatus(capstone_id, state, count or 0, submitted_at, done,
                                         assigned, overdue or 0)
    return result


@dataclass(frozen=True)
class CohortLine:
    user_id: int
    name: str
    status: CapstoneStatus


def cohort_lines(cohort_id: int, course_id: str) -> list[CohortLine]:
    """Every member of the cohort with their capstone's status, by name (two queries)."""
    found = statuses(cohort_id, course_id)
    members = db.session.execute(select(User.id, User.name).join(
        Membership, Membership.user_id == User.id).where(Membership.cohort_id == cohort_id))
    lines = [CohortLine(user_id, name, found.get(user_id, NONE)) for user_id, name in members]
    return sorted(lines, key=lambda line: name_key(line.name))


def summary(lines: list[CohortLine]) -> dict[str, int]:
    """How many capstones are in each state, with the reviews done and overdue."""
    counts = {state: 0 for state in STATE_LABELS}
    for line in lines:
        counts[line.status.state] += 1
    counts["reviews_done"] = sum(line.status.reviews_done for line in lines)
    counts["overdue"] = sum(line.status.overdue for line in lines)
    return counts


def for_dashboard(cohort_id: int, course_id: str) -> dict[int, CapstoneStatus] | None:
    """Members' capstone statuses for the progress dashboard; None when the course has none."""
    from lms.courses import services as courses

    course = courses.get_course(course_id)
    return statuses(cohort_id, course_id) if course.capstone is not None else None
