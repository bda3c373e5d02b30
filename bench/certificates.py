"""Certificate speed: one PDF against a blank page, a cached download, and a cohort of 500.

In one run: the median time to render a blank one-page A4 PDF with WeasyPrint and one of our
certificates (and their ratio), the median time to download an already rendered certificate,
and the total time to issue a cohort's 500 certificates and render their PDFs over the machine's
cores. Goals: a certificate at most 3x a blank page, a cached download under 10 ms, the cohort
in under 60 s on 2 cores. Uses a fresh SQLite database in a temporary folder.

    .venv/bin/python bench/certificates.py [--runs 10] [--cohort 500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COURSE = "open-government-101"


def median_ms(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def completed_learners(size: int) -> list[int]:
    """`size` learners who finished every lesson with every check right (bulk inserts)."""
    from sqlalchemy import insert, select

    from lms.accounts.models import User
    from lms.courses import services as courses
    from lms.courses.models import LessonProgress, QuizAttempt
    from lms.db import utcnow
    from lms.extensions import db

    course = courses.get_course(COURSE)
    db.session.execute(insert(User), [
        {"email": f"graduate-{n}@example.org", "name": f"Graduate Nº{n} Łukasz Ñúñez",
         "locale": "fr" if n % 2 else "en", "session_token": f"g{n}"} for n in range(size)])
    ids = list(db.session.scalars(select(User.id).where(User.email.like("graduate-%"))))
    now = utcnow()
    progress, attempts = [], []
    for user_id in ids:
        for lesson in course.lessons:
            progress.append({"user_id": user_id, "course_id": COURSE,
                             "lesson_id": lesson.lesson_id, "started_at": now,
                             "completed_at": now})
            for quiz_id in lesson.quiz_ids:
                attempts.append({"user_id": user_id, "course_id": COURSE,
                                 "lesson_id": lesson.lesson_id, "quiz_id": quiz_id,
                                 "attempt": 0, "answer": [0], "correct": True,
                                 "created_at": now})
    db.session.execute(insert(LessonProgress), progress)
    db.session.execute(insert(QuizAttempt), attempts)
    db.session.commit()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cohort", type=int, default=500)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update({"LMS_INSTANCE_PATH": folder, "LMS_SECRET_KEY": "bench-" + "k" * 40,
                           "LMS_BASE_URL": "https://learn.example.org"})
        from flask_migrate import upgrade
        from sqlalchemy import select

        from lms import create_app
        from lms.accounts import sessions
        from lms.accounts.models import Role, User
        from lms.certificates import credentials, pdf, rendering, services
        from lms.certificates.models import Certificate
        from lms.cohorts import services as cohorts
        from lms.cohorts.models import Membership
        from lms.extensions import db

        credentials.key_to_file(credentials.generate_key(), Path(folder) / "signing-key.json")
        app = create_app()
        with app.app_context():
            upgrade()
            blank = median_ms(pdf.blank_page_pdf, options.runs)
            admin = User(email="admin@example.org", name="Admin", role=Role.ADMIN, locale="en")
            db.session.add(admin)
            db.session.commit()
            learners = completed_learners(options.cohort)
            today = cohorts.today()
            cohort = cohorts.create_cohort(cohorts.CohortDetails(
                name="Cohort of 500", slug="cohort-500", focus="western-balkans",
                course_id=COURSE, starts_on=today - timedelta(days=60), ends_on=today,
                requires_signoff=False, facilitator_ids=[admin.id]))
            for user_id in learners:
                db.session.add(Membership(cohort_id=cohort.id, user_id=user_id))
            db.session.commit()

            started = time.perf_counter()
            issued = services.issue_for_cohort(cohort, admin)
            issuing = time.perf_counter() - started
            first = db.session.scalar(select(Certificate).order_by(Certificate.id))
            certificate_ms = median_ms(lambda: services.render(first), options.runs)
            started = time.perf_counter()
            rendered = rendering.render_all(rendering.unrendered(), workers=os.cpu_count())
            render_time = time.perf_counter() - started
            holder_id, code = first.user_id, first.code
            session_id = sessions.start(db.session.get(User, holder_id), "bench")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        url = f"/certificates/{code}.pdf"
        assert client.get(url).status_code == 200
        cached = median_ms(lambda: client.get(url), max(options.runs, 30))
        with app.app_context():
            db.engine.dispose()

    print(f"blank A4 page (WeasyPrint):        median {blank:7.1f} ms")
    print(f"one certificate (PDF/A-3b, QR):     median {certificate_ms:7.1f} ms "
          f"= {certificate_ms / blank:.1f}x the blank page (goal: 3x or less)")
    print(f"cached download (already rendered): median {cached:7.1f} ms (goal: under 10 ms)")
    print(f"cohort of {options.cohort}: {issued} issued and signed in {issuing:.1f} s, "
          f"{rendered} PDFs rendered on {os.cpu_count()} cores in {render_time:.1f} s, "
          f"total {issuing + render_time:.1f} s (goal: under 60 s)")


if __name__ == "__main__":
    main()
