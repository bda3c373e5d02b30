"""An approved reform project is a condition of Open Government 101's certificate: approval
issues it when the rest is done, and the PDF and the credential name the project."""

from __future__ import annotations

import io
import json

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.capstone import services
from lms.capstone.models import APPROVE, Capstone
from lms.certificates import codes
from lms.certificates.models import Certificate
from lms.certificates.services import eligibility
from lms.courses import services as courses
from lms.extensions import db
from tests.capstone.helpers import COURSE, client_for, scoring, submit
from tests.certificates.helpers import answer_checks
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


def do_every_lesson(learner: User) -> None:
    """Every lesson done with its checks, as the lesson pages do it (no capstone involved)."""
    course = courses.get_course(COURSE)
    for lesson in course.lessons:
        answer_checks(learner, lesson)
        courses.mark_done(learner.id, course, lesson)


def test_approval_issues_the_certificate_which_names_the_project(app: Flask) -> None:
    facilitator = make_user(Role.FACILITATOR)
    learner = make_user(name="Lena Learner", locale="fr")
    cohort = make_cohort(facilitators=[facilitator], members=[learner])
    do_every_lesson(learner)
    course = courses.get_course(COURSE)
    rule = eligibility(learner.id, course)
    assert rule.capstone_missing and not rule.eligible
    assert rule.explain() == "an approved reform project remain before your certificate."
    assert db.session.scalar(select(Certificate.id)) is None

    submit(learner)
    capstone = db.session.scalar(select(Capstone))
    assert capstone is not None
    services.decide(facilitator, cohort, capstone, scoring("3"), APPROVE)
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None and certificate.user_id == learner.id
    criteria = json.loads(certificate.credential)["credentialSubject"]["achievement"][
        "criteria"]["narrative"]
    assert "Un projet d'engagement pour un gouvernement ouvert dans votre institution" in criteria

    response = client_for(app, learner).get(f"/certificates/{codes.display(certificate.code)}.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "PROJET DE RÉFORME APPROUVÉ" in text.upper()
    assert "Un projet d'engagement pour un gouvernement ouvert" in text


def test_without_approval_there_is_no_certificate(app: Flask) -> None:
    facilitator = make_user(Role.FACILITATOR)
    learner = make_user()
    cohort = make_cohort(facilitators=[facilitator], members=[learner])
    submit(learner)
    capstone = db.session.scalar(select(Capstone))
    assert capstone is not None
    services.decide(facilitator, cohort, capstone, scoring("1", overall="Redo it"), "changes")
    do_every_lesson(learner)
    assert db.session.scalar(select(Certificate.id)) is None
    assert eligibility(learner.id, courses.get_course(COURSE)).capstone_missing
