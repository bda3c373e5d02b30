"""Two tabs or a double click at once never create duplicate rows, on either database."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.courses import services
from lms.courses.models import LessonProgress, QuizAttempt, Reflection
from lms.extensions import db
from tests.certificates.helpers import answer_checks
from tests.factories import make_user

COURSE = "open-government-101"


def _at_once(app: Flask, count: int, action) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Run `action` in `count` threads released together, each in its own app context."""
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            try:
                action()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return failures


def test_simultaneous_starts_and_completions_keep_one_row(app: Flask) -> None:
    user_id = make_user().id
    course = services.get_course(COURSE)
    lesson = course.lessons[0]
    answer_checks(db.session.get(User, user_id), lesson)

    def open_and_finish() -> None:
        services.start_lesson(user_id, course, lesson)
        services.mark_done(user_id, course, lesson)

    assert _at_once(app, 8, open_and_finish) == []
    rows = db.session.execute(select(LessonProgress.lesson_id, LessonProgress.completed_at)
                              .where(LessonProgress.user_id == user_id)).all()
    assert len(rows) == 1 and rows[0][1] is not None


def test_simultaneous_double_submissions_store_one_attempt(app: Flask) -> None:
    user_id = make_user().id
    course = services.get_course(COURSE)
    lesson = course.lessons[0]
    quiz_id = lesson.quiz_ids[0]

    def submit() -> None:
        services.answer_quiz(user_id, course, lesson, quiz_id, ["0"], "", "0")

    assert _at_once(app, 8, submit) == []
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_simultaneous_reflection_saves_keep_one_row(app: Flask) -> None:
    user_id = make_user().id
    course = services.get_course(COURSE)
    lesson = course.lessons[0]
    reflection_id = lesson.reflection_ids[0]

    def save() -> None:
        services.save_reflection(user_id, course, lesson, reflection_id, "my thoughts")

    assert _at_once(app, 8, save) == []
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 1
