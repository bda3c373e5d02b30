"""The demo's Western Balkans 2026 has two past sessions with attendance and two upcoming."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.demo import load_demo
from lms.extensions import db
from lms.live.models import Attendance, LiveSession


def test_western_balkans_has_past_and_upcoming_sessions(app: Flask) -> None:
    load_demo()
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "western-balkans-2026"))
    assert cohort is not None and cohort.min_attendance == 2
    sessions = db.session.scalars(select(LiveSession).where(
        LiveSession.cohort_id == cohort.id).order_by(LiveSession.starts_at)).all()
    now = utcnow()
    assert [session.ends_at < now for session in sessions] == [True, True, False, False]
    marked = dict(db.session.execute(
        select(Attendance.session_id, func.count()).group_by(Attendance.session_id)).all())
    assert marked == {sessions[0].id: 6, sessions[1].id: 6}
    load_demo()  # a second run adds nothing
    assert db.session.scalar(select(func.count()).select_from(LiveSession)) == 4
