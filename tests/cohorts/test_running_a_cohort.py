"""Creating a cohort, its schedule, reminders, notes, sign-off and closing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.cohorts import services
from lms.cohorts.models import Cohort, DueDate, FacilitatorNote, Membership, Reminder
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.cohorts.test_dashboard import finish
from tests.factories import make_user

FORM = {"name": "Western Balkans 2027", "slug": "wb-2027", "focus": "western-balkans",
        "course_id": COURSE, "starts_on": "2027-03-01", "ends_on": "2027-05-09"}


def test_admin_creates_a_cohort_with_an_even_schedule(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    facilitator = make_user(Role.FACILITATOR, name="Jelena")
    response = client.post("/cohorts/new", data={**FORM, "facilitator_ids": [facilitator.id]})
    assert response.headers["Location"] == "/cohorts/wb-2027/schedule"
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.kind, cohort.focus) == ("regional", "western-balkans")
    due = sorted(db.session.scalars(select(DueDate.due_on)))
    assert due[0] == date(2027, 3, 8) and due[-1] == date(2027, 5, 9) and len(due) == 10
    assert services.facilitates(facilitator, cohort)


def test_thematic_cohorts_take_their_kind_from_the_theme(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    client.post("/cohorts/new", data={**FORM, "focus": "anti-corruption"})
    assert db.session.scalar(select(Cohort.kind)) == "thematic"


def test_bad_cohort_details_are_refused_on_the_field(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    response = client.post("/cohorts/new", data={**FORM, "ends_on": "2027-02-01"})
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.text
    response = client.post("/cohorts/new", data={**FORM, "slug": "new"})
    assert "This address is reserved" in response.text
    response = client.post("/cohorts/new", data={**FORM, "focus": "atlantis"})
    assert response.status_code == 400
    learner = make_user()
    response = client.post("/cohorts/new", data={**FORM, "facilitator_ids": [learner.id]})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_facilitator_edits_the_schedule_within_the_dates(client: FlaskClient, login_as) -> None:
    cohort = make_cohort(facilitators=[login_as(Role.FACILITATOR)], slug="wb")
    due = services.schedule(cohort)
    data = {f"due_{lesson.replace('-', '_')}": day.isoformat() for lesson, day in due.items()}
    late = (cohort.ends_on + timedelta(days=3)).isoformat()
    response = client.post("/cohorts/wb/schedule", data={**data, "due_civic_space": late})
    assert response.status_code == 400
    ends = format_date(cohort.ends_on, "long", locale="en")  # "January 22, 2027", not ISO
    assert f"This date is after the cohort ends ({ends})." in response.text
    assert services.schedule(cohort) == due
    grouped = {**data, "due_how_ogp_works": data["due_what_open_government_means"]}
    client.post("/cohorts/wb/schedule", data=grouped)
    assert services.schedule(cohort)["how-ogp-works"] == due["what-open-government-means"]


def test_reminders_go_to_those_behind_once_a_day(client: FlaskClient, login_as, outbox) -> None:
    facilitator = login_as(Role.FACILITATOR, name="Jelena")
    behind = make_user(name="Bo Behind", email="bo@example.org", locale="fr")
    fine = make_user(name="Ana Ahead")
    # 40 days in, 10 lessons over 100 days: lessons 1-3 are past due, lesson 4 is due today.
    make_cohort(facilitators=[facilitator], members=[behind, fine], starts_days_ago=40,
                length_days=100, slug="wb")
    finish(fine, 4)
    page = client.get("/cohorts/wb/reminders?behind=1").text
    assert re.search(rf'value="{behind.id}" id="[\w-]+" checked', page)
    assert not re.search(rf'value="{fine.id}" id="[\w-]+" checked', page)
    response = client.post("/cohorts/wb/reminders", data={
        "learners": [behind.id], "subject": "{cohort}: a nudge",
        "body": "Hello {name}, due: {lessons} {link}"}, follow_redirects=True)
    assert "Reminder sent to 1 learners." in response.text
    [message] = outbox()
    assert "To: bo@example.org" in message and "Hello Bo Behind" in message
    assert "- How the Open Government Partnership works" in message
    row = db.session.scalar(select(Reminder))
    assert (row.learner_id, row.sender_id) == (behind.id, facilitator.id)
    again = client.post("/cohorts/wb/reminders", data={
        "learners": [behind.id], "subject": "Again", "body": "Again"}, follow_redirects=True)
    assert "1 were already reminded in the last 24 hours" in again.text
    assert len(outbox()) == 1 and db.session.scalar(select(func.count()).select_from(Reminder)) == 1


def test_a_reminder_is_answered_to_the_facilitator_who_sent_it(app: Flask, client: FlaskClient,
                                                                 login_as, run_jobs) -> None:
    facilitator = login_as(Role.FACILITATOR, name="Jelena Petrović", email="jelena@example.org")
    learner = make_user(email="bo@example.org")
    make_cohort(facilitators=[facilitator], members=[learner], slug="wb")
    client.post("/cohorts/wb/reminders", data={
        "learners": [learner.id], "subject": "A nudge", "body": "Reply to me."})
    run_jobs()
    [path] = sorted(Path(app.config["LMS_OUTBOX"]).glob("*.eml"))
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["To"] == "bo@example.org"
    assert message["Reply-To"].addresses[0].addr_spec == "jelena@example.org"
    assert message["Reply-To"].addresses[0].display_name == "Jelena Petrović"
    assert message["From"] == app.config["LMS_MAIL_FROM"]  # still sent by the platform


def test_notes_and_sign_off(client: FlaskClient, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR, name="Jelena")
    learner = make_user(name="Ana")
    cohort = make_cohort(facilitators=[facilitator], members=[learner], slug="wb")
    client.post(f"/cohorts/wb/learners/{learner.id}", data={"text": "Needs <help> with lesson 3"})
    page = client.get(f"/cohorts/wb/learners/{learner.id}").text
    assert "Needs &lt;help&gt; with lesson 3" in page
    assert db.session.scalar(select(FacilitatorNote.author_id)) == facilitator.id
    client.post(f"/cohorts/wb/learners/{learner.id}/signoff", data={"confirmed": "1"})
    membership = services.membership_of(cohort, learner.id)
    assert membership.signed_off_at is not None and membership.signed_off_by == facilitator.id


def test_facilitator_reads_the_reflections_their_learners_shared(client: FlaskClient,
                                                                  login_as) -> None:
    from lms.courses import services as courses
    from lms.courses.models import FACILITATORS

    facilitator = login_as(Role.FACILITATOR)
    learner = make_user(name="Ana")
    make_cohort(facilitators=[facilitator], members=[learner], slug="wb")
    course = courses.get_course(COURSE)
    first, second = course.lessons[0], course.lessons[1]
    courses.save_reflection(learner.id, course, first, first.reflection_ids[0],
                            "Our budget is not published <yet>", FACILITATORS)
    courses.save_reflection(learner.id, course, second, second.reflection_ids[0],
                            "Kept to myself")
    page = client.get(f"/cohorts/wb/learners/{learner.id}").text
    assert "Our budget is not published &lt;yet&gt;" in page
    assert "Kept to myself" not in page


def test_closing_records_graduates(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    graduate, unfinished = make_user(name="Grad"), make_user(name="Unfinished")
    cohort = make_cohort(members=[graduate, unfinished], slug="wb")
    finish(graduate, 10)
    finish(unfinished, 3)
    response = client.post("/cohorts/wb/close", follow_redirects=True)
    assert "Cohort closed: 1 graduates." in response.text
    graduated = dict(db.session.execute(select(Membership.user_id, Membership.graduated_at)).all())
    assert graduated[graduate.id] is not None and graduated[unfinished.id] is None
    assert db.session.get(Cohort, cohort.id).closed_at is not None
    assert "already closed" in client.post("/cohorts/wb/close", follow_redirects=True).text


def test_learner_cohort_page_shows_schedule_and_status(client: FlaskClient, login_as) -> None:
    learner = login_as(name="Ana")
    make_cohort(facilitators=[make_user(Role.FACILITATOR, name="Jelena Marković")],
                members=[learner, make_user()], starts_days_ago=40, length_days=100, slug="wb")
    finish(learner, 1)
    page = client.get("/cohorts/wb/").text
    assert "Jelena Marković" in page and "2 learners" in page
    assert page.count("state--done") == 1 and page.count("state--overdue") == 2
    assert "Progress" not in page.split("<main", 1)[1].split("<h2>", 1)[0]
