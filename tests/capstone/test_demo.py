"""The demo's reform projects: Western Balkans 2026 has one in every state."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms.accounts.models import User
from lms.capstone import overview
from lms.certificates.models import Certificate
from lms.cohorts.services import get_cohort
from lms.extensions import db


def test_the_demo_has_projects_in_every_state(app: Flask, runner) -> None:
    assert runner.invoke(args=["lms", "demo"]).exit_code == 0
    cohort = get_cohort("western-balkans-2026")
    lines = overview.cohort_lines(cohort.id, cohort.course_id)
    states = {line.name: line.status.state for line in lines}
    assert set(states.values()) >= {"draft", "submitted", "peer_reviewed", "changes_requested",
                                    "approved"}
    assert overview.summary(lines)["overdue"] == 1
    holders = set(db.session.scalars(select(User.email).join(
        Certificate, Certificate.user_id == User.id)))
    assert {"learner@demo.test", "oksana.bondar@demo.test", "alumna@demo.test"} <= holders
    assert "arben.krasniqi@demo.test" not in holders  # changes asked: no certificate yet
    assert runner.invoke(args=["lms", "demo"]).exit_code == 0  # a second run adds nothing
    assert overview.cohort_lines(cohort.id, cohort.course_id) == lines
