"""The demo gives the insights dashboard something to show."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.alumni.models import OutcomeStory
from lms.cohorts.models import Membership
from lms.courses.models import SelfAssessmentAnswer
from lms.demo import load_demo
from lms.extensions import db


def test_cohorts_with_before_and_after_answers_and_a_dozen_stories(app: Flask) -> None:
    load_demo()

    paired = select(SelfAssessmentAnswer.user_id).where(SelfAssessmentAnswer.phase == "after")
    cohorts_with_pairs = db.session.scalar(
        select(func.count(func.distinct(Membership.cohort_id)))
        .where(Membership.user_id.in_(paired)))
    assert cohorts_with_pairs >= 3
    assert db.session.scalar(select(func.count()).select_from(OutcomeStory)) == 12
    assert db.session.scalar(select(func.count()).select_from(OutcomeStory).where(
        OutcomeStory.verified_at.is_not(None))) >= 4
    learner = db.session.scalar(select(User.id).where(User.email == "learner@demo.test"))
    assert db.session.scalar(select(SelfAssessmentAnswer.id).where(
        SelfAssessmentAnswer.user_id == learner, SelfAssessmentAnswer.phase == "after")) is None
