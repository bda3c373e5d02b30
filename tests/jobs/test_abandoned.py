"""Work whose worker died with it in hand is taken up again, but not for ever: on its last
attempt it fails, with a reason an admin can read; an unexpected error while sending is kept
on the message, which is retried rather than left "running"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from lms import mail
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import queue
from lms.jobs.models import FAILED, QUEUED, RUNNING, SENT, OutboxMessage
from tests.jobs.faults import handlers  # noqa: F401  (the tests.note job)


def _queued_message(to: str) -> OutboxMessage:
    mail.queue(mail.compose(to, "Hello", "Body"), kind="test")
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to)).one()


def test_a_message_left_running_by_a_dead_worker_is_sent_again_then_fails_on_its_last_attempt(
        app: Flask, outbox) -> None:
    lapsed = utcnow() - timedelta(seconds=1)
    again = _queued_message("again@example.org")
    again.status, again.claimed_until, again.attempts = RUNNING, lapsed, 1
    last = _queued_message("last@example.org")
    last.status, last.claimed_until = RUNNING, lapsed
    last.attempts = app.config["LMS_MAX_ATTEMPTS"]
    db.session.commit()

    delivered = outbox()

    assert [text.splitlines()[0] for text in delivered] == ["To: again@example.org"]
    db.session.expire_all()
    assert (again.status, again.attempts) == (SENT, 2)
    assert (last.status, last.last_error) == (FAILED, queue.ABANDONED)


def test_a_job_left_running_by_a_dead_worker_fails_on_its_last_attempt(app: Flask,
                                                                        run_jobs) -> None:
    job = queue.enqueue("tests.note", text="never finished")
    db.session.commit()
    job.status, job.claimed_until = RUNNING, utcnow() - timedelta(seconds=1)
    job.attempts = app.config["LMS_MAX_ATTEMPTS"]
    db.session.commit()

    run_jobs()

    db.session.expire_all()
    assert (job.status, job.last_error) == (FAILED, queue.ABANDONED)


def test_an_unexpected_error_while_sending_is_kept_and_the_message_retried(
        app: Flask, outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    message = _queued_message("bug@example.org")
    real_transport = mail.transport

    def broken_transport():  # type: ignore[no-untyped-def]
        def send(recipient: str, raw: bytes, outbox_id: int) -> None:
            raise UnicodeEncodeError("ascii", "Ł", 0, 1, "a bug of ours")

        class Broken:
            def __enter__(self):  # type: ignore[no-untyped-def]
                return send

            def __exit__(self, *exc: object) -> None:
                return None

        return Broken()

    monkeypatch.setattr(mail, "transport", broken_transport)
    assert outbox() == []
    db.session.expire_all()
    assert message.status == QUEUED and "UnicodeEncodeError" in message.last_error

    monkeypatch.setattr(mail, "transport", real_transport)
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert len(outbox()) == 1
    db.session.expire_all()
    assert message.status == SENT and message.last_error == ""
