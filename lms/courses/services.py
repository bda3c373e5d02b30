"""Courses: the catalogue, a learner's progress, answers to knowledge checks and reflections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from lms import records
from lms.courses.content import Catalogue, Course, Lesson
from lms.courses.markup import answer_is_correct
from lms.courses.models import (
    FACILITATORS,
    PRIVATE,
    VISIBILITIES,
    LessonProgress,
    QuizAttempt,
    Reflection,
)
from lms.database import insert_or_ignore, insert_or_update
from lms.db import utcnow
from lms.events import course_standing_changed
from lms.extensions import db
from lms.xapi import services as xapi

REFLECTION_MAX_LENGTH = 10_000
TEXT_ANSWER_MAX_LENGTH = 200

NOT_STARTED = "not-started"
IN_PROGRESS = "in-progress"
DONE = "done"


class CourseError(Exception):
    """Something a learner asked for that cannot be done; the message is shown to them."""


class NotFound(CourseError):
    """No such course, lesson or block."""


# --- the catalogue -------------------------------------------------------------------------------

def catalogue() -> Catalogue:
    """The courses loaded at start-up."""
    return current_app.extensions["lms.catalogue"]


def list_courses() -> list[Course]:
    """Every course, in a stable order."""
    return sorted(catalogue().courses.values(), key=lambda course: course.course_id)


def get_course(course_id: str) -> Course:
    """A course by id, or NotFound."""
    course = catalogue().courses.get(course_id)
    if course is None:
        raise NotFound(course_id)
    return course


def get_lesson(course: Course, lesson_id: str) -> Lesson:
    """A lesson of the course by id, or NotFound."""
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise NotFound(lesson_id)
    return lesson


def progress_by_course(user_id: int | None, courses: list[Course]) -> dict[str, CourseProgress]:
    """A signed-in learner's progress in each course (empty for a visitor), in one query."""
    if user_id is None:
        return {}
    recorded: dict[str, dict[str, datetime | None]] = {course.course_id: {} for course in courses}
    for course_id, lesson_id, completed_at in db.session.execute(
            select(LessonProgress.course_id, LessonProgress.lesson_id, LessonProgress.completed_at)
            .where(LessonProgress.user_id == user_id,
                   LessonProgress.course_id.in_(list(recorded)))):
        recorded[course_id][lesson_id] = completed_at
    return {course.course_id: _progress(course, recorded[course.course_id])
            for course in courses}


