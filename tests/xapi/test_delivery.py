"""Delivery to a real LRS (Ralph) when things go wrong: an outage loses nothing and sends
nothing twice; a statement sent again is not duplicated; a bad statement fails alone."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from lms.courses import services as courses
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import periodic, queue
from lms.xapi import services
from lms.xapi.models import FAILED, QUEUED, SENT, XapiStatement
from tests.certificates.helpers import COURSE, complete
from tests.factories import make_user
from tests.xapi.helpers import agent
from tests.xapi.lrs import LRS


@pytest.fixture
def app_settings(lrs: LRS) -> dict[str, object]:
    return {**lrs.settings, "LMS_RETRY_SECONDS": 1}


def _by_status() -> dict[str, int]:
    db.session.expire_all()
    return services.counts()


def test_an_outage_loses_nothing_and_sends_nothing_twice(app: Flask, lrs: LRS) -> None:
    learner = make_user()
    lrs.stop()
    complete(learner, 3)
    made = _by_status()[QUEUED]
    assert made >= 6
    queue.drain(app)  # the LRS is down: everything stays queued, with the error
    assert _by_status() == {QUEUED: made}
    errors = set(db.session.scalars(select(XapiStatement.last_error)))
    assert len(errors) == 1 and "ConnectionError" in errors.pop()
    assert db.session.scalar(select(func.min(XapiStatement.next_attempt_at))) > utcnow()

    complete(learner, 4)  # more activity while it is down
    queue.drain(app)
    made = _by_status()[QUEUED]
    lrs.start()  # back, on the same address
    time.sleep(2.1)  # the backoff (LMS_RETRY_SECONDS=1, doubling) has passed
    queue.drain(app)
    assert _by_status() == {SENT: made}
    found = lrs.statements(agent=agent(learner))
    assert len(found) == made
    assert len({statement["id"] for statement in found}) == made


def test_a_statement_sent_again_is_not_duplicated(app: Flask, lrs: LRS) -> None:
    learner = make_user()
    complete(learner, 1)
    queue.drain(app)
    sent = lrs.statements(agent=agent(learner))
    # A worker posted them, then died before marking them sent: they go again.
    db.session.execute(update(XapiStatement).values(status=QUEUED, sent_at=None))
    services.queue_delivery()
    db.session.commit()
    queue.drain(app)
    assert _by_status() == {SENT: len(sent)}
    again = lrs.statements(agent=agent(learner))
    assert sorted(statement["id"] for statement in again) == \
        sorted(statement["id"] for statement in sent)


def test_a_bad_statement_fails_alone_and_the_others_go(app: Flask, lrs: LRS) -> None:
    learner = make_user()
    complete(learner, 1)
    made = _by_status()[QUEUED]
    bad = db.session.scalars(select(XapiStatement).limit(1)).one()
    bad.payload = {key: value for key, value in bad.payload.items() if key != "verb"}
    db.session.commit()
    queue.drain(app)
    assert _by_status() == {SENT: made - 1, FAILED: 1}
    failed = db.session.get_one(XapiStatement, bad.id)
    assert failed.status == FAILED and "HTTP 4" in failed.last_error
    assert len(lrs.statements(agent=agent(learner))) == made - 1


def test_a_different_statement_under_a_known_id_fails_with_the_reason(
        app: Flask, lrs: LRS) -> None:
    learner = make_user()
    complete(learner, 1)
    queue.drain(app)
    changed = db.session.scalars(select(XapiStatement).limit(1)).one()
    changed.payload = {**changed.payload, "timestamp": "2020-01-01T00:00:00.000Z"}
    changed.status = QUEUED
    services.queue_delivery()
    db.session.commit()
    queue.drain(app)
    failed = db.session.get_one(XapiStatement, changed.id)
    assert failed.status == FAILED and "different statement" in failed.last_error


def test_the_hourly_sweep_finds_statements_whose_wake_up_was_lost(
        app: Flask, lrs: LRS) -> None:
    learner = make_user()
    course = courses.get_course(COURSE)
    complete(learner, 1)
    from lms.jobs.models import Job

    db.session.execute(Job.__table__.delete())  # the delivery job is lost
    db.session.commit()
    queue.drain(app)
    assert _by_status()[QUEUED] > 0
    periodic.set_clock(lambda: utcnow() + timedelta(hours=1))
    try:
        periodic.run_due()
    finally:
        periodic.set_clock(None)
    queue.drain(app)
    assert set(_by_status()) == {SENT}
    assert len(lrs.statements(agent=agent(learner))) == 1 + len(course.lessons[0].quiz_ids)
