"""A small programme whose every insight figure was worked out by hand.

Cohorts (Open Government 101, 10 lessons):
  A "Western Balkans 2025" (wb-2025, regional: western-balkans), run by `fa`: a1..a8
      a1..a5 joined 2025-01-15, a6..a8 joined 2025-02-03
  B "Climate action 2025" (climate-2025, thematic: climate-action), run by `fb`: b1..b6
      joined 2025-03-03
  C "Justice 2025" (justice-2025, thematic: justice), run by `fb` too: c1..c3
      joined 2025-03-20
  o1: an alumnus of no cohort (activity, self-assessments and a story that no cohort counts)

Completed every lesson (last lesson on; days from joining):
  a1 2025-01-25 (10), a2 2025-02-04 (20), a3 2025-02-14 (30), a4 2025-03-01 (45),
  a6 2025-02-13 (10), b1 2025-03-08 (5), b2 2025-03-13 (10), b3 2025-03-28 (25),
  b4 2025-04-02 (30), b5 2025-04-12 (40)
Active in the last 30 days: a5 (opened a lesson 2 days ago), a8 (finished one 5 days ago),
  b6 (opened one yesterday), c1 (opened one 10 days ago), c2 (finished one 20 days ago);
  a7 opened a lesson 40 days ago: not active.

Whole programme: 17 enrolments, 5 active, 10/17 = 58.8% completed, median of
  [5, 10, 10, 10, 20, 25, 30, 30, 40, 45] = 22.5 days.
  A: 8, 2 active, 62.5%, median 20.  B: 6, 1 active, 83.3%, median 25.  C: 3, 2 active, 0%.
  Months: 2025-01 5 (4 completed: 80%), 2025-02 3, 2025-03 9 (5 completed: 55.6%, median 25).

Self-assessment (paired: a1..a4, b1, b2; a5 answered before only; o1 is in no cohort):
  see RATINGS. defend-civic-space has 4 paired answers only (a1, a2 skipped it after).

Outcome stories: see STORIES (author, theme, country, verified).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from lms.accounts.models import Role, User
from lms.alumni.models import OutcomeStory
from lms.cohorts.models import Cohort, Membership
from lms.courses import services as courses
from lms.courses.models import LessonProgress, SelfAssessmentAnswer, SelfAssessmentRating
from lms.db import utcnow
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user, sign_in_id

STATEMENTS = ("explain-open-government", "action-plan-cycle", "inclusive-co-creation",
              "reform-allies", "strategy-goals", "defend-civic-space")
# learner: (before ratings, after ratings), in STATEMENTS order; None: not rated.
RATINGS: dict[str, tuple[tuple[int | None, ...], tuple[int | None, ...] | None]] = {
    "a1": ((1, 3, 2, 4, 1, 2), (4, 3, 3, 3, 2, None)),
    "a2": ((2, 3, 2, 4, 1, 2), (4, 4, 3, 3, 2, None)),
    "a3": ((2, 3, 2, 4, 1, 2), (3, 3, 3, 4, 2, 5)),
    "a4": ((3, 3, 2, 4, 1, 2), (5, 4, 3, 4, 2, 5)),
    "b1": ((2, 3, 2, 4, 1, 2), (3, 3, 3, 3, 2, 5)),
    "b2": ((2, 3, 2, 4, 1, 2), (5, 4, 3, 3, 2, 5)),
    "a5": ((1, 1, 1, 1, 1, 1), None),
    "o1": ((5, 5, 5, 5, 5, 5), (1, 1, 1, 1, 1, 1)),
}
STORIES = (
    ("a1", "anti-corruption", "AL", True), ("a1", "anti-corruption", "AL", True),
    ("a2", "anti-corruption", "AL", True), ("a3", "anti-corruption", "RS", False),
    ("a4", "anti-corruption", "AL", True), ("a5", "digital-governance", "AL", False),
    ("a7", "anti-corruption", "AL", False), ("b1", "climate-action", "SN", False),
    ("b1", "climate-action", "SN", True), ("o1", "justice", "FR", True),
)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@dataclass
class Programme:
    people: dict[str, User]
    admin: User
    fa: User
    fb: User
    a: Cohort
    b: Cohort
    c: Cohort
    now: datetime


ALL = -1  # `_finish(user, ALL, ...)`: every lesson of the course done


def _finish(user: User, count: int, last: datetime) -> None:
    """The first `count` lessons done (ALL: every one), the last of them at `last` (the others
    hours before)."""
    lessons = courses.get_course(COURSE).lessons
    if count == ALL:
        count = len(lessons)
    for index, lesson in enumerate(lessons[:count]):
        done_at = last - timedelta(hours=count - 1 - index)
        db.session.add(LessonProgress(user_id=user.id, course_id=COURSE,
                                      lesson_id=lesson.lesson_id,
                                      started_at=done_at - timedelta(minutes=30),
                                      completed_at=done_at))


def _open(user: User, position: int, when: datetime) -> None:
    lesson = courses.get_course(COURSE).lessons[position]
    db.session.add(LessonProgress(user_id=user.id, course_id=COURSE, lesson_id=lesson.lesson_id,
                                  started_at=when))


def _assess(user: User, phase: str, ratings: tuple[int | None, ...], when: datetime) -> None:
    answer = SelfAssessmentAnswer(user_id=user.id, course_id=COURSE, phase=phase,
                                  open_answer="", submitted_at=when)
    db.session.add(answer)
    db.session.flush()
    for statement_id, rating in zip(STATEMENTS, ratings, strict=True):
        if rating is not None:
            db.session.add(SelfAssessmentRating(assessment_id=answer.id,
                                                statement_id=statement_id, rating=rating))


def make_programme() -> Programme:
    """The programme described above, committed."""
    now = utcnow()
    admin = make_user(Role.ADMIN, name="Ada Admin")
    fa = make_user(Role.FACILITATOR, name="Fatou Facilitator")
    fb = make_user(Role.FACILITATOR, name="Felix Facilitator")
    people = {f"{group}{n}": make_user(name=f"Learner {group}{n}")
              for group, size in (("a", 8), ("b", 6), ("c", 3), ("o", 1)) for n in
              range(1, size + 1)}
    members = {group: [people[f"{group}{n}"] for n in range(1, size + 1)]
               for group, size in (("a", 8), ("b", 6), ("c", 3))}
    a = make_cohort(facilitators=[fa], members=members["a"], name="Western Balkans 2025",
                    slug="wb-2025", focus="western-balkans")
    b = make_cohort(facilitators=[fb], members=members["b"], name="Climate action 2025",
                    slug="climate-2025", focus="climate-action")
    c = make_cohort(facilitators=[fb], members=members["c"], name="Justice 2025",
                    slug="justice-2025", focus="justice")
    joined = {**{f"a{n}": at("2025-01-15", 10) for n in range(1, 6)},
              **{f"a{n}": at("2025-02-03", 9) for n in range(6, 9)},
              **{f"b{n}": at("2025-03-03", 8) for n in range(1, 7)},
              **{f"c{n}": at("2025-03-20", 12) for n in range(1, 4)}}
    for name, when in joined.items():
        db.session.execute(update(Membership).where(Membership.user_id == people[name].id)
                           .values(joined_at=when))
    for name, day in (("a1", "2025-01-25"), ("a2", "2025-02-04"), ("a3", "2025-02-14"),
                      ("a4", "2025-03-01"), ("a6", "2025-02-13"), ("b1", "2025-03-08"),
                      ("b2", "2025-03-13"), ("b3", "2025-03-28"), ("b4", "2025-04-02"),
                      ("b5", "2025-04-12")):
        _finish(people[name], ALL, at(day, 15))
    _finish(people["a5"], 5, at("2025-02-01"))
    _open(people["a5"], 5, now - timedelta(days=2))
    _open(people["a7"], 0, now - timedelta(days=40))
    _finish(people["a8"], 6, now - timedelta(days=5))
    _finish(people["b6"], 3, at("2025-03-20"))
    _open(people["b6"], 3, now - timedelta(days=1))
    _finish(people["c1"], 2, at("2025-04-01"))
    _open(people["c1"], 2, now - timedelta(days=10))
    _finish(people["c2"], 1, now - timedelta(days=20))
    _finish(people["o1"], ALL, now - timedelta(days=3))  # in no cohort: counts nowhere
    for name, (before, after) in RATINGS.items():
        _assess(people[name], "before", before, at("2025-01-10"))
        if after is not None:
            _assess(people[name], "after", after, at("2025-04-20"))
    for name, theme, country, verified in STORIES:
        db.session.add(OutcomeStory(
            user_id=people[name].id, what_changed="A ministry published its budget data.",
            who_changed="Ministry of Finance", happened_on=date(2025, 6, 1),
            contribution="I drafted the decree.", theme=theme, country=country,
            verified_at=now if verified else None, verified_by=admin.id if verified else None))
    db.session.commit()
    return Programme(people, admin, fa, fb, a, b, c, now)


def sign_in(client, user: User) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
        session["_fresh"] = True
