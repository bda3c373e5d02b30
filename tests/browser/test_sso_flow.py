"""Single sign-on in a real browser: our sign-in button, the provider's own login and consent
pages (panva's oidc-provider, tests/accounts/oidc_provider.py), back to our site signed in;
then sign-out ends the provider's session too and comes back to our home page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts import oidc
from lms.accounts.models import LinkedIdentity, User
from lms.extensions import db
from tests.accounts.oidc_provider import Provider, needs_node
from tests.browser.conftest import LiveServer, check_page

pytestmark = [pytest.mark.browser, needs_node, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


@pytest.fixture
def provider(app: Flask, live_server: LiveServer) -> Iterator[Provider]:
    """A provider that knows the served app's address, and the app pointed at it."""
    running = Provider(redirect_uris=[f"{live_server.url}/login/oidc/test/callback"],
                       post_logout_redirect_uris=[f"{live_server.url}/"]).start()
    app.config.update(running.settings(label="Test ID"))
    oidc.init_app(app)
    yield running
    running.stop()


def test_sign_in_with_a_provider_and_sign_out_there_too(  # type: ignore[no-untyped-def]
        page, live_server: LiveServer, provider: Provider) -> None:
    page.goto("/login?next=/account")
    check_page(page, "login-with-provider")
    page.get_by_role("button", name="Sign in with Test ID").click()
    # The provider's own pages, on its own origin.
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer)))
    page.locator("input[name=login]").fill("ines.garcia@example.org")
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    # Back on our site, signed in, where we were going.
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.get_by_text("Welcome, Ines Garcia. Your account is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign-in providers")).to_be_visible()
    expect(page.get_by_role("cell", name="ines.garcia@example.org")).to_be_visible()
    check_page(page, "account-with-provider")
    user = db.session.scalar(select(User).where(User.email == "ines.garcia@example.org"))
    assert user is not None and user.email_confirmed_at is not None
    assert db.session.scalar(select(LinkedIdentity.subject)) == "ines.garcia@example.org"

    page.get_by_role("button", name="Sign out").first.click()
    # The provider asks whether to end its session too; yes brings us back home.
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer)))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile("^" + re.escape(f"{live_server.url}/")))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Sign in", exact=True)).to_be_visible()
