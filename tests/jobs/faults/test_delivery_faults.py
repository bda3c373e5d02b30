"""A mail server that refuses every message for a while, then accepts: each arrives once.

A facilitator reminds 60 learners through the real page (its emails are rows in the outbox,
committed with the reminders; bench/jobs.py times that answer), and a worker process delivers
them to a real SMTP server that answers 451 (try again later) to every message, at RCPT or at
DATA, for its first 2 seconds.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import Role
from lms.extensions import db
from lms.jobs.models import SENT, OutboxMessage
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.jobs.faults.helpers import Mailbox, Workers, outbox_ids, sent_count, wait_until

LEARNERS = 60


@pytest.mark.parametrize("stage", ["RCPT", "DATA"])
def test_refused_for_a_while_then_accepted_every_message_arrives_once(
        client: FlaskClient, login_as, smtp: tuple[Mailbox, int], workers: Workers,
        stage: str) -> None:
    mailbox, _ = smtp
    facilitator = login_as(Role.FACILITATOR)
    learners = [make_user(email=f"learner{number}@example.org") for number in range(LEARNERS)]
    make_cohort(facilitators=[facilitator], members=learners, slug="wb")
    workers.start()
    mailbox.refuse_for(2.0, at=stage)
    response = client.post("/cohorts/wb/reminders", data={
        "learners": [learner.id for learner in learners], "subject": "A nudge",
        "body": "Hello {name}, {link}"}, follow_redirects=True)
    assert f"Reminder sent to {LEARNERS} learners." in response.text

    wait_until(lambda: sent_count() == LEARNERS, 60, f"{LEARNERS} messages sent",
               workers.logs)
    assert mailbox.refused > 0  # the server did refuse (and the worker came back)
    received = mailbox.ids()
    assert sorted(received) == sorted(outbox_ids())  # each one, and exactly once
    assert len(set(received)) == LEARNERS
    assert {tuple(message.recipients) for message in mailbox.snapshot()} == {
        (f"learner{number}@example.org",) for number in range(LEARNERS)}
    rows = db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts,
                                     OutboxMessage.last_error)).all()
    assert {row.status for row in rows} == {SENT}
    assert max(row.attempts for row in rows) > 1  # refused first, sent on a later attempt
    assert {row.last_error for row in rows} == {""}  # a sent message keeps no stale error
