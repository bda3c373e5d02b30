"""Learners who have earned (or nearly earned) Open Government 101's certificate."""

from __future__ import annotations

from lms.accounts.models import User
from lms.courses import services as courses

COURSE = "open-government-101"


def complete(user: User, lessons: int | None = None, *, answer_checks: bool = True) -> None:
    """Go through the first `lessons` lessons (all by default) as the lesson pages do."""
    course = courses.get_course(COURSE)
    for lesson in course.lessons[:lessons]:
        if answer_checks:
            for quiz_id, quiz in lesson.versions["en"].quizzes.items():
                answer = quiz.quiz.answers[0] if quiz.kind == "text" else ""
                choices = [str(position) for position in quiz.quiz.correct_positions]
                courses.answer_quiz(user.id, course, lesson, quiz_id, choices, answer, "0")
        courses.mark_done(user.id, course, lesson)
