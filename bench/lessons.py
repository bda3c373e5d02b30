"""Requests per second for a signed-in lesson page against a trivial route of the same app.

Serves the app with gunicorn on 127.0.0.1 (a fresh SQLite database in a temporary folder, or
DATABASE_URL if set), signs a learner in, then alternates timed rounds of the two routes and
prints the median rate of each and their ratio. Goal: lesson page >= 35% of the trivial route.

    .venv/bin/python bench/lessons.py [--seconds 8] [--rounds 3] [--clients 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LESSON = "/courses/open-government-101/how-ogp-works/"
TRIVIAL = "/bench/ping"
EMAIL, PASSWORD = "bench.learner@example.org", "bench-password-123"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepared_instance(folder: str, email: str, name: str) -> dict[str, str]:
    """A migrated database in `folder` with one account (`email`, PASSWORD); returns the
    environment to serve it with: rate limits off, email to the outbox folder."""
    env = {**os.environ, "LMS_INSTANCE_PATH": folder, "LMS_SECRET_KEY": "bench-" + "k" * 40,
           "LMS_RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    env.pop("LMS_MAIL_URL", None)  # never a real mail server
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "lms", "create-admin", email, "--name", name, "--password", PASSWORD],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def wait_until_up(port: int, seconds: float = 10.0) -> None:
    """Wait for a server just started on `port` to answer /healthz."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)


def request(port: int, method: str, path: str, cookie: str = "", body: str = "",
            ) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def sign_in(port: int) -> str:
    status, headers, page = request(port, "GET", "/login")
    cookie = headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token.decode(), "email": EMAIL,
                                   "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/login", cookie, body)
    if status != 302:
        raise SystemExit(f"sign-in failed with {status}")
    return headers["set-cookie"].split(";", 1)[0]


def rate(port: int, path: str, cookie: str, seconds: float, clients: int) -> float:
    """Successful requests per second with `clients` concurrent clients for `seconds`."""
    deadline = time.perf_counter() + seconds
    counts = [0] * clients
    errors: list[str] = []

    def client(index: int) -> None:
        while time.perf_counter() < deadline:
            status, _, _ = request(port, "GET", path, cookie)
            if status == 200:
                counts[index] += 1
            else:
                errors.append(f"{path}: {status}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"errors during the run: {errors[:5]}")
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = prepared_instance(folder, EMAIL, "Bench Learner")
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(options.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "bench._ping_app:app"], cwd=ROOT, env=env)
        try:
            wait_until_up(port)
            cookie = sign_in(port)
            status, headers, page = request(port, "GET", LESSON, cookie)
            assert status == 200 and b"Knowledge check" in page, status
            # Like a browser, keep the session cookie the page updated (it adds a CSRF secret).
            if "set-cookie" in headers:
                cookie = headers["set-cookie"].split(";", 1)[0]
            rate(port, LESSON, cookie, 1, options.clients)  # warm-up: first visit, caches
            rate(port, TRIVIAL, cookie, 1, options.clients)
            lesson_rates, trivial_rates = [], []
            for _ in range(options.rounds):
                trivial_rates.append(rate(port, TRIVIAL, cookie, options.seconds, options.clients))
                lesson_rates.append(rate(port, LESSON, cookie, options.seconds, options.clients))
        finally:
            server.terminate()
            server.wait(timeout=10)

    trivial, lesson = statistics.median(trivial_rates), statistics.median(lesson_rates)
    print(f"gunicorn -w {options.workers}, {options.clients} clients, {options.rounds} rounds "
          f"of {options.seconds:g} s, database: {os.environ.get('DATABASE_URL', 'SQLite')}")
    print(f"trivial route {TRIVIAL:<45} median {trivial:8.1f} req/s  "
          f"(rounds: {', '.join(f'{r:.0f}' for r in trivial_rates)})")
    print(f"signed-in lesson {LESSON:<42} median {lesson:8.1f} req/s  "
          f"(rounds: {', '.join(f'{r:.0f}' for r in lesson_rates)})")
    print(f"ratio lesson / trivial: {lesson / trivial:.0%} (goal: 35% or more)")


if __name__ == "__main__":
    main()
