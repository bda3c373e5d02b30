"""Median render time of the programme dashboard (/insights/) for 20,000 learners in 100 cohorts.

Builds a programme of 100 cohorts of Open Government 101 (regional and thematic, started over two
years) with 200 learners each: varied lesson progress (some finish, some stall, some are active
this month), self-assessments before and after for a share of them, and a few hundred outcome
stories. Then times GET /insights/ in-process, as an admin (every cohort) and as a facilitator
(ten cohorts): the median of 15 runs after a warm-up. Goal: the admin's page under 500 ms on
SQLite.

Runs on SQLite in a temporary folder, then on PostgreSQL too when one answers (a throwaway
database, dropped afterwards): LMS_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432.

    .venv/bin/python bench/insights.py [--runs 15] [--learners 20000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._databases import throwaway_postgres  # noqa: E402

COURSE = "open-government-101"
GOAL_MS = 500
COUNTRIES = ["AL", "XK", "RS", "MK", "BA", "ME", "UA", "GE", "MD", "SN", "CI", "BF", "KE", "GH",
             "NG", "TN", "MA", "JO", "CO", "PE", "MX", "GT", "ID", "PH", "NP", "FR"]


def populate(learners: int, cohort_count: int, rng: random.Random) -> dict[str, object]:
    """The programme, bulk-inserted; returns the admin's and a facilitator's session ids."""
    from sqlalchemy import insert, select

    from lms.accounts import sessions
    from lms.accounts.models import Role, User
    from lms.alumni.models import OutcomeStory
    from lms.cohorts.focus import REGIONAL, REGIONS, THEMATIC, THEMES
    from lms.cohorts.models import Cohort, CohortFacilitator, Membership
    from lms.courses import services as courses
    from lms.courses.models import LessonProgress, SelfAssessmentAnswer, SelfAssessmentRating
    from lms.db import utcnow
    from lms.extensions import db

    def bulk(model: type, rows: list[dict[str, object]]) -> None:
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])

    course = courses.get_course(COURSE)
    lesson_ids = [lesson.lesson_id for lesson in course.lessons]
    statements = [item.statement_id for item in course.self_assessment.statements]
    now = utcnow()
    admin = User(email="admin@example.org", name="Admin", role=Role.ADMIN, locale="en")
    facilitators = [User(email=f"facilitator{n}@example.org", name=f"Facilitator {n}",
                         role=Role.FACILITATOR, locale="en") for n in range(10)]
    db.session.add_all([admin, *facilitators])
    db.session.flush()

    regions, themes = list(REGIONS), list(THEMES)
    cohorts = []
    for number in range(cohort_count):
        regional = number % 2 == 0
        starts_on = now.date() - timedelta(days=730) + timedelta(days=number * 730 // cohort_count)
        cohorts.append({
            "slug": f"cohort-{number:03d}", "name": f"Cohort {number:03d}",
            "kind": REGIONAL if regional else THEMATIC,
            "focus": regions[number // 2 % len(regions)] if regional
            else themes[number // 2 % len(themes)],
            "course_id": COURSE, "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=70), "requires_signoff": False,
            "created_at": now})
    bulk(Cohort, cohorts)
    cohort_rows = db.session.execute(select(Cohort.id, Cohort.starts_on).order_by(Cohort.id)).all()
    bulk(CohortFacilitator, [{"cohort_id": cohort_id, "user_id": facilitators[index % 10].id}
                             for index, (cohort_id, _) in enumerate(cohort_rows)])

    bulk(User, [{"email": f"learner{n}@example.org", "name": f"Learner {n}",
                 "country": rng.choice(COUNTRIES), "organisation": f"Ministry {n % 37}",
                 "locale": "en", "session_token": f"l{n}"} for n in range(learners)])
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like("learner%"))
                                       .order_by(User.id)))
    memberships, progress, answers, stories = [], [], [], []
    per_cohort = len(user_ids) // len(cohort_rows)
    completers = []
    for index, user_id in enumerate(user_ids):
        cohort_id, starts_on = cohort_rows[min(index // per_cohort, len(cohort_rows) - 1)]
        start = datetime.combine(starts_on, datetime.min.time(), UTC)
        joined = start + timedelta(days=rng.uniform(-7, 14))
        memberships.append({"cohort_id": cohort_id, "user_id": user_id, "joined_at": joined})
        done = 7 if rng.random() < 0.4 else max(0, min(6, int(rng.gauss(3, 2.5))))
        pace = rng.uniform(1.5, 9)
        last = None
        for position in range(min(7, done + 1)):
            at = joined + timedelta(days=position * pace + rng.uniform(0, 2))
            if at > now:
                break
            finished = position < done
            progress.append({"user_id": user_id, "course_id": COURSE,
                             "lesson_id": lesson_ids[position], "started_at": at,
                             "completed_at": at + timedelta(hours=1) if finished else None})
            last = at
        if done == 7 and last is not None:
            completers.append(user_id)
        if rng.random() < 0.6:
            answers.append((user_id, "before", joined, [rng.randint(1, 4) for _ in statements]))
            if done == 7 and last is not None and rng.random() < 0.7:
                answers.append((user_id, "after", last + timedelta(days=1),
                                [min(5, rating + rng.choice((0, 1, 1, 2)))
                                 for rating in answers[-1][3]]))
    bulk(Membership, memberships)
    bulk(LessonProgress, progress)
    bulk(SelfAssessmentAnswer, [{"user_id": user_id, "course_id": COURSE, "phase": phase,
                                 "open_answer": "", "submitted_at": at}
                                for user_id, phase, at, _ in answers])
    ids = {(user_id, phase): answer_id for answer_id, user_id, phase in db.session.execute(
        select(SelfAssessmentAnswer.id, SelfAssessmentAnswer.user_id, SelfAssessmentAnswer.phase))}
    bulk(SelfAssessmentRating, [
        {"assessment_id": ids[(user_id, phase)], "statement_id": statement, "rating": rating}
        for user_id, phase, _, ratings in answers
        for statement, rating in zip(statements, ratings, strict=True)])
    for _ in range(400):
        verified = rng.random() < 0.4
        stories.append({
            "user_id": rng.choice(completers), "what_changed": "A ministry opened its data.",
            "who_changed": "Ministry", "happened_on": date(2026, rng.randint(1, 10), 1),
            "contribution": "I drafted it.", "theme": rng.choice(themes),
            "country": rng.choice(COUNTRIES), "evidence": [], "visibility": "programme",
            "verified_at": now if verified else None,
            "verified_by": admin.id if verified else None, "created_at": now, "updated_at": now})
    bulk(OutcomeStory, stories)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # planner statistics, as a live database has
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()  # statistics are rolled back with the transaction otherwise
    print(f"  {len(user_ids):,} learners in {len(cohort_rows)} cohorts, "
          f"{len(progress):,} lesson records, {len(answers):,} self-assessments, "
          f"{len(stories)} outcome stories")
    return {"admin": sessions.start(admin, "bench"),
            "facilitator": sessions.start(facilitators[0], "bench")}


def time_page(app, session_id: str, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Milliseconds for GET /insights/ (median, min, max wall time; median CPU time of this
    process) and the number of queries one request runs."""
    from sqlalchemy import event

    from lms.extensions import db

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    response = client.get("/insights/")  # warm-up
    assert response.status_code == 200 and "Programme insights" in response.text
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/insights/")
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
    queries: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    client.get("/insights/")
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(cpus), "queries": len(queries)}


