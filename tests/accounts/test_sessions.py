"""Sessions that end: once signed out, no copy of the cookies signs anyone in again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from lms.accounts import sessions
from lms.accounts.models import User, UserSession
from lms.extensions import db
from tests.accounts.helpers import link_in, make_user_session
from tests.factories import PASSWORD, make_user

REMEMBER = "remember_token"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0 Mobile Safari/537.36")


def _sign_in(app: Flask, email: str, user_agent: str = FIREFOX) -> FlaskClient:
    """A new browser, signed in through the form with "keep me signed in" ticked."""
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    response = browser.post("/login", data={"email": email, "password": PASSWORD,
                                            "remember": "y"})
    assert response.status_code == 302
    return browser


def _cookies(app: Flask, browser: FlaskClient) -> dict[str, str]:
    names = (app.config["SESSION_COOKIE_NAME"], REMEMBER)
    found = {name: browser.get_cookie(name) for name in names}
    assert all(found.values()), f"missing cookies: {found}"
    return {name: cookie.value for name, cookie in found.items()}


def _replay(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """Another browser holding copies of these cookies only."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def _is_anonymous(browser: FlaskClient) -> bool:
    response = browser.get("/account")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _replays(app: Flask, cookies: dict[str, str]) -> list[dict[str, str]]:
    session_name = app.config["SESSION_COOKIE_NAME"]
    return [{session_name: cookies[session_name]}, {REMEMBER: cookies[REMEMBER]}, cookies]


def test_copied_cookies_work_while_signed_in(app: Flask) -> None:
    make_user(email="ana@example.org", name="Ana")
    cookies = _cookies(app, _sign_in(app, "ana@example.org"))
    for copy in _replays(app, cookies):
        assert "Ana" in _replay(app, copy).get("/account").text, copy.keys()


def test_sign_out_ends_the_session_and_every_copy_of_its_cookies(app: Flask) -> None:
    make_user(email="ana@example.org", name="Ana")
    browser = _sign_in(app, "ana@example.org")
    cookies = _cookies(app, browser)
    response = browser.post("/logout")
    assert response.status_code == 302
    # The browser is told to forget the remember-me cookie ...
    assert browser.get_cookie(REMEMBER) is None
    assert _is_anonymous(browser)
    # ... and copies of the cookies, each alone or both, are refused on the server.
    for copy in _replays(app, cookies):
        assert _is_anonymous(_replay(app, copy)), copy.keys()
    assert db.session.scalar(select(UserSession.revoked_at)) is not None


def test_sign_out_everywhere_ends_the_sessions_of_other_devices(app: Flask) -> None:
    make_user(email="ana@example.org", name="Ana")
    laptop = _sign_in(app, "ana@example.org")
    laptop_cookies = _cookies(app, laptop)
    phone = _sign_in(app, "ana@example.org", PHONE)
    page = phone.get("/account").text
    assert "Sign out everywhere" in page
    response = phone.post("/account/sessions/end-all", follow_redirects=True)
    assert "You are signed out on every device, this one included." in response.text
    assert _is_anonymous(phone) and _is_anonymous(laptop)
    for copy in _replays(app, laptop_cookies):
        assert _is_anonymous(_replay(app, copy)), copy.keys()
    revoked = db.session.scalars(select(UserSession.revoked_at)).all()
    assert len(revoked) == 2 and None not in revoked


def test_sign_out_everywhere_spares_other_people(app: Flask) -> None:
    make_user(email="ana@example.org")
    make_user(email="ben@example.org", name="Ben")
    ben = _sign_in(app, "ben@example.org")
    _sign_in(app, "ana@example.org").post("/account/sessions/end-all")
    assert "Ben" in ben.get("/account").text


def test_account_page_lists_devices_and_signs_out_one(app: Flask) -> None:
    make_user(email="ana@example.org", name="Ana")
    laptop = _sign_in(app, "ana@example.org")
    laptop_cookies = _cookies(app, laptop)
    phone = _sign_in(app, "ana@example.org", PHONE)
    page = phone.get("/account").text
    assert "Where you are signed in" in page
    assert "Firefox, Windows" in page
    assert "Chrome, Android <strong>(this device)</strong>" in page
    laptop_handle = sessions.handle_of(db.session.scalar(
        select(UserSession.id).where(UserSession.device == "Firefox, Windows")))
    # The page names sign-ins by a handle, never by the id their cookies carry.
    assert laptop_handle in page
    assert not any(sign_in_id in page for sign_in_id in db.session.scalars(select(UserSession.id)))
    response = phone.post("/account/sessions/end", data={"handle": laptop_handle},
                          follow_redirects=True)
    assert "That device is signed out." in response.text
    assert "Firefox, Windows" not in response.text
    assert _is_anonymous(laptop)
    assert _is_anonymous(_replay(app, laptop_cookies))
    assert "Ana" in phone.get("/account").text
    # Twice (a second click): a clear message, nothing else changes.
    again = phone.post("/account/sessions/end", data={"handle": laptop_handle})
    assert again.status_code == 400
    assert "That device is already signed out." in again.text


