"""Consent in a real browser: a facilitator invites an existing learner, who accepts from their
home page, shares one reflection and keeps another private; the facilitator sees exactly the
shared one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.accounts.models import Role
from lms.courses import services as courses
from tests.browser.conftest import check_page
from tests.cohorts.helpers import make_cohort
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

COURSE = "open-government-101"
SHARED = "Our budget portal needs a feedback form; I will raise it with my director."
PRIVATE = "I doubt my minister will back open contracting before the election."


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()


def _reflect(page, lesson_path: str, text: str, who: str) -> None:  # type: ignore[no-untyped-def]
    """Write a lesson's reflection and choose who may read it."""
    page.goto(lesson_path)
    reflection = page.locator("section.reflection")
    reflection.get_by_label("Your reflection").fill(text)
    reflection.get_by_role("radio", name=re.compile(who)).check()
    reflection.get_by_role("button", name="Save my reflection").click()


def test_invited_learner_accepts_and_shares_one_reflection(page) -> None:  # type: ignore[no-untyped-def]
    facilitator = make_user(Role.FACILITATOR, email="jelena@example.org", name="Jelena Marković")
    make_user(email="ana@example.org", name="Ana Ñúñez", country="CO")
    make_cohort(facilitators=[facilitator], name="Western Balkans 2026", slug="wb-2026")
    lessons = courses.get_course(COURSE).lessons

    _sign_in(page, "jelena@example.org")
    page.goto("/cohorts/wb-2026/members")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Full name").fill("Ana")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to ana@example.org")).to_be_visible()
    invitations = page.get_by_role("region", name=re.compile("invitation", re.IGNORECASE))
    expect(invitations).to_contain_text("ana@example.org")
    check_page(page, "consent-members-invited")
    # Before she accepts, the dashboard knows nothing of her, not even her name.
    page.goto("/cohorts/wb-2026/progress")
    expect(page.get_by_role("main")).not_to_contain_text("Ñúñez")
    _sign_out(page)

    _sign_in(page, "ana@example.org")
    page.goto("/")
    notice = page.get_by_role("region", name=re.compile("invited to a cohort"))
    expect(notice).to_contain_text("Western Balkans 2026")
    expect(notice).to_contain_text("reflections you choose to share")
    check_page(page, "consent-home-invitation")
    notice.get_by_role("button", name=re.compile("Accept")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Western Balkans 2026")

    first = f"/courses/{COURSE}/{lessons[0].lesson_id}/"
    second = f"/courses/{COURSE}/{lessons[1].lesson_id}/"
    _reflect(page, first, SHARED, "Me and the facilitators")
    expect(page.get_by_text("You and the facilitators of your cohorts for this course can "
                            "read this reflection.")).to_be_visible()
    check_page(page, "consent-reflection-shared")
    _reflect(page, second, PRIVATE, "Only me")
    expect(page.get_by_text("Only you can read this reflection.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, "jelena@example.org")
    page.goto("/cohorts/wb-2026/progress")
    page.get_by_role("link", name="Ana Ñúñez").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(SHARED)
    expect(main).not_to_contain_text(PRIVATE)
    check_page(page, "consent-facilitator-learner")
