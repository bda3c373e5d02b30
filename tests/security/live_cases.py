"""Object-level cases for live sessions (lms.live), kept apart so that test_object_access.py
only gains one line: cohort a's session read by Ben (in cohort b), run by fac_b (who runs b),
and reached through cohort b's address; a calendar address nobody holds."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.extensions import db
from lms.live import services
from lms.live.models import LiveSession
from tests.live.helpers import details


def _session_of_a() -> int:
    """Cohort a's session (scheduled on first use, already started so that attendance opens)."""
    found = db.session.scalar(select(LiveSession.id)
                              .join(Cohort, Cohort.id == LiveSession.cohort_id)
                              .where(Cohort.slug == "a"))
    if found is not None:
        return found
    cohort = cohorts.get_cohort("a")
    session = services.schedule(cohort, details(title="Session of cohort a"))
    session.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return session.id


def live_attempts(attempt: Any) -> dict[str, list[Any]]:
    """The cases, built with test_object_access's Attempt class."""
    session_id = _session_of_a()
    own = f"/cohorts/a/sessions/{session_id}"
    through_b = f"/cohorts/b/sessions/{session_id}"
    run = {endpoint: [attempt("fac_b", method, f"{base}{suffix}",
                              "fac_a" if method == "GET" and base == own else None)
                      for base in (own, through_b) for method in methods]
           for endpoint, suffix, methods in [
               ("live.edit_session", "/edit", ["GET", "POST"]),
               ("live.cancel_session", "/cancel", ["POST"]),
               ("live.mark_attendance", "/attendance", ["POST"])]}
    return {
        **run,
        "live.sessions": [attempt("ben", "GET", "/cohorts/a/sessions", "ana"),
                          attempt("fac_b", "GET", "/cohorts/a/sessions", "fac_a"),
                          attempt("fac_b", "POST", "/cohorts/a/sessions")],
        "live.attendance_rule": [attempt("fac_b", "POST", "/cohorts/a/sessions/attendance-rule")],
        "live.session_page": [attempt("ben", "GET", own, "ana"),
                              attempt("ben", "GET", through_b)],
        "live.session_ics": [attempt("ben", "GET", f"{own}.ics", "ana"),
                             attempt("ben", "GET", f"{through_b}.ics")],
        "live.cohort_ics": [attempt("ben", "GET", "/cohorts/a/calendar.ics", "ana"),
                            attempt("lia", "GET", "/cohorts/a/calendar.ics")],
        "live.personal_feed": [attempt(None, "GET", f"/calendar/{secrets.token_urlsafe(32)}.ics",
                                       None, (404,))],
    }


def add_live_sessions(cohort_id: int, learner_id: int, tokens: dict[str, str]) -> None:
    """For the hostile-input world: a past and an upcoming session in the open cohort (with an
    agenda and a recording link), and the learner's calendar address."""
    from lms.accounts.models import User
    from lms.live import calendars

    cohort = db.session.get(Cohort, cohort_id)
    assert cohort is not None
    past = services.schedule(cohort, details(title="Past session",
                                             recording_url="https://example.org/rec"))
    past.starts_at, past.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2,
                                                                                      hours=-1)
    services.schedule(cohort, details(title="Upcoming session"))
    learner = db.session.get(User, learner_id)
    assert learner is not None
    tokens["live.personal_feed"] = calendars.reset_token(learner)
