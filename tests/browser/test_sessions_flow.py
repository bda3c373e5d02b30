"""Where you are signed in, signing out another device, and a confirmation link opened while
signed in as someone else, in a real browser, with accessibility checks on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.accounts import services
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0 Mobile Safari/537.36")


def _signed_in_browser(browser, live_server, user_agent: str | None = None,  # type: ignore[no-untyped-def]
                       width: int = 1100):
    context = browser.new_context(base_url=live_server.url, user_agent=user_agent,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back, Ana Ñúñez.")).to_be_visible()
    return context, page


def test_sign_out_another_device_then_everywhere(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    make_user(email="ana@example.org", name="Ana Ñúñez")
    laptop_context, laptop = _signed_in_browser(browser, live_server)
    phone_context, phone = _signed_in_browser(browser, live_server, PHONE, width=360)
    try:
        laptop.goto("/account")
        check_page(laptop, "account-devices")
        phone.goto("/account")
        devices = phone.get_by_role("region", name="Where you are signed in")
        expect(devices.get_by_role("row", name=re.compile("Chrome, Android.*this device"))
               ).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        check_page(phone, "account-devices-narrow")
        laptop_row = devices.get_by_role("row").filter(has_not_text="this device").nth(1)
        laptop_row.get_by_role("button", name=re.compile("Sign out")).click()
        expect(phone.get_by_text("That device is signed out.")).to_be_visible()
        laptop.reload()
        expect(laptop.get_by_role("navigation").get_by_role("link", name="Sign in")
               ).to_be_visible()

        phone.get_by_role("button", name="Français").click()
        phone.goto("/account")
        expect(phone.get_by_role("heading", name="Où vous êtes connecté·e")).to_be_visible()
        check_page(phone, "account-devices-fr")
        phone.get_by_role("button", name="Se déconnecter partout").click()
        expect(phone.get_by_text("Vous êtes déconnecté·e sur tous vos appareils")).to_be_visible()
        phone.goto("/account")
        expect(phone.get_by_role("heading", name="Se connecter")).to_be_visible()
    finally:
        laptop_context.close()
        phone_context.close()


def test_confirmation_link_for_someone_else_asks_first(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    make_user(email="ana@example.org", name="Ana Ñúñez")
    newcomer = make_user(email="ben@example.org", name="Ben Okoro", confirmed=False)
    link = f"/register/confirm/{services.make_token(newcomer, 'confirm')}"
    context, page = _signed_in_browser(browser, live_server)
    try:
        page.goto(link)
        expect(page.get_by_text("You are signed in as Ana Ñúñez. This link confirms the "
                                "account of Ben Okoro (ben@example.org).")).to_be_visible()
        check_page(page, "confirm-switch")
        page.get_by_role("button", name="Sign out and continue").click()
        expect(page.get_by_text("Your email address is confirmed. Welcome, Ben Okoro.")
               ).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("Ben Okoro"))).to_be_visible()
    finally:
        context.close()
