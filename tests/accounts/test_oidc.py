"""Single sign-on against a real OpenID provider (panva's oidc-provider, see oidc_provider.py):
new accounts, linking to an existing account, and every way a sign-in must be refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from lms.accounts import oidc
from lms.accounts.models import LinkedIdentity, User, UserSession
from lms.db import utcnow
from lms.extensions import db
from tests.accounts.oidc_provider import (
    Provider,
    free_port,
    needs_node,
    sign_in_at_provider,
    signing_keys,
)
from tests.factories import PASSWORD, make_user

pytestmark = needs_node
CALLBACK = "http://localhost/login/oidc/test/callback"  # as the test client builds it


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = Provider(redirect_uris=[CALLBACK],
                       post_logout_redirect_uris=["http://localhost/"]).start()
    yield running
    running.stop()


@pytest.fixture
def app_settings(provider: Provider) -> dict[str, object]:
    return provider.settings()


SignIn = Callable[..., TestResponse]


@pytest.fixture
def sso(client: FlaskClient) -> SignIn:
    """Sign in with the provider as `login`: our start, the provider's pages, our callback."""

    def sign_in(login: str, start: str = "/login/oidc/test", **options: object) -> TestResponse:
        started = client.post(start)
        assert started.status_code == 302, started.text
        back = sign_in_at_provider(started.location, login, CALLBACK, **options)  # type: ignore[arg-type]
        return client.get(back)

    return sign_in


def use(app: Flask, settings: dict[str, object]) -> None:
    """Point the test's app at other provider settings (Authlib's registry too)."""
    app.config.update(settings)
    oidc.init_app(app)


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def links() -> list[tuple[int, str, str, str]]:
    return [(link.user_id, link.provider, link.subject, link.email)
            for link in db.session.scalars(select(LinkedIdentity).order_by(LinkedIdentity.id))]


def signed_in_as(client: FlaskClient) -> str:
    """The name on the account page, or '' when the page asks to sign in."""
    page = client.get("/account")
    if page.status_code != 200:
        return ""
    user = db.session.scalar(select(User).join(UserSession).order_by(
        UserSession.created_at.desc()).limit(1))
    assert user is not None
    return user.name if user.email in page.text else ""


def test_a_first_sign_in_creates_a_confirmed_account(client: FlaskClient, sso: SignIn) -> None:
    response = sso("ana.lopez@example.org")
    assert response.status_code == 302 and response.location == "/"
    user = db.session.scalar(select(User).where(User.email == "ana.lopez@example.org"))
    assert user is not None
    assert user.name == "Ana Lopez" and user.password_hash is None
    assert user.email_confirmed_at is not None and user.locale == "en"
    assert links() == [(user.id, "test", "ana.lopez@example.org", "ana.lopez@example.org")]
    assert ("Welcome, Ana Lopez. Your account is ready: sign in with Test ID each time you "
            "come back.") in client.get("/").text
    assert signed_in_as(client) == "Ana Lopez"
    account = client.get("/account").text  # no password to change: how to get one instead
    assert "Current password" not in account and "Your account has no password" in account
    # The next sign-in finds the link: no second account.
    client.post("/logout")
    assert sso("ana.lopez@example.org").status_code == 302
    assert users() == 1 and len(links()) == 1


def test_next_is_kept_across_the_round_trip(client: FlaskClient, sso: SignIn) -> None:
    response = sso("marta", start="/login/oidc/test?next=/courses/")
    assert response.location == "/courses/"
    assert sso("marta", start="/login/oidc/test?next=https://evil.example/").location == "/"


