"""Recording learning events as xAPI statements, in the caller's transaction.

The other areas call one function per event (`lesson_completed`, `check_answered`...) just
before they commit: the statement row commits with the action, or neither does, and a job
delivers it afterwards (lms.xapi.delivery). Nothing is written when LMS_XAPI_ENDPOINT is not
set. Each statement's id is fixed by its event (statements.statement_id), so recording an
event twice (a resent form, a second worker, the backfill) inserts nothing.

Launches: at most one "launched" statement per learner, lesson and UTC day, however often
the page is reloaded.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import and_, case, event, func, or_, select
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Membership
from lms.database import insert_or_ignore
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import queue
from lms.jobs.services import StateCounts
from lms.xapi import statements
from lms.xapi.models import FAILED, QUEUED, XapiStatement
from lms.xapi.statements import Activity, Learner

if TYPE_CHECKING:
    from lms.capstone.models import Capstone
    from lms.certificates.models import Certificate
    from lms.courses.content import Course, Lesson
    from lms.courses.models import QuizAttempt
    from lms.live.models import LiveSession

DELIVER_JOB = "xapi.deliver"
_DELIVERY_QUEUED = "lms.xapi.delivery-queued"  # session.info: a job is queued in this transaction


def enabled() -> bool:
    """Whether statements are recorded at all (an LRS is configured)."""
    return bool(current_app.config.get("LMS_XAPI_ENDPOINT"))


@dataclass(frozen=True)
class Recorded:
    """A statement made from an event: whose, and the statement itself."""

    user_id: int
    statement: dict[str, Any]


def store(recorded: Recorded, *, deliver: bool = True) -> bool:
    """Write the statement unless one with its id exists; True if written. With `deliver`,
    a delivery job is queued in the same transaction (once per transaction)."""
    payload = recorded.statement
    inserted = insert_or_ignore(XapiStatement, {
        "id": payload["id"], "user_id": recorded.user_id, "verb": payload["verb"]["id"],
        "payload": payload, "created_at": utcnow(), "status": QUEUED, "attempts": 0,
        "next_attempt_at": utcnow(), "last_error": "",
    }, ["id"])
    if inserted and deliver:
        queue_delivery()
    return inserted


def queue_delivery() -> None:
    """Queue one delivery job with the current transaction."""
    if not db.session.info.get(_DELIVERY_QUEUED):
        queue.enqueue(DELIVER_JOB)
        db.session.info[_DELIVERY_QUEUED] = True


def _transaction_ended(session: Session) -> None:
    session.info.pop(_DELIVERY_QUEUED, None)


event.listen(Session, "after_commit", _transaction_ended)
event.listen(Session, "after_soft_rollback", lambda session, previous: _transaction_ended(session))


# --- who, and in which cohort ----------------------------------------------------------------

def learner(user_id: int) -> Learner:
    user = db.session.get(User, user_id)
    assert user is not None
    return Learner(xapi_id=user.xapi_id, email=user.email, language=user.locale or "en")


def cohort_of(user_id: int, course_id: str) -> Activity | None:
    """The learner's cohort for the course (the latest to start), as an activity."""
    found = db.session.execute(
        select(Cohort.slug, Cohort.name).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user_id, Cohort.course_id == course_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc()).limit(1)).first()
    return statements.cohort(found.slug, found.name) if found else None


def _course(course: Course, language: str) -> Activity:
    return statements.course(course.course_id, course.title(language))


def _lesson(course: Course, lesson: Lesson, language: str) -> Activity:
    version, _ = lesson.version(language)
    return statements.lesson(course.course_id, lesson.lesson_id, version.title)


# --- the statements, one builder per event ---------------------------------------------------

def launched(user_id: int, course: Course, lesson: Lesson, when: datetime) -> Recorded:
    who = learner(user_id)
    return Recorded(user_id, statements.statement(
        kind="launched", key=f"{course.course_id}/{lesson.lesson_id}/{when.date().isoformat()}",
        learner=who, verb=statements.LAUNCHED,
        target=_lesson(course, lesson, who.language).as_object(who.language), when=when,
        cohort=cohort_of(user_id, course.course_id), parent=_course(course, who.language)))


