"""The facilitator's progress dashboard: one row per learner, built with a fixed set of queries.

Whatever the cohort's size, the dashboard runs the same five queries (members, lesson progress,
knowledge checks, last activity, schedule); everything else is computed in Python from them.
Several cohorts' dashboards are built by the same five queries (the facilitator's home page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, literal_column, select, union_all

from lms.accounts.models import User
from lms.cohorts.models import Cohort, DueDate, Membership
from lms.courses.content import Course
from lms.courses.models import FACILITATORS, LessonProgress, QuizAttempt, Reflection
from lms.extensions import db
from lms.i18n import name_key

ON_TRACK = "on-track"
BEHIND = "behind"
INACTIVE = "inactive"
COMPLETED = "completed"
STATES = (ON_TRACK, BEHIND, INACTIVE, COMPLETED)

# What each lesson is for a learner, in the table's cells.
CELL_DONE = "done"
CELL_STARTED = "started"
CELL_OVERDUE = "overdue"
CELL_TODO = "todo"

SORTS = ("name", "progress", "activity", "country")


@dataclass
class LessonColumn:
    lesson_id: str
    title: str
    due_on: date | None


@dataclass(slots=True)
class LearnerRow:
    user_id: int
    name: str
    email: str
    country: str
    organisation: str
    joined_at: datetime
    done: int
    total: int
    checks_passed: int
    checks_total: int
    attempts: int
    last_activity: datetime | None
    state: str
    cells: tuple[str, ...]
    signed_off: bool
    graduated: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Dashboard:
    cohort: Cohort
    lessons: list[LessonColumn]
    rows: list[LearnerRow]
    today: date
    inactive_days: int
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def countries(self) -> list[str]:
        return sorted({row.country for row in self.rows if row.country})

    @property
    def average_percent(self) -> int:
        return round(sum(row.percent for row in self.rows) / len(self.rows)) if self.rows else 0

    @property
    def next_due(self) -> LessonColumn | None:
        """The next lesson due in the schedule, from today on (None once every date passed)."""
        coming = [column for column in self.lessons
                  if column.due_on is not None and column.due_on >= self.today]
        return min(coming, key=lambda column: column.due_on or self.today, default=None)


def build(cohort: Cohort, course: Course, language: str, *, today: date,
          inactive_days: int) -> Dashboard:
    """Every learner's progress in the cohort's course, in five queries."""
    return build_many([cohort], {course.course_id: course}, language, today=today,
                      inactive_days=inactive_days)[cohort.id]


def build_many(cohorts: list[Cohort], courses: dict[str, Course], language: str, *,
               today: date, inactive_days: int,
               with_checks: bool = True) -> dict[int, Dashboard]:
    """The dashboards of several cohorts (by cohort id), in the same five queries as one: the
    facilitator's home page counts exactly what each progress page shows. Without checks (a
    page that only counts states), knowledge checks are not read: four queries."""
    if not cohorts:
        return {}
    cohort_ids = [cohort.id for cohort in cohorts]
    course_ids = sorted({cohort.course_id for cohort in cohorts})
    members = select(Membership.user_id).where(Membership.cohort_id.in_(cohort_ids)) \
        .scalar_subquery()
    lesson_ids = sorted({lesson.lesson_id for course_id in course_ids
                         for lesson in courses[course_id].lessons})
    in_course = (LessonProgress.course_id.in_(course_ids), LessonProgress.user_id.in_(members))

    people: dict[int, list[Any]] = {cohort_id: [] for cohort_id in cohort_ids}
    for row in db.session.execute(
            select(Membership.cohort_id, User.id, User.name, User.email, User.country,
                   User.organisation, Membership.joined_at, Membership.signed_off_at,
                   Membership.graduated_at)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id.in_(cohort_ids))):
        people[row[0]].append(row)

    progress: dict[tuple[int, str], dict[str, datetime | None]] = {}
    for user_id, course_id, lesson_id, completed_at in db.session.execute(
            select(LessonProgress.user_id, LessonProgress.course_id, LessonProgress.lesson_id,
                   LessonProgress.completed_at)
            .where(*in_course, LessonProgress.lesson_id.in_(lesson_ids))):
        progress.setdefault((user_id, course_id), {})[lesson_id] = completed_at

    passed_key = QuizAttempt.lesson_id + literal_column("':'") + QuizAttempt.quiz_id
    in_checks = (QuizAttempt.course_id.in_(course_ids), QuizAttempt.user_id.in_(members))
    checks: dict[tuple[int, str], tuple[int, int]] = {} if not with_checks else {
        (user_id, course_id): (passed, attempts)
        for user_id, course_id, passed, attempts in db.session.execute(
            select(QuizAttempt.user_id, QuizAttempt.course_id,
                   func.count(func.distinct(case((QuizAttempt.correct.is_(True), passed_key)))),
                   func.count())
            .where(*in_checks)
            .group_by(QuizAttempt.user_id, QuizAttempt.course_id))}

    activity = union_all(
        select(LessonProgress.user_id.label("user_id"),
               LessonProgress.course_id.label("course_id"), LessonProgress.started_at.label("at"))
        .where(*in_course),
        select(LessonProgress.user_id, LessonProgress.course_id, LessonProgress.completed_at)
        .where(*in_course),
        select(QuizAttempt.user_id, QuizAttempt.course_id, QuizAttempt.created_at)
        .where(*in_checks),
        # Only shared reflections: a private one must not show, even as a date of activity.
        select(Reflection.user_id, Reflection.course_id, Reflection.updated_at)
        .where(Reflection.course_id.in_(course_ids), Reflection.user_id.in_(members),
               Reflection.visibility == FACILITATORS),
    ).subquery()
    last_activity = {(user_id, course_id): at for user_id, course_id, at in db.session.execute(
        select(activity.c.user_id, activity.c.course_id, func.max(activity.c.at))
        .group_by(activity.c.user_id, activity.c.course_id))}

    due: dict[int, dict[str, date]] = {cohort_id: {} for cohort_id in cohort_ids}
    for cohort_id, lesson_id, due_on in db.session.execute(
            select(DueDate.cohort_id, DueDate.lesson_id, DueDate.due_on)
            .where(DueDate.cohort_id.in_(cohort_ids))):
        due[cohort_id][lesson_id] = due_on

    return {cohort.id: _dashboard(cohort, courses[cohort.course_id], language, people[cohort.id],
                                  progress, checks, last_activity, due[cohort.id],
                                  today=today, inactive_days=inactive_days)
            for cohort in cohorts}


def _dashboard(cohort: Cohort, course: Course, language: str, people: list[Any],
               progress: dict[tuple[int, str], dict[str, datetime | None]],
               checks: dict[tuple[int, str], tuple[int, int]],
               last_activity: dict[tuple[int, str], datetime], due: dict[str, date], *,
               today: date, inactive_days: int) -> Dashboard:
    """One cohort's dashboard from what the queries of `build_many` read."""
    key = course.course_id
    lessons = [LessonColumn(lesson.lesson_id, lesson.version(language)[0].title,
                            due.get(lesson.lesson_id)) for lesson in course.lessons]
    checks_total = sum(len(lesson.quiz_ids) for lesson in course.lessons)
    inactive_before = datetime.combine(today - timedelta(days=inactive_days), time(), UTC)
    cohort_start = datetime.combine(cohort.starts_on, time(), UTC)
    rows = []
    for _, user_id, name, email, country, organisation, joined_at, signed_off_at, graduated_at \
            in people:
        mine = progress.get((user_id, key), {})
        cells = []
        for column in lessons:
            if column.lesson_id in mine and mine[column.lesson_id] is not None:
                cells.append(CELL_DONE)
            elif column.due_on is not None and column.due_on < today:
                cells.append(CELL_OVERDUE)
            elif column.lesson_id in mine:
                cells.append(CELL_STARTED)
            else:
                cells.append(CELL_TODO)
        done = cells.count(CELL_DONE)
        last = last_activity.get((user_id, key))
        last = last.replace(tzinfo=UTC) if last is not None and last.tzinfo is None else last
        reference = max(last or joined_at, cohort_start)
        if done == len(lessons):
            state = COMPLETED
        elif reference < inactive_before:
            state = INACTIVE
        elif CELL_OVERDUE in cells:
            state = BEHIND
        else:
            state = ON_TRACK
        passed, attempts = checks.get((user_id, key), (0, 0))
        rows.append(LearnerRow(
            user_id=user_id, name=name, email=email, country=country or "",
            organisation=organisation, joined_at=joined_at, done=done, total=len(lessons),
            checks_passed=passed, checks_total=checks_total, attempts=attempts,
            last_activity=last, state=state, cells=tuple(cells),
            signed_off=signed_off_at is not None,
            graduated=graduated_at is not None))
    summary = {state: sum(row.state == state for row in rows) for state in STATES}
    return Dashboard(cohort, lessons, rows, today, inactive_days, summary)


def select_rows(dashboard: Dashboard, *, state: str = "", country: str = "",
                sort: str = "name") -> list[LearnerRow]:
    """The rows matching the filters, in the chosen order."""
    rows = [row for row in dashboard.rows
            if (not state or row.state == state) and (not country or row.country == country)]
    never = datetime.min.replace(tzinfo=UTC)
    keys = {
        "name": lambda row: name_key(row.name),
        "progress": lambda row: (-row.done, name_key(row.name)),
        "activity": lambda row: (row.last_activity or never, name_key(row.name)),
        "country": lambda row: (row.country, name_key(row.name)),
    }
    return sorted(rows, key=keys.get(sort, keys["name"]))
