"""A facilitator creates a cohort, imports members from a CSV, and follows their progress."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.db import utcnow
from lms.extensions import db
from tests.browser.conftest import check_page
from tests.certificates.helpers import complete
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

COURSE = "open-government-101"
CSV = ("email,name,country,organisation\n"
       "ana@example.org,Ana Ñúñez,CO,Secretaría de Transparencia\n"
       "bo@example.org,Bo Sow,SN,Ministère de la Fonction publique\n"
       "broken-address,Nobody,SN,Office\n"
       "cy@example.org,Cy Ahmeti,AL,Agency for Information Society\n")


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _accept_from_home(page, email: str) -> None:  # type: ignore[no-untyped-def]
    """An invited person signs in (choosing a password first if new) and accepts."""
    user = accounts.find_user_by_email(email)
    if user.password_hash is None:
        page.goto(f"/invitation/{accounts.make_token(user, 'invite')}")
        page.get_by_label("New password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("password", re.IGNORECASE)).click()
    else:
        _sign_in(page, email)
    page.goto("/")
    invitation = page.get_by_role("region", name="You are invited to a cohort")
    expect(invitation).to_contain_text("Western Balkans 2026")
    if email == "ana@example.org":
        check_page(page, "home-invitation")
    invitation.get_by_role("button", name=re.compile("^Accept")).click()
    expect(page.get_by_text("Welcome to Western Balkans 2026.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()


def _progress(email: str, lessons: int) -> None:
    """A learner finishes lessons the way the lesson pages do it."""
    complete(accounts.find_user_by_email(email), lessons)


def test_facilitator_runs_a_cohort(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    make_user(Role.ADMIN, email="admin@example.org", name="Amara Okafor")
    make_user(Role.FACILITATOR, email="jelena@example.org", name="Jelena Marković")
    make_user(email="ana@example.org", name="Ana Ñúñez", country="CO")

    _sign_in(page, "admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="New cohort").click()
    start = utcnow().date() - timedelta(days=30)
    page.get_by_label("Name").fill("Western Balkans 2026")
    page.get_by_label("Address").fill("wb-2026")
    page.get_by_label("Region or theme").select_option("western-balkans")
    page.get_by_label("Course").select_option(COURSE)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + timedelta(days=70)).isoformat())
    page.get_by_label(re.compile("Jelena Marković")).check()
    check_page(page, "cohort-new")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule")
    check_page(page, "cohort-schedule")
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    _sign_in(page, "jelena@example.org")
    page.goto("/cohorts/wb-2026/members")
    check_page(page, "cohort-members")
    page.get_by_role("link", name="Add many people from a CSV file").click()
    upload = tmp_path / "people.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("3 people to invite, 0 already members, 1 line "
                            "with a problem")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("broken-address"))).to_contain_text(
        "is not a valid email address")
    check_page(page, "cohort-import-preview")
    page.get_by_role("button", name=re.compile("Confirm: invite 3 people")).click()
    expect(page.get_by_text("Invitations sent to 3 people. They join the cohort once they "
                            "accept.")).to_be_visible()
    # Until they accept, the facilitator sees their addresses only.
    expect(page.get_by_role("row", name=re.compile("ana@example.org"))).to_contain_text("invited")
    expect(page.get_by_text("Ana Ñúñez")).to_have_count(0)
    check_page(page, "cohort-members-invited")

    _progress("ana@example.org", 4)
    _progress("bo@example.org", 1)
    db.session.commit()
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    for email in ("ana@example.org", "bo@example.org", "cy@example.org"):
        _accept_from_home(page, email)

    _sign_in(page, "jelena@example.org")
    page.goto("/cohorts/wb-2026/members")

    page.get_by_role("link", name="Progress").click()
    rows = {name: page.get_by_role("row", name=re.compile(name))
            for name in ("Ana Ñúñez", "Bo Sow", "Cy Ahmeti")}
    expect(rows["Ana Ñúñez"]).to_contain_text("4/10")
    expect(rows["Ana Ñúñez"]).to_contain_text("On track")
    expect(rows["Bo Sow"]).to_contain_text("1/10")
    expect(rows["Bo Sow"]).to_contain_text("Behind")
    expect(rows["Cy Ahmeti"]).to_contain_text("0/10")
    check_page(page, "cohort-progress")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    exported = list(csv.reader(io.StringIO(
        download.value.path().read_text(encoding="utf-8-sig"))))
    table = {row[0]: row for row in exported[1:]}
    for name in ("Ana Ñúñez", "Bo Sow", "Cy Ahmeti"):
        shown = rows[name].inner_text()
        assert f"{table[name][5]}/{table[name][6]}" in shown
        assert table[name][4] in shown

    rows["Bo Sow"].get_by_role("checkbox").check()
    page.get_by_role("button", name="Remind the selected learners").click()
    check_page(page, "cohort-reminder")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Reminder sent to 1 learners.")).to_be_visible()

    page.get_by_role("link", name="Ana Ñúñez").click()
    check_page(page, "cohort-learner")


def test_dashboard_fits_a_phone_screen(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    from tests.cohorts.helpers import make_cohort

    facilitator = make_user(Role.FACILITATOR, email="jelena@example.org")
    make_cohort(facilitators=[facilitator], members=[make_user(name="Ana Ñúñez")], slug="wb")
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        _sign_in(page, "jelena@example.org")
        page.goto("/cohorts/wb/progress")
        expect(page.get_by_role("row", name=re.compile("Ana Ñúñez"))).to_be_attached()
        # The wide table scrolls inside its own box; the page itself does not.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