def completed_lesson(user_id: int, course: Course, lesson: Lesson,
                     when: datetime) -> Recorded:
    who = learner(user_id)
    return Recorded(user_id, statements.statement(
        kind="completed-lesson", key=f"{course.course_id}/{lesson.lesson_id}", learner=who,
        verb=statements.COMPLETED,
        target=_lesson(course, lesson, who.language).as_object(who.language), when=when,
        cohort=cohort_of(user_id, course.course_id), parent=_course(course, who.language),
        result={"completion": True}))


def completed_course(user_id: int, course: Course, when: datetime) -> Recorded:
    who = learner(user_id)
    return Recorded(user_id, statements.statement(
        kind="completed-course", key=course.course_id, learner=who, verb=statements.COMPLETED,
        target=_course(course, who.language).as_object(who.language), when=when,
        cohort=cohort_of(user_id, course.course_id), result={"completion": True}))


def answered(attempt: QuizAttempt, course: Course, lesson: Lesson) -> Recorded:
    who = learner(attempt.user_id)
    version, _ = lesson.version(who.language)
    rendered = version.quizzes.get(attempt.quiz_id) or \
        lesson.versions[lesson.default_language].quizzes[attempt.quiz_id]
    # A report lists checks by name: a long scenario is shortened at a word, and says so.
    question = textwrap.shorten(rendered.quiz.question, 200, placeholder=" …") or attempt.quiz_id
    definition: dict[str, Any] = {"interactionType": "fill-in"}
    if rendered.kind != "text":
        # The options, so that a report can name what `response` chose (their positions).
        definition = {"interactionType": "choice", "choices": [
            {"id": str(position),
             "description": {who.language: textwrap.shorten(option.text, 200, placeholder=" …")}}
            for position, option in enumerate(rendered.quiz.options)]}
    target = statements.check(course.course_id, lesson.lesson_id, attempt.quiz_id,
                              question).as_object(who.language, **definition)
    return Recorded(attempt.user_id, statements.statement(
        kind="answered", key=str(attempt.id), learner=who, verb=statements.ANSWERED,
        target=target, when=attempt.created_at,
        cohort=cohort_of(attempt.user_id, course.course_id),
        parent=_course(course, who.language),
        result={"success": bool(attempt.correct),
                "response": statements.response(attempt.answer)}))


def attended(user_id: int, cohort: Cohort, session: LiveSession) -> Recorded:
    who = learner(user_id)
    return Recorded(user_id, statements.statement(
        kind="attended", key=str(session.id), learner=who, verb=statements.ATTENDED,
        target=statements.session(cohort.slug, session.id, session.title)
        .as_object(who.language), when=session.starts_at,
        cohort=statements.cohort(cohort.slug, cohort.name)))


def _certificate(certificate: Certificate, language: str) -> dict[str, Any]:
    from lms.certificates import codes

    return statements.certificate(codes.display(certificate.code), certificate.course_title) \
        .as_object(language)


def earned(certificate: Certificate) -> Recorded:
    who = learner(certificate.user_id)
    return Recorded(certificate.user_id, statements.statement(
        kind="earned", key=str(certificate.id), learner=who, verb=statements.EARNED,
        target=_certificate(certificate, who.language), when=certificate.issued_at,
        cohort=cohort_of(certificate.user_id, certificate.course_id)))


def revoked(certificate: Certificate) -> Recorded:
    who = learner(certificate.user_id)
    assert certificate.revoked_at is not None
    return Recorded(certificate.user_id, statements.statement(
        kind="revoked", key=str(certificate.id), learner=who, verb=statements.LOST,
        target=_certificate(certificate, who.language), when=certificate.revoked_at,
        cohort=cohort_of(certificate.user_id, certificate.course_id)))


def passed_capstone(capstone: Capstone, course: Course) -> Recorded:
    who = learner(capstone.user_id)
    assert capstone.approved_at is not None and course.capstone is not None
    return Recorded(capstone.user_id, statements.statement(
        kind="passed-capstone", key=str(capstone.id), learner=who, verb=statements.PASSED,
        target=statements.capstone(course.course_id, course.capstone.title(who.language))
        .as_object(who.language), when=capstone.approved_at,
        cohort=cohort_of(capstone.user_id, course.course_id),
        parent=_course(course, who.language), result={"success": True, "completion": True}))


