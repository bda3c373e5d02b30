"""The personal calendar feed (/calendar/<token>.ics) of someone in 5 cohorts, each with 8 live
sessions and the course's due dates: its median time in-process, and its requests per second
under gunicorn against the trivial route of the same app.

Serves the app with gunicorn on 127.0.0.1 (a fresh SQLite database in a temporary folder, or
DATABASE_URL if set). A feed is built once and kept until something it shows changes (the
person's records version). Goal: the feed at 35% or more of the trivial route (calendar programs
poll it, but rarely: every few hours per subscriber).

    .venv/bin/python bench/calendar_feed.py [--seconds 8] [--rounds 3] [--clients 8] [--workers 2]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lessons import (  # noqa: E402
    BIN,
    TRIVIAL,
    free_port,
    load_options,
    prepared_instance,
    rate,
    request,
    wait_until_up,
)

COHORTS, SESSIONS = 5, 8
PERSON = "bench.learner@example.org"

# Run in the served database (same environment) before the server starts; prints the token
# and the in-process median.
# (COHORTS, SESSIONS and PERSON, written out.)
SETUP = """
import statistics, time
from datetime import time as clock, timedelta
from sqlalchemy import select
from lms import create_app
from lms.accounts.models import Role, User
from lms.cohorts import services as cohorts
from lms.extensions import db
from lms.live import calendars, services

app = create_app()
app.config["RATELIMIT_ENABLED"] = False
with app.app_context():
    person = db.session.scalar(select(User).where(User.email == "bench.learner@example.org"))
    facilitator = User(email="bench.facilitator@example.org", name="Facilitator",
                       role=Role.FACILITATOR, locale="en")
    db.session.add(facilitator)
    db.session.commit()
    today = cohorts.today()
    for number in range(5):
        starts = today - timedelta(days=20 + number)
        cohort = cohorts.create_cohort(cohorts.CohortDetails(
            name=f"Bench cohort {number}", slug=f"bench-{number}", focus="western-balkans",
            course_id="open-government-101", starts_on=starts,
            ends_on=starts + timedelta(days=70), requires_signoff=False,
            facilitator_ids=[facilitator.id]))
        cohort.timezone = "Europe/Belgrade"
        cohorts.add_member(cohort, person.id)
        db.session.commit()
        for index in range(8):
            services.schedule(cohort, services.SessionDetails(
                title=f"Session {index} of cohort {number}",
                day=starts + timedelta(days=7 * index), starts=clock(18), ends=clock(19, 30),
                location="https://meet.example.org/bench", agenda="1. Point\\n2. *Another*",
                recording_url=""))
    token = calendars.reset_token(person)
    client = app.test_client()
    started = time.perf_counter()
    client.get(f"/calendar/{token}.ics")
    first = time.perf_counter() - started  # built: nothing kept yet
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        response = client.get(f"/calendar/{token}.ics")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.data.count(b"BEGIN:VEVENT") > 40
    print(token, first, statistics.median(timings))
"""


def main() -> None:
    options = load_options(__doc__)

    with tempfile.TemporaryDirectory() as folder:
        env = prepared_instance(folder, PERSON, "Bench Learner")
        output = subprocess.run([str(BIN / "python"), "-c", SETUP], cwd=ROOT, env=env,
                                check=True, capture_output=True, text=True).stdout.split()
        token, first, in_process = output[-3], float(output[-2]), float(output[-1])
        feed = f"/calendar/{token}.ics"
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(options.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "bench._ping_app:app"], cwd=ROOT, env=env)
        try:
            wait_until_up(port)
            status, _, body = request(port, "GET", feed)
            assert status == 200 and body.count(b"BEGIN:VEVENT") > COHORTS * SESSIONS, status
            rate(port, feed, "", 1, options.clients)  # warm-up
            rate(port, TRIVIAL, "", 1, options.clients)
            rates: dict[str, list[float]] = {"trivial": [], "feed": []}
            for _ in range(options.rounds):
                rates["trivial"].append(rate(port, TRIVIAL, "", options.seconds,
                                             options.clients))
                rates["feed"].append(rate(port, feed, "", options.seconds, options.clients))
        finally:
            server.terminate()
            server.wait(timeout=10)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"personal calendar feed, {COHORTS} cohorts x {SESSIONS} sessions and their due "
          f"dates ({body.count(b'BEGIN:VEVENT')} events, {len(body) / 1024:.0f} KB): "
          f"built in {first * 1000:.1f} ms, then served from memory in {in_process * 1000:.1f} "
          f"ms (median, in-process)")
    print(f"gunicorn -w {options.workers}, {options.clients} clients, {options.rounds} rounds "
          f"of {options.seconds:g} s, database: {os.environ.get('DATABASE_URL', 'SQLite')}")
    for name, label in (("trivial", f"trivial route {TRIVIAL}"), ("feed", "calendar feed")):
        print(f"{label:<40} median {medians[name]:8.1f} req/s  "
              f"(rounds: {', '.join(f'{r:.0f}' for r in rates[name])})")
    print(f"ratio feed / trivial: {medians['feed'] / medians['trivial']:.0%} (goal: 35% or more)")


if __name__ == "__main__":
    main()
