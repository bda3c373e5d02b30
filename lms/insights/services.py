"""Programme insights: which cohorts a user's dashboard covers, and the dashboard itself.

Admins see every cohort (and every outcome story); facilitators see the cohorts they run (and
the stories of those cohorts' members). Either may narrow the dashboard to one cohort among
theirs; a cohort outside their scope is "not found", never a hint that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.cohorts.models import Cohort, CohortFacilitator
from lms.courses import services as courses
from lms.courses.content import Course
from lms.db import utcnow
from lms.extensions import db
from lms.insights import breakdowns, queries
from lms.insights.privacy import Figure
from lms.insights.tables import COUNT, DAYS, PERCENT, Table


class InsightsError(Exception):
    """A request about the dashboard that cannot be answered."""


class NotFound(InsightsError):
    """No such cohort in the user's scope, or no such chart (a 404)."""


@dataclass(frozen=True)
class Scope:
    """The cohorts a dashboard covers, and those its user may narrow it to."""

    cohorts: tuple[Cohort, ...]
    choices: tuple[Cohort, ...]
    chosen: Cohort | None = None
    everything: bool = False  # an admin without a filter: every cohort and every story

    @property
    def cohort_ids(self) -> tuple[int, ...] | None:
        """The cohorts' ids, or None for "every cohort"."""
        return None if self.everything else tuple(cohort.id for cohort in self.cohorts)


def cohorts_run_by(user: User) -> list[Cohort]:
    """Every cohort for an admin; the cohorts a facilitator is assigned to; newest first."""
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id)
    if not user.has_role(Role.ADMIN):
        query = query.join(CohortFacilitator, CohortFacilitator.cohort_id == Cohort.id).where(
            CohortFacilitator.user_id == user.id)
    return list(db.session.scalars(query))


def scope_for(user: User, slug: str = "") -> Scope:
    """The user's scope, narrowed to the cohort `slug` if given (NotFound if not theirs)."""
    if not user.has_role(Role.FACILITATOR):
        return Scope((), ())
    choices = tuple(cohorts_run_by(user))
    if not slug:
        return Scope(choices, choices, everything=user.has_role(Role.ADMIN))
    # Matched in Python: any text can arrive here and the choices are loaded anyway.
    chosen = next((cohort for cohort in choices if cohort.slug == slug), None)
    if chosen is None:
        raise NotFound(slug)
    return Scope((chosen,), choices, chosen=chosen)


def cohort_scope(slug: str) -> Scope:
    """One cohort, whoever asks (the command line's report); NotFound if there is none."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug)) if slug else None
    if cohort is None:
        raise NotFound(slug)
    return Scope((cohort,), (cohort,), chosen=cohort)


def courses_of(scope: Scope) -> list[Course]:
    """The courses the scope's cohorts take (a course no longer in content/ is left out)."""
    found = []
    for course_id in sorted({cohort.course_id for cohort in scope.cohorts}):
        try:
            found.append(courses.get_course(course_id))
        except courses.NotFound:
            continue
    return found


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    figure: Figure
    kind: str


@dataclass
class Dashboard:
    scope: Scope
    headline: list[Headline]
    participation: list[Table]
    shifts: list[Table]
    stories: list[Table]
    generated_at: datetime

    def table(self, slug: str) -> Table | None:
        return next((table for table in self.participation + self.shifts + self.stories
                     if table.slug == slug), None)


def build_dashboard(scope: Scope, language: str, now: datetime | None = None,
                    parts: tuple[str, ...] = ("participation", "shifts", "stories")) -> Dashboard:
    """The dashboard for a scope: a query or two per part (participation and activity,
    shifts, stories)."""
    now = now or utcnow()
    scope_courses = courses_of(scope)
    headline: list[Headline] = []
    participation: list[Table] = []
    shifts: list[Table] = []
    stories: list[Table] = []
    if "participation" in parts:
        lessons = {course.course_id: [lesson.lesson_id for lesson in course.lessons]
                   for course in scope_courses}
        totals, participation = breakdowns.participation_tables(
            queries.participation(scope.cohort_ids, lessons, now), scope.cohorts)
        participation.append(breakdowns.activity_table(
            queries.activity_by_month(scope.cohort_ids), scope.cohorts))
        headline += [
            Headline("enrolments", gettext("Enrolments"), totals["enrolments"], COUNT),
            Headline("active", gettext("Active learners (last 30 days)"), totals["active"],
                     COUNT),
            Headline("completion", gettext("Completion rate"), totals["completion"], PERCENT),
            Headline("median_days", gettext("Median days to complete"),
                     totals["median_days"], DAYS)]
    # A page of several cohorts is checked against each cohort's own page (privacy.py).
    several = len(scope.cohorts) > 1
    if "shifts" in parts:
        shifts = breakdowns.shift_tables(
            queries.shifts(scope.cohort_ids), scope_courses, language,
            queries.respondents_by_cohort(scope.cohort_ids) if several else ())
    if "stories" in parts:
        story_totals, stories = breakdowns.story_tables(
            queries.stories(scope.cohort_ids),
            queries.stories_by_cohort(scope.cohort_ids) if several else ())
        headline += [
            Headline("stories", gettext("Outcome stories"), story_totals["stories"], COUNT),
            Headline("verified", gettext("Verified stories"), story_totals["verified"], COUNT)]
    return Dashboard(scope, headline, participation, shifts, stories, now)


def chart_table(scope: Scope, slug: str, language: str, now: datetime | None = None) -> Table:
    """The numbers behind one chart (for its CSV), building only that part of the dashboard."""
    if slug in breakdowns.PARTICIPATION_SLUGS:
        part = "participation"
    elif slug in breakdowns.STORY_SLUGS:
        part = "stories"
    elif slug.startswith(breakdowns.SHIFTS_PREFIX):
        part = "shifts"
    else:
        raise NotFound(slug)
    table = build_dashboard(scope, language, now, parts=(part,)).table(slug)
    if table is None:
        raise NotFound(slug)
    return table