# --- what the areas call, before they commit -------------------------------------------------

def lesson_launched(user_id: int, course: Course, lesson: Lesson) -> None:
    """The learner opened a lesson page: recorded (and committed) once per UTC day."""
    if not enabled():
        return
    now = utcnow()
    key = f"{course.course_id}/{lesson.lesson_id}/{now.date().isoformat()}"
    if db.session.get(XapiStatement, statements.statement_id(
            "launched", learner(user_id), key)) is not None:
        return  # a reload: nothing to build or write
    store(launched(user_id, course, lesson, now))
    db.session.commit()


def lesson_completed(user_id: int, course: Course, lesson: Lesson) -> None:
    """A lesson was marked done (and, with it, maybe the whole course)."""
    if not enabled():
        return
    from lms.courses.models import LessonProgress

    done: dict[str, datetime] = {
        lesson_id: completed_at for lesson_id, completed_at in db.session.execute(
            select(LessonProgress.lesson_id, LessonProgress.completed_at).where(
                LessonProgress.user_id == user_id, LessonProgress.course_id == course.course_id,
                LessonProgress.completed_at.is_not(None)))
        if completed_at is not None}
    when = done.get(lesson.lesson_id)
    if when is None:
        return
    store(completed_lesson(user_id, course, lesson, when))
    lesson_ids = [each.lesson_id for each in course.lessons]
    if all(lesson_id in done for lesson_id in lesson_ids):
        store(completed_course(user_id, course, max(done[lesson_id] for lesson_id in lesson_ids)))


def check_answered(user_id: int, course: Course, lesson: Lesson, quiz_id: str,
                   attempt_number: int) -> None:
    """A knowledge check was answered (attempt `attempt_number`, just stored)."""
    if not enabled():
        return
    from lms.courses.models import QuizAttempt

    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.course_id == course.course_id,
        QuizAttempt.lesson_id == lesson.lesson_id, QuizAttempt.quiz_id == quiz_id,
        QuizAttempt.attempt == attempt_number))
    if attempt is not None:
        store(answered(attempt, course, lesson))


def session_attended(cohort: Cohort, session: LiveSession, user_ids: list[int]) -> None:
    """These members were marked present at the session (its start is the statement's time).
    Marked absent later, the statement already sent stays: an LRS keeps what it was told."""
    if not enabled():
        return
    for user_id in user_ids:
        store(attended(user_id, cohort, session))


def certificate_earned(certificate: Certificate) -> None:
    if enabled():
        store(earned(certificate))


def certificate_revoked(certificate: Certificate) -> None:
    if enabled():
        store(revoked(certificate))


def capstone_approved(capstone: Capstone, course: Course) -> None:
    if enabled():
        store(passed_capstone(capstone, course))


# --- what the admins' page shows ---------------------------------------------------------------

def counts() -> dict[str, int]:
    """Statements by status (queued, sent, failed)."""
    return dict(db.session.execute(
        select(XapiStatement.status, func.count()).group_by(XapiStatement.status))
        .all())


def state_counts(now: datetime) -> StateCounts | None:
    """The statements as /admin/jobs counts work: waiting (due), scheduled (a retry's time has
    not come), being sent, failed, sent today. None when there is no LRS and no statement."""
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    claimed = XapiStatement.claimed_until > now
    queued = and_(XapiStatement.status == QUEUED, ~func.coalesce(claimed, False))

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(select(
        total(and_(queued, XapiStatement.next_attempt_at <= now)),
        total(and_(queued, XapiStatement.next_attempt_at > now)),
        total(and_(XapiStatement.status == QUEUED, claimed)),
        total(XapiStatement.status == FAILED),
        total(XapiStatement.sent_at >= midnight),
        func.count()).where(or_(XapiStatement.status.in_([QUEUED, FAILED]),
                                XapiStatement.sent_at >= midnight))).one()
    if not enabled() and not row[-1]:
        return None
    return StateCounts(*(int(value) for value in row[:-1]))
