"""A learner's journey, sent to a real LRS (Ralph): exactly the expected statements arrive,
each once, and Ralph's own xAPI models find nothing wrong with them."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from sqlalchemy import select

from lms.extensions import db
from lms.jobs import queue
from lms.xapi.models import SENT, XapiStatement
from tests.xapi.helpers import agent, expected, journey, seen
from tests.xapi.lrs import LRS


@pytest.fixture
def app_settings(lrs: LRS) -> dict[str, object]:
    return lrs.settings


def test_a_journey_arrives_in_the_lrs_exactly(app: Flask, lrs: LRS) -> None:
    done = journey(app)
    queue.drain(app)
    found = lrs.statements(agent=agent(done.learner))
    assert seen(found) == expected(done)
    assert len({statement["id"] for statement in found}) == len(found)
    assert lrs.problems(found) == []
    assert done.learner.email not in json.dumps(found)
    assert set(db.session.scalars(select(XapiStatement.status))) == {SENT}
    # what was sent is what the platform keeps: same ids
    assert {statement["id"] for statement in found} == \
        set(db.session.scalars(select(XapiStatement.id)))
    cohort_url = f"http://localhost/cohorts/{done.cohort.slug}/"
    assert all(statement["context"]["contextActivities"]["grouping"][0]["id"] == cohort_url
               for statement in found)
