"""Behaviour every page shares: errors, headers, health check, configuration."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms import create_app
from lms.accounts.models import User
from lms.config import Config, ConfigError
from lms.extensions import db
from tests.factories import PASSWORD, make_user


def test_home_page_presents_the_programme(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Learn to open government" in response.text
    assert 'href="/register"' in response.text and 'href="/login"' in response.text


def test_layout_is_accessible_by_construction(client: FlaskClient) -> None:
    page = client.get("/login").text
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page and "<header" in page and "<footer" in page
    assert '<nav class="wrap site-nav" aria-label="Main">' in page
    assert '<label for="email">Email address</label>' in page
    assert '<html lang="en">' in page
    # Nothing from another host, no inline script: the one script is our own file, and only an
    # offer (the browser's time zone); the form works without it.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/timezone.js" defer>']
    assert '<script src="/static/timezone.js" defer></script>' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_signed_in_user_sees_name_and_role(client: FlaskClient, login_as) -> None:
    login_as("facilitator", name="Jelena Marković")
    page = client.get("/").text
    assert "Jelena Marković" in page
    assert '<span class="role-badge">Facilitator</span>' in page


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for url in ("/", "/login", "/does-not-exist", "/static/style.css"):
        with client.get(url) as response:
            headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    make_user(email="cookie@example.org")
    response = client.post("/login", data={"email": "cookie@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_gets_our_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "skip-link" in response.text


def test_wrong_method_gets_our_405(client: FlaskClient) -> None:
    response = client.get("/language")
    assert response.status_code == 405
    assert "This action is not possible here" in response.text


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "queue": {"state": "ok"}}


def test_healthz_answers_503_without_a_database(tmp_path) -> None:
    from lms.config import TestConfig

    url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app(TestConfig(url, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_a_page_needing_the_database_gets_a_clean_503(tmp_path) -> None:
    from lms.config import TestConfig

    url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app(TestConfig(url, tmp_path))
    response = app.test_client().post("/login", data={"email": "a@b.org", "password": "x"})
    assert response.status_code == 503
    assert "briefly unavailable" in response.text


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        create_app(Config({"LMS_ENV": "production"}))
    with pytest.raises(ConfigError):
        create_app(Config({"LMS_ENV": "production", "LMS_SECRET_KEY": "short"}))


def test_production_needs_a_base_url_and_the_signing_key(tmp_path) -> None:
    settings = {"LMS_ENV": "production", "LMS_SECRET_KEY": "k" * 40,
                "LMS_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigError, match="LMS_BASE_URL"):
        create_app(Config(settings))
    with pytest.raises(ConfigError, match="generate-signing-key"):
        create_app(Config({**settings, "LMS_BASE_URL": "https://learn.example.org"}))


def test_production_sets_secure_cookies(tmp_path) -> None:
    from lms.certificates import credentials

    credentials.key_to_file(credentials.generate_key(), tmp_path / "signing-key.json")
    app = create_app(Config({"LMS_ENV": "production", "LMS_SECRET_KEY": "k" * 40,
                             "LMS_BASE_URL": "https://learn.example.org",
                             "LMS_INSTANCE_PATH": str(tmp_path)}))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_database_url_selects_postgresql_through_psycopg(tmp_path) -> None:
    config = Config({"DATABASE_URL": "postgresql://u@db.example:5432/lms",
                     "LMS_INSTANCE_PATH": str(tmp_path)})
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db.example:5432/lms"
    default = Config({"LMS_INSTANCE_PATH": str(tmp_path)})
    assert default.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path}/lms.sqlite3"


def test_sqlite_connections_enforce_foreign_keys_wal_and_wait(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_post_without_csrf_token_is_refused(client: FlaskClient) -> None:
    make_user(email="csrf@example.org")
    response = client.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired or was sent from another site" in response.text
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_post_with_the_csrf_token_goes_through(client: FlaskClient) -> None:
    make_user(email="csrf@example.org")
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "csrf@example.org", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_language_switch_needs_the_csrf_token(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "fr", "next": "/"})
    assert response.status_code == 400
    assert '<html lang="en">' in client.get("/").text


def test_demo_accounts_are_not_present_unless_loaded(app: Flask) -> None:
    assert db.session.scalars(select(User)).all() == []


def test_templates_need_no_inline_script_or_style() -> None:
    """The Content-Security-Policy forbids them: a page using one would silently break."""
    from lms.config import ROOT

    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # A script is only ever our own file, empty between its tags.
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.S)
        assert text.count("<script") == len(scripts) and not any(scripts), path
        assert all("url_for('static'" in tag for tag in re.findall(r"<script[^>]*>", text)), path
        assert "<style" not in text, path
        assert not re.search(r"\sstyle=\"", text), path
        assert not re.search(r"\son[a-z]+=\"", text), path
