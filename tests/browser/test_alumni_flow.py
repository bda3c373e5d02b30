"""An alumna lists her profile; another alumnus finds her by an accented search with a filter
and writes to her; she reads the message with his address."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests.alumni.helpers import graduate, make_graduate
from tests.browser.conftest import check_page
from tests.cohorts.helpers import make_cohort
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_list_find_and_write(browser, live_server, outbox) -> None:  # type: ignore[no-untyped-def]
    cohort = make_cohort(name="Latin America 2025", focus="latin-america-caribbean")
    alumna = make_user(email="joana@example.org", name="Joana Conceição", country="BR")
    graduate(alumna, cohort)
    make_graduate(cohort, name="Pedro Lima", organisation="Prefeitura de São Paulo",
                  country="PE", themes=["justice"])
    make_graduate(name="Colleague Writer", email="writer@example.org",
                  organisation="Ministry of Justice", country="RS")
    db.session.commit()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100,
                                                                      "height": 900})
    page = context.new_page()
    _sign_in(page, "joana@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alumni").click()
    page.get_by_role("link", name="My profile").click()
    expect(page.get_by_text("Your profile is hidden")).to_be_visible()
    check_page(page, "alumni-my-profile")
    page.get_by_label("Alumni, facilitators and the programme team").check()
    page.get_by_label("Job title").fill("Head of participation")
    page.get_by_label("Organisation").fill("Prefeitura de São Paulo")
    page.get_by_label("Country").select_option("BR")
    page.get_by_label("Participation and inclusion").check()
    page.get_by_label("Portuguese").check()
    page.get_by_label("About you").fill("I run **participatory budgeting** in São Paulo.")
    page.get_by_label("LinkedIn or personal web page").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("alert")).to_contain_text("https://")
    page.get_by_label("LinkedIn or personal web page").fill("https://www.linkedin.com/in/joana")
    page.get_by_label("I am open to peer exchange").check()
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is listed in the alumni directory.")).to_be_visible()
    context.close()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100,
                                                                      "height": 900})
    page = context.new_page()
    _sign_in(page, "writer@example.org")
    page.goto("/alumni/")
    page.get_by_label("Words").fill("sao paulo")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 alumni found")).to_be_visible()
    page.get_by_label("Region").select_option(label="Latin America and the Caribbean (2)")
    page.get_by_label("Theme").select_option(label="Participation and inclusion (1)")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 alumnus found")).to_be_visible()
    check_page(page, "alumni-directory")
    page.get_by_role("link", name="Joana Conceição").click()
    expect(page.get_by_text("participatory budgeting")).to_be_visible()
    check_page(page, "alumni-profile")
    page.get_by_label("Your message").fill("Could you tell me how you started?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_text("Your message was sent to Joana Conceição.")).to_be_visible()
    assert "joana@example.org" not in page.content()
    context.close()

    [email] = outbox()
    link = re.search(r"https?://[^/\s]+(/alumni/messages/\d+)", email)[1]
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    _sign_in(page, "joana@example.org")
    page.goto(link)
    expect(page.get_by_role("link", name="writer@example.org")).to_be_visible()
    check_page(page, "alumni-message")
    context.close()
