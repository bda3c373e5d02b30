"""Emails about the discussion: every post, the daily digest (the default) or nothing, per
person and cohort, in each reader's language, never about a hidden post, always with a link
that stops them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from lms import mail
from lms.db import utcnow
from lms.discussion import notify, services
from lms.discussion.models import DAILY_DIGEST, EVERY_POST, NOTHING, Post, Subscription
from lms.extensions import db
from lms.jobs import periodic
from tests.discussion.helpers import make_room, replies, signed_in, start
from tests.factories import tampered

Outbox = Callable[[], list[str]]


def about_discussion(outbox: Outbox) -> list[str]:
    return [message for message in outbox() if "discussion" in message.lower()
            and "Your cohorts this week" not in message]


def test_every_post_goes_to_those_who_chose_it_in_their_language(app: Flask,
                                                                 outbox: Outbox) -> None:
    room = make_room(name="Western Balkans 2026")
    signed_in(app, room.ben).post(f"{room.url}/notifications", data={"choice": EVERY_POST})
    signed_in(app, room.ana).post(f"{room.url}/notifications", data={"choice": EVERY_POST})
    assert notify.choice_of(room.ben.id, room.cohort.id) == EVERY_POST
    topic = start(room, room.ana, title="Open budgets", body="Who **published** theirs?")
    [message] = about_discussion(outbox)  # Ben only: Ana wrote it, Fatou gets the digest
    assert f"To: {room.ben.email}" in message
    assert "Western Balkans 2026 : Ana Learner dans « Open budgets »" in message
    assert "Who **published** theirs?" in message
    assert f"http://localhost{room.url}/{topic.id}?post=" in message
    assert "/unsubscribe/" in message


def test_a_post_hidden_before_the_worker_runs_is_not_mailed(app: Flask, outbox: Outbox,
                                                            run_jobs: Callable[[], None]) -> None:
    room = make_room()
    notify.set_choice(room.ben.id, room.cohort.id, EVERY_POST)
    topic = start(room, room.ben)
    run_jobs()
    post = services.reply(topic, room.ana, "Something to hide")
    services.hide(post, room.facilitator, "Off topic")
    assert about_discussion(outbox) == []
    # Nor a reply in a topic hidden from its readers (its opening post hidden).
    hidden_topic = start(room, room.ana, title="An advert")
    opening = db.session.scalar(select(Post).where(Post.topic_id == hidden_topic.id))
    services.hide(opening, room.facilitator, "Advertising")
    services.reply(hidden_topic, room.facilitator, "Hidden, see the reason")
    assert about_discussion(outbox) == []


def test_the_daily_digest_is_the_default_and_comes_once_a_day(app: Flask, outbox: Outbox,
                                                              clock) -> None:
    room = make_room(name="Western Balkans 2026")
    notify.set_choice(room.ben.id, room.cohort.id, NOTHING)
    topic = start(room, room.ana, title="Open budgets")
    replies(topic, [room.facilitator], 1)
    hidden = services.reply(topic, room.facilitator, "A hidden one")
    services.hide(hidden, room.facilitator, "Mistake")
    now = clock(utcnow() + timedelta(minutes=1))
    assert "discussion.digest" in periodic.run_due()
    sent = about_discussion(outbox)
    assert sorted(message.split("\n")[0] for message in sent) == [
        f"To: {room.ana.email}", f"To: {room.facilitator.email}"]
    [ana] = [message for message in sent if room.ana.email in message]
    assert "Western Balkans 2026: 1 new post" in ana  # Fatou's reply, not her own topic
    assert "Fatou Facilitator in “Open budgets”" in ana and "A hidden one" not in ana
    [fatou] = [message for message in sent if room.facilitator.email in message]
    assert "Western Balkans 2026: 1 new post" in fatou  # Ana's topic
    clock(now + timedelta(hours=1))
    periodic.run_due()
    assert len(about_discussion(outbox)) == 2  # once a day
    replies(topic, [room.ana], 1)
    clock(now + timedelta(days=1))
    periodic.run_due()
    sent = about_discussion(outbox)
    assert len(sent) == 3 and room.facilitator.email in sent[-1].split("\n")[0]
    assert "1 new post" in sent[-1]  # only what came since the last digest


def test_the_unsubscribe_link_stops_this_cohorts_emails_only(app: Flask, client) -> None:
    room = make_room(name="Western Balkans 2026")
    other = make_room()
    notify.set_choice(room.ana.id, room.cohort.id, EVERY_POST)
    notify.set_choice(room.ana.id, other.cohort.id, EVERY_POST)
    path = urlsplit(mail.unsubscribe_link(room.ana.id, "discussion", room.cohort.id)).path
    page = client.get(path)
    assert "You will no longer receive emails about the discussion of Western Balkans 2026." \
        in page.text
    assert notify.choice_of(room.ana.id, room.cohort.id) == EVERY_POST  # opening changes nothing
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    # Where to choose again: the discussion's page, not the account page (which has no such choice).
    assert "choose again at any time on the discussion's page" in done.text
    assert f'href="{room.url}#notifications"' in done.text
    assert notify.choice_of(room.ana.id, room.cohort.id) == NOTHING
    assert notify.choice_of(room.ana.id, other.cohort.id) == EVERY_POST
    assert "already switched off" in client.get(path).text
    assert client.post(tampered(path)).status_code in (400, 404)
    assert client.get(urlsplit(mail.unsubscribe_link(room.ana.id, "discussion",
                                                     999_999)).path).status_code == 400


def test_a_bad_choice_is_refused_and_strangers_cannot_choose(app: Flask) -> None:
    room = make_room()
    ana = signed_in(app, room.ana)
    assert ana.post(f"{room.url}/notifications", data={"choice": "hourly"}).status_code == 400
    assert signed_in(app, room.stranger).post(
        f"{room.url}/notifications", data={"choice": EVERY_POST}).status_code == 404
    assert db.session.scalar(select(Subscription)) is None
    assert notify.choice_of(room.ana.id, room.cohort.id) == DAILY_DIGEST
    assert db.session.scalar(select(Post)) is None


def test_each_email_carries_one_click_unsubscribe_for_its_cohort(app: Flask, outbox: Outbox,
                                                                 client) -> None:
    room = make_room()
    notify.set_choice(room.ben.id, room.cohort.id, EVERY_POST)
    start(room, room.ana)
    assert len(about_discussion(outbox)) == 1
    [path] = sorted(Path(app.config["LMS_OUTBOX"]).glob("*.eml"))
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"])[1:-1]
    assert mail.read_unsubscribe_token(link.rsplit("/", 1)[1]) == (
        room.ben.id, "discussion", room.cohort.id)
    # What a mail program sends: no cookie, no CSRF token.
    assert client.post(urlsplit(link).path, data={"List-Unsubscribe": "One-Click"}
                       ).status_code == 200
    assert notify.choice_of(room.ben.id, room.cohort.id) == NOTHING


def test_scoped_tokens_name_only_kinds_stopped_one_cohort_at_a_time(app: Flask) -> None:
    with pytest.raises(ValueError):
        mail.unsubscribe_token(1, "reminder", 5)
    forged = mail._unsubscribe_serializer().dumps([1, "reminder", 5])
    with pytest.raises(mail.InvalidUnsubscribeToken):
        mail.read_unsubscribe_token(forged)
    assert mail.read_unsubscribe_token(mail.unsubscribe_token(1, "reminder")) == (
        1, "reminder", None)
