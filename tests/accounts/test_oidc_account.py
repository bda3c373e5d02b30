"""Sign-in providers on the account page (link, list, remove) and LMS_PASSWORD_LOGIN=off,
against a real OpenID provider (see oidc_provider.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import LinkedIdentity, User
from lms.config import Config, ConfigError
from lms.db import utcnow
from lms.extensions import db
from tests.accounts.oidc_provider import Provider, needs_node, sign_in_at_provider
from tests.factories import PASSWORD, make_user

pytestmark = needs_node
CALLBACK = "http://localhost/login/oidc/test/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = Provider(redirect_uris=[CALLBACK]).start()
    yield running
    running.stop()


@pytest.fixture
def app_settings(provider: Provider) -> dict[str, object]:
    return provider.settings()


def linked_to(user: User) -> list[str]:
    return list(db.session.scalars(select(LinkedIdentity.subject)
                                   .where(LinkedIdentity.user_id == user.id)))


def add_link(user: User, subject: str, provider: str = "test") -> LinkedIdentity:
    link = LinkedIdentity(user_id=user.id, provider=provider, subject=subject,
                          email=user.email, created_at=utcnow())
    db.session.add(link)
    db.session.commit()
    return link


def test_the_account_page_links_a_provider(client: FlaskClient,
                                           login_as: Callable[..., User]) -> None:
    user = login_as(email="me@example.org", name="Me")
    page = client.get("/account")
    assert "Sign-in providers" in page.text and "Link Test ID" in page.text
    started = client.post("/account/oidc/test/link")
    back = sign_in_at_provider(started.location, "me.at.work@example.org", CALLBACK)
    response = client.get(back)
    assert response.location == "/account#providers"
    assert linked_to(user) == ["me.at.work@example.org"]
    page = client.get("/account")
    assert "Test ID is linked to your account." in page.text
    assert "me.at.work@example.org" in page.text and "Link Test ID" not in page.text


def test_a_provider_identity_linked_to_another_account_is_refused(
        client: FlaskClient, login_as: Callable[..., User]) -> None:
    other = make_user()
    add_link(other, "taken")
    me = login_as()
    started = client.post("/account/oidc/test/link")
    page = client.get(sign_in_at_provider(started.location, "taken", CALLBACK))
    assert page.status_code == 409 and "Sign-in providers" in page.text
    assert "This Test ID account is already linked to another account here." in page.text
    assert linked_to(me) == [] and linked_to(other) == ["taken"]


def test_linking_an_unverified_email_is_refused_on_the_account_page(
        client: FlaskClient, login_as: Callable[..., User]) -> None:
    me = login_as()
    started = client.post("/account/oidc/test/link")
    page = client.get(sign_in_at_provider(started.location, "unverified-me", CALLBACK))
    assert page.status_code == 403 and "Your account" in page.text
    assert "Test ID did not give us a verified email address" in page.text
    assert linked_to(me) == []


def test_links_are_removed_but_never_the_last_way_in(client: FlaskClient,
                                                     login_as: Callable[..., User]) -> None:
    me = login_as(password_hash=None)
    mine = add_link(me, "mine")
    others = add_link(make_user(), "someone-else")
    refused = client.post(f"/account/oidc/{mine.id}/remove")
    assert refused.status_code == 409
    assert "This is the only way you can sign in, so it cannot be removed." in refused.text
    assert linked_to(me) == ["mine"]
    not_mine = client.post(f"/account/oidc/{others.id}/remove")
    assert not_mine.status_code == 404
    assert "This provider is not linked to your account." in not_mine.text
    assert db.session.get(LinkedIdentity, others.id) is not None
    second = add_link(me, "mine-too", provider="test")
    assert client.post(f"/account/oidc/{second.id}/remove").status_code == 303
    assert linked_to(me) == ["mine"]
    assert "Test ID is no longer linked to your account." in client.get("/account").text


def test_a_password_is_another_way_in(client: FlaskClient,
                                      login_as: Callable[..., User]) -> None:
    me = login_as()
    link = add_link(me, "mine")
    assert client.post(f"/account/oidc/{link.id}/remove").status_code == 303
    assert linked_to(me) == []


@pytest.mark.app_config(LMS_PASSWORD_LOGIN=False)
def test_with_passwords_off_only_the_providers_sign_in(client: FlaskClient) -> None:
    make_user(email="pw@example.org")
    page = client.get("/login")
    assert "Sign in with Test ID" in page.text
    assert 'name="password"' not in page.text and "Forgot your password?" not in page.text
    assert "Create an account" not in page.text
    refused = client.post("/login", data={"email": "pw@example.org", "password": PASSWORD})
    assert refused.status_code == 403
    assert "Passwords are not used to sign in here" in refused.text
    assert client.get("/account").status_code == 302  # not signed in
    for address in ("/register", "/password/reset"):
        assert "there is no password to create or reset" in client.get(address).text
        assert client.post(address, data={"email": "pw@example.org"}).status_code == 403


@pytest.mark.app_config(LMS_PASSWORD_LOGIN=False)
def test_with_passwords_off_a_password_is_not_a_way_in(client: FlaskClient,
                                                       login_as: Callable[..., User]) -> None:
    me = login_as()
    link = add_link(me, "mine")
    assert client.post(f"/account/oidc/{link.id}/remove").status_code == 409
    assert linked_to(me) == ["mine"]


def test_settings_are_checked() -> None:
    environ = {"LMS_OIDC_PROVIDERS": "Keycloak, entra",
               "LMS_OIDC_KEYCLOAK_ISSUER": "https://id.example/realms/ogp",
               "LMS_OIDC_KEYCLOAK_CLIENT_ID": "lms", "LMS_OIDC_KEYCLOAK_LABEL": "OGP account",
               "LMS_OIDC_KEYCLOAK_ALLOWED_DOMAINS": "Gov.example, ogp.example",
               "LMS_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/t/v2.0",
               "LMS_OIDC_ENTRA_CLIENT_ID": "abc", "LMS_PASSWORD_LOGIN": "off"}
    config = Config(environ)
    config.check()
    keycloak = config.LMS_OIDC_PROVIDERS["keycloak"]
    assert list(config.LMS_OIDC_PROVIDERS) == ["keycloak", "entra"]
    assert keycloak.label == "OGP account"
    assert keycloak.allowed_domains == ("gov.example", "ogp.example")
    assert keycloak.metadata_url == \
        "https://id.example/realms/ogp/.well-known/openid-configuration"
    assert config.LMS_OIDC_PROVIDERS["entra"].label == "Entra"
    with pytest.raises(ConfigError, match="LMS_OIDC_ENTRA_CLIENT_ID"):
        Config({**environ, "LMS_OIDC_ENTRA_CLIENT_ID": ""})
    with pytest.raises(ConfigError, match="not a provider name"):
        Config({"LMS_OIDC_PROVIDERS": "link", "LMS_OIDC_LINK_ISSUER": "https://x",
                "LMS_OIDC_LINK_CLIENT_ID": "lms"})  # /login/oidc/link is a page of ours
    with pytest.raises(ConfigError, match="needs at least one sign-in provider"):
        Config({"LMS_PASSWORD_LOGIN": "off"}).check()


@pytest.mark.app_config(LMS_PASSWORD_LOGIN=False)
def test_with_passwords_off_an_invitation_leads_to_the_provider(
        client: FlaskClient, outbox: Callable[[], list[str]]) -> None:
    from lms.accounts import services
    from lms.accounts.models import Role

    invited = services.invite(email="guest@example.org", name="Guest", role=Role.LEARNER,
                              locale="en", invited_by=None)
    db.session.commit()
    message = outbox()[-1]
    assert "Sign in here with your organisation's account, using this email address:" in message
    assert "http://localhost/login" in message
    assert "Choose your password" not in message and "/invitation/" not in message
    # An invitation link emailed before passwords were switched off leads to the sign-in too.
    token = services.make_token(invited, "invite")
    page = client.get(f"/invitation/{token}")
    assert "there is no password to create or reset" in page.text
    assert client.post(f"/invitation/{token}", data={"password": "x" * 12,
                                                     "confirm": "x" * 12}).status_code == 403
    db.session.refresh(invited)
    assert invited.password_hash is None
