"""The programme dashboard's numbers, as aggregate SQL: a fixed handful of queries whatever the
number of learners (participation, self-assessment shifts, outcome stories), the same on SQLite
and PostgreSQL.

Every function takes the cohorts in scope (`None`: every cohort, for an admin without a filter)
and returns raw counts; the fewer-than-5 rule is applied by the caller (lms/insights/privacy.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    Subquery,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from lms.alumni.models import OutcomeStory
from lms.cohorts.focus import REGIONAL, THEMATIC
from lms.cohorts.models import Cohort, Membership
from lms.courses.assessment import AFTER, BEFORE
from lms.courses.models import LessonProgress, SelfAssessmentAnswer, SelfAssessmentRating
from lms.extensions import db

ACTIVE_DAYS = 30
# The groupings of the participation figures ("all" is the whole scope, key "").
ALL, COHORT, REGION, THEME, MONTH = "all", "cohort", "region", "theme", "month"
COUNTRY = "country"
# A cohort's month ("12:2026-03"): never shown, it tells which months' figures, with each
# cohort's own page, would give a small group away (lms/insights/privacy.py).
COHORT_MONTH = "cohort-month"
DIMENSIONS = (ALL, COHORT, REGION, THEME, MONTH, COHORT_MONTH)

CohortIds = Sequence[int] | None


@dataclass(frozen=True)
class Participation:
    """One group's enrolments (memberships), activity and completion."""

    dimension: str
    key: str
    enrolments: int
    people: int  # distinct learners among the enrolments
    active: int
    active_people: int
    completers: int
    completer_people: int
    median_days: float | None  # None when nobody completed


@dataclass(frozen=True)
class MonthActivity:
    """How many members opened or completed a lesson of their cohort's course in a month, in
    the whole scope (`cohort_id` None) or in one of its cohorts."""

    cohort_id: int | None
    month: str  # "2026-03"
    active: int  # distinct learners


@dataclass(frozen=True)
class Shift:
    """A self-assessment statement's paired ratings before and after a course."""

    course_id: str
    statement_id: str
    respondents: int
    before: float
    after: float
    change: float


@dataclass(frozen=True)
class StoryCounts:
    dimension: str  # ALL, THEME or COUNTRY
    key: str
    stories: int
    authors: int
    verified: int
    verified_authors: int


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _in_scope(column: SQLColumnExpression[int], cohort_ids: CohortIds) -> ColumnElement[bool]:
    if cohort_ids is None:
        return true()
    return column.in_(list(cohort_ids)) if cohort_ids else false()


def _year_month(timestamp: SQLColumnExpression[datetime]) -> ColumnElement[str]:
    """'2026-03' for a timestamp."""
    if _dialect() == "postgresql":
        return func.to_char(timestamp, "YYYY-MM")
    return func.strftime("%Y-%m", timestamp)


def _days_between(later: SQLColumnExpression[datetime],
                  earlier: SQLColumnExpression[datetime]) -> ColumnElement[int]:
    """Whole calendar days (UTC) from `earlier` to `later`, never negative."""
    if _dialect() == "postgresql":
        days: ColumnElement[int] = type_coerce(cast(later, Date) - cast(earlier, Date), Integer)
    else:
        days = cast(func.julianday(func.date(later)) - func.julianday(func.date(earlier)),
                    Integer)
    return case((days < 0, 0), else_=days)


def _learner_progress(courses: Mapping[str, Sequence[str]],
                      cohort_ids: CohortIds) -> Subquery:
    """Per learner and course, in one pass over the course's lessons in lesson_progress: how
    many they completed, when they last completed one and last opened one."""
    lessons = LessonProgress
    query = (select(lessons.user_id, lessons.course_id,
                    func.count(lessons.completed_at).label("done"),
                    func.max(lessons.completed_at).label("finished_at"),
                    func.max(lessons.started_at).label("started_at"))
             .where(or_(false(), *[and_(lessons.course_id == course_id,
                                        lessons.lesson_id.in_(list(ids)))
                                   for course_id, ids in courses.items() if ids])))
    if cohort_ids is not None:
        query = query.where(lessons.user_id.in_(
            select(Membership.user_id).where(_in_scope(Membership.cohort_id, cohort_ids))))
    return query.group_by(lessons.user_id, lessons.course_id).subquery("learners")


