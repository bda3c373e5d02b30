"""Learners' capability self-assessments: taking one before and after a course, and seeing
how their answers moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import insert, select

from lms import records
from lms.courses.assessment import AFTER, BEFORE, PHASES, SCALE, SelfAssessment
from lms.courses.content import Course
from lms.courses.models import SelfAssessmentAnswer, SelfAssessmentRating
from lms.courses.services import CourseProgress, course_progress
from lms.database import insert_or_ignore
from lms.db import utcnow
from lms.extensions import db

OPEN_ANSWER_MAX_LENGTH = 2000


class AssessmentError(Exception):
    """A self-assessment that cannot be taken or recorded (the message is for the learner)."""


class NoAssessment(AssessmentError):
    """The course has no self-assessment, or no such phase (404)."""


@dataclass
class Taken:
    submitted_at: datetime
    ratings: dict[str, int]
    open_answer: str


@dataclass
class Standing:
    """Where a learner is with a course's self-assessment."""

    before: Taken | None
    after: Taken | None
    completed: bool  # every lesson done: the "after" one can be taken

    @property
    def due(self) -> str | None:
        """The phase to invite the learner to take now, if any."""
        return phase_due(self.before is not None, self.after is not None, self.completed)


def phase_due(before_taken: bool, after_taken: bool, completed: bool) -> str | None:
    """The phase a learner is invited to take now: before the course until they complete it,
    after it once they have; None when that one is taken."""
    if not before_taken and not completed:
        return BEFORE
    if not after_taken and completed:
        return AFTER
    return None


def phases_due(user_id: int, progress: dict[str, CourseProgress]) -> dict[str, str]:
    """The phase due now in each of these courses that has a self-assessment (one query)."""
    courses = [item.course for item in progress.values() if item.course.self_assessment]
    if not courses:
        return {}
    taken = {(course_id, phase) for course_id, phase in db.session.execute(
        select(SelfAssessmentAnswer.course_id, SelfAssessmentAnswer.phase)
        .where(SelfAssessmentAnswer.user_id == user_id,
               SelfAssessmentAnswer.course_id.in_([course.course_id for course in courses])))}
    due = {}
    for course in courses:
        mine = progress[course.course_id]
        phase = phase_due((course.course_id, BEFORE) in taken, (course.course_id, AFTER) in taken,
                          mine.total > 0 and mine.done == mine.total)
        if phase is not None:
            due[course.course_id] = phase
    return due


def assessment_of(course: Course) -> SelfAssessment:
    if course.self_assessment is None:
        raise NoAssessment(gettext("This course has no self-assessment."))
    return course.self_assessment


def standing(user_id: int, course: Course) -> Standing | None:
    """The learner's answers so far (None when the course has no self-assessment)."""
    if course.self_assessment is None:
        return None
    taken: dict[str, Taken] = {}
    rows = db.session.execute(
        select(SelfAssessmentAnswer.id, SelfAssessmentAnswer.phase,
               SelfAssessmentAnswer.submitted_at, SelfAssessmentAnswer.open_answer)
        .where(SelfAssessmentAnswer.user_id == user_id,
               SelfAssessmentAnswer.course_id == course.course_id)).all()
    by_id = {row.id: row.phase for row in rows}
    for row in rows:
        taken[row.phase] = Taken(row.submitted_at, {}, row.open_answer)
    if by_id:
        for assessment_id, statement_id, rating in db.session.execute(
                select(SelfAssessmentRating.assessment_id, SelfAssessmentRating.statement_id,
                       SelfAssessmentRating.rating)
                .where(SelfAssessmentRating.assessment_id.in_(list(by_id)))):
            taken[by_id[assessment_id]].ratings[statement_id] = rating
    progress = course_progress(user_id, course)
    return Standing(before=taken.get(BEFORE), after=taken.get(AFTER),
                    completed=progress.total > 0 and progress.done == progress.total)


def check_phase(user_id: int, course: Course, phase: str) -> Standing:
    """Refuse a phase that cannot be taken now, with the reason."""
    assessment_of(course)
    if phase not in PHASES:
        raise NoAssessment(gettext("There is no such self-assessment."))
    current = standing(user_id, course)
    assert current is not None
    if phase == AFTER and not current.completed:
        raise AssessmentError(gettext("The second self-assessment opens once you have "
                                      "completed every lesson."))
    if phase == BEFORE and current.before is None and current.completed:
        raise AssessmentError(gettext("You have already completed the course: take the "
                                      "self-assessment after the course instead."))
    return current


def submit(user_id: int, course: Course, phase: str, ratings: dict[str, int],
           open_answer: str) -> bool:
    """Record a self-assessment; False when this phase was already recorded (the first one
    counts, so a resent form changes nothing)."""
    assessment = assessment_of(course)
    check_phase(user_id, course, phase)
    expected = {statement.statement_id for statement in assessment.statements}
    if set(ratings) != expected or any(rating not in SCALE for rating in ratings.values()):
        raise AssessmentError(gettext("Rate every statement from 1 to 5."))
    created = insert_or_ignore(SelfAssessmentAnswer, {
        "user_id": user_id, "course_id": course.course_id, "phase": phase,
        "open_answer": open_answer.strip()[:OPEN_ANSWER_MAX_LENGTH], "submitted_at": utcnow(),
    }, ["user_id", "course_id", "phase"])
    if not created:
        return False
    assessment_id = db.session.scalar(select(SelfAssessmentAnswer.id).where(
        SelfAssessmentAnswer.user_id == user_id,
        SelfAssessmentAnswer.course_id == course.course_id,
        SelfAssessmentAnswer.phase == phase))
    db.session.execute(insert(SelfAssessmentRating), [
        {"assessment_id": assessment_id, "statement_id": statement_id, "rating": rating}
        for statement_id, rating in sorted(ratings.items())])
    records.changed([user_id])
    return True


@dataclass
class Shift:
    statement: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


def comparison(current: Standing, assessment: SelfAssessment, language: str) -> list[Shift]:
    """Each statement with the learner's rating before and after the course."""
    before = current.before.ratings if current.before else {}
    after = current.after.ratings if current.after else {}
    return [Shift(statement.text(language, assessment.default_language),
                  before.get(statement.statement_id), after.get(statement.statement_id))
            for statement in assessment.statements]
