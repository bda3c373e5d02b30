"""A cohort with a discussion, for tests: people and posts made through the services."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import Role, User
from lms.cohorts.models import Cohort
from lms.discussion import services
from lms.discussion.models import Post, Topic
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user, sign_in_id

LESSON = "what-open-government-means"


@dataclass
class Room:
    """A cohort with two learners and a facilitator, and a stranger from another cohort."""

    cohort: Cohort
    ana: User
    ben: User
    facilitator: User
    stranger: User

    @property
    def url(self) -> str:
        return f"/cohorts/{self.cohort.slug}/discussion"


def make_room(**fields: object) -> Room:
    ana, ben = make_user(name="Ana Learner"), make_user(name="Ben Learner", locale="fr")
    facilitator = make_user(Role.FACILITATOR, name="Fatou Facilitator")
    cohort = make_cohort(facilitators=[facilitator], members=[ana, ben], **fields)
    stranger = make_user(name="Sam Stranger")
    make_cohort(members=[stranger])
    return Room(cohort, ana, ben, facilitator, stranger)


def start(room: Room, author: User, title: str = "Budgets", body: str = "What do you think?",
          lesson_id: str | None = None) -> Topic:
    return services.start_topic(room.cohort, author, title, body, lesson_id)


def replies(topic: Topic, authors: list[User], count: int) -> list[Post]:
    posts = [services.reply(topic, authors[number % len(authors)], f"Reply number {number}")
             for number in range(count)]
    db.session.commit()
    return posts


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    return client