def participation(cohort_ids: CohortIds, courses: Mapping[str, Sequence[str]],
                  now: datetime) -> list[Participation]:
    """Enrolments, active learners, completers and the median days to complete, for the whole
    scope and by cohort, region, theme and month of joining: one query.

    Each membership becomes one row of facts (one pass over lesson_progress), repeated once per
    grouping it belongs to. The median is portable SQL: each group's completers are numbered
    (row_number) and counted (count over the group), and the median is the mean of the middle
    one or two.
    """
    if cohort_ids is not None and not cohort_ids:
        return []
    learners = _learner_progress(courses, cohort_ids)
    since = now - timedelta(days=ACTIVE_DAYS)
    needed = case({course_id: len(ids) for course_id, ids in courses.items() if ids},
                  value=Cohort.course_id, else_=-1) if any(courses.values()) \
        else literal_column("-1")
    facts = (
        select(Membership.user_id, Membership.cohort_id, Cohort.kind, Cohort.focus,
               _year_month(Membership.joined_at).label("month"),
               case((or_(learners.c.started_at >= since, learners.c.finished_at >= since), 1),
                    else_=0).label("active"),
               case((learners.c.done == needed,
                     _days_between(learners.c.finished_at, Membership.joined_at)))
               .label("days"))
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .outerjoin(learners, and_(learners.c.user_id == Membership.user_id,
                                  learners.c.course_id == Cohort.course_id))
        .where(_in_scope(Membership.cohort_id, cohort_ids))
        .cte("facts"))

    def groupings(*where: ColumnElement[bool], by_cohort_month: bool = True) -> Subquery:
        """Each fact once per grouping it belongs to (a small code for each grouping)."""
        def grouping(dimension: str, key: ColumnElement[str],
                     *only: ColumnElement[bool]) -> Select[Any]:
            return (select(literal_column(str(DIMENSIONS.index(dimension))).label("dimension"),
                           cast(key, String).label("key"), facts.c.user_id, facts.c.active,
                           facts.c.days).where(*where, *only))

        return union_all(
            grouping(ALL, literal_column("''")),
            grouping(COHORT, facts.c.cohort_id),
            grouping(REGION, facts.c.focus, facts.c.kind == REGIONAL),
            grouping(THEME, facts.c.focus, facts.c.kind == THEMATIC),
            grouping(MONTH, facts.c.month),
            *([grouping(COHORT_MONTH, cast(facts.c.cohort_id, String) + ":" + facts.c.month)]
              if by_cohort_month else []),
        ).subquery()

    grouped = groupings()
    counts = (select(grouped.c.dimension, grouped.c.key,
                     func.count().label("enrolments"),
                     func.count(func.distinct(grouped.c.user_id)).label("people"),
                     func.sum(grouped.c.active).label("active"),
                     func.count(func.distinct(case((grouped.c.active == 1, grouped.c.user_id))))
                     .label("active_people"),
                     func.count(grouped.c.days).label("completers"),
                     func.count(func.distinct(case((grouped.c.days.is_not(None),
                                                    grouped.c.user_id))))
                     .label("completer_people"))
              .group_by(grouped.c.dimension, grouped.c.key).subquery("counts"))
    # Windows over completers only: far fewer rows to sort than every membership.
    done = groupings(facts.c.days.is_not(None), by_cohort_month=False)  # no median needed
    group = [done.c.dimension, done.c.key]
    ranked = (select(done.c.dimension, done.c.key, done.c.days,
                     func.row_number().over(partition_by=group, order_by=done.c.days)
                     .label("position"),
                     func.count().over(partition_by=group).label("completed"))
              .subquery("ranked"))
    medians = (select(ranked.c.dimension, ranked.c.key,
                      func.avg(ranked.c.days).label("median_days"))
               .where(2 * ranked.c.position >= ranked.c.completed,
                      2 * ranked.c.position <= ranked.c.completed + 2)
               .group_by(ranked.c.dimension, ranked.c.key).subquery("medians"))
    rows = db.session.execute(
        select(counts, medians.c.median_days)
        .outerjoin(medians, and_(medians.c.dimension == counts.c.dimension,
                                 medians.c.key == counts.c.key))).all()
    return [Participation(
        dimension=DIMENSIONS[int(row.dimension)], key=row.key, enrolments=int(row.enrolments),
        people=int(row.people), active=int(row.active or 0),
        active_people=int(row.active_people), completers=int(row.completers),
        completer_people=int(row.completer_people),
        median_days=None if row.median_days is None else float(row.median_days))
        for row in rows]