# --- progress ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseProgress:
    """Where a learner stands in a course."""

    course: Course
    states: dict[str, str]

    @property
    def done(self) -> int:
        return sum(state == DONE for state in self.states.values())

    @property
    def total(self) -> int:
        return len(self.course.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(state != NOT_STARTED for state in self.states.values())

    @property
    def next_lesson(self) -> Lesson | None:
        """Where to continue: the first lesson begun but not done, else the first not done."""
        for wanted in (IN_PROGRESS, NOT_STARTED):
            for lesson in self.course.lessons:
                if self.states[lesson.lesson_id] == wanted:
                    return lesson
        return None


def course_progress(user_id: int, course: Course) -> CourseProgress:
    """A learner's state in every lesson of a course (one query)."""
    recorded = dict(db.session.execute(
        select(LessonProgress.lesson_id, LessonProgress.completed_at)
        .where(LessonProgress.user_id == user_id, LessonProgress.course_id == course.course_id)
    ).all())
    return _progress(course, recorded)


def _progress(course: Course, recorded: dict[str, datetime | None]) -> CourseProgress:
    """The learner's state in each lesson, from their recorded starts and completions."""
    states = {}
    for lesson in course.lessons:
        if recorded.get(lesson.lesson_id) is not None:
            states[lesson.lesson_id] = DONE
        elif lesson.lesson_id in recorded:
            states[lesson.lesson_id] = IN_PROGRESS
        else:
            states[lesson.lesson_id] = NOT_STARTED
    return CourseProgress(course, states)


def _records_changed(user_id: int) -> None:
    """Note, in the same transaction, that the learner's records changed (see User)."""
    records.changed([user_id])


def start_lesson(user_id: int, course: Course, lesson: Lesson) -> None:
    """Record that the learner opened the lesson (once; later visits write nothing)."""
    if insert_or_ignore(LessonProgress, {"user_id": user_id, "course_id": course.course_id,
                                         "lesson_id": lesson.lesson_id, "started_at": utcnow()},
                        ["user_id", "course_id", "lesson_id"]):
        _records_changed(user_id)
        db.session.commit()
    else:
        db.session.rollback()


@dataclass
class QuizState:
    """The learner's last answer to a check, and whether they ever got it right (the first
    correct answer counts: a later wrong try changes neither the check nor the lesson)."""

    answer: list[int] | str | None = None
    correct: bool | None = None
    passed: bool = False
    attempts: int = 0

    def shows_explanation(self, after_wrong: int | None) -> bool:
        """Whether the explanation, which usually gives the answer away, may show: once
        answered correctly, or after `after_wrong` wrong answers (None: never before)."""
        return self.passed or (after_wrong is not None and self.attempts >= after_wrong)


@dataclass(frozen=True)
class SavedReflection:
    """The learner's reflection for a prompt and who may read it (models.VISIBILITIES)."""

    text: str
    visibility: str

    @property
    def shared(self) -> bool:
        return self.visibility == FACILITATORS


@dataclass
class LessonState:
    """What a lesson page needs about the learner."""

    done: bool
    quizzes: dict[str, QuizState] = field(default_factory=dict)
    reflections: dict[str, SavedReflection] = field(default_factory=dict)

    def fingerprint(self) -> tuple[object, ...]:
        """Everything about the learner that the lesson's HTML depends on."""
        quizzes = tuple(sorted((quiz_id, repr(quiz.answer), quiz.correct, quiz.passed,
                                quiz.attempts) for quiz_id, quiz in self.quizzes.items()))
        return (self.done, quizzes, tuple(sorted(self.reflections.items())))

    def remaining_quizzes(self, lesson: Lesson) -> list[str]:
        return [quiz_id for quiz_id in lesson.quiz_ids
                if not self.quizzes.get(quiz_id, QuizState()).passed]


def open_lesson(user_id: int, course: Course,
                lesson: Lesson) -> tuple[CourseProgress, LessonState]:
    """Everything a lesson page shows about the learner; records the first visit."""
    progress = course_progress(user_id, course)
    if progress.states[lesson.lesson_id] == NOT_STARTED:
        start_lesson(user_id, course, lesson)
        progress = course_progress(user_id, course)
    xapi.lesson_launched(user_id, course, lesson)
    return progress, lesson_state(user_id, course, lesson, progress)


def lesson_state(user_id: int, course: Course, lesson: Lesson,
                 progress: CourseProgress | None = None) -> LessonState:
    """The learner's answers, reflections and completion for one lesson."""
    progress = progress or course_progress(user_id, course)
    keys = (course.course_id, lesson.lesson_id)
    state = LessonState(done=progress.states[lesson.lesson_id] == DONE)
    attempts = db.session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.answer, QuizAttempt.correct)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == keys[0],
               QuizAttempt.lesson_id == keys[1])
        .order_by(QuizAttempt.attempt)
    ).all()
    for quiz_id, answer, correct in attempts:
        quiz = state.quizzes.setdefault(quiz_id, QuizState())
        quiz.answer, quiz.correct = answer, correct
        quiz.passed = quiz.passed or correct
        quiz.attempts += 1
    state.reflections = {reflection_id: SavedReflection(text, visibility)
                         for reflection_id, text, visibility in db.session.execute(
        select(Reflection.reflection_id, Reflection.text, Reflection.visibility).where(
            Reflection.user_id == user_id, Reflection.course_id == keys[0],
            Reflection.lesson_id == keys[1]))}
    return state


def answer_quiz(user_id: int, course: Course, lesson: Lesson, quiz_id: str,
                choices: list[str], text: str, attempt: str) -> bool:
    """Check and store attempt number `attempt`; True if right. A resent form stores nothing."""
    rendered = lesson.versions[lesson.default_language].quizzes.get(quiz_id)
    if rendered is None:
        raise NotFound(quiz_id)
    quiz = rendered.quiz
    answer: list[int] | str
    if quiz.kind == "text":
        answer = text.strip()
        if not answer:
            raise CourseError(gettext("Type your answer before checking it."))
        if len(answer) > TEXT_ANSWER_MAX_LENGTH:
            raise CourseError(gettext("Your answer is too long: keep it under %(max)d characters.",
                                      max=TEXT_ANSWER_MAX_LENGTH))
    else:
        try:
            answer = sorted({int(choice) for choice in choices})
        except ValueError as error:
            raise CourseError(gettext("Choose one of the options.")) from error
        if not answer:
            raise CourseError(gettext("Choose an answer before checking it."))
        if any(not 0 <= position < len(quiz.options) for position in answer) or (
                quiz.kind == "single" and len(answer) > 1):
            raise CourseError(gettext("Choose one of the options."))
    if not (attempt.isascii() and attempt.isdigit()) or int(attempt) > 100_000:
        raise CourseError(gettext("This form has expired. Please send it again."))
    # A typed answer is right in any of the lesson's languages: whoever reads the French
    # version types the French name, and may have switched language since.
    accepted = [version.quizzes[quiz_id].quiz for version in lesson.versions.values()
                if quiz_id in version.quizzes] if quiz.kind == "text" else [quiz]
    correct = any(answer_is_correct(each, answer) for each in accepted)
    stored = insert_or_ignore(QuizAttempt, {
        "user_id": user_id, "course_id": course.course_id, "lesson_id": lesson.lesson_id,
        "quiz_id": quiz_id, "attempt": int(attempt), "answer": answer, "correct": correct,
        "created_at": utcnow(),
    }, ["user_id", "course_id", "lesson_id", "quiz_id", "attempt"])
    if stored:
        xapi.check_answered(user_id, course, lesson, quiz_id, int(attempt))
    insert_or_ignore(LessonProgress, {"user_id": user_id, "course_id": course.course_id,
                                      "lesson_id": lesson.lesson_id, "started_at": utcnow()},
                     ["user_id", "course_id", "lesson_id"])
    _records_changed(user_id)
    db.session.commit()
    return correct


