"""The demo gives Western Balkans 2026 a lively discussion."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.demo import load_demo
from lms.discussion.models import Post, Report, Topic
from lms.extensions import db
from tests.discussion.helpers import signed_in


def test_western_balkans_talks_with_a_pinned_topic_a_lesson_topic_and_a_hidden_post(
        app: Flask) -> None:
    load_demo()
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "western-balkans-2026"))
    topics = db.session.scalars(select(Topic).where(Topic.cohort_id == cohort.id)).all()
    assert len(topics) >= 4
    assert any(topic.pinned for topic in topics) and any(topic.lesson_id for topic in topics)
    assert db.session.scalar(select(func.count()).select_from(Post).where(
        Post.cohort_id == cohort.id, Post.hidden_at.is_not(None))) == 1
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    learner = db.session.scalar(select(User).where(User.email == "learner@demo.test"))
    page = signed_in(app, learner).get("/cohorts/western-balkans-2026/discussion").text
    assert "Welcome: introduce yourself" in page and "New" in page