def activity_by_month(cohort_ids: CohortIds) -> list[MonthActivity]:
    """Learners active each month (who opened or completed a lesson of the course of a cohort
    in scope), for the whole scope and per cohort (to check the first against each cohort's
    page): one query."""
    if cohort_ids is not None and not cohort_ids:
        return []
    lessons = LessonProgress
    moments = union_all(
        select(lessons.user_id, lessons.course_id, lessons.started_at.label("at")),
        select(lessons.user_id, lessons.course_id, lessons.completed_at)
        .where(lessons.completed_at.is_not(None))).subquery("moments")
    facts = (select(Membership.cohort_id, moments.c.user_id,
                    _year_month(moments.c.at).label("month"))
             .join(Membership, Membership.user_id == moments.c.user_id)
             .join(Cohort, and_(Cohort.id == Membership.cohort_id,
                                Cohort.course_id == moments.c.course_id))
             .where(_in_scope(Membership.cohort_id, cohort_ids)).distinct().cte("activity"))
    rows = db.session.execute(union_all(
        select(literal_column("-1").label("cohort_id"), facts.c.month,
               func.count(func.distinct(facts.c.user_id)).label("active"))
        .group_by(facts.c.month),
        select(facts.c.cohort_id, facts.c.month, func.count(func.distinct(facts.c.user_id)))
        .group_by(facts.c.cohort_id, facts.c.month))).all()
    return [MonthActivity(None if int(row.cohort_id) < 0 else int(row.cohort_id), row.month,
                          int(row.active)) for row in rows]


def shifts(cohort_ids: CohortIds) -> list[Shift]:
    """Per course and statement, the mean rating before and after among learners in scope who
    rated it in both phases (paired), the mean change and how many they are: one query."""
    if cohort_ids is not None and not cohort_ids:
        return []
    before, after = aliased(SelfAssessmentAnswer), aliased(SelfAssessmentAnswer)
    rated_before, rated_after = aliased(SelfAssessmentRating), aliased(SelfAssessmentRating)
    # A learner counts for a course when they are a member of a cohort in scope taking it.
    in_scope = (select(Membership.id).join(Cohort, Cohort.id == Membership.cohort_id)
                .where(Membership.user_id == after.user_id, Cohort.course_id == after.course_id,
                       _in_scope(Membership.cohort_id, cohort_ids)).exists())
    rows = db.session.execute(
        select(before.course_id, rated_before.statement_id,
               func.count(func.distinct(before.user_id)).label("respondents"),
               func.avg(rated_before.rating).label("before"),
               func.avg(rated_after.rating).label("after"),
               func.avg(rated_after.rating - rated_before.rating).label("change"))
        .select_from(after)
        .join(before, and_(before.user_id == after.user_id, before.course_id == after.course_id,
                           before.phase == BEFORE))
        .join(rated_before, rated_before.assessment_id == before.id)
        .join(rated_after, and_(rated_after.assessment_id == after.id,
                                rated_after.statement_id == rated_before.statement_id))
        .where(after.phase == AFTER, in_scope)
        .group_by(before.course_id, rated_before.statement_id)).all()
    return [Shift(row.course_id, row.statement_id, int(row.respondents), float(row.before),
                  float(row.after), float(row.change)) for row in rows]


def stories(cohort_ids: CohortIds) -> list[StoryCounts]:
    """Outcome stories in all, by theme and by country, with how many are verified, counting
    their distinct authors too: one query. `None`: every story (an admin without a filter);
    otherwise the stories of members of the cohorts in scope."""
    if cohort_ids is not None and not cohort_ids:
        return []
    story = OutcomeStory
    authors = select(Membership.user_id).where(_in_scope(Membership.cohort_id, cohort_ids))
    facts = (select(story.user_id, story.theme, story.country,
                    case((story.verified_at.is_not(None), 1), else_=0).label("verified"))
             .where(true() if cohort_ids is None else story.user_id.in_(authors))
             .cte("stories"))

    def grouping(dimension: str, key: ColumnElement[str]) -> Select[Any]:
        return select(literal_column(f"'{dimension}'").label("dimension"),
                      cast(key, String).label("key"), facts.c.user_id, facts.c.verified)

    grouped = union_all(grouping(ALL, literal_column("''")), grouping(THEME, facts.c.theme),
                        grouping(COUNTRY, facts.c.country)).subquery("grouped")
    rows = db.session.execute(
        select(grouped.c.dimension, grouped.c.key, func.count().label("stories"),
               func.count(func.distinct(grouped.c.user_id)).label("authors"),
               func.sum(grouped.c.verified).label("verified"),
               func.count(func.distinct(case((grouped.c.verified == 1, grouped.c.user_id))))
               .label("verified_authors"))
        .group_by(grouped.c.dimension, grouped.c.key)).all()
    return [StoryCounts(row.dimension, row.key, int(row.stories), int(row.authors),
                        int(row.verified or 0), int(row.verified_authors)) for row in rows]


