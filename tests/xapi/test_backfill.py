"""`lms xapi-backfill --since DATE`: past activity reaches the LRS once; a second run adds
nothing; it refuses without an LRS or with a malformed date."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from lms.extensions import db
from lms.jobs import queue
from lms.xapi import services, statements
from lms.xapi.models import XapiStatement
from tests.xapi.helpers import agent, expected, journey, seen
from tests.xapi.lrs import LRS

SINCE = ["lms", "xapi-backfill", "--since", "2020-01-01"]


@pytest.fixture
def app_settings(lrs: LRS) -> dict[str, object]:
    return lrs.settings


def test_past_activity_is_sent_once(app: Flask, lrs: LRS, runner: FlaskCliRunner) -> None:
    endpoint = app.config["LMS_XAPI_ENDPOINT"]
    app.config["LMS_XAPI_ENDPOINT"] = ""  # the activity happened before the LRS was set up
    done = journey(app)
    assert db.session.query(XapiStatement).count() == 0
    app.config["LMS_XAPI_ENDPOINT"] = endpoint

    result = runner.invoke(args=SINCE)
    assert result.exit_code == 0, result.output
    wanted = expected(done)
    wanted[(statements.LAUNCHED, next(key[1] for key in wanted
                                      if key[0] == statements.LAUNCHED), None)] = 0
    wanted = +wanted  # page views are not kept: no launch to backfill
    total = sum(wanted.values())
    assert f"{total} new statements queued" in result.output
    assert "0 already recorded" in result.output
    queue.drain(app)
    found = lrs.statements(agent=agent(done.learner))
    assert seen(found) == wanted
    assert lrs.problems(found) == []

    again = runner.invoke(args=SINCE)
    assert again.exit_code == 0, again.output
    assert f"0 new statements queued for {endpoint}; {total} already recorded." in again.output
    queue.drain(app)
    assert len(lrs.statements(agent=agent(done.learner))) == total


def test_since_leaves_out_what_came_before(app: Flask, runner: FlaskCliRunner) -> None:
    journey(app)
    db.session.query(XapiStatement).delete()
    db.session.commit()
    result = runner.invoke(args=["lms", "xapi-backfill", "--since", "2999-01-01"])
    assert result.exit_code == 0, result.output
    assert "0 new statements queued" in result.output


def test_refuses_a_malformed_date(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["lms", "xapi-backfill", "--since", "last week"])
    assert result.exit_code == 2
    assert "'last week' is not a date like 2026-09-01" in result.output


def test_refuses_without_an_lrs(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["LMS_XAPI_ENDPOINT"] = ""
    result = runner.invoke(args=SINCE)
    assert result.exit_code == 2
    assert "LMS_XAPI_ENDPOINT is not set" in result.output
    assert not services.enabled()
