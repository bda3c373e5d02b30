"""Forgotten password: an emailed, signed, expiring, single-use link."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms.accounts import services
from lms.extensions import db
from lms.jobs.models import OutboxMessage
from tests.accounts.helpers import link_in, page_without_tokens
from tests.factories import PASSWORD, make_user, sign_in_id, tampered

NEW_PASSWORD = "a brand new passphrase"


def test_reset_flow_sets_a_new_password(client: FlaskClient, outbox) -> None:
    user = make_user(email="ana@example.org")
    response = client.post("/password/reset", data={"email": "ana@example.org"})
    assert "Check your email" in response.text
    [message] = outbox()
    assert "To: ana@example.org" in message and "Reset your password" in message
    link = link_in(message)
    assert link.startswith("/password/reset/")
    assert "Choose a new password" in client.get(link).text
    response = client.post(link, data={"password": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is set" in response.text
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert not check_password_hash(user.password_hash, PASSWORD)


def test_reset_link_works_only_once(client: FlaskClient, outbox) -> None:
    make_user(email="ana@example.org")
    client.post("/password/reset", data={"email": "ana@example.org"})
    link = link_in(outbox()[0])
    client.post(link, data={"password": NEW_PASSWORD})
    response = client.post(link, data={"password": "another passphrase"})
    assert response.status_code == 400
    assert "already been used" in response.text


def test_reset_link_expires(app: Flask, client: FlaskClient, outbox) -> None:
    make_user(email="ana@example.org")
    client.post("/password/reset", data={"email": "ana@example.org"})
    link = link_in(outbox()[0])
    app.config["LMS_PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in response.text


def test_forged_reset_link_is_refused(client: FlaskClient) -> None:
    user = make_user()
    token = services.make_token(user, "reset")
    response = client.get(f"/password/reset/{tampered(token)}")
    assert response.status_code == 400
    assert "This link is not valid" in response.text
    # A token for another purpose does not reset a password either.
    response = client.get(f"/password/reset/{services.make_token(user, 'confirm')}")
    assert response.status_code == 400


def test_unknown_email_gets_the_same_answer_and_no_mail(client: FlaskClient, outbox) -> None:
    make_user(email="ana@example.org")
    known = client.post("/password/reset", data={"email": "ana@example.org"})
    unknown = client.post("/password/reset", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert (page_without_tokens(known.text).replace("ana@", "X@")
            == page_without_tokens(unknown.text).replace("nobody@", "X@"))
    assert len(outbox()) == 1


def test_reset_ends_other_sessions(client: FlaskClient, app: Flask, outbox) -> None:
    user = make_user(email="ana@example.org")
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    assert other_device.get("/account").status_code == 200
    client.post("/password/reset", data={"email": "ana@example.org"})
    client.post(link_in(outbox()[0]), data={"password": NEW_PASSWORD})
    assert other_device.get("/account").status_code == 302


@pytest.mark.parametrize(("language", "subject", "body"), [
    ("fr", "Réinitialisez votre mot de passe", "Bonjour Awa,"),
    ("es", "Restablezca su contraseña", "Hola, Awa:\n\nPara elegir una nueva contraseña"),
])
def test_reset_in_the_users_language(client: FlaskClient, outbox, language: str, subject: str,
                                     body: str) -> None:
    make_user(name="Awa", email="awa@example.org", locale=language)
    client.post("/password/reset", data={"email": "awa@example.org"})
    [message] = outbox()
    assert f"Subject: {subject}" in message and body in message.replace("\r\n", "\n")
    assert "Reset your password" not in message and "Hello" not in message


def test_reset_confirms_an_unconfirmed_address(client: FlaskClient, outbox) -> None:
    user = make_user(email="ana@example.org", confirmed=False)
    client.post("/password/reset", data={"email": "ana@example.org"})
    client.post(link_in(outbox()[0]), data={"password": NEW_PASSWORD})
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LMS_SIGNIN_LIMIT="2 per minute")
def test_reset_requests_are_rate_limited(client: FlaskClient) -> None:
    for _ in range(2):
        client.post("/password/reset", data={"email": "x@example.org"})
    assert client.post("/password/reset", data={"email": "x@example.org"}).status_code == 429


def test_too_short_new_password_is_refused(client: FlaskClient, outbox) -> None:
    make_user(email="ana@example.org")
    client.post("/password/reset", data={"email": "ana@example.org"})
    link = link_in(outbox()[0])
    response = client.post(link, data={"password": "short"})
    assert response.status_code == 400
    assert "Use between 10 and 128 characters." in response.text
    # The link still works after a mistake.
    assert client.get(link).status_code == 200


SMTP_DOWN = "smtp://127.0.0.1:9"  # nothing listens there: the connection is refused


def test_the_answer_is_the_same_whatever_happens_to_the_mail(
        app: Flask, client: FlaskClient, outbox, caplog: pytest.LogCaptureFixture) -> None:
    make_user(email="ana@example.org")
    known = client.post("/password/reset", data={"email": "ana@example.org"})
    unknown = client.post("/password/reset", data={"email": "nobody@example.org"})
    assert len(outbox()) == 1  # the worker found the account, and only that one
    app.config["LMS_MAIL_URL"] = SMTP_DOWN
    with caplog.at_level("WARNING", logger="lms.jobs"):
        failing = client.post("/password/reset", data={"email": "ana@example.org"})
        outbox()
    assert known.status_code == unknown.status_code == failing.status_code == 200
    assert page_without_tokens(known.text) == page_without_tokens(failing.text)
    assert (page_without_tokens(known.text).replace("ana@", "X@")
            == page_without_tokens(unknown.text).replace("nobody@", "X@"))
    assert "Check your email" in failing.text
    # Only the first request's email went out; the failure is in the log, not on the page,
    # and the message waits in the outbox for its next attempt.
    assert len(outbox()) == 1
    assert "to ana@example.org postponed (attempt 1): ConnectionRefusedError" in caplog.text
    assert "refused" not in failing.text.lower()
    waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "queued"))
    assert [message.recipient for message in waiting] == ["ana@example.org"]
