"""The signed-in home page: what a person has to do next, gathered from every area.

A learner reads where to resume each course, what is due next in each cohort, invitations,
the self-assessment to take and new certificates; a facilitator reads their open cohorts with
the learners behind and inactive (counted by the progress dashboard itself) and the next due
date. The number of queries is the same whatever the number of courses and cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.certificates import services as certificates
from lms.cohorts import dashboard
from lms.cohorts import invitations as cohort_invitations
from lms.cohorts.models import Cohort, CohortFacilitator, DueDate, Membership
from lms.courses import self_assessments
from lms.courses import services as courses
from lms.courses.content import Course, Lesson
from lms.courses.services import DONE, CourseProgress
from lms.deadlines import Deadline
from lms.extensions import db


@dataclass(frozen=True)
class Resume:
    """A course to go on with, and the lesson one click away."""

    course: Course
    progress: CourseProgress
    lesson: Lesson


@dataclass(frozen=True)
class DueNext:
    """What is due next for the learner in one of their cohorts (no lesson: all done)."""

    cohort: Cohort
    course: Course
    lesson: Lesson | None
    deadline: Deadline | None


@dataclass(frozen=True)
class AssessmentToTake:
    course: Course
    phase: str  # assessment.BEFORE or assessment.AFTER


@dataclass(frozen=True)
class LearnerDesk:
    resume: list[Resume]
    due: list[DueNext]
    invitations: list[cohort_invitations.MyInvitation]
    assessments: list[AssessmentToTake]
    certificates: list[certificates.NewCertificate]
    graduate: bool  # graduated from a cohort: the alumni network is theirs

    @property
    def empty(self) -> bool:
        """Nothing under way: the page offers the catalogue instead."""
        return not (self.resume or self.due or self.invitations or self.assessments
                    or self.certificates)


@dataclass(frozen=True)
class CohortAtAGlance:
    """One of a facilitator's open cohorts, as its progress page counts it."""

    cohort: Cohort
    course: Course
    learners: int
    behind: int
    inactive: int
    completed: int
    next_due: Deadline | None
    next_lesson_title: str | None


def learner_desk(user: User, language: str, today: date) -> LearnerDesk:
    """Everything the learner has to do next, in five queries."""
    catalogue = {course.course_id: course for course in courses.list_courses()}
    progress = courses.progress_by_course(user.id, list(catalogue.values()))
    # The learner's cohorts with their schedules: one row per due date (or one with no date).
    memberships: dict[int, tuple[Cohort, datetime | None]] = {}
    schedule: dict[int, dict[str, date]] = {}
    for cohort, graduated_at, lesson_id, due_on in db.session.execute(
            select(Cohort, Membership.graduated_at, DueDate.lesson_id, DueDate.due_on)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .outerjoin(DueDate, DueDate.cohort_id == Cohort.id)
            .where(Membership.user_id == user.id)
            .order_by(Cohort.starts_on, Cohort.id)):
        memberships[cohort.id] = (cohort, graduated_at)
        dates = schedule.setdefault(cohort.id, {})
        if lesson_id is not None:
            dates[lesson_id] = due_on
    open_cohorts = [cohort for cohort, _ in memberships.values()
                    if cohort.closed_at is None and cohort.course_id in catalogue]

    # Courses under way: begun and not finished, or taken with an open cohort.
    involved = {course_id for course_id, mine in progress.items() if mine.started}
    involved |= {cohort.course_id for cohort in open_cohorts}
    resume = [Resume(catalogue[course_id], progress[course_id], lesson)
              for course_id in sorted(involved)
              if (lesson := progress[course_id].next_lesson) is not None]

    due = [_due_next(cohort, catalogue[cohort.course_id], progress[cohort.course_id],
                     schedule[cohort.id], today) for cohort in open_cohorts]
    phases = self_assessments.phases_due(
        user.id, {course_id: progress[course_id] for course_id in sorted(involved)})
    return LearnerDesk(
        resume=resume, due=due,
        invitations=cohort_invitations.invitations_for(user.id, language),
        assessments=[AssessmentToTake(catalogue[course_id], phase)
                     for course_id, phase in phases.items()],
        certificates=certificates.new_certificates(user.id),
        graduate=any(graduated_at is not None for _, graduated_at in memberships.values()))


def _due_next(cohort: Cohort, course: Course, progress: CourseProgress,
              due_dates: dict[str, date], today: date) -> DueNext:
    """The learner's earliest-due lesson not yet done in this cohort's schedule."""
    waiting = [lesson for lesson in course.lessons
               if progress.states[lesson.lesson_id] != DONE]
    if not waiting:
        return DueNext(cohort, course, None, None)
    dated = [lesson for lesson in waiting if lesson.lesson_id in due_dates]
    if not dated:
        return DueNext(cohort, course, waiting[0], None)
    lesson = min(dated, key=lambda item: (due_dates[item.lesson_id], item.position))
    return DueNext(cohort, course, lesson, Deadline(due_dates[lesson.lesson_id], today))


def facilitator_stamp(user: User) -> tuple[int, int, int] | None:
    """What the facilitator's part of the desk is computed from, in one small query: the
    members of the cohorts they facilitate (how many, which memberships) and the sum of their
    records versions, which grows with any change to any of them (`lms.records`). None for
    someone who facilitates nothing."""
    if not user.has_role(Role.FACILITATOR):
        return None
    count, versions, memberships = db.session.execute(
        select(func.count(Membership.id), func.coalesce(func.sum(User.records_version), 0),
               func.coalesce(func.sum(Membership.id), 0))
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id.in_(select(CohortFacilitator.cohort_id)
                                        .where(CohortFacilitator.user_id == user.id)))).one()
    return int(count), int(versions), int(memberships)


def facilitator_desk(user: User, language: str, today: date,
                     inactive_days: int) -> list[CohortAtAGlance]:
    """The open cohorts the person facilitates, with what their progress pages count (one
    query for the cohorts, then the dashboard's queries for all of them together)."""
    if not user.has_role(Role.FACILITATOR):
        return []
    cohorts = list(db.session.scalars(
        select(Cohort).join(CohortFacilitator, CohortFacilitator.cohort_id == Cohort.id)
        .where(CohortFacilitator.user_id == user.id, Cohort.closed_at.is_(None))
        .order_by(Cohort.starts_on, Cohort.id)))
    catalogue = {course.course_id: course for course in courses.list_courses()}
    cohorts = [cohort for cohort in cohorts if cohort.course_id in catalogue]
    boards = dashboard.build_many(cohorts, catalogue, language, today=today,
                                  inactive_days=inactive_days, with_checks=False)
    glances = []
    for cohort in cohorts:
        board = boards[cohort.id]
        coming = board.next_due
        glances.append(CohortAtAGlance(
            cohort=cohort, course=catalogue[cohort.course_id], learners=len(board.rows),
            behind=board.summary[dashboard.BEHIND], inactive=board.summary[dashboard.INACTIVE],
            completed=board.summary[dashboard.COMPLETED],
            next_due=Deadline(coming.due_on, today) if coming and coming.due_on else None,
            next_lesson_title=coming.title if coming else None))
    return glances
