"""How statements are written: the actor never carries the email unless asked, ids are fixed by
the event, activities are the platform's addresses; and nothing is recorded without an LRS."""

from __future__ import annotations

import json
import uuid

import pytest
from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.courses import services as courses
from lms.extensions import db
from lms.jobs.models import Job
from lms.xapi import services, statements
from lms.xapi.models import XapiStatement
from tests.certificates.helpers import COURSE, complete
from tests.factories import make_user

LRS = {"LMS_XAPI_ENDPOINT": "http://127.0.0.1:9/xAPI"}  # never reached: no job is run here


def _completed(user: User) -> dict[str, object]:
    course = courses.get_course(COURSE)
    lesson = course.lessons[0]
    from lms.db import utcnow

    return services.completed_lesson(user.id, course, lesson, utcnow()).statement


@pytest.mark.app_config(**LRS)
def test_the_actor_is_an_opaque_account_never_the_email(app: Flask) -> None:
    learner = make_user(email="private.person@example.org")
    made = _completed(learner)
    assert made["actor"] == {"objectType": "Agent",
                             "account": {"homePage": "http://localhost", "name": learner.xapi_id}}
    assert "private.person" not in json.dumps(made)
    assert len(learner.xapi_id) == 32 and str(learner.id) != learner.xapi_id
    assert learner.xapi_id != make_user().xapi_id


@pytest.mark.app_config(LMS_XAPI_ACTOR="mbox", **LRS)
def test_the_email_only_when_the_site_chooses_mbox(app: Flask) -> None:
    learner = make_user(email="named@example.org")
    assert _completed(learner)["actor"] == {"objectType": "Agent",
                                            "mbox": "mailto:named@example.org"}


@pytest.mark.app_config(**LRS)
def test_ids_are_fixed_by_the_event(app: Flask) -> None:
    learner, other = make_user(), make_user()
    first, again = _completed(learner), _completed(learner)
    assert first["id"] == again["id"] and uuid.UUID(str(first["id"])).version == 5
    assert _completed(other)["id"] != first["id"]
    # not made from the user id: only from the random xapi_id
    learner.xapi_id = uuid.uuid4().hex
    assert _completed(learner)["id"] != first["id"]


@pytest.mark.app_config(**LRS)
def test_activities_are_the_platforms_addresses(app: Flask) -> None:
    learner = make_user(locale="fr")
    course = courses.get_course(COURSE)
    lesson = course.lessons[0]
    made = _completed(learner)
    assert made["object"]["id"] == f"http://localhost/courses/{COURSE}/{lesson.lesson_id}/"
    assert made["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert made["object"]["definition"]["name"] == {"fr": lesson.version("fr")[0].title}
    assert made["context"]["language"] == "fr"
    assert made["context"]["contextActivities"]["parent"][0]["id"] == \
        f"http://localhost/courses/{COURSE}/"
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert made["timestamp"].endswith("Z") and made["version"] == "1.0.3"
    assert statements.check(COURSE, "l", "q1", "Q").path == f"/courses/{COURSE}/l/#q1"


def test_nothing_is_recorded_without_an_lrs(app: Flask) -> None:
    learner = make_user()
    complete(learner)
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 0
    assert db.session.scalar(select(func.count()).select_from(Job)
                             .where(Job.name == services.DELIVER_JOB)) == 0


@pytest.mark.app_config(**LRS)
def test_recorded_with_the_action_once(app: Flask) -> None:
    learner = make_user()
    complete(learner, 1)
    course = courses.get_course(COURSE)
    courses.mark_done(learner.id, course, course.lessons[0])  # again: nothing new
    verbs = db.session.scalars(select(XapiStatement.verb)).all()
    assert verbs.count(statements.COMPLETED) == 1
    assert verbs.count(statements.ANSWERED) == len(course.lessons[0].quiz_ids)


@pytest.mark.app_config(**LRS)
def test_the_admins_see_statements_waiting_and_failed(app: Flask, client, login_as) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from lms.xapi.models import FAILED
    from tests.jobs.test_admin_jobs import row_cells

    complete(make_user(), 1)
    first = db.session.scalars(select(XapiStatement.id).order_by(XapiStatement.id)).first()
    db.session.execute(update(XapiStatement).where(XapiStatement.id == first)
                       .values(status=FAILED, last_error="HTTP 400"))
    db.session.commit()
    waiting = db.session.scalar(select(func.count()).select_from(XapiStatement)) - 1
    login_as("admin")
    page = client.get("/admin/jobs").text
    assert row_cells(page, "now", "Learning records (xAPI)") == {
        "Queued": str(waiting), "Scheduled": "0", "Running": "0", "Failed": "1",
        "Sent today": "0"}


def test_no_learning_records_row_without_an_lrs(app: Flask, client, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("admin")
    assert "Learning records (xAPI)" not in client.get("/admin/jobs").text


@pytest.mark.app_config(**LRS)
def test_a_long_question_is_named_shortened_at_a_word(app: Flask) -> None:
    learner = make_user()
    complete(learner, 1)
    course = courses.get_course(COURSE)
    questions = {quiz_id: " ".join(quiz.quiz.question.split()) for quiz_id, quiz in
                 course.lessons[0].versions["en"].quizzes.items()}
    names = {payload["object"]["id"].rsplit("#", 1)[1]: payload["object"]["definition"]
             ["name"]["en"] for payload in db.session.scalars(
                 select(XapiStatement.payload)
                 .where(XapiStatement.verb == statements.ANSWERED))}
    long_ones = [quiz_id for quiz_id, question in questions.items() if len(question) > 200]
    assert long_ones  # the first lesson's scenarios are longer than a name
    for quiz_id in long_ones:
        name = names[quiz_id]
        assert len(name) <= 200 and name.endswith(" …")
        assert questions[quiz_id].startswith(name.removesuffix(" …"))
        assert questions[quiz_id][len(name) - 2] == " "  # cut between words
    short = [quiz_id for quiz_id in questions if quiz_id not in long_ones]
    assert all(names[quiz_id] == questions[quiz_id] for quiz_id in short)


@pytest.mark.app_config(**LRS)
def test_a_choice_check_names_its_options_for_the_response(app: Flask) -> None:
    learner = make_user()
    complete(learner, 1)
    course = courses.get_course(COURSE)
    quizzes = course.lessons[0].versions["en"].quizzes
    for payload in db.session.scalars(select(XapiStatement.payload)
                                      .where(XapiStatement.verb == statements.ANSWERED)):
        quiz = quizzes[payload["object"]["id"].rsplit("#", 1)[1]].quiz
        definition = payload["object"]["definition"]
        if quiz.kind == "text":
            assert definition["interactionType"] == "fill-in" and "choices" not in definition
            continue
        assert definition["interactionType"] == "choice"
        assert [choice["id"] for choice in definition["choices"]] == \
            [str(position) for position in range(len(quiz.options))]
        assert definition["choices"][0]["description"]["en"].removesuffix(" …") in \
            quiz.options[0].text
        chosen = payload["result"]["response"].split("[,]")
        assert set(chosen) <= {choice["id"] for choice in definition["choices"]}
