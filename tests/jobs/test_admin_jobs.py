"""/admin/jobs: what admins see of background work, and Retry / Discard on what failed."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from lxml import html
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.jobs import queue
from lms.jobs.models import DISCARDED, DONE, FAILED, QUEUED, SENT, Job, OutboxMessage
from tests.jobs.helpers import fail_everything_due, queue_email, row_cells, sent_row

CALLS: list[str] = []
RENDERER = {"down": True}


@queue.handler("tests.render_handout")
def render_handout(lesson: str) -> None:
    """A job that fails while the (pretend) renderer is down."""
    if RENDERER["down"]:
        raise RuntimeError("the PDF renderer is down")
    CALLS.append(lesson)


@pytest.fixture
def failed_job(app: Flask, run_jobs) -> Job:
    CALLS.clear()
    RENDERER["down"] = True
    queue.enqueue("tests.render_handout", lesson="intro")
    app.config["LMS_MAX_ATTEMPTS"] = 1
    run_jobs()
    app.config["LMS_MAX_ATTEMPTS"] = 8
    job = db.session.scalars(select(Job)).one()
    assert job.status == FAILED
    return job


def _eml_files(app: Flask) -> list[Path]:
    folder = Path(app.config["LMS_OUTBOX"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_admins_see_counts_by_state_and_failures_with_their_error(
        app: Flask, client, login_as, run_jobs, failed_job: Job) -> None:
    login_as("admin")
    assert '<a href="/admin/jobs">Jobs</a>' in client.get("/").text  # in the admin's menu
    queue_email("lost@example.org", subject="Your invitation", kind="invitation")
    fail_everything_due(app, run_jobs)
    queue_email("sent@example.org")
    run_jobs()  # delivered
    queue_email("waiting1@example.org")
    queue_email("waiting2@example.org")
    later = queue_email("later@example.org")
    later.next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.commit()

    page = client.get("/admin/jobs").text

    assert row_cells(page, "now", "Emails") == {
        "Queued": "2", "Scheduled": "1", "Running": "0", "Failed": "1", "Sent today": "1"}
    assert row_cells(page, "now", "Jobs") == {
        "Queued": "0", "Scheduled": "0", "Running": "0", "Failed": "1", "Done today": "0"}
    failed = row_cells(page, "failed-mail", "lost@example.org")
    assert failed["Subject"] == "Your invitation" and failed["Kind"] == "Invitation"
    assert failed["Attempts"] == "1"
    assert failed["Last error"].startswith("ConnectionRefusedError")
    job = row_cells(page, "failed-jobs", "tests.render_handout")
    assert job["Arguments"] == "lesson='intro'"
    assert "RuntimeError: the PDF renderer is down" in job["Last error"]
    latest = row_cells(page, "recent", "later@example.org")
    assert latest["State"] == "Scheduled"
    assert "flask --app wsgi lms worker" in page


def test_retry_sends_a_failed_email_again_with_the_same_message_id(
        app: Flask, client, login_as, run_jobs, outbox) -> None:
    login_as("admin")
    message = queue_email("lost@example.org", subject="Your invitation", kind="invitation")
    fail_everything_due(app, run_jobs)
    assert db.session.get(OutboxMessage, message.id).status == FAILED
    assert _eml_files(app) == []

    response = client.post(f"/admin/jobs/mail/{message.id}/retry")

    assert response.status_code == 303
    assert "lost@example.org is back in the outbox" in client.get("/admin/jobs").text
    db.session.expire_all()
    assert (message.status, message.attempts) == (QUEUED, 0)
    [email] = outbox()
    assert "To: lost@example.org" in email and "Your invitation" in email
    [path] = _eml_files(app)
    delivered = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    db.session.expire_all()
    assert delivered["Message-ID"] == message.message_id
    assert message.status == SENT


def test_discard_gives_up_on_a_failed_email(app: Flask, client, login_as, run_jobs,
                                            outbox) -> None:
    login_as("admin")
    message = queue_email("lost@example.org")
    fail_everything_due(app, run_jobs)

    response = client.post(f"/admin/jobs/mail/{message.id}/discard", follow_redirects=True)

    assert "lost@example.org is discarded" in response.text
    assert "No failed emails." in response.text
    db.session.expire_all()
    assert message.status == DISCARDED
    assert outbox() == []


def test_retry_and_discard_act_only_on_failed_work(app: Flask, client, login_as,
                                                   outbox) -> None:
    login_as("admin")
    message = queue_email("ana@example.org")
    outbox()  # sent

    for action in ("retry", "discard"):
        response = client.post(f"/admin/jobs/mail/{message.id}/{action}", follow_redirects=True)
        assert "Nothing was changed: it is no longer failed (now: Sent)" in response.text
    db.session.expire_all()
    assert message.status == SENT and len(outbox()) == 1
    assert client.post("/admin/jobs/mail/999999/retry").status_code == 404


def test_a_failed_job_is_retried_or_discarded(app: Flask, client, login_as, run_jobs,
                                              failed_job: Job) -> None:
    login_as("admin")
    RENDERER["down"] = False

    client.post(f"/admin/jobs/{failed_job.id}/retry")
    run_jobs()

    db.session.expire_all()
    assert failed_job.status == DONE and CALLS == ["intro"]
    other = Job(name="tests.render_handout", arguments={"lesson": "two"}, status=FAILED,
                attempts=8, last_error="RuntimeError: gone")
    db.session.add(other)
    db.session.commit()
    response = client.post(f"/admin/jobs/{other.id}/discard", follow_redirects=True)
    assert "tests.render_handout is discarded" in response.text
    assert "No failed jobs." in response.text
    db.session.expire_all()
    assert other.status == DISCARDED
    run_jobs()
    assert CALLS == ["intro"]


@pytest.mark.parametrize("role", ["learner", "facilitator"])
def test_only_admins_see_or_act(app: Flask, client, login_as, run_jobs, role: str,
                                failed_job: Job) -> None:
    login_as(role)
    message = queue_email("lost@example.org")
    fail_everything_due(app, run_jobs)

    assert client.get("/admin/jobs").status_code == 403
    for url in (f"/admin/jobs/mail/{message.id}/retry", f"/admin/jobs/mail/{message.id}/discard",
                f"/admin/jobs/{failed_job.id}/retry", f"/admin/jobs/{failed_job.id}/discard"):
        assert client.post(url).status_code == 403, url
    db.session.expire_all()
    assert message.status == FAILED and failed_job.status == FAILED
    assert 'href="/admin/jobs"' not in client.get("/").text  # not in their menu


def test_sent_by_day_counts_the_rows_of_each_day_and_kind(app: Flask, client,
                                                          login_as) -> None:
    login_as("admin")
    now = utcnow()
    for _ in range(3):
        sent_row("reminder", now)
    sent_row("account", now)
    two_days_ago = now - timedelta(days=2)
    sent_row("invitation", two_days_ago)
    sent_row("invitation", two_days_ago)
    sent_row("invitation", now - timedelta(days=20))  # before the 14 days shown

    page = client.get("/admin/jobs").text

    tree = html.fromstring(page)
    [region] = tree.xpath('//div[@aria-labelledby="sent-by-day"]')
    rows = region.xpath(".//tbody/tr")
    assert len(rows) == 14
    by_day = {row.xpath("string(.//time/@datetime)"): {
        cell.get("data-label"): cell.text_content().strip() for cell in row.xpath("./td")}
        for row in rows}
    assert by_day[now.date().isoformat()] == {
        "Sent": "4", "Account": "1", "Invitation": "0",
        "Reminder": "3"}
    assert by_day[two_days_ago.date().isoformat()]["Sent"] == "2"
    assert by_day[two_days_ago.date().isoformat()]["Invitation"] == "2"
    assert sum(int(cells["Sent"]) for cells in by_day.values()) == 6
    assert "Background jobs" in page  # the admin menu's link


def test_the_page_reads_in_french(app: Flask, client, login_as) -> None:
    login_as("admin", locale="fr")
    sent_row("reminder", utcnow())

    page = client.get("/admin/jobs").text

    assert "Tâches en arrière-plan" in page and "Rappel" in page
    [today] = html.fromstring(page).xpath(
        f'//time[@datetime="{utcnow().date().isoformat()}"]')
    assert today.text_content() != utcnow().date().isoformat()
