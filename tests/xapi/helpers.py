"""A learner's journey through Open Government 101, the way the pages and facilitators do it,
and the statements it should leave in the LRS."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.capstone import services as capstones
from lms.capstone.models import Capstone
from lms.certificates import codes
from lms.certificates import services as certificates
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.courses.content import Lesson
from lms.extensions import db
from lms.live import attendance
from lms.live.models import LiveSession
from lms.xapi import statements
from tests.capstone.helpers import client_for, full_draft, scoring
from tests.certificates.helpers import COURSE, complete
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

BASE = "http://localhost"
V = statements


@dataclass
class Journey:
    learner: User
    facilitator: User
    cohort: Cohort
    session: LiveSession
    lesson: Lesson  # the one opened, with the check answered wrong then right
    quiz_id: str
    certificate_code: str


def choice_check(app: Flask) -> tuple[Lesson, str, list[str], list[str]]:
    """The first lesson with a multiple-choice check: that check, a wrong and a right answer."""
    course = courses.get_course(COURSE)
    for lesson in course.lessons:
        for quiz_id, rendered in lesson.versions["en"].quizzes.items():
            if rendered.kind != "text":
                right = sorted(rendered.quiz.correct_positions)
                wrong = [next(position for position in range(len(rendered.quiz.options))
                              if position not in right)]
                return lesson, quiz_id, [str(p) for p in wrong], [str(p) for p in right]
    raise AssertionError("no choice check in the course")


def journey(app: Flask, *, outage: Any = None) -> Journey:
    """Open a lesson (twice), answer a check wrong then right, attend a session, have the
    reform project approved, complete every lesson (the certificate is issued), lose it."""
    from tests.live.helpers import make_past_session

    facilitator = make_user(Role.FACILITATOR)
    learner = make_user(name="Lea Learner", email="lea.learner@example.org")
    cohort = make_cohort(facilitators=[facilitator], members=[learner])
    course = courses.get_course(COURSE)
    lesson, quiz_id, wrong, right = choice_check(app)
    client = client_for(app, learner)
    for _ in range(2):  # a reload launches nothing more
        assert client.get(f"/courses/{COURSE}/{lesson.lesson_id}/").status_code == 200
    assert not courses.answer_quiz(learner.id, course, lesson, quiz_id, wrong, "", "0")
    assert courses.answer_quiz(learner.id, course, lesson, quiz_id, right, "", "1")
    session = make_past_session(cohort)
    attendance.mark(cohort, session, {learner.id: "present"}, facilitator)
    capstones.submit(learner, COURSE, full_draft())
    capstone = db.session.scalars(select(Capstone).where(Capstone.user_id == learner.id)).one()
    capstones.decide(facilitator, cohort, capstone, scoring(), "approve")
    complete(learner, len(course.lessons))  # every lesson: the certificate is earned
    certificate = certificates.active_certificate(learner.id, COURSE)
    assert certificate is not None, "the certificate was not issued"
    code = codes.display(certificate.code)
    admin = make_user(Role.ADMIN)
    certificates.revoke(certificate, admin, "Issued by mistake", "")
    return Journey(learner, facilitator, cohort, session, lesson, quiz_id, code)


def expected(done: Journey) -> Counter[tuple[str, str, bool | None]]:
    """(verb, object id, result.success) of every statement the journey makes."""
    course = courses.get_course(COURSE)
    lesson_url = f"{BASE}/courses/{COURSE}/{done.lesson.lesson_id}/"
    wanted: Counter[tuple[str, str, bool | None]] = Counter()
    wanted[(V.LAUNCHED, lesson_url, None)] += 1
    wanted[(V.ANSWERED, f"{lesson_url}#{done.quiz_id}", False)] += 1
    for lesson in course.lessons:
        url = f"{BASE}/courses/{COURSE}/{lesson.lesson_id}/"
        wanted[(V.COMPLETED, url, None)] += 1
        for quiz_id in lesson.quiz_ids:
            wanted[(V.ANSWERED, f"{url}#{quiz_id}", True)] += 1
    wanted[(V.COMPLETED, f"{BASE}/courses/{COURSE}/", None)] += 1
    wanted[(V.ATTENDED,
            f"{BASE}/cohorts/{done.cohort.slug}/sessions/{done.session.id}", None)] += 1
    wanted[(V.PASSED, f"{BASE}/courses/{COURSE}/capstone", True)] += 1
    wanted[(V.EARNED, f"{BASE}/verify/{done.certificate_code}", None)] += 1
    wanted[(V.LOST, f"{BASE}/verify/{done.certificate_code}", None)] += 1
    return wanted


def seen(found: list[dict[str, Any]]) -> Counter[tuple[str, str, bool | None]]:
    return Counter((statement["verb"]["id"], statement["object"]["id"],
                    (statement.get("result") or {}).get("success")) for statement in found)


def agent(user: User) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": BASE, "name": user.xapi_id}}
