"""A signed-in user's own details and password."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.security import check_password_hash

from lms.extensions import db
from tests.factories import PASSWORD


def test_user_updates_their_details(client: FlaskClient, login_as) -> None:
    user = login_as(name="Ana")
    response = client.post("/account", data={"name": "Ana Ñúñez", "country": "CO",
                                             "organisation": "Secretaría", "locale": "fr"},
                           follow_redirects=True)
    assert "Vos informations sont enregistrées." in response.text
    db.session.refresh(user)
    assert (user.name, user.country, user.organisation, user.locale) == (
        "Ana Ñúñez", "CO", "Secretaría", "fr")


def test_user_changes_their_password(client: FlaskClient, login_as) -> None:
    user = login_as()
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": "a new passphrase here"},
                           follow_redirects=True)
    assert "Your password is changed" in response.text
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, "a new passphrase here")
    # This device stays signed in.
    assert client.get("/account").status_code == 200


def test_wrong_current_password_is_refused(client: FlaskClient, login_as) -> None:
    user = login_as()
    response = client.post("/account/password", data={"current_password": "wrong one",
                                                      "password": "a new passphrase here"})
    assert response.status_code == 400
    assert "Your current password is not right." in response.text
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)
