"""Signing in and out."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.accounts.helpers import make_user_session
from tests.factories import PASSWORD, make_user


def test_sign_in_and_out(client: FlaskClient) -> None:
    make_user(email="ana@example.org", name="Ana Ñúñez")
    response = client.post("/login", data={"email": " ANA@example.org", "password": PASSWORD},
                           follow_redirects=True)
    assert "Welcome back, Ana Ñúñez." in response.text
    assert db.session.scalar(select(User.last_sign_in_at)) is not None
    response = client.post("/logout", follow_redirects=True)
    assert "You are signed out." in response.text
    assert "Ana Ñúñez" not in response.text


def test_logout_by_get_only_shows_a_button(client: FlaskClient, login_as) -> None:
    login_as(name="Still Here")
    page = client.get("/logout")
    assert page.status_code == 200
    assert "Still Here" in client.get("/").text


@pytest.mark.parametrize("email", ["ana@example.org", "nobody@example.org"])
def test_wrong_credentials_get_the_same_message(client: FlaskClient, email: str) -> None:
    make_user(email="ana@example.org")
    response = client.post("/login", data={"email": email, "password": "wrong password"})
    assert response.status_code == 400
    assert "The email address or password is not right." in response.text


def test_sign_in_returns_to_the_page_asked_for(client: FlaskClient) -> None:
    make_user(email="ana@example.org")
    response = client.post("/login?next=/account", data={"email": "ana@example.org",
                                                         "password": PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_sign_in_never_redirects_to_another_site(client: FlaskClient, target: str) -> None:
    make_user(email="ana@example.org")
    response = client.post(f"/login?next={target}", data={"email": "ana@example.org",
                                                          "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_empty_form_shows_field_messages(client: FlaskClient) -> None:
    response = client.post("/login", data={})
    assert response.status_code == 400
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LMS_SIGNIN_LIMIT="3 per minute")
def test_sign_in_is_rate_limited(client: FlaskClient) -> None:
    for _ in range(3):
        assert client.post("/login", data={"email": "x@example.org",
                                           "password": "wrong"}).status_code == 400
    response = client.post("/login", data={"email": "x@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    # Reading the page is not limited.
    assert client.get("/login").status_code == 200


def test_a_password_change_elsewhere_ends_this_session(app: Flask, client: FlaskClient,
                                                       login_as) -> None:
    user = login_as(name="Ana")
    assert "Ana" in client.get("/account").text
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = make_user_session(user)
    response = other_device.post("/account/password", data={
        "current_password": PASSWORD, "password": "a new passphrase here"})
    assert response.status_code == 302
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    # The device that changed it stays signed in.
    assert other_device.get("/account").status_code == 200