def run(label: str, database_url: str | None, folder: str, options: argparse.Namespace) -> float:
    from flask_migrate import upgrade

    from lms import create_app
    from lms.config import Config
    from lms.extensions import db

    environment = {"LMS_INSTANCE_PATH": folder, "LMS_SECRET_KEY": "bench-" + "k" * 40}
    if database_url:
        environment["DATABASE_URL"] = database_url
    app = create_app(Config(environment))
    app.config["WTF_CSRF_ENABLED"] = False
    print(f"{label}:" + (" (CPU time excludes the database server's)" if database_url else ""))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        sessions = populate(options.learners, options.cohorts, random.Random(2026))
        print(f"  built in {time.perf_counter() - started:.0f} s")
    medians = {}
    for who in ("admin", "facilitator"):
        timing = time_page(app, str(sessions[who]), options.runs)
        medians[who] = timing["median"]
        scope = "every cohort" if who == "admin" else "10 cohorts"
        print(f"  /insights/ as {who:<11} ({scope:>12}): median {timing['median']:6.1f} ms over "
              f"{options.runs} runs (min {timing['min']:.1f}, max {timing['max']:.1f}; "
              f"CPU of this process {timing['cpu']:.1f} ms), {timing['queries']:.0f} queries")
    with app.app_context():
        db.engine.dispose()
    return medians["admin"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run("SQLite", None, folder, options)
    if not options.no_postgres:
        server = os.environ.get("LMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
        with throwaway_postgres(server) as url, tempfile.TemporaryDirectory() as folder:
            if url is not None:
                results["PostgreSQL"] = run("PostgreSQL", url, folder, options)
    for label, median in results.items():
        verdict = "yes" if median < GOAL_MS else "NO"
        print(f"{label}: admin dashboard median {median:.1f} ms "
              f"(goal: under {GOAL_MS} ms on SQLite) - under the goal: {verdict}")


if __name__ == "__main__":
    main()
