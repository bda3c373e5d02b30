"""Registration: a new learner account, confirmed by email, without revealing who has one."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.extensions import db
from lms.jobs.models import OutboxMessage
from tests.accounts.helpers import link_in, page_without_tokens
from tests.factories import make_user

FORM = {
    "name": "Nguyễn Thị Anh",
    "email": "Anh.Nguyen@Example.org ",
    "password": "a long enough passphrase",
    "country": "VN",
    "organisation": "Ministry of Home Affairs",
    "locale": "fr",
}


def test_register_creates_an_unconfirmed_learner_and_emails_a_link(client: FlaskClient,
                                                                    outbox) -> None:
    response = client.post("/register", data=FORM)
    assert response.status_code == 200
    assert "Check your email" in response.text
    user = db.session.scalar(select(User).where(User.email == "anh.nguyen@example.org"))
    assert user is not None
    assert (user.name, user.country, user.organisation, user.locale, user.role) == (
        "Nguyễn Thị Anh", "VN", "Ministry of Home Affairs", "fr", Role.LEARNER)
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("scrypt:")
    [message] = outbox()
    assert "To: anh.nguyen@example.org" in message
    # The email is in the language the person chose.
    assert "Confirmez votre adresse" in message


def test_confirmation_link_signs_in_and_works_once(client: FlaskClient, outbox) -> None:
    client.post("/register", data={**FORM, "locale": "en"})
    link = link_in(outbox()[0])
    response = client.get(link, follow_redirects=True)
    assert "Nguyễn Thị Anh" in response.text
    user = db.session.scalar(select(User).where(User.email == "anh.nguyen@example.org"))
    assert user.email_confirmed_at is not None
    second = client.get(link)
    assert second.status_code == 400
    assert "already been used" in second.text


def test_unconfirmed_account_cannot_sign_in_yet(client: FlaskClient) -> None:
    client.post("/register", data=FORM)
    response = client.post("/login", data={"email": FORM["email"], "password": FORM["password"]})
    assert response.status_code == 400
    assert "Please confirm your email address first" in response.text


def test_registering_a_taken_email_looks_the_same_and_warns_the_owner(client: FlaskClient,
                                                                      outbox) -> None:
    make_user(email="anh.nguyen@example.org", name="Original Owner")
    response = client.post("/register", data=FORM)
    assert response.status_code == 200
    assert "Check your email" in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    [message] = outbox()
    assert "You already have one" in message
    owner = db.session.scalar(select(User))
    assert owner.name == "Original Owner"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.org."),
        ({"password": "short"}, "Use between 10 and 128 characters."),
        ({"name": ""}, "Enter your name."),
        ({"country": ""}, "Choose your country."),
        ({"country": "ZZ"}, "Not a valid choice"),
        ({"locale": "xx"}, "Not a valid choice"),
    ],
)
def test_invalid_registration_shows_the_problem(client: FlaskClient, change: dict,
                                                message: str) -> None:
    response = client.post("/register", data={**FORM, **change})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    # What the person typed is kept, except the password.
    assert 'value="Ministry of Home Affairs"' in response.text
    assert FORM["password"] not in response.text


@pytest.mark.app_config(LMS_REGISTRATION="invite")
def test_invitation_only_registration_is_closed(client: FlaskClient) -> None:
    page = client.get("/register")
    assert "Registration is by invitation" in page.text
    assert 'name="password"' not in page.text
    response = client.post("/register", data=FORM)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_registration_answers_the_same_whatever_happens_to_the_mail(
        app, client: FlaskClient, outbox, caplog: pytest.LogCaptureFixture) -> None:
    make_user(email="taken@example.org")
    taken = client.post("/register", data={**FORM, "email": "taken@example.org"})
    new = client.post("/register", data={**FORM, "email": "newone@example.org"})
    assert len(outbox()) == 2  # a worker delivered both
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    with caplog.at_level("WARNING", logger="lms.jobs"):
        failing = client.post("/register", data={**FORM, "email": "other@example.org"})
        outbox()
    assert taken.status_code == new.status_code == failing.status_code == 200
    pages = [page_without_tokens(response.text).replace(address, "X@")
             for response, address in ((taken, "taken@"), (new, "newone@"),
                                       (failing, "other@"))]
    assert pages[0] == pages[1] == pages[2]
    assert "Check your email" in failing.text
    assert len(outbox()) == 2
    # The failure is the worker's: in its log, and the message waits for its next attempt.
    assert "to other@example.org postponed (attempt 1): ConnectionRefusedError" in caplog.text
    assert db.session.scalar(select(OutboxMessage.recipient).where(
        OutboxMessage.status == "queued")) == "other@example.org"
