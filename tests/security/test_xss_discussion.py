"""Cross-site scripting in the cohort discussion: each payload typed as an author's name, a
topic's title, an opening post and a reply (Markdown), a reason for hiding and a report, and
read back on every page that shows them, as each kind of reader."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms.accounts.models import Role
from lms.cohorts import services as cohorts
from lms.discussion.models import Post, Topic
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.security.test_xss import page, payloads, posted, signed_in  # noqa: F401 - a fixture
from tests.security.xss_payloads import Payload


def test_discussion_titles_posts_reasons_and_names(app: Flask,
                                                    payloads: list[Payload]) -> None:  # noqa: F811
    facilitator = make_user(Role.FACILITATOR, name="Fatou Facilitator")
    reader = make_user(name="Rita Reader")
    authors = [make_user(name=payload.text) for payload in payloads]
    cohort = make_cohort(facilitators=[facilitator], members=[reader, *authors], slug="wb")
    url = "/cohorts/wb/discussion"
    as_reader, as_facilitator = signed_in(app, reader), signed_in(app, facilitator)
    for payload, author in zip(payloads, authors, strict=True):
        client = signed_in(app, author)
        posted(client, url, {"title": payload.text, "lesson_id": "", "body": payload.text},
               shown=[payload.marker])
        topic = db.session.scalar(select(Topic).where(Topic.author_id == author.id))
        posted(as_reader, f"{url}/{topic.id}", {"body": payload.text}, shown=[payload.marker])
        opening, reply = db.session.scalars(select(Post).where(Post.topic_id == topic.id)
                                            .order_by(Post.id)).all()
        posted(as_reader, f"{url}/posts/{opening.id}/report", {"reason": payload.text})
        posted(as_facilitator, f"{url}/posts/{reply.id}/hide", {"reason": payload.text},
               shown=[payload.marker])
        # The author's own pages: the topic, with the reader's reply hidden from them.
        page(client, f"{url}/{topic.id}", shown=[payload.marker])
        page(client, f"{url}/posts/{opening.id}/edit", shown=[payload.marker])
        page(client, f"{url}/posts/{opening.id}/delete", shown=[payload.marker])
        # The reader sees the reason their reply was hidden.
        page(as_reader, f"{url}/{topic.id}", shown=[payload.marker])
        page(as_facilitator, f"{url}/posts/{opening.id}/hide", shown=[payload.marker])
    listing = [page(as_facilitator, f"{url}?page={number}") for number in range(1, 5)]
    reports = listing[0].split('id="topics-title"')[0]  # every open report, at the top
    assert all(payload.marker in reports for payload in payloads)
    assert all(payload.marker in "".join(listing) for payload in payloads)
    for payload in payloads[:5]:
        page(as_reader, f"{url}?q={payload.marker}", shown=[payload.marker])
    cohorts.close_cohort(cohort)
    page(as_reader, url)
