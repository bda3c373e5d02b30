"""Requests per second for a signed-in lesson page and the signed-in home page (the desk)
against a trivial route of the same app.

Serves the app with gunicorn on 127.0.0.1 (a fresh SQLite database in a temporary folder, or
DATABASE_URL if set), signs a learner in, then alternates timed rounds of the routes and
prints the median rate of each and their ratio. Goal: lesson page >= 35% of the trivial route,
and the same for the home page, read by a learner (a course in progress, two cohorts with due
dates, an invitation) and by a facilitator (three cohorts of 25 learners).

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
HOME = "/"
EMAIL, PASSWORD = "bench.learner@example.org", "bench-password-123"
DESK_LEARNER, DESK_FACILITATOR = "bench.desk@example.org", "bench.facilitator@example.org"

# Run in the served database (same environment) before the server starts.
DESKS = f"""
from datetime import timedelta
from werkzeug.security import generate_password_hash
from lms import create_app
from lms.accounts.models import Role, User
from lms.cohorts import invitations, services as cohorts
from lms.courses import services as courses
from lms.courses.models import LessonProgress
from lms.db import utcnow
from lms.extensions import db

app = create_app()
with app.app_context():
    password = generate_password_hash({PASSWORD!r})
    def person(email, role=Role.LEARNER):
        user = User(email=email, name=email.split("@")[0], country="FR", organisation="",
                    locale="en", role=role, password_hash=password,
                    email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.flush()
        return user
    course = courses.get_course("open-government-101")
    facilitator = person({DESK_FACILITATOR!r}, Role.FACILITATOR)
    learner = person({DESK_LEARNER!r})
    today = cohorts.today()
    made = []
    for number in range(3):
        starts = today - timedelta(days=10 + 10 * number)
        made.append(cohorts.create_cohort(cohorts.CohortDetails(
            name=f"Bench cohort {{number}}", slug=f"bench-{{number}}", focus="western-balkans",
            course_id=course.course_id, starts_on=starts, ends_on=starts + timedelta(days=70),
            requires_signoff=False, facilitator_ids=[facilitator.id])))
        for index in range(25):
            member = person(f"bench.member.{{number}}.{{index}}@example.org")
            cohorts.add_member(made[-1], member.id)
            for lesson in course.lessons[:index % 8]:
                db.session.add(LessonProgress(user_id=member.id, course_id=course.course_id,
                    lesson_id=lesson.lesson_id, started_at=utcnow(), completed_at=utcnow()))
    for cohort in made[:2]:
        cohorts.add_member(cohort, learner.id)
    for lesson in course.lessons[:3]:
        db.session.add(LessonProgress(user_id=learner.id, course_id=course.course_id,
            lesson_id=lesson.lesson_id, started_at=utcnow(), completed_at=utcnow()))
    db.session.commit()
    invitations.invite(made[2], email=learner.email, name=learner.name, inviter=facilitator,
                       locale="en")
    db.session.commit()
"""


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


def sign_in(port: int, email: str = EMAIL) -> str:
    status, headers, page = request(port, "GET", "/login")
    cookie = headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token.decode(), "email": email,
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


def load_options(doc: str | None) -> argparse.Namespace:
    """The options every gunicorn benchmark takes: how long, how many rounds, clients, workers."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def main() -> None:
    options = load_options(__doc__)

    with tempfile.TemporaryDirectory() as folder:
        env = prepared_instance(folder, EMAIL, "Bench Learner")
        subprocess.run([str(BIN / "python"), "-c", DESKS], cwd=ROOT, env=env, check=True)
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
            desks = {}
            for name, email, sign in (("learner", DESK_LEARNER, b"Due next"),
                                      ("facilitator", DESK_FACILITATOR, b"stat--behind")):
                desks[name] = sign_in(port, email)
                status, headers, page = request(port, "GET", HOME, desks[name])
                assert status == 200 and sign in page, (name, status)
                if "set-cookie" in headers:
                    desks[name] = headers["set-cookie"].split(";", 1)[0]
            rate(port, LESSON, cookie, 1, options.clients)  # warm-up: first visit, caches
            rate(port, TRIVIAL, cookie, 1, options.clients)
            for desk in desks.values():
                rate(port, HOME, desk, 1, options.clients)
            rates: dict[str, list[float]] = {"trivial": [], "lesson": [], "learner": [],
                                             "facilitator": []}
            for _ in range(options.rounds):
                rates["trivial"].append(rate(port, TRIVIAL, cookie, options.seconds,
                                             options.clients))
                rates["lesson"].append(rate(port, LESSON, cookie, options.seconds,
                                            options.clients))
                for name, desk in desks.items():
                    rates[name].append(rate(port, HOME, desk, options.seconds, options.clients))
        finally:
            server.terminate()
            server.wait(timeout=10)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    trivial = medians["trivial"]
    print(f"gunicorn -w {options.workers}, {options.clients} clients, {options.rounds} rounds "
          f"of {options.seconds:g} s, database: {os.environ.get('DATABASE_URL', 'SQLite')}")
    labels = {"trivial": f"trivial route {TRIVIAL}", "lesson": f"signed-in lesson {LESSON}",
              "learner": "home page (desk), learner /",
              "facilitator": "home page (desk), facilitator /"}
    for name, label in labels.items():
        print(f"{label:<62} median {medians[name]:8.1f} req/s  "
              f"(rounds: {', '.join(f'{r:.0f}' for r in rates[name])})")
    print(f"ratio lesson / trivial: {medians['lesson'] / trivial:.0%} (goal: 35% or more)")
    for name in ("learner", "facilitator"):
        print(f"ratio home page ({name}) / trivial: {medians[name] / trivial:.0%} "
              f"(goal: 35% or more)")


if __name__ == "__main__":
    main()
