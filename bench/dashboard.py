"""Median render time of the facilitator's dashboard for a cohort of 200 and of 2,000 learners.

Builds a 12-lesson course and two cohorts with realistic progress (lessons done, answers with
some wrong first tries, reflections, activity spread over weeks) in a fresh SQLite database (or
DATABASE_URL), then times GET /cohorts/<slug>/progress in-process. Goals: the 2,000-learner
dashboard under 1 s, and at most 10 times the 200-learner one (linear or better).

    .venv/bin/python bench/dashboard.py [--runs 15] [--no-freeze]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LESSONS = 12
SIZES = (200, 2000)

LESSON = """---
title: Lesson {number}
minutes: 10
---

::: objectives
- Learn part {number}.
:::

## Part {number}

Text of lesson {number}.

::: quiz {{#first}}
A question?

- ( ) No
  > Not this one.
- (x) Yes
  > Right.
:::

::: quiz {{#second}}
Another question?

- [x] This
  > Yes.
- [ ] Not this
  > No.
- [x] And this
  > Yes.
:::

::: reflection {{#think}}
Think about it.
:::

::: keypoints
- A point.
:::
"""


def write_course(folder: Path) -> None:
    course = folder / "bench-course"
    (course / "en").mkdir(parents=True)
    ids = [f"lesson-{number:02d}" for number in range(1, LESSONS + 1)]
    (course / "course.yml").write_text(
        "id: bench-course\ndefault_language: en\nlanguages: [en]\n"
        "title: {en: Benchmark course}\nsummary: {en: Twelve lessons.}\nlicence: CC BY 4.0\n"
        "pass_mark: 100\nlessons:\n" + "".join(f"  - {lesson_id}\n" for lesson_id in ids))
    for number, lesson_id in enumerate(ids, 1):
        (course / "en" / f"{lesson_id}.md").write_text(LESSON.format(number=number))


def populate(size: int, slug: str, facilitator_id: int, rng: random.Random) -> None:
    from sqlalchemy import insert

    from lms.accounts.models import User
    from lms.cohorts import services
    from lms.cohorts.models import Membership
    from lms.courses.models import LessonProgress, QuizAttempt, Reflection
    from lms.extensions import db

    today = services.today()
    starts_on = today - timedelta(days=60)
    cohort = services.create_cohort(services.CohortDetails(
        name=f"Cohort of {size}", slug=slug, focus="western-balkans", course_id="bench-course",
        starts_on=starts_on, ends_on=starts_on + timedelta(days=120), requires_signoff=False,
        facilitator_ids=[facilitator_id]))
    countries = ["AL", "XK", "RS", "MK", "BA", "ME", "SN", "CI", "CO", "PE"]
    db.session.execute(insert(User), [
        {"email": f"{slug}-{n}@example.org", "name": f"Learner {n} of {slug}",
         "country": rng.choice(countries), "organisation": f"Ministry {n % 17}",
         "locale": "en", "password_hash": None, "session_token": f"{slug}{n}"[:32]}
        for n in range(size)])
    user_ids = list(db.session.scalars(
        __import__("sqlalchemy").select(User.id).where(User.email.like(f"{slug}-%"))))
    start = datetime.combine(starts_on, datetime.min.time(), UTC)
    db.session.execute(insert(Membership), [
        {"cohort_id": cohort.id, "user_id": user_id, "joined_at": start} for user_id in user_ids])
    progress, attempts, reflections = [], [], []
    for user_id in user_ids:
        done = min(LESSONS, max(0, int(rng.gauss(6, 3.5))))
        pace = rng.uniform(2, 6)
        for index in range(min(LESSONS, done + 1)):
            at = start + timedelta(days=index * pace, hours=rng.uniform(0, 20))
            finished = index < done
            lesson_id = f"lesson-{index + 1:02d}"
            progress.append({"user_id": user_id, "course_id": "bench-course",
                             "lesson_id": lesson_id, "started_at": at,
                             "completed_at": at + timedelta(hours=1) if finished else None})
            if not finished:
                continue
            for quiz_id in ("first", "second"):
                wrong_first = rng.random() < 0.3
                if wrong_first:
                    attempts.append({"user_id": user_id, "course_id": "bench-course",
                                     "lesson_id": lesson_id, "quiz_id": quiz_id, "attempt": 0,
                                     "answer": [0], "correct": False, "created_at": at})
                attempts.append({"user_id": user_id, "course_id": "bench-course",
                                 "lesson_id": lesson_id, "quiz_id": quiz_id,
                                 "attempt": int(wrong_first), "answer": [1], "correct": True,
                                 "created_at": at + timedelta(minutes=5)})
            if rng.random() < 0.5:
                reflections.append({"user_id": user_id, "course_id": "bench-course",
                                    "lesson_id": lesson_id, "reflection_id": "think",
                                    "text": "A reflection. " * 20, "created_at": at,
                                    "updated_at": at})
    for model, rows in ((LessonProgress, progress), (QuizAttempt, attempts),
                        (Reflection, reflections)):
        for chunk in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[chunk:chunk + 5000])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-freeze", action="store_true",
                        help="skip the gc.freeze() that wsgi.py does at start-up")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        write_course(content)
        os.environ.update({"LMS_INSTANCE_PATH": folder, "LMS_CONTENT_PATH": str(content),
                           "LMS_SECRET_KEY": "bench-" + "k" * 40})
        from flask_migrate import upgrade

        from lms import create_app
        from lms.accounts import sessions
        from lms.accounts.models import Role, User
        from lms.extensions import db

        app = create_app()
        app.config["WTF_CSRF_ENABLED"] = False
        rng = random.Random(2026)
        with app.app_context():
            upgrade()
            facilitator = User(email="facilitator@example.org", name="Facilitator",
                               role=Role.FACILITATOR, locale="en")
            db.session.add(facilitator)
            db.session.commit()
            for size in SIZES:
                populate(size, f"cohort-{size}", facilitator.id, rng)
            session_id = sessions.start(facilitator, "bench")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        if not options.no_freeze:
            # As wsgi.py does at start-up in production.
            gc.collect()
            gc.freeze()
        medians = {}
        for size in SIZES:
            url = f"/cohorts/cohort-{size}/progress"
            assert client.get(url).status_code == 200  # warm-up
            timings = []
            for _ in range(options.runs):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200 and f"Learner {size - 1} of" in response.text
            medians[size] = statistics.median(timings)
            print(f"dashboard, {size:>5} learners x {LESSONS} lessons: median "
                  f"{medians[size] * 1000:7.1f} ms over {options.runs} runs "
                  f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})")
        ratio = medians[SIZES[1]] / medians[SIZES[0]]
        print(f"{'without' if options.no_freeze else 'with'} gc.freeze() at start-up (wsgi.py)")
        print(f"ratio {SIZES[1]} / {SIZES[0]} learners: {ratio:.1f} (goal: 10 or less); "
              f"{SIZES[1]} learners under 1 s: {'yes' if medians[SIZES[1]] < 1 else 'NO'}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
