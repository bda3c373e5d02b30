"""A real learning record store for tests: Ralph (PyPI `ralph-malph` 5.1.0), served on
127.0.0.1 with its file-system backend.

Ralph is installed once into tests/xapi/lrs/.venv from the lock file tests/xapi/lrs/
requirements.txt (a stamp of the lock's hash marks a finished install; a lock file makes two
test runs at once install it only once). If it cannot be installed (no network, pip fails)
the tests that need it are skipped, with the reason, unless LMS_REQUIRE_LRS=1 (CI): then they
fail.

    def test_something(lrs: LRS) -> None:     # a fresh, empty Ralph for the test
        ... lrs.endpoint, lrs.username, lrs.password ...
        lrs.statements(agent={...})           # what it holds for an agent
        lrs.problems(statements)              # what Ralph's xAPI models say is wrong
        lrs.stop(); lrs.start()               # an outage, on the same port
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import requests

from tests import outside
from tests.outside import free_port

HERE = Path(__file__).parent / "lrs"
LOCK_FILE = HERE / "requirements.txt"
VENV = HERE / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIRE_LRS = os.environ.get("LMS_REQUIRE_LRS") == "1"
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


def _give_up(reason: str) -> NoReturn:
    if REQUIRE_LRS:
        pytest.fail(f"{reason} (LMS_REQUIRE_LRS=1 requires the LRS)")
    pytest.skip(f"LRS tests SKIPPED: {reason}")


def install() -> Path:
    """Ralph's python, installed from the lock file unless already installed from it."""
    outside.install_once(
        "Ralph", cwd=HERE, sources=[LOCK_FILE], stamp=VENV / ".installed-from-lock",
        lock=HERE / ".install.lock", give_up=_give_up,
        steps=[[sys.executable, "-m", "venv", "--clear", str(VENV)],
               [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "-r", str(LOCK_FILE)]])
    return PYTHON


class LRS:
    """One Ralph server: its address, credentials, and what it holds."""

    def __init__(self, python: Path, folder: Path, port: int | None = None) -> None:
        self.python = python
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.username, self.password = "lms", "lms-test-secret"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "ralph.log"
        self.environ = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs",
                        "RALPH_AUTH_FILE": str(folder / "auth.json"),
                        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
        ralph = python.parent / "ralph"
        made = subprocess.run(  # noqa: S603
            [str(ralph), "auth", "-u", self.username, "-p", self.password, "-s", "all",
             "-M", "mailto:lms@example.org", "-w"],
            env=self.environ, capture_output=True, text=True, timeout=120)
        if made.returncode != 0:
            _give_up(f"ralph auth failed: {made.stderr.strip()[-1500:]}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """What LMS_XAPI_ENDPOINT is set to (statements are at <endpoint>/statements)."""
        return f"{self.base}/xAPI"

    @property
    def settings(self) -> dict[str, object]:
        return {"LMS_XAPI_ENDPOINT": self.endpoint, "LMS_XAPI_USERNAME": self.username,
                "LMS_XAPI_PASSWORD": self.password}

    def start(self, timeout: float = 60) -> None:
        """Serve on self.port and wait until it answers."""
        assert self.process is None
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(self.python), str(HERE / "serve.py"), str(self.port)],
                env=self.environ, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                _give_up(f"Ralph stopped at start: {self.log.read_text()[-1500:]}")
            try:
                if requests.get(f"{self.base}/__lbheartbeat__", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        _give_up(f"Ralph did not answer within {timeout} s: {self.log.read_text()[-1500:]}")

    def stop(self) -> None:
        """Stop the server (an outage): the port refuses connections until start()."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def statements(self, **query: Any) -> list[dict[str, Any]]:
        """Every statement the LRS returns for the query (agent=... as a dict, statementId),
        following its `more` links."""
        params = {name: json.dumps(value) if isinstance(value, dict) else value
                  for name, value in query.items()}
        found: list[dict[str, Any]] = []
        url: str | None = f"{self.endpoint}/statements"
        while url:
            answer = requests.get(url, params=params, headers=VERSION_HEADER,
                                  auth=(self.username, self.password), timeout=30)
            answer.raise_for_status()
            body = answer.json()
            if "statements" not in body:  # one statement, by statementId
                return [body]
            found.extend(body["statements"])
            more = body.get("more") or ""
            url, params = (self.base + more if more.startswith("/") else more) or None, {}
        return found

    def problems(self, statements: list[dict[str, Any]]) -> list[str]:
        """What Ralph's xAPI models (ralph.models.xapi BaseXapiStatement) find wrong."""
        done = subprocess.run(  # noqa: S603
            [str(self.python), str(HERE / "validate.py")], input=json.dumps(statements),
            capture_output=True, text=True, timeout=120, check=True)
        return list(json.loads(done.stdout))


@pytest.fixture(scope="session")
def ralph_python() -> Path:
    """Ralph installed (once per machine and lock file)."""
    return install()


@pytest.fixture
def lrs(ralph_python: Path, tmp_path: Path) -> Iterator[LRS]:
    """A fresh, empty Ralph for the test, stopped afterwards."""
    server = LRS(ralph_python, tmp_path / "lrs-store")
    server.start()
    try:
        yield server
    finally:
        server.stop()
