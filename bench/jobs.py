"""Background mail: how long reminding 200 learners makes a facilitator wait, and how many
messages a second one and two worker processes deliver to an SMTP server.

1. The answer: POST /cohorts/<slug>/reminders for 200 learners, in-process through the test
   client, signed in as the facilitator; a fresh cohort for each run (so the 24-hour quiet
   period skips no one): the median of 5 runs after a warm-up. Goal: under 300 ms.
2. Delivery: 5,000 reminder emails queued in one transaction; worker processes
   (`python -m flask --app wsgi lms worker`, the default SQLite queue in the instance folder)
   deliver them to an SMTP server on 127.0.0.1 (aiosmtpd, in this process, accepting all);
   timed from the commit to the last one marked sent, with 1 and with 2 workers. Goal: 100
   messages a second or more with two.

On SQLite in a temporary folder; on PostgreSQL too when LMS_BENCH_DATABASE_URL names a server
(for example postgresql://postgres@127.0.0.1:5432): a throwaway database, dropped afterwards.
`--profile` also runs one delivery of 1,000 messages in this process under cProfile.

    .venv/bin/python bench/jobs.py [--runs 5] [--messages 5000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._databases import throwaway_postgres  # noqa: E402

COURSE = "open-government-101"
LEARNERS = 200
GOAL_MS, GOAL_RATE = 300, 100


class Counter:
    """The SMTP server's side: accepts every message, counts them."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_cohort(slug: str, facilitator_id: int) -> list[int]:
    """A cohort of 200 learners, behind on their lessons; returns their ids."""
    from sqlalchemy import insert, select

    from lms.accounts.models import User
    from lms.cohorts import services
    from lms.cohorts.models import Membership
    from lms.extensions import db

    starts_on = services.today() - timedelta(days=40)
    cohort = services.create_cohort(services.CohortDetails(
        name=f"Cohort {slug}", slug=slug, focus="western-balkans", course_id=COURSE,
        starts_on=starts_on, ends_on=starts_on + timedelta(days=70), requires_signoff=False,
        facilitator_ids=[facilitator_id]))
    db.session.execute(insert(User), [
        {"email": f"{slug}-{n}@example.org", "name": f"Learner {n} of {slug}", "country": "AL",
         "organisation": "Ministry", "locale": "en", "password_hash": None,
         "session_token": f"{slug}{n}"[:32]} for n in range(LEARNERS)])
    ids = list(db.session.scalars(select(User.id).where(User.email.like(f"{slug}-%"))))
    joined = datetime.combine(starts_on, datetime.min.time(), UTC)
    db.session.execute(insert(Membership), [
        {"cohort_id": cohort.id, "user_id": user_id, "joined_at": joined} for user_id in ids])
    db.session.commit()
    return ids


def time_reminders(app: Any, runs: int) -> list[float]:
    """Milliseconds for each POST reminding 200 learners (the first, a warm-up, left out)."""
    from lms.accounts import sessions
    from lms.accounts.models import Role, User
    from lms.extensions import db

    with app.app_context():
        facilitator = User(email="facilitator@example.org", name="Facilitator",
                           role=Role.FACILITATOR, locale="en")
        db.session.add(facilitator)
        db.session.commit()
        cohorts = {f"remind-{run}": make_cohort(f"remind-{run}", facilitator.id)
                   for run in range(runs + 1)}
        session_id = sessions.start(facilitator, "bench")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    timings = []
    for slug, learner_ids in cohorts.items():
        started = time.perf_counter()
        response = client.post(f"/cohorts/{slug}/reminders", data={
            "learners": learner_ids, "subject": "{cohort}: your next lessons",
            "body": "Hello {name},\n\nDue and not done yet:\n{lessons}\n\nContinue: {link}"})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 303, response.text[:500]
        assert response.headers["Location"].endswith(f"/cohorts/{slug}/progress")
    with app.app_context():
        from sqlalchemy import func, select

        from lms.jobs.models import OutboxMessage

        queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        assert queued == LEARNERS * (runs + 1), queued
    return timings[1:]


def queue_reminders(count: int) -> None:
    """`count` reminder emails, composed as reminders.send composes them, in one commit."""
    from lms import mail
    from lms.extensions import db

    for number in range(count):
        message = mail.compose(
            f"learner{number}@example.org", "Cohort WB: your next lessons",
            f"Hello Learner {number},\n\nIn Cohort WB, these lessons of Open Government 101 "
            "are due and not done yet:\n- How the Open Government Partnership works\n\n"
            f"You can continue here: {mail.link('courses.course', course_id=COURSE)}\n",
            reply_to=mail.address("Facilitator", "facilitator@example.org"))
        mail.queue(message, kind="reminder")
    db.session.commit()


def sent() -> int:
    from sqlalchemy import func, select

    from lms.extensions import db
    from lms.jobs.models import SENT, OutboxMessage

    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == SENT)) or 0)


def clear_outbox() -> None:
    from sqlalchemy import delete

    from lms.extensions import db
    from lms.jobs.models import OutboxMessage

    db.session.execute(delete(OutboxMessage))
    db.session.commit()