def test_nobody_signs_out_another_persons_device(app: Flask) -> None:
    make_user(email="ana@example.org")
    make_user(email="ben@example.org", name="Ben")
    ben = _sign_in(app, "ben@example.org")
    ben_handle = sessions.handle_of(db.session.scalar(select(UserSession.id)))
    response = _sign_in(app, "ana@example.org").post("/account/sessions/end",
                                                     data={"handle": ben_handle})
    assert response.status_code == 400
    assert "Ben" in ben.get("/account").text
    assert db.session.scalar(select(UserSession.revoked_at).where(
        UserSession.user_id == db.session.scalar(select(User.id).where(
            User.email == "ben@example.org")))) is None


def test_signing_out_this_device_from_the_list_signs_out(app: Flask) -> None:
    make_user(email="ana@example.org")
    browser = _sign_in(app, "ana@example.org")
    handle = sessions.handle_of(db.session.scalar(select(UserSession.id)))
    response = browser.post("/account/sessions/end", data={"handle": handle},
                            follow_redirects=True)
    assert "You are signed out." in response.text
    assert _is_anonymous(browser)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_sign_out_everywhere_needs_the_forms_token(app: Flask, client: FlaskClient,
                                                   login_as) -> None:
    user = login_as(name="Ana")
    response = client.post("/account/sessions/end-all")
    assert response.status_code == 400
    assert "Ana" in client.get("/account").text
    assert db.session.scalar(select(UserSession.revoked_at).where(
        UserSession.user_id == user.id)) is None


def test_password_change_ends_every_other_session(app: Flask) -> None:
    make_user(email="ana@example.org", name="Ana")
    laptop = _sign_in(app, "ana@example.org")
    laptop_cookies = _cookies(app, laptop)
    phone = _sign_in(app, "ana@example.org", PHONE)
    response = phone.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": "a new passphrase here"})
    assert response.status_code == 302
    assert _is_anonymous(laptop)
    for copy in _replays(app, laptop_cookies):
        assert _is_anonymous(_replay(app, copy)), copy.keys()
    # The phone stays signed in, and stays remembered with a cookie of its new sign-in.
    assert "Ana" in phone.get("/account").text
    assert "Ana" in _replay(app, {REMEMBER: phone.get_cookie(REMEMBER).value}).get(
        "/account").text


def test_a_session_of_the_old_kind_is_refused(client: FlaskClient) -> None:
    user = make_user(name="Ana")
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_token}"
    assert _is_anonymous(client)


def test_an_idle_session_is_refused(client: FlaskClient, login_as) -> None:
    login_as(name="Ana")
    sign_in = db.session.scalar(select(UserSession))
    sign_in.last_seen_at -= sessions.IDLE_LIMIT + timedelta(minutes=1)
    db.session.commit()
    assert _is_anonymous(client)


def test_last_seen_is_written_every_few_minutes_not_every_request(client: FlaskClient,
                                                                  login_as) -> None:
    login_as()
    sign_in = db.session.scalar(select(UserSession))
    stale = sign_in.last_seen_at - sessions.LAST_SEEN_EVERY - timedelta(seconds=1)
    sign_in.last_seen_at = stale
    db.session.commit()
    client.get("/account")
    db.session.refresh(sign_in)
    seen = sign_in.last_seen_at
    assert seen > stale
    client.get("/account")
    db.session.refresh(sign_in)
    assert sign_in.last_seen_at == seen


def test_loading_the_signed_in_user_is_one_query(app: Flask) -> None:
    user_id = make_user().id
    sign_in_id = make_user_session(db.session.get(User, user_id))
    db.session.expunge_all()
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        loaded = sessions.load_user(sign_in_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert loaded is not None and loaded.id == user_id
    assert len(statements) == 1, statements


def test_describe_device() -> None:
    assert sessions.describe_device(FIREFOX) == "Firefox, Windows"
    assert sessions.describe_device(PHONE) == "Chrome, Android"
    assert sessions.describe_device("curl/8.5.0") == ""
    assert sessions.describe_device("") == ""


def test_a_reset_link_used_while_signed_in_as_someone_else_ends_that_sign_in(
        app: Flask, outbox) -> None:
    make_user(email="ana@example.org", name="Ana")
    make_user(email="ben@example.org", name="Ben")
    browser = _sign_in(app, "ana@example.org")
    ana_cookies = _cookies(app, browser)
    browser.post("/password/reset", data={"email": "ben@example.org"})
    response = browser.post(link_in(outbox()[-1]), data={"password": "a new passphrase here"},
                            follow_redirects=True)
    assert "Your password is set. You are signed in." in response.text
    assert "Ben" in browser.get("/account").text
    for copy in _replays(app, ana_cookies):
        assert _is_anonymous(_replay(app, copy)), copy.keys()