@dataclass(frozen=True)
class CohortCount:
    """A figure of one cohort's own page, for checking a wider page's figure against it."""

    cohort_id: int
    key: str  # "course:statement", "theme:code" or "country:code"
    count: int
    people: int
    verified: int = 0
    verified_people: int = 0


def respondents_by_cohort(cohort_ids: CohortIds) -> list[CohortCount]:
    """Per cohort in scope and self-assessment statement, how many of its members rated it
    before and after (as that cohort's page counts them): one query."""
    if cohort_ids is not None and not cohort_ids:
        return []
    before, after = aliased(SelfAssessmentAnswer), aliased(SelfAssessmentAnswer)
    rated_before, rated_after = aliased(SelfAssessmentRating), aliased(SelfAssessmentRating)
    # The paired answers first, then their cohorts (materialized, so that a planner short of
    # statistics cannot pair every member's answers once per cohort of the course first).
    pairs = (select(before.user_id, before.course_id, rated_before.statement_id)
             .select_from(after)
             .join(before, and_(before.user_id == after.user_id,
                                before.course_id == after.course_id, before.phase == BEFORE))
             .join(rated_before, rated_before.assessment_id == before.id)
             .join(rated_after, and_(rated_after.assessment_id == after.id,
                                     rated_after.statement_id == rated_before.statement_id))
             .where(after.phase == AFTER)
             .cte("pairs").prefix_with("MATERIALIZED"))
    rows = db.session.execute(
        select(Membership.cohort_id, pairs.c.course_id, pairs.c.statement_id,
               func.count(func.distinct(pairs.c.user_id)).label("respondents"))
        .select_from(pairs)
        .join(Membership, Membership.user_id == pairs.c.user_id)
        .join(Cohort, and_(Cohort.id == Membership.cohort_id,
                           Cohort.course_id == pairs.c.course_id))
        .where(_in_scope(Membership.cohort_id, cohort_ids))
        .group_by(Membership.cohort_id, pairs.c.course_id, pairs.c.statement_id)).all()
    return [CohortCount(row.cohort_id, f"{row.course_id}:{row.statement_id}",
                        int(row.respondents), int(row.respondents)) for row in rows]


def stories_by_cohort(cohort_ids: CohortIds) -> list[CohortCount]:
    """Per cohort in scope, its members' stories by theme and by country, verified or not
    (as that cohort's page counts them): one query."""
    if cohort_ids is not None and not cohort_ids:
        return []
    story = OutcomeStory
    facts = (select(Membership.cohort_id, story.user_id, story.theme, story.country,
                    case((story.verified_at.is_not(None), 1), else_=0).label("verified"))
             .join(Membership, Membership.user_id == story.user_id)
             .where(_in_scope(Membership.cohort_id, cohort_ids)).cte("cohort_stories"))

    def grouping(prefix: str, key: ColumnElement[str]) -> Select[Any]:
        return select(facts.c.cohort_id, (literal(f"{prefix}:", String) + cast(key, String))
                      .label("key"), facts.c.user_id, facts.c.verified)

    grouped = union_all(grouping(THEME, facts.c.theme),
                        grouping(COUNTRY, facts.c.country)).subquery("grouped")
    rows = db.session.execute(
        select(grouped.c.cohort_id, grouped.c.key, func.count().label("stories"),
               func.count(func.distinct(grouped.c.user_id)).label("authors"),
               func.sum(grouped.c.verified).label("verified"),
               func.count(func.distinct(case((grouped.c.verified == 1, grouped.c.user_id))))
               .label("verified_authors"))
        .group_by(grouped.c.cohort_id, grouped.c.key)).all()
    return [CohortCount(row.cohort_id, row.key, int(row.stories), int(row.authors),
                        int(row.verified or 0), int(row.verified_authors)) for row in rows]
