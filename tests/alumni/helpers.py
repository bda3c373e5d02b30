"""Alumni for tests: graduates of closed cohorts, with profiles saved through the service."""

from __future__ import annotations

from sqlalchemy import select, update

from lms.accounts.models import User
from lms.alumni import services
from lms.alumni.models import HIDDEN, LISTED
from lms.cohorts.models import Cohort, Membership
from lms.db import utcnow
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


def graduate(user: User, cohort: Cohort) -> None:
    """Record `user` as a graduate of `cohort` (as closing the cohort does for finishers)."""
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == user.id))
    if membership is None:
        membership = Membership(cohort_id=cohort.id, user_id=user.id)
        db.session.add(membership)
    membership.graduated_at = utcnow()
    db.session.execute(update(Cohort).where(Cohort.id == cohort.id).values(closed_at=utcnow()))
    db.session.commit()


def make_graduate(cohort: Cohort | None = None, *, listed: bool = True,
                  **profile: object) -> User:
    """A graduate of `cohort` (a new one by default) with a saved profile, listed or hidden."""
    user_fields = {key: profile.pop(key) for key in ("name", "email", "locale", "role")
                   if key in profile}
    user = make_user(**user_fields)
    graduate(user, cohort or make_cohort())
    details = {"headline": "Open data lead", "organisation": "Ministry of Finance",
               "country": "RS", "languages": ["en"], "themes": ["anti-corruption"],
               "bio": "", "website": None, "open_to_exchange": True, "accepts_messages": True,
               "visibility": LISTED if listed else HIDDEN}
    details.update(profile)
    services.save_profile(user, services.ProfileDetails(**details))  # type: ignore[arg-type]
    db.session.commit()
    return user
