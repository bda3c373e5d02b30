"""Real parts for the delivery tests: an SMTP server (aiosmtpd) in this process, a private
redis-server, and workers started as real processes (`python -m flask --app wsgi lms worker`)
on the test database. The test's own app uses the same queue, so its wake-ups reach them.

Without the redis-server binary the Redis variants are skipped, unless CI, LMS_REQUIRE_REDIS
or LMS_REQUIRE_POSTGRES is set: then they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.jobs.faults.helpers import (
    REDIS_SERVER,
    REQUIRE_REDIS,
    ROOT,
    Mailbox,
    RedisServer,
    Workers,
    free_port,
)


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on 127.0.0.1 (a free port), recording what it accepts."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        reason = "the redis-server binary is not installed"
        if REQUIRE_REDIS:
            pytest.fail(f"{reason} (CI, LMS_REQUIRE_REDIS or LMS_REQUIRE_POSTGRES is set)")
        print(f"skipped: {reason}")
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The queue's store: the default SQLite file, or Redis (production)."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        return server.url
    return f"sqlite:///{tmp_path / 'queue.sqlite3'}"


@pytest.fixture
def queue_url(store: str) -> str:
    return store


@pytest.fixture
def queue_name() -> str:
    return f"lms-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def app_settings(queue_url: str, queue_name: str, smtp: tuple[Mailbox, int]) -> dict[str, object]:
    """The test's app on the workers' queue, so the wake-ups of its requests reach them."""
    return {"LMS_QUEUE_URL": queue_url, "LMS_QUEUE_NAME": queue_name,
            "LMS_MAIL_URL": f"smtp://127.0.0.1:{smtp[1]}"}


@pytest.fixture
def workers(app: Any, database_url: str, tmp_path: Path, signing_key_path: Path,
            queue_url: str, queue_name: str, smtp: tuple[Mailbox, int]) -> Iterator[Workers]:
    """Start workers with `workers.start()`; all are stopped (killed if need be) afterwards,
    before the test's tables are emptied."""
    settings = {
        "LMS_DATABASE_URL": database_url,
        "LMS_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "LMS_MAIL_URL": f"smtp://127.0.0.1:{smtp[1]}",
        "LMS_QUEUE_URL": queue_url, "LMS_QUEUE_NAME": queue_name,
        "LMS_TICK_SECONDS": "1", "LMS_RETRY_SECONDS": "0.2", "LMS_CLAIM_SECONDS": "2",
        # The site's own duties would add their mail (a digest for the test's facilitator)
        # to the messages each test counts; the periodic test brings its own duty.
        "LMS_DUTIES_OFF": "cohorts.digest,cohorts.reminders",
        "LMS_SIGNING_KEY_PATH": str(signing_key_path),
        "LMS_BASE_URL": "http://localhost",
        "PYTHONPATH": str(ROOT),
    }
    running = Workers(settings, tmp_path)
    try:
        yield running
    finally:
        running.stop_all()
