"""A person who never chose a time zone gets the one their browser runs in, at sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.browser.conftest import signed_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_signing_in_from_manila_sets_manila(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    make_user(email="anh@example.org")
    context, page = signed_in(browser, live_server, "anh@example.org", timezone_id="Asia/Manila")
    expect(page.get_by_text("Welcome back")).to_be_visible()
    assert db.session.scalar(select(User.timezone)) == "Asia/Manila"
    page.goto("/account")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Manila")
    context.close()
