"""Facilitators pin, lock and hide; members report posts; a hidden post is seen only by its
author (with the reason) and the facilitators."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms.discussion.models import Post, Report
from lms.extensions import db
from tests.discussion.helpers import make_room, replies, signed_in, start


def test_a_hidden_post_is_seen_by_its_author_with_the_reason_and_by_facilitators(
        app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    post = replies(topic, [room.ben], 1)[0]
    facilitator = signed_in(app, room.facilitator)
    hide = f"{room.url}/posts/{post.id}/hide"
    response = facilitator.post(hide, data={"reason": ""})
    assert response.status_code == 400 and "Give a reason." in response.text
    assert facilitator.post(hide, data={"reason": "Personal data"}).status_code == 303
    topic_url = f"{room.url}/{topic.id}"
    assert "Reply number 0" not in signed_in(app, room.ana).get(topic_url).text
    own = signed_in(app, room.ben).get(topic_url).text  # Ben reads French
    assert "Reply number 0" in own and "Masqué par un·e facilitateur·rice : Personal data" in own
    assert "Reply number 0" in facilitator.get(topic_url).text
    # Learners cannot hide; another cohort's facilitator does not even find the discussion.
    assert signed_in(app, room.ana).post(hide, data={"reason": "x"}).status_code == 403
    other = make_room()
    assert signed_in(app, other.facilitator).post(hide, data={"reason": "x"}).status_code == 404
    assert facilitator.post(f"{room.url}/posts/{post.id}/unhide").status_code == 303
    assert "Reply number 0" in signed_in(app, room.ana).get(topic_url).text


def test_a_hidden_opening_post_hides_the_topic_from_others(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana, title="Off-topic advert")
    opening = topic.id
    facilitator = signed_in(app, room.facilitator)
    post = db.session.scalar(select(Post).where(Post.topic_id == opening))
    facilitator.post(f"{room.url}/posts/{post.id}/hide", data={"reason": "Advertising"})
    assert "Off-topic advert" not in signed_in(app, room.ben).get(room.url).text
    assert signed_in(app, room.ben).get(f"{room.url}/{topic.id}").status_code == 404
    assert "Off-topic advert" in signed_in(app, room.ana).get(room.url).text
    assert "Off-topic advert" in facilitator.get(room.url).text


def test_pinned_topics_come_first(app: Flask) -> None:
    room = make_room()
    first = start(room, room.ana, title="Older topic")
    start(room, room.ben, title="Newer topic")
    ana = signed_in(app, room.ana)
    page = ana.get(room.url).text
    assert page.index("Newer topic") < page.index("Older topic")
    assert signed_in(app, room.ana).post(f"{room.url}/{first.id}/pin",
                                         data={"on": "1"}).status_code == 403
    signed_in(app, room.facilitator).post(f"{room.url}/{first.id}/pin", data={"on": "1"})
    page = ana.get(room.url).text
    assert page.index("Older topic") < page.index("Newer topic") and "Pinned" in page


def test_members_report_posts_and_facilitators_see_and_dismiss_reports(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    post = replies(topic, [room.ben], 1)[0]
    ana = signed_in(app, room.ana)
    report = f"{room.url}/posts/{post.id}/report"
    for reason, message in (("a\x1bb", "control characters"), ("  ", "Give a reason."),
                            ("x" * 501, "under 500 characters")):
        response = ana.post(report, data={"reason": reason})
        assert response.status_code == 400 and message in response.text
    assert db.session.scalar(select(Report)) is None
    assert ana.post(report, data={"reason": "Insulting"}).status_code == 303
    assert signed_in(app, room.stranger).post(report, data={"reason": "x"}).status_code == 404
    facilitator = signed_in(app, room.facilitator)
    page = facilitator.get(room.url).text
    assert "1 report to look at" in page and "Insulting" in page and "Reply number 0" in page
    assert "Insulting" not in signed_in(app, room.ben).get(room.url).text
    found = db.session.scalar(select(Report))
    assert facilitator.post(f"{room.url}/reports/{found.id}/dismiss").status_code == 303
    assert "report to look at" not in facilitator.get(room.url).text
    db.session.refresh(found)
    assert found.resolved_by == room.facilitator.id
