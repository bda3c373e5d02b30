"""A confirmation link opened by someone signed in as another person asks before switching."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import User, UserSession
from lms.extensions import db
from tests.factories import make_user


def _confirm_link(user: User) -> str:
    return f"/register/confirm/{services.make_token(user, 'confirm')}"


def _signed_in_name(client: FlaskClient) -> str | None:
    """Whose account page this browser gets (its name field), or None when signed out."""
    response = client.get("/account")
    if response.status_code != 200:
        return None
    match = re.search(r'name="name"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="name"',
                      response.text)
    assert match, "no name field on the account page"
    return match.group(1) or match.group(2)


def test_signed_in_as_someone_else_get_only_asks(client: FlaskClient, login_as) -> None:
    login_as(name="Ana Signed-In")
    newcomer = make_user(name="Ben Newcomer", email="ben@example.org", confirmed=False)
    page = client.get(_confirm_link(newcomer))
    assert page.status_code == 200
    assert ("You are signed in as Ana Signed-In. This link confirms the account of "
            "Ben Newcomer (ben@example.org).") in page.text
    assert "Sign out and continue" in page.text
    assert "Stay signed in as Ana Signed-In" in page.text
    # Nothing changed: still Ana, Ben still unconfirmed.
    assert _signed_in_name(client) == "Ana Signed-In"
    db.session.refresh(newcomer)
    assert newcomer.email_confirmed_at is None


def test_signed_in_as_someone_else_post_signs_out_and_continues(client: FlaskClient,
                                                               login_as) -> None:
    ana = login_as(name="Ana Signed-In")
    newcomer = make_user(name="Ben Newcomer", email="ben@example.org", confirmed=False)
    link = _confirm_link(newcomer)
    response = client.post(link, follow_redirects=True)
    assert "Your email address is confirmed. Welcome, Ben Newcomer." in response.text
    assert _signed_in_name(client) == "Ben Newcomer"
    db.session.refresh(newcomer)
    assert newcomer.email_confirmed_at is not None
    # Ana's sign-in is ended on the server, not just forgotten by this browser.
    assert db.session.scalar(select(UserSession.revoked_at).where(
        UserSession.user_id == ana.id)) is not None
    # The link is used up.
    assert client.get(link).status_code == 400


def test_signed_in_as_the_same_person_just_confirms(client: FlaskClient, login_as) -> None:
    ben = login_as(name="Ben Newcomer", confirmed=False)
    response = client.get(_confirm_link(ben), follow_redirects=True)
    assert "Your email address is confirmed. Welcome, Ben Newcomer." in response.text
    assert _signed_in_name(client) == "Ben Newcomer"
    db.session.refresh(ben)
    assert ben.email_confirmed_at is not None
    # The same sign-in goes on: none ended, none added.
    assert db.session.scalars(select(UserSession.revoked_at)).all() == [None]


def test_signed_out_the_link_confirms_and_signs_in(client: FlaskClient) -> None:
    ben = make_user(name="Ben Newcomer", confirmed=False)
    response = client.get(_confirm_link(ben), follow_redirects=True)
    assert "Welcome, Ben Newcomer." in response.text
    assert _signed_in_name(client) == "Ben Newcomer"


def test_a_bad_link_is_refused_before_asking(client: FlaskClient, login_as) -> None:
    login_as(name="Ana Signed-In")
    response = client.get("/register/confirm/not-a-token")
    assert response.status_code == 400
    assert "This link is not valid" in response.text
    assert _signed_in_name(client) == "Ana Signed-In"


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_continuing_needs_the_forms_token(client: FlaskClient, login_as) -> None:
    login_as(name="Ana Signed-In")
    newcomer = make_user(name="Ben Newcomer", confirmed=False)
    response = client.post(_confirm_link(newcomer))
    assert response.status_code == 400
    assert _signed_in_name(client) == "Ana Signed-In"
    db.session.refresh(newcomer)
    assert newcomer.email_confirmed_at is None
