"""/healthz tells a stuck queue (due work waiting, nothing finishing) from a moving one, and
stays 200 either way: the web is serving; only a database down makes it 503."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import RUNNING, Job, PeriodicRun
from tests.jobs.helpers import queue_email, sent_row


def _waiting(minutes: int, emails: int = 1, jobs: int = 0) -> None:
    """Queued mail and jobs, due (and created) `minutes` ago, that no worker took."""
    since = utcnow() - timedelta(minutes=minutes)
    for number in range(emails):
        message = queue_email(f"waiting{number}@example.org")
        message.next_attempt_at = message.created_at = since
    for number in range(jobs):
        db.session.add(Job(name="certificates.render", arguments={"id": number},
                           run_after=since, created_at=since))
    db.session.commit()


def test_ok_when_nothing_waits(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "queue": {"state": "ok"}}


def test_degraded_with_the_reason_when_due_work_waited_15_minutes(client) -> None:
    _waiting(15, emails=12, jobs=1)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json
    assert body["status"] == "degraded" and body["database"] == "ok"
    queue = body["queue"]
    assert queue["state"] == "stuck"
    assert queue["reason"] == ("12 emails and 1 job waiting for 15 minutes; "
                               "nothing has finished yet")
    assert queue["waiting"] == {"emails": 12, "jobs": 1}
    assert queue["oldest_due"].startswith((utcnow() - timedelta(minutes=15)).date().isoformat())


def test_the_reason_says_when_something_last_finished(client) -> None:
    finished = utcnow() - timedelta(minutes=40)
    sent_row("reminder", finished)
    _waiting(15, emails=1)

    queue = client.get("/healthz").json["queue"]

    # The time alone on the same day (UTC), with its date after midnight.
    same_day = finished.date() == utcnow().date()
    shown = f"{finished:%H:%M}" if same_day else f"{finished:%Y-%m-%d %H:%M}"
    assert queue["reason"] == (f"1 email and 0 jobs waiting for 15 minutes; nothing finished "
                               f"since {shown} UTC")
    assert queue["last_finished"].startswith(finished.date().isoformat())


def test_ok_while_work_still_finishes_or_has_waited_less_than_10_minutes(client) -> None:
    _waiting(5, emails=3)
    assert client.get("/healthz").json["status"] == "ok"

    _waiting(15, emails=1)
    assert client.get("/healthz").json["status"] == "degraded"
    # A busy worker: the queue is long, but work finishes (a periodic duty, just now).
    db.session.add(PeriodicRun(name="cohorts.reminders", period="2026-12-03",
                               finished_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    assert client.get("/healthz").json == {"status": "ok", "database": "ok",
                                           "queue": {"state": "ok"}}


def test_a_claim_left_by_a_dead_worker_counts_as_waiting(client) -> None:
    message = queue_email()
    message.status, message.claimed_until = RUNNING, utcnow() - timedelta(minutes=12)
    db.session.commit()

    queue = client.get("/healthz").json["queue"]

    assert queue["state"] == "stuck" and queue["waiting"] == {"emails": 1, "jobs": 0}


def test_admins_see_the_same_state_on_the_jobs_page(app: Flask, client, login_as) -> None:
    login_as("admin")
    assert "The queue is moving" in client.get("/admin/jobs").text

    _waiting(15, emails=2, jobs=1)
    page = client.get("/admin/jobs").text

    assert "The queue seems stuck" in page
    assert "2 emails and 1 job are waiting, the oldest for 15 minutes." in page
    assert "Nothing has finished yet." in page
    assert "flask --app wsgi lms worker" in page
