"""An admin retries a failed email from /admin/jobs, and a person stops reminders from the
link in one, at laptop and phone widths: pages that fit their column and pass axe."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from lms import mail
from lms.accounts.models import Role
from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import FAILED, Job
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_user
from tests.jobs.helpers import fail_everything_due, queue_email, sent_row

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def _overflow(page) -> float:  # type: ignore[no-untyped-def]
    """How far the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_retries_a_failed_email(browser, live_server, run_jobs, width: int) -> None:  # type: ignore[no-untyped-def]
    make_user(Role.ADMIN, email="admin@example.org")
    queue_email("someone.with.a.long.address@ministry-of-public-service.example.org",
                subject="You are invited to Open Government Leadership", kind="invitation")
    fail_everything_due(live_server.app, run_jobs)
    db.session.add(Job(name="certificates.render_pdf", arguments={"certificate_id": 42},
                       status=FAILED, attempts=8, last_error="Traceback (most recent call "
                       "last):\n  File \"render.py\", line 3\nOSError: fonts missing"))
    for days in range(3):
        sent_row("reminder", utcnow() - timedelta(days=days))
    sent_row("account", utcnow())
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/admin/jobs")
    check_page(page, "admin-jobs")
    assert _overflow(page) <= 0
    page.get_by_role("button", name=re.compile(r"^Retry\b.*email to someone")).click()
    expect(page.get_by_text("is back in the outbox")).to_be_visible()
    check_page(page, "admin-jobs-retried")
    page.goto("/account")
    page.get_by_label("A weekly digest of your cohorts' progress").uncheck()
    page.get_by_role("button", name="Save your email choices").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    check_page(page, "account-emails")
    assert _overflow(page) <= 0
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_person_stops_reminders_from_the_link(browser, live_server, width: int) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    path = urlsplit(mail.unsubscribe_link(user.id, "reminder")).path
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()

    page.goto(path)
    check_page(page, "unsubscribe")
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", name="These emails are stopped")).to_be_visible()
    check_page(page, "unsubscribed")
    assert _overflow(page) <= 0
    page.goto("/unsubscribe/not-a-token")
    check_page(page, "unsubscribe-invalid")
    context.close()
    db.session.refresh(user)
    assert user.email_reminders is False
