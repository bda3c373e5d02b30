"""A facilitator schedules a session; a learner in another time zone sees it on their clock
and downloads the .ics: each page passes axe, at laptop and phone widths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from lms.accounts.models import Role
from lms.db import utcnow
from lms.extensions import db
from tests.browser.conftest import check_page, signed_in
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def _overflow(page) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")



@pytest.mark.parametrize("width", [1280, 390])
def test_a_session_from_scheduling_to_the_learners_calendar(browser, live_server,  # type: ignore[no-untyped-def]
                                                            width: int) -> None:
    facilitator = make_user(Role.FACILITATOR, email="jelena@example.org")
    learner = make_user(email="lucas@example.org", timezone="America/Bogota")
    cohort = make_cohort(facilitators=[facilitator], members=[learner], slug="wb-2026",
                         name="Western Balkans 2026")
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    day = utcnow().date() + timedelta(days=5)

    context, page = signed_in(browser, live_server, "jelena@example.org", width=width)
    page.goto("/cohorts/wb-2026/sessions")
    check_page(page, "sessions-facilitator")
    page.get_by_label("Title").fill("Action plan clinic")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("19:30")
    page.get_by_label("Where").fill("https://meet.example.org/wb")
    page.get_by_label("Agenda").fill("1. Commitments\n2. *Questions*")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.get_by_text("Session scheduled.")).to_be_visible()
    check_page(page, "session-facilitator")
    assert _overflow(page) <= 0
    context.close()

    context, page = signed_in(browser, live_server, "lucas@example.org", width=width)
    page.goto("/")
    expect(page.get_by_role("link", name="Action plan clinic")).to_be_visible()
    page.goto("/cohorts/wb-2026/sessions")
    check_page(page, "sessions-learner")
    page.get_by_role("link", name="Action plan clinic").click()
    # 18:00 in Belgrade is noon in Bogotá (winter) or 11:00 (summer time in Belgrade).
    expect(page.get_by_text("America/Bogota")).to_be_visible()
    when = page.locator("dd").first.inner_text()
    assert "12:00" in when or "11:00" in when
    check_page(page, "session-learner")
    assert _overflow(page) <= 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar").click()
    body = download.value.path().read_bytes()
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Action plan clinic (Western Balkans 2026)"
    assert event.decoded("DTSTART").hour in (16, 17)  # UTC
    page.goto("/account")
    page.get_by_role("button", name="Get my calendar address").click()
    assert "/calendar/" in page.get_by_label("Your calendar address").input_value()
    check_page(page, "account-calendar")
    context.close()
