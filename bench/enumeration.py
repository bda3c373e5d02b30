"""Can the password reset form (or registration) tell who has an account by how long it takes?

Serves the app with gunicorn on 127.0.0.1 (one worker, a fresh SQLite database in a temporary
folder, or DATABASE_URL if set; rate limits off, since 400 requests from one address would
otherwise be refused), creates one account, then posts the reset form 200 times for its address
and 200 times for an unknown one, interleaved, through a real HTTP connection each time, and
prints the median time of each and their difference. Goal: within 1 ms. Registration (a taken
address against a new one) is timed the same way with --register.

Email goes to the outbox folder, after the response (as in production without SMTP); a short
pause between requests lets that finish, so a request is never timed while it waits for the
previous one's email. The server and this client run on different CPU cores (where the machine
has two or more), as for a visitor on another machine: otherwise the email written after a
response competes with the client reading it, which is no property of the server.

    .venv/bin/python bench/enumeration.py [--requests 200] [--register]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lessons import (  # noqa: E402
    BIN,
    PASSWORD,
    free_port,
    prepared_instance,
    request,
    wait_until_up,
)

KNOWN, UNKNOWN = "bench.known@example.org", "nobody.here@example.org"
PAUSE = 0.01  # seconds between requests: the previous email is written by then
Form = dict[str, str] | Callable[[int], dict[str, str]]


class Browser:
    """One visitor: the session cookie and CSRF token of a form page, kept for every post."""

    def __init__(self, port: int) -> None:
        self.port = port
        _, headers, page = request(port, "GET", "/password/reset")
        self.cookie = headers["set-cookie"].split(";", 1)[0]
        self.token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"',
                               page).group(1).decode()


def split_cores() -> tuple[set[int], set[int]]:
    """CPU cores for the server and for this client, apart; empty sets where that cannot be."""
    if not hasattr(os, "sched_setaffinity"):
        return set(), set()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return set(), set()
    return set(cores[:-1]), {cores[-1]}


def timed_post(browser: Browser, path: str, values: dict[str, str]) -> float:
    """Milliseconds from sending a form to having read the whole answer (which must be 200)."""
    body = urlencode({"csrf_token": browser.token, **values})
    started = time.perf_counter()
    status, _, page = request(browser.port, "POST", path, browser.cookie, body)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or b"Check your email" not in page:
        raise SystemExit(f"POST {path} answered {status}")
    return elapsed


def compare(browser: Browser, path: str, forms: dict[str, Form],
            count: int) -> dict[str, float]:
    """Median milliseconds per kind of address, the requests of each kind interleaved."""
    timings: dict[str, list[float]] = {kind: [] for kind in forms}
    order = random.Random(2026)
    for number in range(count):
        # Which kind goes first changes at random: a request right after the server was idle,
        # or right after it wrote an email, is then as likely to be of either kind.
        for kind in order.sample(list(forms), len(forms)):
            form = forms[kind]
            values = form(number) if callable(form) else form
            timings[kind].append(timed_post(browser, path, values))
            time.sleep(PAUSE)
    return {kind: statistics.median(values) for kind, values in timings.items()}


def report(title: str, medians: dict[str, float], count: int) -> None:
    (first, a), (second, b) = medians.items()
    verdict = "within" if abs(a - b) <= 1 else "NOT within"
    print(f"{title}: {count} requests each, interleaved")
    print(f"  {first:<8} median {a:7.2f} ms")
    print(f"  {second:<8} median {b:7.2f} ms")
    print(f"  difference {a - b:+.2f} ms ({verdict} the 1 ms goal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--register", action="store_true", help="time registration too")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = prepared_instance(folder, KNOWN, "Bench Known")
        port = free_port()
        # The server's log (a line per email written) goes to a file, shown if something fails.
        log = Path(folder, "server.log").open("w")
        server_cores, client_cores = split_cores()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, stderr=log,
            preexec_fn=(lambda: os.sched_setaffinity(0, server_cores)) if server_cores else None)
        if client_cores:
            os.sched_setaffinity(0, client_cores)
        try:
            wait_until_up(port)
            browser = Browser(port)
            warm = max(10, options.requests // 10)
            reset = {"known": {"email": KNOWN}, "unknown": {"email": UNKNOWN}}
            compare(browser, "/password/reset", reset, warm)
            medians = compare(browser, "/password/reset", reset, options.requests)
            outbox = len(list(Path(folder, "outbox").glob("*.eml")))
            register_medians = None
            if options.register:
                form = {"name": "Bench Person", "password": PASSWORD, "country": "FR",
                        "organisation": "", "locale": "en"}
                forms = {"taken": {**form, "email": KNOWN},
                         "new": lambda n: {**form, "email": f"new{n}@example.org"}}
                register_medians = compare(browser, "/register", forms, options.requests)
        except BaseException:
            print(Path(folder, "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()

    cores = (f"server on CPU {sorted(server_cores)}, client on CPU {sorted(client_cores)}"
             if client_cores else "server and client share the CPU")
    print(f"gunicorn -w 1 on 127.0.0.1 (real HTTP, one connection per request; {cores}), "
          f"database: {os.environ.get('DATABASE_URL', 'SQLite')}; rate limits OFF for the "
          f"benchmark (LMS_RATELIMIT_ENABLED=0), CSRF on (one visitor's token), email to the "
          f"outbox folder after each response")
    report("POST /password/reset, known vs unknown address", medians, options.requests)
    print(f"  emails written: {outbox} (one per request for the known address, "
          f"none for the unknown one)")
    if register_medians:
        report("POST /register, taken vs new address", register_medians, options.requests)


if __name__ == "__main__":
    main()
