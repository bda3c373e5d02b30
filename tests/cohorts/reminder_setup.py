"""A cohort with a chosen due date and reminder policy, for the automatic reminder tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lms.accounts.models import Role, User
from lms.cohorts import services
from lms.cohorts.models import Cohort
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

LESSON = "how-ogp-works"
AUCKLAND = ZoneInfo("Pacific/Auckland")
LIMA = ZoneInfo("America/Lima")


def due_day() -> date:
    """The tested lesson's due date: well inside the cohort, in the future."""
    return services.today() + timedelta(days=20)


def policy_cohort(members: list[User], *, before: int | None = None,
                  after: int | None = None, inactive: int | None = None,
                  facilitator: User | None = None, slug: str | None = None) -> Cohort:
    """A cohort started 10 days ago; every lesson due on its last day except LESSON, due on
    `due_day()`; the automatic reminders given."""
    fields = {"slug": slug} if slug else {}
    # No weekly digest for this facilitator: the outbox holds the reminders alone.
    facilitator = facilitator or make_user(Role.FACILITATOR, email_digest=False)
    cohort = make_cohort(facilitators=[facilitator],
                         members=members, starts_days_ago=10, length_days=60, **fields)
    due = {lesson_id: cohort.ends_on for lesson_id in services.schedule(cohort)}
    services.set_schedule(cohort, {**due, LESSON: due_day()})
    cohort.remind_before_days, cohort.remind_after_days = before, after
    cohort.remind_inactive_days = inactive
    db.session.commit()
    return cohort


def at(day: date, hour: int, zone: ZoneInfo, minute: int = 0) -> datetime:
    """That local time, as the aware moment the clock is set to."""
    return datetime.combine(day, time(hour, minute), zone)
