"""A private reflection is read by its author alone: every page, CSV, calendar and export the
app can serve (every GET route, with the real objects behind its address) is fetched as the
learner's facilitator, admins and other learners, and none holds it. The shared one reaches
the facilitators; the learner's own export keeps both, with who may read each."""

from __future__ import annotations

import json

from flask import Flask
from werkzeug.routing import Rule

from lms.accounts.models import Role
from lms.cohorts.models import Cohort, CohortFacilitator
from lms.courses import services as courses
from lms.courses.models import FACILITATORS, PRIVATE
from lms.extensions import db
from lms.insights.breakdowns import PARTICIPATION_SLUGS, SHIFTS_PREFIX, STORY_SLUGS
from tests.certificates.helpers import COURSE
from tests.factories import make_user
from tests.security.routes import DESTRUCTIVE, build_world, may_use, real_values, routes, sign_in

PRIVATE_TEXT = "Kept-to-myself-7f3a: my director blocks the reform"
SHARED_TEXT = "Shared-with-facilitators-91c2: our budget data is late"


def test_a_private_reflection_reaches_no_one_else(app: Flask) -> None:
    world = build_world()
    learner = world.users["learner"]
    course = courses.get_course(COURSE)
    for position, text, visibility in ((0, PRIVATE_TEXT, PRIVATE), (1, SHARED_TEXT, FACILITATORS)):
        lesson = course.lessons[position]
        courses.save_reflection(learner, course, lesson, lesson.reflection_ids[0], text,
                                visibility)
    # An admin who runs the learner's cohort, besides the world's admin who does not.
    running_admin = make_user(Role.ADMIN)
    db.session.add(CohortFacilitator(cohort_id=world.open_cohort, user_id=running_admin.id))
    db.session.commit()
    readers = {"facilitator": world.users["facilitator"], "admin": world.users["admin"],
               "admin running the cohort": running_admin.id, "alumnus": world.users["alumnus"],
               "another learner": make_user().id}
    roles = {"facilitator": "facilitator", "admin": "admin", "admin running the cohort": "admin",
             "alumnus": "alumnus", "another learner": "learner"}

    client = app.test_client()
    leaks: list[str] = []
    shared_seen_by: set[str] = set()
    served: set[str] = set()
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint in DESTRUCTIVE or rule.endpoint == "static":
            continue
        candidates = real_values(world, rule)[:4]
        if "chart" in rule.arguments:  # every chart's CSV on the insights dashboard
            candidates = [{"chart": slug} for slug in (*PARTICIPATION_SLUGS, *STORY_SLUGS,
                                                       f"{SHIFTS_PREFIX}{COURSE}")]
        for values in candidates:
            url = _fill(rule, values)
            for reader, user_id in readers.items():
                if not may_use(app, roles[reader], rule):
                    continue
                sign_in(client, user_id, None)
                response = client.get(url)
                body = response.get_data(as_text=False).decode("utf-8", "replace")
                if response.status_code == 200:
                    served.add(url)
                if PRIVATE_TEXT in body:
                    leaks.append(f"{reader}: {url}")
                if SHARED_TEXT in body:
                    shared_seen_by.add(reader)
    # The walk reached the pages and files that could carry a reflection, not refusals.
    slug = db.session.get(Cohort, world.open_cohort).slug
    assert {f"/cohorts/{slug}/learners/{learner}", f"/cohorts/{slug}/progress",
            f"/cohorts/{slug}/progress.csv", "/insights/", "/insights/cohorts.csv",
            "/alumni/me/export"} <= served
    assert leaks == []
    assert shared_seen_by == {"facilitator", "admin running the cohort"}

    sign_in(client, learner, None)
    mine = json.loads(client.get("/alumni/me/export").get_data(as_text=True))
    assert sorted((item["text"], item["visibility"]) for item in mine["reflections"]
                  if item["text"] != "A reflection") == [
        (PRIVATE_TEXT, PRIVATE), (SHARED_TEXT, FACILITATORS)]


def _fill(rule: Rule, values: dict[str, str]) -> str:
    """The rule's address with these values for its variables."""
    path = rule.rule
    for name, value in values.items():
        for pattern in (f"<{name}>", f"<int:{name}>", f"<path:{name}>"):
            path = path.replace(pattern, value)
    return path
