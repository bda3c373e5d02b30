"""Cohorts for tests, built through the services."""

from __future__ import annotations

import itertools
from datetime import timedelta

from lms.accounts.models import Role, User
from lms.cohorts import services
from lms.cohorts.models import Cohort
from lms.extensions import db
from tests.factories import make_user

COURSE = "open-government-101"
_numbers = itertools.count(1)


def make_cohort(*, facilitators: list[User] | None = None, members: list[User] | None = None,
                starts_days_ago: int = 10, length_days: int = 60, **fields: object) -> Cohort:
    """A cohort of Open Government 101 with an evenly spread schedule."""
    number = next(_numbers)
    starts_on = services.today() - timedelta(days=starts_days_ago)
    facilitators = facilitators if facilitators is not None else [make_user(Role.FACILITATOR)]
    details = services.CohortDetails(
        name=str(fields.get("name", f"Cohort {number}")),
        slug=str(fields.get("slug", f"cohort-{number}")),
        focus=str(fields.get("focus", "western-balkans")), course_id=COURSE,
        starts_on=starts_on, ends_on=starts_on + timedelta(days=length_days),
        requires_signoff=bool(fields.get("requires_signoff", False)),
        facilitator_ids=[user.id for user in facilitators])
    cohort = services.create_cohort(details)
    for member in members or []:
        services.add_member(cohort, member.id)
    db.session.commit()
    return cohort
