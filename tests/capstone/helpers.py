"""Reform projects for tests: a full draft, a signed-in client, a cohort of submitters."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import User
from lms.capstone import services
from lms.capstone.models import CapstoneVersion
from tests.factories import sign_in_id

COURSE = "open-government-101"
URL = f"/courses/{COURSE}/capstone"


def full_draft(title: str = "Open school budgets") -> dict[str, str]:
    """Every field of Open Government 101's template, filled in."""
    return {"title": title,
            "problem": "Parents cannot see how *school budgets* are spent.",
            "commitment": "Publish every school's budget as open data each term.",
            "co-creation": "The parents' association and two NGOs sit on the steering group.",
            "milestones": "- Data standard by March\n- First release by June",
            "risks": "Schools lack staff: the ministry trains one person per district.",
            "measurement": "Share of schools publishing on time: 0% today, 90% in 2028."}


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    return client


def submit(user: User, title: str = "Open school budgets") -> CapstoneVersion:
    return services.submit(user, COURSE, full_draft(title))


def scoring(level: str = "2", comment: str = "Clear enough.", overall: str = "") \
        -> services.Scoring:
    criteria = ("problem-clarity", "ambition", "co-creation", "feasibility", "measurement")
    return services.Scoring({key: level for key in criteria},
                            {key: comment for key in criteria}, overall)
