"""`make run` starts the web server and a worker: a reminder sent from the dashboard is in the
outbox folder within 5 s, the page answers at once, and Ctrl-C leaves nothing running.

This runs the Makefile's own `run` recipe, with this test's Python environment as the
virtualenv (nothing is installed or downloaded) and a temporary instance folder (database,
queue, signing key, outbox).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.prefix)
MAKE = shutil.which("make") or "make"
COHORT = "western-balkans-2026"  # lms/demo.py: facilitator@demo.test's cohort

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or not (VENV / "bin" / "flask").exists()
    or not Path("/proc").is_dir(),
    reason="needs make, a virtualenv with flask, and /proc (Linux)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every process started, directly or not, by `pid` (from /proc: parent ids)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Browser:
    """Cookies and CSRF tokens, as a person's browser keeps them, over plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[str, str]:
        """Post the form on `path` with its CSRF token; the page answered and its address."""
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.get(path))
        assert token, f"no CSRF token on {path}"
        body = urllib.parse.urlencode([("csrf_token", token[1]), *fields]).encode()
        with self.opener.open(self.base + path, data=body, timeout=10) as response:
            return response.read().decode(), response.url


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """`make run` on a free port with a fresh instance folder; stopped afterwards whatever
    happens (the test itself stops it with SIGINT, as Ctrl-C does)."""
    port = free_port()
    instance = tmp_path / "instance"
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("LMS_", "DATABASE_URL", "FLASK_"))}
    # PYTHONPATH: this checkout's code, even when the virtualenv's `flask` was installed from
    # another one (its entry point would import that one's `lms` first).
    environment.update(LMS_INSTANCE_PATH=str(instance), PYTHONPATH=str(ROOT),
                       PYTHONUNBUFFERED="1")
    log = (tmp_path / "make-run.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [MAKE, "--no-print-directory", "-o", f"{VENV}/.installed", "run", f"VENV={VENV}",
         f"PYTHON={sys.executable}", "HOST=127.0.0.1", f"PORT={port}",
         # The system check ran with the test session (conftest.py): never apt-get here.
         "SYSTEM_PROBLEM="],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)  # its own process group, as a terminal gives it
    try:
        yield process, f"http://127.0.0.1:{port}", instance
    finally:
        # Found before anything is killed: the worker runs in its own session, and once the
        # recipe's shell is gone it is nobody's child any more.
        family = descendants(process.pid)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()
        log.close()


def wait_for_site(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 120  # migrations and the demo data come first
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 - http
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError("the site did not answer within 2 minutes:\n" + log.read_text())


def test_make_run_serves_the_site_with_a_worker_and_ctrl_c_stops_both(
        make_run: tuple[subprocess.Popen[bytes], str, Path], tmp_path: Path) -> None:
    process, base, instance = make_run
    log = tmp_path / "make-run.log"
    wait_for_site(process, base, log)
    running = descendants(process.pid)
    workers = [pid for pid in running if command_line(pid).endswith("lms worker ")]
    assert len(workers) == 1, [command_line(pid) for pid in running]

    facilitator = Browser(base)
    _, address = facilitator.post("/login", [("email", "facilitator@demo.test"),
                                             ("password", "opengov-demo")])
    assert not address.endswith("/login"), "the demo facilitator could not sign in"
    page = facilitator.get(f"/cohorts/{COHORT}/reminders")
    # A learner not reminded in the last 24 hours (an automatic reminder may have gone out).
    learners = re.findall(r'name="learners" value="(\d+)" id="[^"]+"> <label for="[^"]+">'
                          r'([^<]+)(<span class="tag">)?', page)
    learner = next((found for found in learners if not found[2]), None)
    assert learner, f"no learner to remind: {learners}"
    outbox = instance / "outbox"
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()

    started = time.monotonic()
    answer, address = facilitator.post(f"/cohorts/{COHORT}/reminders", [
        ("learners", learner[0]), ("subject", "Catch-up this week"),
        ("body", "Hello {name}, see you on Thursday.")])
    answered = time.monotonic() - started
    delivered = None
    while time.monotonic() - started < 5 and delivered is None:
        new = set(outbox.glob("*.eml")) - before if outbox.exists() else set()
        delivered = next((path for path in new
                          if "Catch-up this week" in path.read_text(errors="replace")), None)
        time.sleep(0.05)
    took = time.monotonic() - started
    print(f"the reminder page answered in {answered * 1000:.0f} ms; "
          f"the email was in the outbox folder after {took * 1000:.0f} ms")

    assert address.endswith(f"/cohorts/{COHORT}/progress")
    assert "Reminder sent to 1 learners." in answer
    assert answered < 1.0, f"the page took {answered:.2f} s: was the mail sent in the request?"
    assert delivered is not None, "no reminder in the outbox folder within 5 s:\n" + \
        log.read_text(errors="replace")
    message = BytesParser(policy=policy.default).parsebytes(delivered.read_bytes())
    assert f"Hello {learner[1].strip()}," in message.get_body(("plain",)).get_content()

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    asked = time.monotonic()
    assert process.wait(timeout=30) != 0
    # Well before the recipe's 10 s fallback to SIGTERM: the worker stopped on SIGINT.
    assert time.monotonic() - asked < 8
    left = [command_line(pid) for pid in running if alive(pid)]
    assert left == [], f"still running after Ctrl-C: {left}"