def start_workers(count: int, environment: dict[str, str], folder: Path
                  ) -> list[subprocess.Popen[bytes]]:
    """Worker processes, returned once each has started its consumer."""
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith("LMS_") and name != "DATABASE_URL"}
    processes = []
    for number in range(count):
        log = folder / f"worker-{number}.log"
        with log.open("wb") as output:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "lms", "worker"], cwd=ROOT,
                env={**inherited, **environment, "PYTHONPATH": str(ROOT)},
                stdout=output, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 60
    for number, process in enumerate(processes):
        log = folder / f"worker-{number}.log"
        while "worker: queue" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text()}")
            time.sleep(0.05)
    return processes


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def delivery_rate(app: Any, workers: int, messages: int, environment: dict[str, str],
                  folder: Path, server: Counter) -> float:
    """Messages a second, from the commit of `messages` emails to the last marked sent."""
    with app.app_context():
        clear_outbox()
    processes = start_workers(workers, environment, folder)
    try:
        with app.app_context():
            queue_reminders(messages)  # the commit puts one wake-up on the queue
            started = time.perf_counter()
            before = server.count
            while (done := sent()) < messages:
                if time.perf_counter() - started > 600:
                    raise RuntimeError(f"only {done} of {messages} sent in 10 minutes")
                time.sleep(0.02)
            elapsed = time.perf_counter() - started
        assert server.count - before == messages, (server.count - before, messages)
        return messages / elapsed
    finally:
        stop(processes)


def profile_delivery(app: Any, messages: int) -> None:
    """One in-process deliver_due() of `messages`, under cProfile: the top of the list."""
    from lms.jobs import outbox

    with app.app_context():
        clear_outbox()
        queue_reminders(messages)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        done = outbox.deliver_due()
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(f"  in-process deliver_due(): {done} messages in {elapsed:.2f} s "
          f"({done / elapsed:.0f}/s, one worker, under cProfile)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(18)


def run(label: str, database_url: str | None, options: argparse.Namespace) -> dict[str, float]:
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from lms import create_app
    from lms.config import Config
    from lms.extensions import db

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        server, port = Counter(), free_port()
        controller = Controller(server, hostname="127.0.0.1", port=port)
        controller.start()
        environment = {"LMS_INSTANCE_PATH": folder, "LMS_SECRET_KEY": "bench-" + "k" * 40,
                       "LMS_MAIL_URL": f"smtp://127.0.0.1:{port}",
                       "LMS_BASE_URL": "https://learning.example.org",
                       "LMS_QUEUE_NAME": f"bench-{uuid.uuid4().hex[:6]}",
                       "LMS_TICK_SECONDS": "1",
                       "LMS_DATABASE_URL": database_url or
                       f"sqlite:///{Path(folder) / 'lms.sqlite3'}"}
        app = create_app(Config(environment))
        app.config["WTF_CSRF_ENABLED"] = False
        try:
            with app.app_context():
                upgrade()
            print(f"{label}:")
            timings = time_reminders(app, options.runs)
            results["remind_ms"] = statistics.median(timings)
            print(f"  POST reminders to {LEARNERS} learners: median {results['remind_ms']:.1f} ms "
                  f"over {options.runs} runs (min {min(timings):.1f}, max {max(timings):.1f})")
            for workers in options.workers:
                rate = delivery_rate(app, workers, options.messages, environment, Path(folder),
                                     server)
                results[f"rate_{workers}"] = rate
                print(f"  {options.messages} emails, {workers} worker(s): {rate:.0f} messages/s")
            if options.profile:
                profile_delivery(app, 1000)
        finally:
            controller.stop()
            with app.app_context():
                db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    print(f"{os.cpu_count()} CPU(s); the SMTP server runs in this process")
    table = {"SQLite": run("SQLite", None, options)}
    server_url = os.environ.get("LMS_BENCH_DATABASE_URL")
    if server_url:
        with throwaway_postgres(server_url) as url:
            if url is not None:
                table["PostgreSQL"] = run("PostgreSQL", url, options)
    header = f"{'database':<11} {'remind 200 (ms)':>16}" + "".join(
        f" {f'{workers} worker(s) msg/s':>20}" for workers in options.workers)
    print("\n" + header)
    for label, results in table.items():
        print(f"{label:<11} {results['remind_ms']:>16.1f}" + "".join(
            f" {results[f'rate_{workers}']:>20.0f}" for workers in options.workers))
    best = {label: results.get(f"rate_{max(options.workers)}", 0.0)
            for label, results in table.items()}
    for label, results in table.items():
        print(f"{label}: reminding {LEARNERS} under {GOAL_MS} ms: "
              f"{'yes' if results['remind_ms'] < GOAL_MS else 'NO'}; "
              f"{max(options.workers)} workers at {GOAL_RATE} messages/s or more: "
              f"{'yes' if best[label] >= GOAL_RATE else 'NO'}")


if __name__ == "__main__":
    main()
