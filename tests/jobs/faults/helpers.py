"""Real parts for the delivery tests: an SMTP server, a private Redis, worker processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select

from lms import mail
from lms.extensions import db
from lms.jobs.models import SENT, OutboxMessage

ROOT = Path(__file__).resolve().parents[3]
REDIS_SERVER = shutil.which("redis-server")
REQUIRE_REDIS = any(os.environ.get(name) for name in ("CI", "LMS_REQUIRE_REDIS",
                                                      "LMS_REQUIRE_POSTGRES"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str,
               explain: Callable[[], str] = lambda: "") -> None:
    """Poll `condition` (reading the database afresh each time) until it holds or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # a fresh snapshot: see what the workers committed
        if condition():
            return
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}\n{explain()}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    raw: bytes


@dataclass
class Mailbox:
    """The server's side: every message accepted, in order; it can refuse for a while (451 to
    RCPT or DATA, counted from the first command it refuses), answer slowly, or call a hook
    inside DATA once the message is stored and before its reply (to kill the sender there)."""

    received: list[Received] = field(default_factory=list)
    refused: int = 0
    refuse_seconds: float = 0.0
    refuse_at: str = "DATA"
    delay: float = 0.0
    on_data: Callable[[Received, int], None] | None = None
    _refuse_until: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse_for(self, seconds: float, at: str = "DATA") -> None:
        self.refuse_seconds, self.refuse_at, self._refuse_until = seconds, at, None

    def _refusing(self, stage: str) -> bool:
        if not self.refuse_seconds or stage != self.refuse_at:
            return False
        now = time.monotonic()
        if self._refuse_until is None:
            self._refuse_until = now + self.refuse_seconds
        if now < self._refuse_until:
            self.refused += 1
            return True
        return False

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self._refusing("RCPT"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._refusing("DATA"):
            return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = bytes(envelope.original_content or envelope.content)
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        message = Received(str(headers["Message-ID"]), tuple(envelope.rcpt_tos), raw)
        with self._lock:
            self.received.append(message)
            count = len(self.received)
        if self.on_data is not None:
            self.on_data(message, count)  # stored: a kill here loses only the reply
        return "250 OK"

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def ids(self) -> list[str]:
        return [message.message_id for message in self.snapshot()]


class RedisServer:
    """A private redis-server keeping nothing on disk: a restart loses every queued task."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def kill(self) -> None:
        """SIGKILL: what a crashed or restarted Redis without persistence loses, is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def queued(self) -> int:
        """Tasks waiting in Huey's lists (0 after a restart)."""
        client = redis.Redis(port=self.port)
        try:
            return sum(int(client.llen(key)) for key in client.keys("huey.redis.*"))
        finally:
            client.close()


class Workers:
    """Worker processes on the test database, started as an operator would start them."""

    def __init__(self, settings: dict[str, str], folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, app: str = "wsgi", **extra: str) -> subprocess.Popen[bytes]:
        inherited = {name: value for name, value in os.environ.items()
                     if not name.startswith("LMS_") and name != "DATABASE_URL"}
        log = self.folder / f"worker-{len(self.processes) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - our own command line
                [sys.executable, "-m", "flask", "--app", app, "lms", "worker"],
                cwd=ROOT, env={**inherited, **self.settings, **extra},
                stdout=output, stderr=subprocess.STDOUT)
        process.log = log  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no clean-up, no reply, a claim left behind."""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    def logs(self) -> str:
        """The tail of each worker's output, for a failure's message."""
        return "\n".join(
            f"--- {process.log.name} (exit {process.poll()}):\n"  # type: ignore[attr-defined]
            + "\n".join(process.log.read_text(errors="replace")  # type: ignore[attr-defined]
                        .splitlines()[-30:])
            for process in self.processes)


def queue_mail(count: int, kind: str = "test") -> list[str]:
    """Queue `count` emails in one transaction, as an action would; return their Message-IDs."""
    ids = []
    for number in range(count):
        message = mail.compose(f"learner{number}@example.org", f"Message {number}",
                               f"Hello learner {number}.\n" + "Some text. " * 40)
        ids.append(message.message_id)
        mail.queue(message, kind=kind)
    db.session.commit()
    return ids


def sent_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == SENT)) or 0)


def outbox_ids() -> set[str]:
    return set(db.session.scalars(select(OutboxMessage.message_id)))

