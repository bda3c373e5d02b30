"""A newcomer's path through accounts, in a real browser, with accessibility checks on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import link_in
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

NEW_PASSWORD = "a fresh passphrase"


def _sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_register_sign_out_sign_in_reset_and_switch_to_french(page, outbox) -> None:
    page.goto("/")
    check_page(page, "home")

    page.get_by_role("link", name="Create an account").first.click()
    check_page(page, "register")
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("alert").get_by_text("Enter your name.")).to_be_visible()
    check_page(page, "register-errors")

    page.get_by_label("Full name").fill("Łukasz Nowak")
    page.get_by_label("Email address").fill("lukasz@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Country").select_option("MD")
    page.get_by_label("Organisation").fill("State Chancellery")
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_page(page, "register-check-email")

    page.goto(link_in(outbox()[-1]))
    confirmed = "Your email address is confirmed. Welcome, Łukasz Nowak."
    expect(page.get_by_text(confirmed)).to_be_visible()
    expect(page.get_by_text("Learner").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    _sign_in(page, "lukasz@example.org", PASSWORD)
    expect(page.get_by_text("Welcome back, Łukasz Nowak.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("navigation").get_by_role("link", name="Sign in").click()
    check_page(page, "login")
    page.get_by_role("link", name="Forgot your password?").click()
    check_page(page, "reset-request")
    page.get_by_label("Email address").fill("lukasz@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto(link_in(outbox()[-1]))
    check_page(page, "reset-choose-password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("Your password is set. You are signed in.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, "lukasz@example.org", PASSWORD)
    expect(page.get_by_text("The email address or password is not right.")).to_be_visible()
    check_page(page, "login-error")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back, Łukasz Nowak.")).to_be_visible()

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    check_page(page, "home-fr")
    page.goto("/account")
    expect(page.get_by_role("heading", name=re.compile("Votre compte"))).to_be_visible()
    check_page(page, "account-fr")


def test_admin_pages_are_accessible(page) -> None:  # type: ignore[no-untyped-def]
    make_user(role="admin", email="admin@example.org", name="Amara Okafor")
    make_user(name="Jelena Marković", email="jelena@example.org")
    page.goto("/")
    _sign_in(page, "admin@example.org", PASSWORD)
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("row", name=re.compile("Jelena Marković"))).to_be_visible()
    check_page(page, "admin-users")
    page.get_by_role("link", name="Invite someone").click()
    check_page(page, "admin-invite")


def test_everything_works_without_javascript(browser, live_server, outbox) -> None:  # type: ignore[no-untyped-def]
    make_user(email="ana@example.org", name="Ana Ñúñez")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Email address").fill("ana@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Welcome back, Ana Ñúñez.")).to_be_visible()
        page.get_by_role("button", name="Français").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    finally:
        context.close()


def test_narrow_screen_layout(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto("/register")
        # Nothing wider than the phone's screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        check_page(page, "register-narrow")
    finally:
        context.close()
