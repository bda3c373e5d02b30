"""PostgreSQL goes away while requests are in flight, then comes back.

The app is served by a threaded server on a database of its own. Several clients (signed in
and not) keep requesting pages while the test cuts every connection of that database with
`pg_terminate_backend` and refuses new ones for a while (`ALLOW_CONNECTIONS false`): what a
restart looks like from the app, without disturbing other databases on the server. During the
outage every answer is our 503 page (or /healthz's 503), never a traceback; once the database
accepts connections again the same process serves normally within 5 seconds.

PostgreSQL only: SQLite has no server connection to lose. With LMS_TEST_DATABASE_URL unset the
test is reported as skipped (CI sets it and forbids that).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from werkzeug.serving import make_server

from lms import create_app
from lms.access import public
from lms.config import TestConfig
from lms.extensions import db
from tests.certificates.helpers import complete
from tests.conftest import POSTGRES_URL
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.parametrize("postgres_url", [pytest.param(
    POSTGRES_URL, marks=pytest.mark.skipif(
        not POSTGRES_URL,
        reason="PostgreSQL only (no SQLite variant: SQLite has no server connection to lose): "
               "set LMS_TEST_DATABASE_URL"))], ids=["postgresql"])

OUTAGE_SECONDS = 2.0
RECOVERY_LIMIT_SECONDS = 5.0
AFTER_RECOVERY_SECONDS = 6.0
SLOW_QUERY_SECONDS = 3
UNAVAILABLE = "The service is briefly unavailable"
PAGES = ("/", "/healthz", "/courses/", "/certificates/", "/cohorts/")
PUBLIC_PAGES = ("/", "/healthz", "/courses/")


@dataclass
class Database:
    url: str
    name: str
    admin: Engine  # on the server's "postgres" database: unaffected by the outage


@pytest.fixture
def database(postgres_url: str) -> Iterator[Database]:
    """A new database with the models' tables, dropped afterwards."""
    url = make_url(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"lms_outage_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield Database(url.set(database=name).render_as_string(hide_password=False), name, admin)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def served(database: Database, signing_key_path: Path, tmp_path: Path) -> Iterator[str]:
    """The app, configured as in production (pool pre-ping and all), on a local port."""
    app = create_app(TestConfig(database.url, tmp_path / "instance",
                                LMS_SIGNING_KEY_PATH=signing_key_path,
                                LMS_BASE_URL="http://localhost"))
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    app.add_url_rule("/test/slow-query", "slow_query", public(_slow_query))
    app.add_url_rule("/test/cut-after-query", "cut_after_query",
                     public(lambda: _cut_after_query(database)))
    with app.app_context():
        db.create_all()
        learner = make_user(email="learner@example.org")
        complete(learner)  # a certificate, so that /certificates/ has something to load
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _slow_query() -> str:
    """A request that is sure to be in the middle of a query when connections are cut."""
    db.session.execute(text(f"SELECT pg_sleep({SLOW_QUERY_SECONDS})"))
    return "finished"


def _cut_after_query(database: Database) -> str:
    """A request whose connection is cut after its query, while it makes its page."""
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    with database.admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    return "finished"


@dataclass
class Answer:
    signed_in: bool
    started: float
    finished: float
    path: str
    status: int
    body: str


def _signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    response = client.post("/login", data={"email": "learner@example.org",
                                           "password": PASSWORD})
    assert response.status_code in (302, 303), response.text
    return client


def _clean(answer: Answer) -> bool:
    """A page we meant to send: the page itself, or our 503 page (JSON for /healthz)."""
    if "Traceback" in answer.body or "Internal Server Error" in answer.body:
        return False
    if answer.status == 200:
        return True
    if answer.status != 503:
        return False
    if answer.path == "/healthz":
        return '"unreachable"' in answer.body
    return UNAVAILABLE in answer.body


def _keep_requesting(client: httpx.Client, signed_in: bool, stop: threading.Event,
                     answers: list[Answer]) -> None:
    # Signed-out visitors also see pages that need no database (home, catalogue: courses
    # are files), which keep working during the outage.
    pages = PAGES if signed_in else PUBLIC_PAGES
    number = 0
    while not stop.is_set():
        path = pages[number % len(pages)]
        number += 1
        started = time.monotonic()
        response = client.get(path)
        answers.append(Answer(signed_in, started, time.monotonic(), path, response.status_code,
                              response.text))
        time.sleep(0.02)


def _refuse_connections(database: Database) -> None:
    """Cut every connection to the database and refuse new ones, as a stopped server does."""
    with database.admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS false')
        # Again until none has been seen for a while: a connection that was starting up
        # during the ALTER shows up a moment later. After that, none can be made.
        deadline, quiet = time.monotonic() + 10, 0
        while quiet < 3:
            assert time.monotonic() < deadline, "connections survive pg_terminate_backend"
            found = connection.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name"), {"name": database.name})
            quiet = 0 if found else quiet + 1
            time.sleep(0.1)


def _accept_connections(database: Database) -> None:
    with database.admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS true')


def test_an_outage_gives_503_pages_and_the_app_recovers_without_a_restart(
        served: str, database: Database) -> None:
    clients = [_signed_in(served) for _ in range(3)] + [httpx.Client(base_url=served,
                                                                     timeout=30)]
    answers: list[Answer] = []
    stop = threading.Event()
    workers = [threading.Thread(target=_keep_requesting, args=(
        client, number < 3, stop, answers)) for number, client in enumerate(clients)]
    slow: list[httpx.Response] = []
    in_flight = threading.Thread(target=lambda: slow.append(
        clients[-1].get("/test/slow-query")))
    for worker in workers:
        worker.start()
    try:
        time.sleep(1.0)
        in_flight.start()
        time.sleep(0.5)  # the slow query is running now
        cutting_at = time.monotonic()
        _refuse_connections(database)
        down_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        reopening_at = time.monotonic()
        _accept_connections(database)
        back_at = time.monotonic()
        time.sleep(AFTER_RECOVERY_SECONDS)
    finally:
        _accept_connections(database)
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        in_flight.join(timeout=30)
        for client in clients:
            client.close()

    unclean = [(answer.path, answer.status, answer.body[:300]) for answer in answers
               if not _clean(answer)]
    assert unclean == []
    [cut_short] = slow
    assert cut_short.status_code == 503 and UNAVAILABLE in cut_short.text
    before = [answer for answer in answers if answer.finished < cutting_at]
    # Every request that needs the database (signed-in pages, /healthz) fails cleanly.
    during = [answer for answer in answers
              if down_at < answer.started and answer.finished < reopening_at
              and (answer.signed_in or answer.path == "/healthz")]
    assert before and all(answer.status == 200 for answer in before)
    assert during and [(answer.path, answer.status) for answer in during
                       if answer.status != 503] == []
    # Recovered: from some moment within 5 s of the database's return, every answer is normal.
    after = sorted((answer for answer in answers if answer.started >= back_at),
                   key=lambda answer: answer.started)
    failing = [answer.started for answer in after if answer.status != 200]
    recovered_at = max(failing, default=back_at)
    assert recovered_at - back_at < RECOVERY_LIMIT_SECONDS, f"{recovered_at - back_at:.1f} s"
    normal = [answer for answer in after if answer.started > recovered_at]
    assert len(normal) >= 20 and {answer.path for answer in normal} == set(PAGES)


def test_a_connection_cut_after_the_last_query_does_not_spoil_the_page(served: str) -> None:
    with httpx.Client(base_url=served, timeout=30) as client:
        # Ending the request rolls back on the dead connection: the page is still sent.
        response = client.get("/test/cut-after-query")
        assert (response.status_code, response.text) == (200, "finished")
        assert client.get("/healthz").json() == {"database": "ok", "status": "ok",
                                                  "queue": {"state": "ok"}}
