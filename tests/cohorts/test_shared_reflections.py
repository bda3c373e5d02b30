"""Facilitators read only the reflections a learner shared with them; a private reflection
reaches no facilitator's or admin's page or file, not even as a date of activity."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import Role, User
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, CohortFacilitator
from lms.courses import services as courses
from lms.courses.models import FACILITATORS, PRIVATE
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user, sign_in_id

SHARED_TEXT = "Shared: our budget data is late"
PRIVATE_TEXT = "Private: my director blocks the reform"
NOT_A_FACILITATOR = "You are not one of this cohort's facilitators, so you do not see them."


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    return client


def reflect(learner: User, position: int, text: str, visibility: str) -> None:
    course = courses.get_course(COURSE)
    lesson = course.lessons[position]
    courses.save_reflection(learner.id, course, lesson, lesson.reflection_ids[0], text,
                            visibility)


@pytest.fixture
def cohort(app: Flask) -> Cohort:
    """Ana, in cohort "wb", shared one reflection and kept another private."""
    ana = make_user(name="Ana Learner")
    facilitator = make_user(Role.FACILITATOR, name="Fatou Facilitator")
    cohort = make_cohort(facilitators=[facilitator], members=[ana], slug="wb")
    reflect(ana, 0, SHARED_TEXT, FACILITATORS)
    reflect(ana, 1, PRIVATE_TEXT, PRIVATE)
    db.session.commit()
    return cohort


def people(cohort: Cohort) -> tuple[User, User]:
    facilitator = cohorts.facilitators_of(cohort)[0]
    ana = db.session.scalar(db.select(User).where(User.name == "Ana Learner"))
    return facilitator, ana


def test_the_facilitator_sees_the_shared_reflection_only(app: Flask, cohort: Cohort) -> None:
    facilitator, ana = people(cohort)
    page = client_for(app, facilitator).get(f"/cohorts/wb/learners/{ana.id}").text
    assert SHARED_TEXT in page and PRIVATE_TEXT not in page
    assert "Their private reflections are never shown here." in page


def test_making_a_shared_reflection_private_removes_it(app: Flask, cohort: Cohort) -> None:
    facilitator, ana = people(cohort)
    lesson = courses.get_course(COURSE).lessons[0]
    as_ana, as_facilitator = client_for(app, ana), client_for(app, facilitator)
    learner_page = f"/cohorts/wb/learners/{ana.id}"
    assert SHARED_TEXT in as_facilitator.get(learner_page).text
    response = as_ana.post(f"/courses/{COURSE}/{lesson.lesson_id}/reflection/"
                           f"{lesson.reflection_ids[0]}",
                           data={"text": SHARED_TEXT, "visibility": PRIVATE})
    assert response.status_code == 303
    page = as_facilitator.get(learner_page).text
    assert SHARED_TEXT not in page and PRIVATE_TEXT not in page
    assert "No reflection shared yet." in page


def test_an_admin_who_does_not_run_the_cohort_reads_no_reflection(app: Flask,
                                                                  cohort: Cohort) -> None:
    _, ana = people(cohort)
    page = client_for(app, make_user(Role.ADMIN)).get(f"/cohorts/wb/learners/{ana.id}").text
    assert "Ana Learner" in page and NOT_A_FACILITATOR in page
    assert SHARED_TEXT not in page and PRIVATE_TEXT not in page


def test_an_admin_who_runs_the_cohort_reads_only_the_shared_one(app: Flask,
                                                                 cohort: Cohort) -> None:
    _, ana = people(cohort)
    admin = make_user(Role.ADMIN)
    db.session.add(CohortFacilitator(cohort_id=cohort.id, user_id=admin.id))
    db.session.commit()
    page = client_for(app, admin).get(f"/cohorts/wb/learners/{ana.id}").text
    assert SHARED_TEXT in page and PRIVATE_TEXT not in page and NOT_A_FACILITATOR not in page


def test_another_cohorts_facilitator_reads_nothing(app: Flask, cohort: Cohort) -> None:
    _, ana = people(cohort)
    other = make_user(Role.FACILITATOR)
    make_cohort(facilitators=[other], slug="other")
    response = client_for(app, other).get(f"/cohorts/wb/learners/{ana.id}")
    assert response.status_code == 403 and SHARED_TEXT not in response.text


def last_activity(client: FlaskClient, name: str) -> str:
    """The "Last activity" cell of a learner in the cohort's progress.csv."""
    rows = list(csv.reader(io.StringIO(client.get("/cohorts/wb/progress.csv").text
                                       .lstrip("\ufeff"))))
    column = rows[0].index("Last activity")
    return next(row[column] for row in rows[1:] if row[0] == name)


@pytest.mark.parametrize("reader", ["facilitator", "admin"])
def test_a_private_reflection_is_not_even_a_date_of_activity(app: Flask, reader: str) -> None:
    facilitator = make_user(Role.FACILITATOR)
    ben = make_user(name="Ben Learner")
    make_cohort(facilitators=[facilitator], members=[ben], slug="wb")
    reflect(ben, 0, PRIVATE_TEXT, PRIVATE)
    client = client_for(app, facilitator if reader == "facilitator" else make_user(Role.ADMIN))
    assert last_activity(client, "Ben Learner") == ""
    for url in ("/cohorts/wb/progress", "/cohorts/wb/progress.csv", "/cohorts/wb/",
                f"/cohorts/wb/learners/{ben.id}"):
        assert PRIVATE_TEXT not in client.get(url).text
    reflect(ben, 0, PRIVATE_TEXT, FACILITATORS)
    assert last_activity(client, "Ben Learner") == cohorts.today().isoformat()


def test_only_the_cohorts_own_facilitators_read_shared_reflections(cohort: Cohort) -> None:
    facilitator, ana = people(cohort)
    other_facilitator = make_user(Role.FACILITATOR)
    other = make_cohort(facilitators=[other_facilitator], members=[ana], slug="other")
    assert cohorts.reads_shared_reflections(facilitator, cohort)
    assert not cohorts.reads_shared_reflections(facilitator, other)  # the wrong cohort
    assert not cohorts.reads_shared_reflections(other_facilitator, cohort)
    assert not cohorts.reads_shared_reflections(ana, cohort)  # the wrong role: a member
    assert not cohorts.reads_shared_reflections(make_user(Role.ADMIN), cohort)