def test_an_existing_account_is_linked_only_with_its_password(client: FlaskClient,
                                                              sso: SignIn) -> None:
    owner = make_user(email="owner@example.org", name="Owner")
    response = sso("owner@example.org")
    assert response.location == "/login/oidc/link"
    page = client.get("/login/oidc/link")
    assert ("An account with owner@example.org already exists: enter its password to link "
            "Test ID to it.") in page.text
    assert signed_in_as(client) == "" and links() == []
    wrong = client.post("/login/oidc/link", data={"password": "not the password"})
    assert wrong.status_code == 400 and "The password is not right." in wrong.text
    assert links() == [] and signed_in_as(client) == ""
    right = client.post("/login/oidc/link", data={"password": PASSWORD})
    assert right.status_code == 302
    assert links() == [(owner.id, "test", "owner@example.org", "owner@example.org")]
    assert "Test ID is linked to your account." in client.get("/").text
    assert signed_in_as(client) == "Owner" and users() == 1


def test_an_account_with_only_its_email_is_linked_and_signed_in(client: FlaskClient,
                                                                sso: SignIn) -> None:
    """An invitation not taken up yet: its email is its only key, which the provider verified
    (as the invitation's link would have)."""
    invited = make_user(email="invited@example.org", name="Invited Person", password_hash=None,
                        confirmed=False)
    response = sso("invited@example.org")
    assert response.status_code == 302
    assert signed_in_as(client) == "Invited Person" and users() == 1
    assert links() == [(invited.id, "test", "invited@example.org", "invited@example.org")]
    db.session.refresh(invited)
    assert invited.email_confirmed_at is not None and invited.password_hash is None


def test_an_account_with_another_provider_is_not_linked(client: FlaskClient,
                                                        sso: SignIn) -> None:
    owner = make_user(email="nopass@example.org", password_hash=None)
    db.session.add(LinkedIdentity(user_id=owner.id, provider="other", subject="elsewhere",
                                  email="nopass@example.org", created_at=utcnow()))
    db.session.commit()
    sso("nopass@example.org")
    page = client.get("/login/oidc/link")
    assert "Sign in the way you usually do, then link Test ID from your account page." \
        in page.text
    assert client.post("/login/oidc/link", data={"password": "x"}).status_code == 403
    assert links() == [(owner.id, "other", "elsewhere", "nopass@example.org")]


def test_messages_and_new_accounts_follow_the_page_language(client: FlaskClient,
                                                           sso: SignIn) -> None:
    with client.session_transaction() as session:
        session["lang"] = "fr"
    refused = sso("unverified-personne")
    assert refused.status_code == 403
    assert "Test ID ne nous a pas transmis d’adresse e-mail vérifiée" in refused.text
    sso("amelie@example.org")
    user = db.session.scalar(select(User).where(User.email == "amelie@example.org"))
    assert user is not None and user.locale == "fr"


def test_an_unverified_email_is_refused(client: FlaskClient, sso: SignIn) -> None:
    response = sso("unverified-person")
    assert response.status_code == 403
    assert "Test ID did not give us a verified email address" in response.text
    assert users() == 0 and links() == []


def test_another_claim_can_say_the_email_is_verified(app: Flask, client: FlaskClient,
                                                    sso: SignIn, provider: Provider) -> None:
    """Entra ID's case: no `email_verified`, but its optional claim `xms_edov`."""
    refused = sso("domain-verified@example.org")
    assert refused.status_code == 403 and users() == 0
    use(app, provider.settings(email_verified_claim="xms_edov"))
    assert sso("unverified@example.org").status_code == 403  # false there too: refused
    sso("domain-verified@example.org")
    user = db.session.scalar(select(User).where(User.email == "domain-verified@example.org"))
    assert user is not None and users() == 1
    assert links() == [(user.id, "test", "domain-verified@example.org",
                        "domain-verified@example.org")]


@pytest.mark.app_config(LMS_REGISTRATION="invite")
def test_an_invitation_only_site_creates_no_account_without_allowed_domains(
        client: FlaskClient, sso: SignIn) -> None:
    response = sso("stranger")
    assert response.status_code == 403 and "by invitation only" in response.text
    assert users() == 0


