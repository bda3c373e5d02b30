"""Two app servers behind a load balancer, sharing one PostgreSQL and one Redis, nothing else.

Two gunicorn servers (two workers each) run in production mode on the PostgreSQL test database,
each with its own instance folder, and keep their rate-limit counters in Redis. Requests carry
the headers a TLS-terminating load balancer adds (X-Forwarded-For, -Proto and -Host, trusted
with `LMS_TRUSTED_PROXIES=1`), so each test picks its client's address. Checked: a session
started on one server works on the other, sign-in attempts count across both, and a learner
finishing the course on both at once gets exactly one certificate.

PostgreSQL only (LMS_TEST_DATABASE_URL). Redis: LMS_TEST_REDIS_URL, by default
redis://127.0.0.1:6379/0; counters go under a key prefix of their own, deleted afterwards.
Without Redis the tests are skipped, unless LMS_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.certificates.models import ACTIVE, Certificate, CertificateEvent
from lms.courses import services as courses
from lms.extensions import db
from tests.certificates.helpers import COURSE, answer_checks, approve_capstone, complete
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PUBLIC_HOST = "learning.example.org"
REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SIGNIN_PER_MINUTE = 10  # the default LMS_SIGNIN_LIMIT: "10 per minute; 50 per hour"
RACING_LEARNERS = 5  # every round races in practice (both requests pass the barrier together)
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')

# These tests are about PostgreSQL: they take the conftest's PostgreSQL database, never SQLite.
pytestmark = pytest.mark.parametrize("database_url", [pytest.param(
    "postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL,
        reason="two servers share a PostgreSQL database: set LMS_TEST_DATABASE_URL"))],
    indirect=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One person's browser behind the load balancer: its address and cookies, any server.

    Cookies are kept by hand: in production they are Secure, and the load balancer's HTTPS
    is only pretended here (X-Forwarded-Proto), so an HTTP client would not send them back.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}
        self.page = "/"  # the page it shows, sent as Referer (checked by CSRF under HTTPS)

    def request(self, server: str, method: str, path: str,
                form: dict[str, str] | None = None) -> httpx.Response:
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https",
                   "X-Forwarded-Host": PUBLIC_HOST, "Referer": f"https://{PUBLIC_HOST}{self.page}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = httpx.request(method, server + path, data=form, headers=headers, timeout=20)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "1970" not in header:  # an expired cookie is a deletion
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    def get(self, server: str, path: str) -> httpx.Response:
        response = self.request(server, "GET", path)
        self.page = path
        return response

    def post(self, server: str, path: str, form: dict[str, str]) -> httpx.Response:
        return self.request(server, "POST", path, form)

    def csrf_token(self, server: str, path: str) -> str:
        """The CSRF token of the first form on a page, as a browser would read it."""
        page = self.get(server, path)
        assert page.status_code == 200, (path, page.status_code)
        found = CSRF_INPUT.search(page.text)
        assert found, f"no csrf_token input on {path}"
        return found.group(1)

    def sign_in(self, server: str, email: str, password: str = PASSWORD) -> httpx.Response:
        token = self.csrf_token(server, "/login")
        return self.post(server, "/login",
                         {"csrf_token": token, "email": email, "password": password})


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[str]:
    """A rate-limit key prefix for this run; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is unreachable ({error}); set LMS_TEST_REDIS_URL"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"lms-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def servers(database_url: str, signing_key_path: Path, redis_prefix: str,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Servers A and B: `gunicorn -w 2 wsgi:app` on two ports, configured like production."""
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith("LMS_") and name != "DATABASE_URL"}
    shared = {
        "LMS_ENV": "production",
        "LMS_DATABASE_URL": database_url,
        "LMS_SECRET_KEY": secrets.token_urlsafe(48),
        "LMS_BASE_URL": f"https://{PUBLIC_HOST}",
        "LMS_SIGNING_KEY_PATH": str(signing_key_path),
        "LMS_RATELIMIT_STORAGE_URL": REDIS_URL,
        "LMS_RATELIMIT_KEY_PREFIX": redis_prefix,
        "LMS_TRUSTED_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    }
    processes: list[tuple[subprocess.Popen[bytes], Path]] = []
    addresses = []
    try:
        for name in ("a", "b"):
            folder = tmp_path_factory.mktemp(f"server-{name}")
            port = _free_port()
            log = folder / "gunicorn.log"
            with log.open("wb") as output:
                process = subprocess.Popen(  # noqa: S603 - our gunicorn, fixed arguments
                    [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level",
                     "warning", "wsgi:app"], cwd=ROOT, stdout=output, stderr=output,
                    env={**inherited, **shared, "LMS_INSTANCE_PATH": str(folder / "instance")})
            processes.append((process, log))
            addresses.append(f"http://127.0.0.1:{port}")
        for (process, log), address in zip(processes, addresses, strict=True):
            _wait_until_healthy(process, log, address)
        yield addresses[0], addresses[1]
    finally:
        for process, _ in processes:
            process.terminate()
        for process, _ in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], log: Path, address: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{address} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{address}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{address} did not answer /healthz within 30 s:\n{log.read_text()}")


def test_a_session_started_on_one_server_works_on_the_other(
        app: Flask, servers: tuple[str, str]) -> None:
    a, b = servers
    learner = make_user(name="Amina Diallo")
    browser = Browser("203.0.113.10")

    assert browser.get(b, "/account").status_code == 302  # B does not know them yet

    signed_in = browser.sign_in(a, learner.email)
    assert signed_in.status_code == 302, signed_in.text
    account = browser.get(b, "/account")
    assert account.status_code == 200
    assert learner.email in account.text and "Amina Diallo" in account.text

    # A form from A's page is accepted by B (the CSRF secret travels in the session), and
    # signing out on B signs out everywhere.
    token = browser.csrf_token(a, "/logout")
    copied = dict(browser.cookies)
    assert browser.post(b, "/logout", {"csrf_token": token}).status_code == 302
    after = browser.get(a, "/account")
    assert after.status_code == 302 and "/login" in after.headers["location"]
    # A copy of the cookies taken before signing out on B is refused by A too.
    thief = Browser("198.51.100.7")
    thief.cookies = copied
    replayed = thief.get(a, "/account")
    assert replayed.status_code == 302 and "/login" in replayed.headers["location"]


def test_sign_in_attempts_count_across_both_servers(
        app: Flask, servers: tuple[str, str], redis_prefix: str) -> None:
    a, b = servers
    learner = make_user()
    guesser = Browser("203.0.113.20")
    token = guesser.csrf_token(a, "/login")
    wrong = {"csrf_token": token, "email": learner.email, "password": "not-the-password"}

    # Each server runs two processes: only a shared store makes these one count of ten.
    for attempt in range(SIGNIN_PER_MINUTE):
        response = guesser.post((a, b)[attempt % 2], "/login", wrong)
        assert response.status_code == 400, (attempt, response.status_code)
        assert "The email address or password is not right." in response.text
        assert response.headers["X-RateLimit-Remaining"] == str(SIGNIN_PER_MINUTE - attempt - 1)

    for server in (a, b):
        refused = guesser.post(server, "/login", {**wrong, "password": PASSWORD})
        assert refused.status_code == 429
        assert "Too many attempts" in refused.text

    # The limit is per client address, as the load balancer reports it, not for everyone.
    assert Browser("203.0.113.21").sign_in(b, learner.email).status_code == 302
    # The counters are in Redis, under this deployment's prefix.
    keys = [key.decode() for key in redis.Redis.from_url(REDIS_URL).scan_iter(
        match=f"*{redis_prefix}*")]
    assert any("203.0.113.20" in key for key in keys), keys


def _learner_one_step_from_the_certificate(number: int) -> User:
    """Every lesson done but the last, whose knowledge checks are answered correctly, and the
    reform project approved."""
    learner = make_user(name=f"Racing Learner {number}")
    last = courses.get_course(COURSE).lessons[-1]
    approve_capstone(learner)
    complete(learner, lessons=-1)
    answer_checks(learner, last)
    return learner


def _at_the_same_moment(browser: Browser, servers: tuple[str, ...], path: str,
                        form: dict[str, str]) -> list[int | None]:
    """POST the same form to each server from its own thread, released together; statuses."""
    start = threading.Barrier(len(servers))
    statuses: list[int | None] = [None] * len(servers)

    def send(index: int) -> None:
        start.wait(timeout=10)
        statuses[index] = browser.post(servers[index], path, form).status_code

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


def test_finishing_the_course_on_both_servers_at_once_issues_one_certificate(
        app: Flask, servers: tuple[str, str]) -> None:
    a, b = servers
    last = courses.get_course(COURSE).lessons[-1]
    lesson_path = f"/courses/{COURSE}/{last.lesson_id}/"
    learners = [_learner_one_step_from_the_certificate(number)
                for number in range(RACING_LEARNERS)]
    db.session.commit()

    for number, learner in enumerate(learners):
        browser = Browser(f"198.51.100.{number + 1}")
        assert browser.sign_in(a, learner.email).status_code == 302
        token = browser.csrf_token(a, lesson_path)
        assert "Mark as done" in browser.get(b, lesson_path).text
        statuses = _at_the_same_moment(browser, (a, b), f"{lesson_path}done", {"csrf_token": token})
        # Both clicks succeed (on to the course page), neither gets an error page.
        assert statuses == [303, 303], (learner.email, statuses)

    db.session.rollback()  # read what the servers committed
    for learner in learners:
        certificates = db.session.scalars(
            select(Certificate).where(Certificate.user_id == learner.id)).all()
        assert [(c.course_id, c.status) for c in certificates] == [(COURSE, ACTIVE)], \
            learner.email
        issued = db.session.scalar(select(func.count()).select_from(CertificateEvent).where(
            CertificateEvent.certificate_id == certificates[0].id,
            CertificateEvent.kind == "issued"))
        assert issued == 1
