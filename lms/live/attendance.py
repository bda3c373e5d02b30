"""Attendance: facilitators mark who attended a session; the dashboard counts it and a cohort
may require a minimum for its certificate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext, ngettext
from sqlalchemy import delete, func, select

from lms import records
from lms.accounts.models import User
from lms.cohorts.models import Cohort, Membership
from lms.db import utcnow
from lms.events import course_standing_changed
from lms.extensions import db
from lms.i18n import name_key
from lms.live.models import PRESENT, STATUSES, Attendance, LiveSession
from lms.live.services import LiveError
from lms.xapi import services as xapi


@dataclass(frozen=True)
class RosterLine:
    user_id: int
    name: str
    status: str | None  # None: not marked yet


def roster(cohort: Cohort, session: LiveSession) -> list[RosterLine]:
    """The cohort's members with what was marked for this session, by name (one query)."""
    found = db.session.execute(
        select(User.id, User.name, Attendance.status)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Attendance, (Attendance.user_id == User.id)
                   & (Attendance.session_id == session.id))
        .where(Membership.cohort_id == cohort.id)).all()
    return sorted((RosterLine(user_id, name, status) for user_id, name, status in found),
                  key=lambda line: name_key(line.name))


def may_mark(session: LiveSession) -> bool:
    """Attendance is marked once a session has started, and never for a cancelled one."""
    return not session.cancelled and session.starts_at <= utcnow()


def mark(cohort: Cohort, session: LiveSession, statuses: dict[int, str | None],
         marked_by: User) -> int:
    """Record each member's status (None clears it); returns how many were marked. Every id
    must be a member of the cohort and every status one of STATUSES, or nothing is saved."""
    if not may_mark(session):
        raise LiveError(gettext("Attendance can be marked once the session has started, and "
                                "not for a cancelled session."))
    members = set(db.session.scalars(select(Membership.user_id)
                                     .where(Membership.cohort_id == cohort.id)))
    if not set(statuses) <= members or any(status is not None and status not in STATUSES
                                           for status in statuses.values()):
        raise LiveError(gettext("Choose present, excused or absent for each member."))
    now = utcnow()
    db.session.execute(delete(Attendance).where(Attendance.session_id == session.id,
                                                Attendance.user_id.in_(list(statuses))))
    for user_id, status in sorted(statuses.items()):
        if status is not None:
            db.session.add(Attendance(session_id=session.id, user_id=user_id, status=status,
                                      marked_by=marked_by.id, marked_at=now))
    xapi.session_attended(cohort, session, sorted(user_id for user_id, status in statuses.items()
                                                  if status == PRESENT))
    records.changed(list(statuses))
    db.session.commit()
    for user_id in sorted(statuses):  # a certificate may wait for this
        course_standing_changed.send(None, user_id=user_id, course_id=cohort.course_id)
    return sum(status is not None for status in statuses.values())


@dataclass(frozen=True)
class Tally:
    attended: int  # sessions marked present
    held: int  # the cohort's sessions that have started and were not cancelled

    def __str__(self) -> str:
        return f"{self.attended} / {self.held}"


def tallies(cohort_ids: list[int]) -> dict[tuple[int, int], Tally]:
    """Each member's attendance in each of these cohorts, by (cohort id, user id): two
    queries, whatever the number of members."""
    if not cohort_ids:
        return {}
    now = utcnow()
    held = dict(db.session.execute(
        select(LiveSession.cohort_id, func.count()).where(
            LiveSession.cohort_id.in_(cohort_ids), LiveSession.cancelled_at.is_(None),
            LiveSession.starts_at <= now).group_by(LiveSession.cohort_id)).all())
    attended: dict[tuple[int, int], int] = defaultdict(int)
    for cohort_id, user_id, count in db.session.execute(
            select(LiveSession.cohort_id, Attendance.user_id, func.count())
            .join(LiveSession, LiveSession.id == Attendance.session_id)
            .where(LiveSession.cohort_id.in_(cohort_ids), LiveSession.cancelled_at.is_(None),
                   LiveSession.starts_at <= now, Attendance.status == PRESENT)
            .group_by(LiveSession.cohort_id, Attendance.user_id)):
        attended[(cohort_id, user_id)] = count
    return {(cohort_id, user_id): Tally(attended.get((cohort_id, user_id), 0),
                                        held.get(cohort_id, 0))
            for cohort_id, user_id in db.session.execute(
                select(Membership.cohort_id, Membership.user_id)
                .where(Membership.cohort_id.in_(cohort_ids)))}


def tallies_in(cohort: Cohort) -> dict[int, Tally]:
    """Each member's attendance in one cohort, by user id (for the dashboard)."""
    return {user_id: tally for (_, user_id), tally in tallies([cohort.id]).items()}


@dataclass(frozen=True)
class Shortfall:
    """A cohort whose minimum attendance a learner has not reached yet."""

    cohort_name: str
    attended: int
    required: int

    def explain(self) -> str:
        """"2 more live sessions attended in Western Balkans 2026 (1 of 3 so far)"."""
        return str(ngettext("%(num)d more live session attended in %(cohort)s (%(attended)d of "
                        "%(required)d so far)",
                        "%(num)d more live sessions attended in %(cohort)s (%(attended)d of "
                        "%(required)d so far)", self.required - self.attended,
                        cohort=self.cohort_name, attended=self.attended,
                            required=self.required))


def shortfalls(user_ids: list[int], course_id: str) -> dict[int, Shortfall]:
    """For the certificate rule: the learners below the minimum attendance of one of their
    cohorts of this course (those with no such cohort are absent)."""
    cohorts = db.session.execute(
        select(Membership.user_id, Cohort).join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id.in_(user_ids), Cohort.course_id == course_id,
               Cohort.min_attendance.is_not(None))
        .order_by(Cohort.starts_on.desc())).all()
    if not cohorts:
        return {}
    counts = tallies(sorted({cohort.id for _, cohort in cohorts}))
    found: dict[int, Shortfall] = {}
    for user_id, cohort in cohorts:
        tally = counts.get((cohort.id, user_id), Tally(0, 0))
        required = cohort.min_attendance or 0
        if tally.attended < required and user_id not in found:
            found[user_id] = Shortfall(cohort.name, tally.attended, required)
    return found
