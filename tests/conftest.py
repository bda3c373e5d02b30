"""Fixtures: the app on each test database, a client, and signed-in users of each role.

Every test runs on SQLite, and on PostgreSQL too when LMS_TEST_DATABASE_URL is set.
Each test starts from empty tables.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from lms import create_app
from lms.accounts.models import Role, User
from lms.config import TestConfig
from lms.extensions import db
from lms.jobs import queue
from scripts import check_system
from tests.factories import make_user, sign_in_id

POSTGRES_URL = os.environ.get("LMS_TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("LMS_REQUIRE_POSTGRES") == "1"
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "app_config(**settings): settings for this test's app")
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError("LMS_REQUIRE_POSTGRES=1 but LMS_TEST_DATABASE_URL is not set")
    # Without them WeasyPrint fails (or warns, an error here) in every module importing it:
    # one line that says what to install, rather than a collection error per module.
    packages = [package for _, package in check_system.missing_libraries()]
    if packages:
        raise pytest.UsageError(check_system.problem_line(packages))


def pytest_report_header(config: pytest.Config) -> list[str]:
    if POSTGRES_URL:
        return ["databases: SQLite and PostgreSQL (LMS_TEST_DATABASE_URL)"]
    return ["databases: SQLite only. PostgreSQL tests are SKIPPED: set LMS_TEST_DATABASE_URL "
            "(for example postgresql://postgres@127.0.0.1:5432/test) to run them"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not POSTGRES_URL:
        terminalreporter.write_line(
            "note: ran on SQLite only; PostgreSQL was not tested (LMS_TEST_DATABASE_URL unset)",
            yellow=True,
        )


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@contextlib.contextmanager
def _own_postgres_database() -> Iterator[str]:
    """A new database on the LMS_TEST_DATABASE_URL server for this test run, dropped after it,
    so that test runs at the same time (CI, a second terminal) never share tables."""
    server = make_url(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"lms_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False).replace(
            "postgresql+psycopg://", "postgresql://", 1)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per kind, with the models' tables, for the whole session."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
        else:
            url = stack.enter_context(_own_postgres_database())
        app = create_app(TestConfig(url, tmp_path_factory.mktemp("instance")))
        with app.app_context():
            _drop_everything()
            db.create_all()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def signing_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One issuer key for the session (made by the same code as the CLI command)."""
    from lms.certificates import credentials

    path = tmp_path_factory.mktemp("keys") / "signing-key.json"
    credentials.key_to_file(credentials.generate_key(), path)
    return path


@pytest.fixture
def app_settings() -> dict[str, object]:
    """Settings for the test app; a test module may override this fixture."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, request: pytest.FixtureRequest,
        app_settings: dict[str, object], signing_key_path: Path) -> Iterator[Flask]:
    """The app bound to the test database, inside an app context; tables emptied afterwards."""
    marker = request.node.get_closest_marker("app_config")
    settings = {"LMS_SIGNING_KEY_PATH": signing_key_path, "LMS_BASE_URL": "http://localhost",
                **app_settings, **(marker.kwargs if marker else {})}
    app = create_app(TestConfig(database_url, tmp_path / "instance", **settings))
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            with db.engine.begin() as connection:
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
            db.engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test's own context (factories, assertions) commits before each request, so the request
    sees what the test set up, and the test reads back what the request committed, never what
    it merely left in a shared session. Like a WSGI server, it reads the whole response and
    then closes it, which runs what was left to do after the answer (an email to send).
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        if has_app_context():
            db.session.commit()
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def run_jobs(app: Flask) -> Callable[[], None]:
    """Do what a worker would do now: deliver queued mail, run due jobs (after committing
    what the test itself set up, as a request would)."""

    def run() -> None:
        db.session.commit()
        queue.drain(app)

    return run


@pytest.fixture
def outbox(app: Flask, run_jobs: Callable[[], None]) -> Callable[[], list[str]]:
    """The emails delivered so far, oldest first, as text: first the queued work runs, as a
    worker would (tests use an in-memory queue), then the outbox folder is read."""

    def read() -> list[str]:
        run_jobs()
        folder = Path(app.config["LMS_OUTBOX"])
        if not folder.exists():
            return []
        from email import policy
        from email.parser import BytesParser

        messages = []
        for path in sorted(folder.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            body = message.get_body(preferencelist=("plain",))
            messages.append(f"To: {message['To']}\nSubject: {message['Subject']}\n\n"
                            f"{body.get_content() if body else ''}")
        return messages

    return read


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[..., User]:
    """Sign the test client in as a new user of the given role."""

    def sign_in(role: str | Role = Role.LEARNER, **fields: object) -> User:
        user = make_user(role=Role(role), **fields)
        with client.session_transaction() as session:
            session["_user_id"] = sign_in_id(user)
            session["_fresh"] = True
        return user

    return sign_in
