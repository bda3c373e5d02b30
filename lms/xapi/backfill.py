"""The statements of past activity (`flask --app wsgi lms xapi-backfill --since DATE`).

Each is made by the same builder and under the same id as when it happens live, so a
statement already recorded is not written again: a second run adds nothing. Launches are not
backfilled (page views are not kept).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import or_, select

from lms.capstone.models import APPROVED, Capstone
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.courses.content import Course, Lesson
from lms.courses.models import LessonProgress, QuizAttempt
from lms.extensions import db
from lms.live.models import PRESENT, Attendance, LiveSession
from lms.xapi import services
from lms.xapi.services import Recorded

log = logging.getLogger(__name__)


def _lesson(course_id: str, lesson_id: str) -> tuple[Course, Lesson] | None:
    try:
        course = courses.get_course(course_id)
        return course, courses.get_lesson(course, lesson_id)
    except courses.NotFound:
        log.warning("xapi-backfill: %s/%s is no longer in the catalogue", course_id, lesson_id)
        return None


def past(since: datetime) -> Iterator[Recorded]:
    """Every statement of what happened from `since` on, oldest kind first."""
    done: dict[tuple[int, str], dict[str, datetime]] = {}
    for progress in db.session.scalars(select(LessonProgress).where(
            LessonProgress.completed_at.is_not(None)).order_by(LessonProgress.id)):
        assert progress.completed_at is not None
        done.setdefault((progress.user_id, progress.course_id), {})[progress.lesson_id] = \
            progress.completed_at
        found = _lesson(progress.course_id, progress.lesson_id)
        if found and progress.completed_at >= since:
            yield services.completed_lesson(progress.user_id, found[0], found[1],
                                            progress.completed_at)
    for (user_id, course_id), lessons in done.items():
        try:
            course = courses.get_course(course_id)
        except courses.NotFound:
            continue
        ids = [lesson.lesson_id for lesson in course.lessons]
        if all(lesson_id in lessons for lesson_id in ids):
            when = max(lessons[lesson_id] for lesson_id in ids)
            if when >= since:
                yield services.completed_course(user_id, course, when)
    for attempt in db.session.scalars(select(QuizAttempt).where(
            QuizAttempt.created_at >= since).order_by(QuizAttempt.id)):
        found = _lesson(attempt.course_id, attempt.lesson_id)
        if found and attempt.quiz_id in found[1].quiz_ids:
            yield services.answered(attempt, found[0], found[1])
    for user_id, cohort, session in db.session.execute(
            select(Attendance.user_id, Cohort, LiveSession)
            .join(LiveSession, LiveSession.id == Attendance.session_id)
            .join(Cohort, Cohort.id == LiveSession.cohort_id)
            .where(Attendance.status == PRESENT, LiveSession.starts_at >= since)
            .order_by(LiveSession.id, Attendance.user_id)):
        yield services.attended(user_id, cohort, session)
    for certificate in db.session.scalars(select(Certificate).where(or_(
            Certificate.issued_at >= since, Certificate.revoked_at >= since))
            .order_by(Certificate.id)):
        if certificate.issued_at >= since:
            yield services.earned(certificate)
        if certificate.revoked_at is not None and certificate.revoked_at >= since:
            yield services.revoked(certificate)
    for capstone in db.session.scalars(select(Capstone).where(
            Capstone.state == APPROVED, Capstone.approved_at >= since).order_by(Capstone.id)):
        try:
            course = courses.get_course(capstone.course_id)
        except courses.NotFound:
            continue
        if course.capstone is not None:
            yield services.passed_capstone(capstone, course)


def backfill(since: datetime) -> tuple[int, int]:
    """Record the statements of past activity since `since`, and queue their delivery:
    (how many were new, how many were already recorded)."""
    new = existing = 0
    for recorded in past(since):
        if services.store(recorded, deliver=False):
            new += 1
        else:
            existing += 1
    if new:
        services.queue_delivery()
    db.session.commit()
    return new, existing
