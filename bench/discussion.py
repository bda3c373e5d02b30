"""A discussion topic with 300 replies: its page's size, median time and requests per second
against a trivial route of the same app.

Serves the app with gunicorn on 127.0.0.1 (a fresh SQLite database in a temporary folder, or
DATABASE_URL if set) with a cohort whose topic has 300 replies by ten authors, signs a member
in, then times the topic's first page (50 posts, the fullest) and its last one: the median of
single requests one after another, then alternating rounds of concurrent clients against the
trivial route, printing the median rate of each and their ratio. Goal: the page under 100 KB.
(The ratio is for comparison: unlike the lesson page, a topic page is rendered at every view.)

    .venv/bin/python bench/discussion.py [--seconds 8] [--rounds 3] [--clients 8] [--workers 2]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lessons import (  # noqa: E402
    BIN,
    PASSWORD,
    TRIVIAL,
    free_port,
    load_options,
    prepared_instance,
    rate,
    request,
    sign_in,
    wait_until_up,
)

EMAIL = "bench.reader@example.org"
REPLIES = 300
TOPIC = "/cohorts/bench-discussion/discussion/1"
PAGES = {"first page (50 posts)": f"{TOPIC}?page=1", "last page": f"{TOPIC}?page=7"}

# Run in the served database before the server starts: the cohort, its members, the topic.
SETUP = f"""
from datetime import timedelta
from werkzeug.security import generate_password_hash
from lms import create_app
from lms.accounts.models import Role, User
from lms.cohorts import services as cohorts
from lms.db import utcnow
from lms.discussion import text
from lms.discussion.models import Post, Topic
from lms.extensions import db

app = create_app()
with app.app_context():
    password = generate_password_hash({PASSWORD!r})
    people = [User(email=f"bench.author{{n}}@example.org", name=f"Author Number {{n}}",
                   role=Role.LEARNER, country="FR", organisation="Ministry", locale="en",
                   password_hash=password, email_confirmed_at=utcnow()) for n in range(10)]
    reader = User(email={EMAIL!r}, name="Bench Reader", role=Role.LEARNER, country="FR",
                  organisation="Ministry", locale="en", password_hash=password,
                  email_confirmed_at=utcnow())
    db.session.add_all([*people, reader])
    db.session.commit()
    starts = cohorts.today() - timedelta(days=10)
    cohort = cohorts.create_cohort(cohorts.CohortDetails(
        name="Bench discussion", slug="bench-discussion", focus="western-balkans",
        course_id="open-government-101", starts_on=starts, ends_on=starts + timedelta(days=60),
        requires_signoff=False, facilitator_ids=[]))
    for person in [*people, reader]:
        cohorts.add_member(cohort, person.id)
    topic = Topic(cohort_id=cohort.id, author_id=people[0].id, title="A long conversation",
                  search_text="a long conversation")
    db.session.add(topic)
    db.session.flush()
    start = utcnow() - timedelta(days=5)
    for n in range({REPLIES} + 1):
        body = (f"Reply {{n}}: in my ministry we *published* the budget as open data, "
                "then asked people what they [wanted to read](https://example.org/budget).")
        db.session.add(Post(topic_id=topic.id, cohort_id=cohort.id,
                            author_id=people[n % 10].id, opening=n == 0, body=body,
                            html=text.render(body), search_text=text.searchable(body),
                            created_at=start + timedelta(minutes=n)))
    db.session.commit()
"""


def median_ms(port: int, path: str, cookie: str, count: int = 40) -> float:
    """The median time of single requests, one after another."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, _, _ = request(port, "GET", path, cookie)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return statistics.median(times)


def main() -> None:
    options = load_options(__doc__)

    with tempfile.TemporaryDirectory() as folder:
        env = prepared_instance(folder, "bench.admin@example.org", "Bench Admin")
        subprocess.run([str(BIN / "python"), "-c", SETUP], cwd=ROOT, env=env, check=True)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(options.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "bench._ping_app:app"], cwd=ROOT, env=env)
        try:
            wait_until_up(port)
            cookie = sign_in(port, EMAIL)
            sizes = {}
            for label, path in PAGES.items():
                status, headers, page = request(port, "GET", path, cookie)
                assert status == 200 and b"A long conversation" in page, status
                if "set-cookie" in headers:
                    cookie = headers["set-cookie"].split(";", 1)[0]
                sizes[label] = len(page)
            medians_ms = {label: median_ms(port, path, cookie) for label, path in PAGES.items()}
            rate(port, TRIVIAL, cookie, 1, options.clients)  # warm-up
            rates: dict[str, list[float]] = {"trivial": [], **{label: [] for label in PAGES}}
            for _ in range(options.rounds):
                rates["trivial"].append(rate(port, TRIVIAL, cookie, options.seconds,
                                             options.clients))
                for label, path in PAGES.items():
                    rates[label].append(rate(port, path, cookie, options.seconds,
                                             options.clients))
        finally:
            server.terminate()
            server.wait(timeout=10)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"gunicorn -w {options.workers}, {options.clients} clients, {options.rounds} rounds "
          f"of {options.seconds:g} s, database: {os.environ.get('DATABASE_URL', 'SQLite')}, "
          f"a topic of {REPLIES} replies")
    print(f"{'trivial route ' + TRIVIAL:<40} median {medians['trivial']:8.1f} req/s")
    for label in PAGES:
        print(f"{'topic, ' + label:<40} median {medians[label]:8.1f} req/s, "
              f"{medians_ms[label]:.1f} ms alone, {sizes[label] / 1000:.1f} KB "
              f"(goal: under 100 KB); ratio to trivial: {medians[label] / medians['trivial']:.0%}")


if __name__ == "__main__":
    main()