def save_reflection(user_id: int, course: Course, lesson: Lesson, reflection_id: str,
                    text: str, visibility: str = PRIVATE) -> None:
    """Create or replace the learner's reflection for a prompt (plain text, never HTML), with
    who may read it: PRIVATE (only them) or FACILITATORS (also their cohorts' facilitators)."""
    if reflection_id not in lesson.reflection_ids:
        raise NotFound(reflection_id)
    if visibility not in VISIBILITIES:
        raise CourseError(gettext("Choose who can read your reflection: only you, or you and "
                                  "the facilitators of your cohorts for this course."))
    text = text.strip()
    if not text:
        raise CourseError(gettext("Write your reflection before saving it."))
    if len(text) > REFLECTION_MAX_LENGTH:
        raise CourseError(gettext("Your reflection is too long: keep it under %(max)d characters.",
                                  max=REFLECTION_MAX_LENGTH))
    now = utcnow()
    insert_or_update(
        Reflection,
        {"user_id": user_id, "course_id": course.course_id, "lesson_id": lesson.lesson_id,
         "reflection_id": reflection_id, "text": text, "visibility": visibility,
         "created_at": now, "updated_at": now},
        ["user_id", "course_id", "lesson_id", "reflection_id"],
        {"text": lambda excluded: excluded.text,
         "visibility": lambda excluded: excluded.visibility,
         "updated_at": lambda excluded: excluded.updated_at},
    )
    _records_changed(user_id)
    db.session.commit()


def mark_done(user_id: int, course: Course, lesson: Lesson) -> datetime:
    """Mark a lesson done once every check in it has been answered correctly (idempotent)."""
    remaining = lesson_state(user_id, course, lesson).remaining_quizzes(lesson)
    if remaining:
        raise CourseError(ngettext(
            "%(num)d knowledge check still needs a correct answer before this lesson is done.",
            "%(num)d knowledge checks still need a correct answer before this lesson is done.",
            len(remaining)))
    now = utcnow()
    insert_or_update(
        LessonProgress,
        {"user_id": user_id, "course_id": course.course_id, "lesson_id": lesson.lesson_id,
         "started_at": now, "completed_at": now},
        ["user_id", "course_id", "lesson_id"],
        {"completed_at": lambda excluded: func.coalesce(LessonProgress.completed_at,
                                                        excluded.completed_at)},
    )
    xapi.lesson_completed(user_id, course, lesson)
    _records_changed(user_id)
    db.session.commit()
    course_standing_changed.send(None, user_id=user_id, course_id=course.course_id)
    return db.session.scalar(select(LessonProgress.completed_at).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id == course.course_id,
        LessonProgress.lesson_id == lesson.lesson_id)) or now


def completed_learners(course: Course, user_ids: Any) -> set[int]:
    """Which of `user_ids` (a list or a subquery) have completed every lesson of the course."""
    lesson_ids = [lesson.lesson_id for lesson in course.lessons]
    rows = db.session.execute(
        select(LessonProgress.user_id)
        .where(LessonProgress.course_id == course.course_id,
               LessonProgress.lesson_id.in_(lesson_ids),
               LessonProgress.completed_at.is_not(None),
               LessonProgress.user_id.in_(user_ids))
        .group_by(LessonProgress.user_id)
        .having(func.count() == len(lesson_ids))
    ).scalars()
    return set(rows)


@dataclass(frozen=True)
class WrittenReflection:
    lesson_id: str
    reflection_id: str
    text: str
    updated_at: datetime


def shared_reflections_of(user_id: int, course: Course) -> list[WrittenReflection]:
    """The reflections a learner shared with their facilitators in a course, in lesson order
    (never a private one: callers check that the reader is one of those facilitators)."""
    order = {lesson.lesson_id: lesson.position for lesson in course.lessons}
    rows = db.session.execute(
        select(Reflection.lesson_id, Reflection.reflection_id, Reflection.text,
               Reflection.updated_at)
        .where(Reflection.user_id == user_id, Reflection.course_id == course.course_id,
               Reflection.visibility == FACILITATORS)).all()
    return sorted((WrittenReflection(*row) for row in rows),
                  key=lambda item: (order.get(item.lesson_id, 999), item.reflection_id))