def test_a_domain_not_allowed_is_refused(app: Flask, client: FlaskClient, sso: SignIn,
                                         provider: Provider) -> None:
    use(app, provider.settings(allowed_domains=("gov.example",)))
    response = sso("someone@example.org")
    assert response.status_code == 403
    assert "Accounts at example.org cannot sign in with Test ID here." in response.text
    assert users() == 0
    app.config["LMS_REGISTRATION"] = "invite"  # the directory decides: accounts are created
    assert sso("minister@gov.example").status_code == 302 and users() == 1


def test_a_wrong_state_is_refused(client: FlaskClient, provider: Provider) -> None:
    started = client.post("/login/oidc/test")
    back = sign_in_at_provider(started.location, "mallory", CALLBACK)
    state = parse_qs(urlsplit(back).query)["state"][0]
    response = client.get(back.replace(state, "forged-state"))
    assert response.status_code == 400
    assert "Signing in with Test ID did not complete, and nobody was signed in." in response.text
    assert users() == 0
    assert client.get(back).status_code == 302  # the real state still works, once
    assert client.get(back).status_code == 400  # a replayed callback does not
    assert users() == 1


def test_a_wrong_nonce_is_refused(client: FlaskClient) -> None:
    started = client.post("/login/oidc/test")
    with client.session_transaction() as session:
        key = next(key for key in session if key.startswith("_state_test_"))
        session[key]["data"]["nonce"] = "not-the-nonce"
        session.modified = True
    response = client.get(sign_in_at_provider(started.location, "mallory", CALLBACK))
    assert response.status_code == 400 and "did not complete" in response.text
    assert users() == 0 and signed_in_as(client) == ""


def test_an_abort_at_the_provider_is_refused(client: FlaskClient, sso: SignIn) -> None:
    response = sso("someone", abort=True)
    assert response.status_code == 400 and "did not complete" in response.text
    assert users() == 0


