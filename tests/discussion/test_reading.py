"""Unread markers, paging, the lesson page's link, and a long topic's page: its size and a
fixed number of queries whatever its length."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from lms.extensions import db
from tests.discussion.helpers import LESSON, make_room, replies, signed_in, start
from tests.factories import make_user

NEW = '<span class="state state--on-track">'  # "New", in the reader's language


def test_unread_markers_per_person(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana, title="Welcome")
    ana, ben = signed_in(app, room.ana), signed_in(app, room.ben)
    assert NEW in ben.get(room.url).text
    assert NEW not in ana.get(room.url).text  # her own topic is no news to her
    ben.get(f"{room.url}/{topic.id}")
    assert NEW not in ben.get(room.url).text
    first, _ = replies(topic, [room.ana], 2)
    assert NEW in ben.get(room.url).text
    page = ben.get(f"{room.url}/{topic.id}").text
    first_post = page.index(f'id="post-{first.id}"')
    assert first_post < page.index('id="unread"') < page.index(f'id="post-{first.id + 1}"')
    assert page.count('id="unread"') == 1
    assert NEW not in ben.get(room.url).text
    ana.get(f"{room.url}/{topic.id}")  # Ana's marker is her own
    assert NEW not in ana.get(room.url).text


def test_long_topics_are_paged_and_open_at_the_first_unread_post(app: Flask) -> None:
    room = make_room()
    topic = start(room, room.ana)
    replies(topic, [room.ana, room.ben], 120)
    ana = signed_in(app, room.ana)  # in English
    first = ana.get(f"{room.url}/{topic.id}").text
    assert "Page 1 of 3" in first and "Reply number 48" in first
    assert "Reply number 49" not in first
    replies(topic, [room.ben], 1)
    # Ana saw page 1 only: the topic opens at her first unread post, on page 2.
    again = ana.get(f"{room.url}/{topic.id}").text
    assert "Page 2 of 3" in again and 'id="unread"' in again
    assert again.index('id="unread"') < again.index("Reply number 49")
    assert "Page 2 of 3" in ana.get(f"{room.url}/{topic.id}?page=2").text
    huge = ana.get(f"{room.url}/{topic.id}?page=99999999999999999999")
    assert huge.status_code == 200 and "Page 3 of 3" in huge.text
    for post in ("99999999999999999999", "-1", "x"):  # an id no database column holds
        assert ana.get(f"{room.url}/{topic.id}?post={post}").status_code == 200


def test_the_lesson_page_links_to_its_discussion(app: Flask) -> None:
    room = make_room()
    lesson_url = f"/courses/open-government-101/{LESSON}/"
    ana = signed_in(app, room.ana)
    page = ana.get(lesson_url).text
    assert "Discuss this lesson with your cohort (0 replies)" in page
    assert f"{room.url}?lesson={LESSON}#new-topic" in page
    topic = start(room, room.ben, lesson_id=LESSON)
    replies(topic, [room.ben, room.ana], 3)
    page = ana.get(lesson_url).text
    assert "Discuss this lesson with your cohort (3 replies)" in page
    assert f'href="{room.url}/{topic.id}"' in page
    # Sam's cohort has no topic on it: the link offers to start one there.
    assert "with your cohort (0 replies)" in signed_in(app, room.stranger).get(lesson_url).text
    assert "Discuss this lesson" not in signed_in(app, make_user()).get(lesson_url).text


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _read(client: FlaskClient, url: str) -> tuple[int, int]:
    """How many statements a page took, and its size in bytes."""
    client.get(url)  # a first visit writes the read marker: the next one is a reader's usual
    with counted() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), len(response.data)


def test_a_300_reply_topic_page_is_light_and_takes_as_many_queries_as_a_short_one(
        app: Flask) -> None:
    room = make_room()
    authors = [room.ana, room.ben, room.facilitator]
    short, long = start(room, room.ana, title="Short"), start(room, room.ana, title="Long")
    replies(short, authors, 3)
    replies(long, authors, 300)
    for reader in (room.ben, room.facilitator):
        client = signed_in(app, reader)
        short_count, _ = _read(client, f"{room.url}/{short.id}?page=1")
        for page in (1, 4, 7):
            long_count, size = _read(client, f"{room.url}/{long.id}?page={page}")
            assert long_count == short_count
            assert size < 100_000, size
        # Opened without a page, at the first unread post: one count more, whatever the length.
        replies(short, [room.ana], 1)
        replies(long, [room.ana], 1)
        short_url, long_url = f"{room.url}/{short.id}", f"{room.url}/{long.id}"
        db.session.commit()
        with counted() as short_statements:
            client.get(short_url)
        with counted() as long_statements:
            response = client.get(long_url)
        assert 'id="unread"' in response.text and len(response.data) < 100_000
        assert len(long_statements) == len(short_statements)
