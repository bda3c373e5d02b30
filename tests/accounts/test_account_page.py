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


def test_the_account_offers_three_languages_each_named_in_itself(client: FlaskClient,
                                                                login_as) -> None:
    user = login_as(name="Ana", country="CO")
    page = client.get("/account").text
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español")):
        assert f'value="{code}">{name}</option>' in page
    response = client.post("/account", data={"name": "Ana", "country": "CO", "organisation": "",
                                             "locale": "es"}, follow_redirects=True)
    assert '<html lang="es">' in response.text
    assert "Sus datos se guardaron." in response.text
    db.session.refresh(user)
    assert user.locale == "es"


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


def test_a_person_chooses_their_time_zone_or_goes_back_to_their_cohorts(
        client: FlaskClient, login_as) -> None:
    user = login_as(name="Ana", country="PE")
    page = client.get("/account")
    assert '<option selected value="">My cohort\'s time zone</option>' in page.text
    assert '<option value="America/Lima">America/Lima</option>' in page.text
    details = {"name": "Ana", "country": "PE", "organisation": "", "locale": "en"}

    client.post("/account", data={**details, "timezone": "America/Lima"})
    db.session.refresh(user)
    assert user.timezone == "America/Lima"
    assert '<option selected value="America/Lima">' in client.get("/account").text

    client.post("/account", data={**details, "timezone": ""})
    db.session.refresh(user)
    assert user.timezone is None


def test_a_time_zone_not_in_the_list_is_refused_with_a_message(client: FlaskClient,
                                                               login_as) -> None:
    user = login_as(name="Ana", country="PE", locale="fr")
    response = client.post("/account", data={"name": "Ana", "country": "PE", "organisation": "",
                                             "locale": "fr", "timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Choisissez un fuseau horaire dans la liste." in response.text
    db.session.refresh(user)
    assert user.timezone is None
