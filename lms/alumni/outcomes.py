"""Outcome stories: alumni record the changes they contributed to; the programme team verifies
them; their authors choose whether other alumni may read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from lms.accounts.models import User
from lms.alumni import services
from lms.alumni.models import ALUMNI_TOO, STORY_VISIBILITIES, OutcomeStory
from lms.cohorts.models import CohortFacilitator, Membership
from lms.db import utcnow
from lms.extensions import db


@dataclass
class StoryDetails:
    what_changed: str
    who_changed: str
    happened_on: date
    contribution: str
    theme: str
    country: str
    evidence: list[str]
    visibility: str


def my_stories(user: User) -> list[OutcomeStory]:
    """The stories a person recorded, newest first."""
    return list(db.session.scalars(select(OutcomeStory).where(OutcomeStory.user_id == user.id)
                                   .order_by(OutcomeStory.happened_on.desc(),
                                             OutcomeStory.id.desc())))


def my_story(user: User, story_id: int) -> OutcomeStory:
    """One of the person's own stories (NotFound for anyone else's)."""
    story = db.session.get(OutcomeStory, story_id)
    if story is None or story.user_id != user.id:
        raise services.NotFound(gettext("There is no such story."))
    return story


def save_story(user: User, details: StoryDetails,
               story: OutcomeStory | None = None) -> OutcomeStory:
    """Record a new story or change one of the person's own (a change clears verification)."""
    services.ensure_alumnus(user)
    if details.visibility not in STORY_VISIBILITIES:
        raise services.AlumniError(gettext("Choose who can read this story."))
    now = utcnow()
    if story is None:
        story = OutcomeStory(user_id=user.id, created_at=now)
        db.session.add(story)
    elif story.user_id != user.id:
        raise services.NotFound(gettext("There is no such story."))
    else:
        story.verified_at = None
        story.verified_by = None
    for name, value in vars(details).items():
        setattr(story, name, value)
    story.updated_at = now
    return story


def delete_story(user: User, story_id: int) -> None:
    """Delete one of the person's own stories."""
    db.session.delete(my_story(user, story_id))


def shown_stories(user_id: int) -> list[OutcomeStory]:
    """A listed alumnus's stories that they show to other alumni (never the private ones)."""
    return list(db.session.scalars(
        select(OutcomeStory).where(OutcomeStory.user_id == user_id,
                                   OutcomeStory.visibility == ALUMNI_TOO)
        .order_by(OutcomeStory.happened_on.desc(), OutcomeStory.id.desc())))


def _reviewable(reviewer: User):  # type: ignore[no-untyped-def]
    """The stories a reviewer may see: all for admins; for facilitators, those of members of
    the cohorts they run."""
    statement = select(OutcomeStory, User.name).join(User, User.id == OutcomeStory.user_id)
    if reviewer.has_role("admin"):
        return statement
    members = select(Membership.user_id).join(
        CohortFacilitator, CohortFacilitator.cohort_id == Membership.cohort_id).where(
        CohortFacilitator.user_id == reviewer.id)
    return statement.where(OutcomeStory.user_id.in_(members))


def stories_to_review(reviewer: User) -> list[tuple[OutcomeStory, str]]:
    """Stories the reviewer may verify, unverified first, with their authors' names."""
    if not reviewer.has_role("facilitator"):
        raise services.NotAllowed(gettext("Only facilitators and the programme team review "
                                          "outcome stories."))
    rows = db.session.execute(_reviewable(reviewer).order_by(
        OutcomeStory.verified_at.is_not(None), OutcomeStory.happened_on.desc(),
        OutcomeStory.id.desc()))
    return [(story, name) for story, name in rows]


def set_verified(reviewer: User, story_id: int, verified: bool) -> OutcomeStory:
    """Mark a story verified (or withdraw it), if the reviewer may see it."""
    if not reviewer.has_role("facilitator"):
        raise services.NotAllowed(gettext("Only facilitators and the programme team review "
                                          "outcome stories."))
    found = db.session.execute(_reviewable(reviewer).where(OutcomeStory.id == story_id)).first()
    if found is None:
        raise services.NotFound(gettext("There is no such story."))
    story = found[0]
    story.verified_at = utcnow() if verified else None
    story.verified_by = reviewer.id if verified else None
    return story
