"""Learners going through Open Government 101 the way the lesson pages do it."""

from __future__ import annotations

from lms.accounts.models import User
from lms.courses import services as courses
from lms.courses.content import Lesson

COURSE = "open-government-101"


def answer_checks(user: User, lesson: Lesson) -> None:
    """Answer every knowledge check of a lesson correctly, first time."""
    course = courses.get_course(COURSE)
    for quiz_id, quiz in lesson.versions["en"].quizzes.items():
        answer = quiz.quiz.answers[0] if quiz.kind == "text" else ""
        choices = [str(position) for position in quiz.quiz.correct_positions]
        courses.answer_quiz(user.id, course, lesson, quiz_id, choices, answer, "0")


def complete(user: User, lessons: int | None = None) -> None:
    """Go through the first `lessons` lessons (all by default): checks, then done. Going
    through all of them meets every condition: the course's reform project is approved too."""
    course = courses.get_course(COURSE)
    if lessons is None:
        approve_capstone(user)
    for lesson in course.lessons[:lessons]:
        answer_checks(user, lesson)
        courses.mark_done(user.id, course, lesson)


def approve_capstone(user: User) -> None:
    """The learner's reform project, approved (as if peers and a facilitator had reviewed it)."""
    from lms.capstone.models import APPROVED, Capstone
    from lms.db import utcnow
    from lms.extensions import db

    if db.session.query(Capstone).filter_by(user_id=user.id, course_id=COURSE).count():
        return
    db.session.add(Capstone(user_id=user.id, course_id=COURSE, state=APPROVED,
                            draft={"title": "An approved reform"}, approved_at=utcnow()))
    db.session.commit()
