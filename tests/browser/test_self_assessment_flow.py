"""A learner rates the course's statements before starting, finishes the course, rates them
again and sees how the answers moved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.courses import services as courses
from lms.extensions import db
from tests.browser.conftest import check_page
from tests.certificates.helpers import COURSE, answer_checks, complete
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_before_and_after(page, live_server) -> None:  # type: ignore[no-untyped-def]
    learner = make_user(email="ines@example.org", name="Inès Haddad")
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email address").fill("ines@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/courses/{COURSE}/")
    page.get_by_role("link", name="Take the self-assessment (2 minutes)").click()
    check_page(page, "self-assessment-before")
    groups = page.locator("fieldset.rating")
    for position in range(groups.count()):
        groups.nth(position).get_by_label("2 – a little").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers are recorded.")).to_be_visible()

    complete(learner, len(courses.get_course(COURSE).lessons) - 1)  # all but the last
    last = courses.get_course(COURSE).lessons[-1]
    answer_checks(learner, last)
    db.session.commit()
    page.goto(f"/courses/{COURSE}/{last.lesson_id}/")
    page.get_by_role("button", name="Mark as done").click()
    page.goto(f"/courses/{COURSE}/")
    page.get_by_role("link", name="Take the self-assessment again").click()
    for position in range(groups.count()):
        groups.nth(position).get_by_label("4 – mostly").check()
    page.get_by_label("What would you most like to change").fill("Open our budget data.")
    page.get_by_role("button", name="Send my answers").click()
    table = page.get_by_role("table", name="Your answers before and after the course")
    expect(table).to_be_visible()
    expect(table.get_by_text("+2").first).to_be_visible()
    check_page(page, "self-assessment-comparison")