def test_an_expired_id_token_is_refused(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    late = Provider(redirect_uris=[CALLBACK], clock_offset=-7200).start()
    try:
        use(app, late.settings())
        started = client.post("/login/oidc/test")
        response = client.get(sign_in_at_provider(started.location, "late", CALLBACK))
        assert response.status_code == 400 and "did not complete" in response.text
        assert users() == 0
    finally:
        late.stop()


def test_signing_keys(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    """A token signed by another key under a kid we know is refused; a new kid is fetched."""
    rotating = Provider(redirect_uris=[CALLBACK],
                        jwks_file=signing_keys(tmp_path / "a.json", "key-1")).start()
    try:
        use(app, rotating.settings())

        def sign_in(login: str) -> TestResponse:
            started = client.post("/login/oidc/test")
            return client.get(sign_in_at_provider(started.location, login, CALLBACK))

        assert sign_in("first").status_code == 302  # our app now holds key-1
        client.post("/logout")
        rotating.restart(jwks_file=signing_keys(tmp_path / "b.json", "key-1"))
        forged = sign_in("second")
        assert forged.status_code == 400 and "did not complete" in forged.text
        assert users() == 1
        rotating.restart(jwks_file=signing_keys(tmp_path / "c.json", "key-2"))
        assert sign_in("third").status_code == 302  # Authlib fetches the new key set
        assert users() == 2
    finally:
        rotating.stop()


def test_a_provider_that_is_down_leaves_password_sign_in(app: Flask, client: FlaskClient) -> None:
    use(app, Provider(redirect_uris=[], port=free_port()).settings())
    make_user(email="learner@example.org", name="Learner")
    response = client.post("/login/oidc/test")
    assert response.status_code == 503
    assert ("Test ID cannot be reached just now; try again in a few minutes, or sign in with "
            "your password.") in response.text
    assert 'name="password"' in response.text
    signed = client.post("/login", data={"email": "learner@example.org", "password": PASSWORD})
    assert signed.status_code == 302 and signed_in_as(client) == "Learner"


def test_a_provider_gone_before_the_callback_gives_a_clear_message(
        app: Flask, client: FlaskClient) -> None:
    leaving = Provider(redirect_uris=[CALLBACK]).start()
    try:
        use(app, leaving.settings())
        started = client.post("/login/oidc/test")
        back = sign_in_at_provider(started.location, "someone", CALLBACK)
    finally:
        leaving.stop()
    response = client.get(back)  # the token endpoint no longer answers
    assert response.status_code == 503 and "Test ID cannot be reached just now" in response.text
    assert users() == 0


def test_sign_out_is_local_when_the_provider_cannot_be_reached(
        app: Flask, client: FlaskClient, sso: SignIn) -> None:
    sso("someone@example.org")
    use(app, Provider(redirect_uris=[], port=free_port()).settings())  # metadata not cached
    response = client.post("/logout")
    assert response.location == "/" and signed_in_as(client) == ""
    assert "You are signed out." in client.get("/").text


def test_the_sign_in_page_offers_the_provider(client: FlaskClient, provider: Provider) -> None:
    page = client.get("/login?next=/courses/")
    assert "Sign in with Test ID" in page.text
    assert ("A provider gives this site only your name, your email address and the identifier "
            "of your account there.") in page.text
    # Browsers check form-action on the redirect that follows the POST (Chromium blocks it).
    assert f"form-action 'self' {provider.issuer};" in page.headers["Content-Security-Policy"]
    assert 'action="/login/oidc/test?next=/courses/"' in page.text
    assert client.get("/login/oidc/test").status_code == 405  # starting is a POST
    assert client.post("/login/oidc/nobody").status_code == 404


def test_sign_out_ends_the_provider_session(client: FlaskClient, sso: SignIn,
                                            provider: Provider) -> None:
    browser = requests.Session()  # the person's browser, signed in at the provider too
    sso("leaving@example.org", browser=browser)
    response = client.post("/logout")
    end = urlsplit(response.location)
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{provider.issuer}/session/end"
    query = parse_qs(end.query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/"]
    assert query["client_id"] == ["lms-test"] and query["id_token_hint"][0].count(".") == 2
    assert signed_in_as(client) == ""
    confirmation = browser.get(response.location, timeout=10)
    assert confirmation.status_code == 200 and 'id="op.logoutForm"' in confirmation.text
    action = re.search(r'action="([^"]+)"', confirmation.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirmation.text)
    assert action and xsrf
    done = browser.post(action.group(1), data={"xsrf": xsrf.group(1), "logout": "yes"},
                        allow_redirects=False, timeout=10)
    assert done.headers["Location"].startswith("http://localhost/")  # back to our home page
    # A password sign-in signs out here only.
    make_user(email="pw@example.org")
    client.post("/login", data={"email": "pw@example.org", "password": PASSWORD})
    assert client.post("/logout").location == "/"


def test_an_account_created_meanwhile_by_another_tab_is_signed_in(app: Flask) -> None:
    """Two callbacks of the same person at once: the second finds the first's account."""
    from sqlalchemy import event

    identity = oidc.Identity(provider="test", subject="twin@example.org",
                             email="twin@example.org", name="Twin")
    first, created = oidc.sign_in_user(identity, locale="en")
    assert created
    # The second request looked before the first committed: it saw no link and no account.
    real_linked, real_find = oidc._linked, oidc.find_user_by_email
    seen: list[str] = []

    def not_yet(*args: object) -> None:
        seen.append("looked")

    oidc._linked, oidc.find_user_by_email = not_yet, not_yet  # type: ignore[assignment]
    try:
        def restore(*args: object) -> None:
            oidc._linked, oidc.find_user_by_email = real_linked, real_find

        event.listen(db.session, "after_rollback", restore, once=True)
        second, created = oidc.sign_in_user(identity, locale="en")
    finally:
        oidc._linked, oidc.find_user_by_email = real_linked, real_find
    assert seen and not created and second.id == first.id
    assert users() == 1 and len(links()) == 1
