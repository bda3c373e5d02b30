"""Unsubscribing: List-Unsubscribe on the emails a person may switch off (and only those), the
one-click page behind it, and the email choices on the account page."""

from __future__ import annotations

import base64
import json
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from lms import mail
from lms.accounts.models import User
from lms.extensions import db
from tests.factories import make_user, tampered

REMINDERS_STOP = "You will no longer receive reminders about lessons due."


def _delivered(app: Flask, outbox) -> list[EmailMessage]:
    """The delivered emails with all their headers (the outbox fixture shows only a few)."""
    outbox()
    folder = Path(app.config["LMS_OUTBOX"])
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def _queue_reminder(user: User) -> None:
    mail.queue(mail.compose(user.email, "Your next lessons", "Lesson 3 is due."),
               kind="reminder", user_id=user.id)
    db.session.commit()


def _unsubscribe_path(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<http://localhost/unsubscribe/") and header.endswith(">"), header
    return urlsplit(header[1:-1]).path


def test_a_reminder_carries_one_click_unsubscribe_and_a_password_reset_does_not(
        app: Flask, client, outbox) -> None:
    user = make_user(email="ana@example.org")
    _queue_reminder(user)
    client.post("/password/reset", data={"email": "ana@example.org"})

    reminder, reset = _delivered(app, outbox)

    assert reminder["Subject"] == "Your next lessons"
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(reminder)
    # On one line in the file: a folded link would be sent as an encoded word.
    raw = sorted(Path(app.config["LMS_OUTBOX"]).glob("*.eml"))[0].read_bytes()
    assert f"List-Unsubscribe: <http://localhost{path}>\r\n".encode() in raw
    assert "reset" in reset["Subject"].lower()
    assert reset["List-Unsubscribe"] is None and reset["List-Unsubscribe-Post"] is None


def test_the_token_names_the_person_by_id_never_by_address(app: Flask) -> None:
    user = make_user(email="ana@example.org")
    token = mail.unsubscribe_token(user.id, "reminder")
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert json.loads(decoded) == [user.id, "reminder"]
    assert "ana@example.org" not in token


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_one_click_post_without_session_or_token_switches_reminders_off(
        app: Flask, outbox) -> None:
    user = make_user()
    _queue_reminder(user)
    [reminder] = _delivered(app, outbox)
    path = _unsubscribe_path(reminder)

    # What a mail provider sends (RFC 8058): a bare POST, no cookie, no CSRF token.
    response = app.test_client(use_cookies=False).post(
        path, data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert REMINDERS_STOP in response.text
    assert 'href="/account#emails"' in response.text
    db.session.refresh(user)
    assert user.email_reminders is False and user.email_digest is True
    # Twice is the same as once.
    again = app.test_client(use_cookies=False).post(path, data="List-Unsubscribe=One-Click",
                                                    content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200
    db.session.refresh(user)
    assert user.email_reminders is False


def test_opening_the_link_only_says_what_will_stop(app: Flask, client) -> None:
    user = make_user()
    path = urlsplit(mail.unsubscribe_link(user.id, "reminder")).path

    response = client.get(path)

    assert response.status_code == 200
    assert REMINDERS_STOP in response.text
    assert "Password resets and invitations always come." in response.text
    assert f'<form method="post" action="{path}">' in response.text
    db.session.refresh(user)
    assert user.email_reminders is True


def test_a_digest_link_stops_only_the_digest(app: Flask, client) -> None:
    facilitator = make_user(role="facilitator")
    path = urlsplit(mail.unsubscribe_link(facilitator.id, "digest")).path
    assert "weekly digest" in client.get(path).text

    client.post(path)

    db.session.refresh(facilitator)
    assert facilitator.email_digest is False and facilitator.email_reminders is True


def test_an_old_link_keeps_working_after_the_account_changed(app: Flask, client) -> None:
    user = make_user()
    path = urlsplit(mail.unsubscribe_link(user.id, "reminder")).path
    user.session_token, user.password_hash = "0" * 32, "changed"
    db.session.commit()

    assert client.post(path).status_code == 200
    db.session.refresh(user)
    assert user.email_reminders is False


@pytest.mark.parametrize("language, text", [
    ("en", "This unsubscribe link is not complete or was changed."),
    ("fr", "Ce lien de désabonnement est incomplet ou a été modifié."),
    ("es", "Este enlace para darse de baja está incompleto o fue modificado."),
])
def test_a_tampered_token_gets_a_clear_400_in_the_visitors_language(
        app: Flask, client, language: str, text: str) -> None:
    user = make_user()
    token = mail.unsubscribe_token(user.id, "reminder")
    headers = {"Accept-Language": language}

    for method in ("GET", "POST"):
        response = client.open(f"/unsubscribe/{tampered(token)}", method=method, headers=headers)
        assert response.status_code == 400 and text in response.text
    # Signed by us but for a kind nobody may switch off (a password reset): refused too.
    forged = mail._unsubscribe_serializer().dumps([user.id, "account"])
    assert client.post(f"/unsubscribe/{forged}", headers=headers).status_code == 400
    db.session.refresh(user)
    assert user.email_reminders is True


def test_learners_choose_reminders_on_their_account_page(client, login_as) -> None:
    user = login_as("learner")
    page = client.get("/account").text
    assert '<input checked id="email_reminders" name="email_reminders"' in page
    assert 'name="email_digest"' not in page
    assert "Password resets, invitations and certificate notices always come." in page

    response = client.post("/account/emails", data={}, follow_redirects=True)

    assert "Your email choices are saved." in response.text
    db.session.refresh(user)
    assert user.email_reminders is False and user.email_digest is True  # not theirs to change
    client.post("/account/emails", data={"email_reminders": "y"})
    db.session.refresh(user)
    assert user.email_reminders is True


def test_facilitators_also_choose_the_weekly_digest(client, login_as) -> None:
    user = login_as("facilitator")
    assert 'name="email_digest"' in client.get("/account").text

    client.post("/account/emails", data={"email_reminders": "y"})

    db.session.refresh(user)
    assert user.email_reminders is True and user.email_digest is False
    page = client.get("/account").text
    assert '<input id="email_digest" name="email_digest" type="checkbox" value="y">' in page
    assert '<input checked id="email_reminders" name="email_reminders"' in page


def test_a_facilitators_reminder_ends_with_the_link_that_stops_reminders_in_french(
        app: Flask, client, login_as, outbox) -> None:
    from lms.accounts.models import Role
    from tests.cohorts.helpers import make_cohort

    facilitator = login_as(Role.FACILITATOR)
    learner = make_user(email="lea@example.org", locale="fr")
    make_cohort(facilitators=[facilitator], members=[learner], slug="wb")
    client.post("/cohorts/wb/reminders", data={
        "learners": [learner.id], "subject": "Un rappel", "body": "Bonjour {name}"})

    [message] = _delivered(app, outbox)

    text = message.get_body(preferencelist=("plain",)).get_content()
    footer = text.replace("\r\n", "\n").rsplit("\n-- \n", 1)[1]
    assert footer.startswith("Pour ne plus recevoir de rappels par e-mail, ouvrez cette page")
    path = urlsplit(footer.split(": ", 1)[1].strip()).path
    assert path == _unsubscribe_path(message)  # the same page as the header's
    client.post("/logout")
    client.post(path, data={"List-Unsubscribe": "One-Click"})
    db.session.expire_all()
    assert db.session.get(User, learner.id).email_reminders is False
