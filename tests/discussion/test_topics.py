"""Topics and replies: who reads and writes them, what is refused and how posts are shown."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.cohorts import services as cohorts
from lms.discussion.models import Post, Topic
from lms.extensions import db
from tests.discussion.helpers import LESSON, make_room, replies, signed_in, start
from tests.factories import make_user


def test_members_start_topics_and_reply(app: Flask) -> None:
    room = make_room()
    ana, ben = signed_in(app, room.ana), signed_in(app, room.ben)
    response = ana.post(room.url, data={"title": "Open budgets", "lesson_id": LESSON,
                                        "body": "Who has **published** theirs?"})
    assert response.status_code == 303
    topic = db.session.scalar(select(Topic))
    assert topic is not None and topic.lesson_id == LESSON
    page = ben.get(room.url).text  # in French
    assert "Open budgets" in page and "Nouveau" in page
    response = ben.post(f"{room.url}/{topic.id}", data={"body": "We did, in *2024*."})
    assert response.status_code == 303
    page = ana.get(response.headers["Location"]).text
    assert "<strong>published</strong>" in page and "<em>2024</em>" in page
    assert "Ben Learner" in page


def test_strangers_get_404_and_anonymous_people_sign_in(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    stranger = signed_in(app, room.stranger)
    assert stranger.get(room.url).status_code == 404
    assert stranger.get(f"{room.url}/{topic.id}").status_code == 404
    assert stranger.post(f"{room.url}/{topic.id}", data={"body": "hi"}).status_code == 404
    assert app.test_client().get(room.url).status_code == 302
    admin = signed_in(app, make_user(Role.ADMIN))
    assert "Budgets" in admin.get(f"{room.url}/{topic.id}").text  # admins run every cohort
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_topic_of_another_cohort_is_not_found_here(app: Flask) -> None:
    room, other = make_room(), make_room()
    topic = start(other, other.ana)
    assert signed_in(app, room.ana).get(f"{room.url}/{topic.id}").status_code == 404


def test_alumni_of_a_closed_cohort_keep_reading_and_writing(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    cohorts.close_cohort(room.cohort)
    ana = signed_in(app, room.ana)
    assert "alumni" in ana.get(room.url).text
    assert ana.post(f"{room.url}/{topic.id}", data={"body": "Still here"}).status_code == 303


def test_refused_fields_say_why_and_write_nothing(app: Flask) -> None:
    room = make_room()
    ana = signed_in(app, room.ana)
    cases = [({"title": "", "body": "x"}, "Give the topic a title."),
             ({"title": "x" * 201, "body": "x"}, "Keep the title under 200 characters."),
             ({"title": "a\x07b", "body": "x"}, "control characters"),
             ({"title": "Fine", "body": "   "}, "Write your message."),
             ({"title": "Fine", "body": "x" * 20_001}, "under 20,000 characters"),
             ({"title": "Fine", "body": "bad\x1bcode"}, "control characters"),
             ({"title": "Fine", "body": "x", "lesson_id": "nope"}, "Choose a lesson")]
    for data, message in cases:
        response = ana.post(room.url, data=data)
        assert response.status_code == 400, data
        assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(Topic)) == 0
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_scripts_and_unsafe_links_are_removed(app: Flask) -> None:
    room = make_room()
    body = ("<script>alert(1)</script> [a](javascript:alert(1)) [b](data:text/html,x) "
            "[c](https://example.org) [d](mailto:a@example.org) [e](ftp://example.org)")
    topic = start(room, room.ana, body=body)
    page = signed_in(app, room.ben).get(f"{room.url}/{topic.id}").text
    assert "<script>alert" not in page and "javascript:" not in page and "data:text" not in page
    assert '<a href="https://example.org" rel="nofollow ugc">c</a>' in page
    assert 'href="mailto:a@example.org"' in page and "ftp://" not in page.split("post-")[-1]


def test_a_locked_topic_refuses_replies_with_a_message(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    facilitator = signed_in(app, room.facilitator)
    assert facilitator.post(f"{room.url}/{topic.id}/lock", data={"on": "1"}).status_code == 303
    ben = signed_in(app, room.ben)
    assert "Ce sujet est verrouillé" in ben.get(f"{room.url}/{topic.id}").text
    response = signed_in(app, room.ana).post(f"{room.url}/{topic.id}", data={"body": "Late"})
    assert response.status_code == 400 and "This topic is locked" in response.text
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_authors_edit_within_30_minutes_and_delete_their_own(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    post = replies(topic, [room.ana], 1)[0]
    ana, ben = signed_in(app, room.ana), signed_in(app, room.ben)
    edit = f"{room.url}/posts/{post.id}/edit"
    assert ben.get(edit).status_code == 403
    assert ana.post(edit, data={"body": "Changed"}).status_code == 303
    assert "Changed" in ana.get(f"{room.url}/{topic.id}").text
    post.created_at -= timedelta(minutes=31)
    db.session.commit()
    assert ana.post(edit, data={"body": "Too late"}).status_code == 403
    assert ben.post(f"{room.url}/posts/{post.id}/delete").status_code == 403
    assert ana.post(f"{room.url}/posts/{post.id}/delete").status_code == 303
    db.session.refresh(post)
    assert post.deleted_at is not None and post.body == ""
    assert "supprimé par son auteur·rice" in ben.get(f"{room.url}/{topic.id}").text


def test_search_finds_titles_and_bodies_of_visible_posts(app: Flask) -> None:
    room = make_room()
    start(room, room.ana, title="Open contracting", body="Procurement data")
    start(room, room.ben, title="Citizens' budgets", body="Participatory BUDGÉT_100%")
    ana = signed_in(app, room.ana)
    assert "Open contracting" in ana.get(f"{room.url}?q=procurement").text
    found = ana.get(f"{room.url}?q=budget_100%25").text
    assert "Citizens" in found and "Open contracting" not in found
    underscore = ana.get(f"{room.url}?q=_").text  # a wildcard in LIKE, a letter here
    assert "Citizens" in underscore and "Open contracting" not in underscore
    assert "No topic matches" in ana.get(f"{room.url}?q=zzzz").text
