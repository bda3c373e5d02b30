"""The time zone a browser offers at sign-in becomes the person's own, unless they chose one."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.factories import PASSWORD, make_user


def _sign_in(client: FlaskClient, offered: str) -> str:
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD,
                                           "browser_timezone": offered}, follow_redirects=True)
    assert "Welcome back" in response.text
    return db.session.scalar(select(User.timezone).where(User.email == "ana@example.org"))


def test_the_browsers_time_zone_is_kept_when_the_person_has_none(client: FlaskClient) -> None:
    make_user(email="ana@example.org")
    assert _sign_in(client, "America/Bogota") == "America/Bogota"
    page = client.get("/account").text
    assert '<option selected value="America/Bogota">' in page


def test_a_chosen_time_zone_is_never_replaced(client: FlaskClient) -> None:
    make_user(email="ana@example.org", timezone="Europe/Belgrade")
    assert _sign_in(client, "America/Bogota") == "Europe/Belgrade"


@pytest.mark.parametrize("offered", ["", "Mars/Olympus", "US/Eastern", "x" * 500])
def test_what_is_not_a_listed_time_zone_is_ignored(client: FlaskClient, offered: str) -> None:
    make_user(email="ana@example.org")
    assert _sign_in(client, offered) is None


def test_the_sign_in_page_carries_the_field_and_our_script(client: FlaskClient) -> None:
    page = client.get("/login").text
    assert 'name="browser_timezone"' in page and "data-browser-timezone" in page
    assert '<script src="/static/timezone.js" defer></script>' in page
