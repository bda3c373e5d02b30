"""Who sees what: a facilitator only their cohorts, a learner only their own cohort page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from lms.accounts.models import Role
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user, sign_in_id


@pytest.fixture
def two_cohorts(client: FlaskClient, login_as):  # type: ignore[no-untyped-def]
    me = login_as(Role.FACILITATOR, name="Jelena")
    learner_a, learner_b = make_user(name="Learner A"), make_user(name="Learner B")
    mine = make_cohort(facilitators=[me], members=[learner_a], slug="mine")
    theirs = make_cohort(members=[learner_b], slug="theirs")
    return mine, theirs, learner_a, learner_b


@pytest.mark.parametrize("path", [
    "/cohorts/theirs/progress", "/cohorts/theirs/progress.csv", "/cohorts/theirs/members",
    "/cohorts/theirs/schedule", "/cohorts/theirs/reminders", "/cohorts/theirs/members/import",
    "/cohorts/theirs/",
])
def test_facilitator_cannot_open_another_cohort(client: FlaskClient, two_cohorts,
                                                path: str) -> None:
    response = client.get(path)
    assert response.status_code == 403
    assert "Learner B" not in response.text


def test_facilitator_cannot_read_another_cohorts_learner(client: FlaskClient,
                                                          two_cohorts) -> None:
    _, theirs, _, learner_b = two_cohorts
    response = client.get(f"/cohorts/theirs/learners/{learner_b.id}")
    assert response.status_code == 403
    # Nor reach them through their own cohort's address.
    assert client.get(f"/cohorts/mine/learners/{learner_b.id}").status_code == 404


def test_facilitator_cannot_change_another_cohort(client: FlaskClient, two_cohorts) -> None:
    _, _, _, learner_b = two_cohorts
    for path in ("/cohorts/theirs/join-link", f"/cohorts/theirs/members/{learner_b.id}/remove",
                 f"/cohorts/theirs/learners/{learner_b.id}/signoff", "/cohorts/theirs/reminders",
                 "/cohorts/theirs/members/import/confirm", "/cohorts/theirs/invitations/1/resend",
                 "/cohorts/theirs/invitations/1/cancel"):
        assert client.post(path, data={"confirmed": "1"}).status_code == 403, path


def test_facilitator_opens_their_own(client: FlaskClient, two_cohorts) -> None:
    _, _, learner_a, _ = two_cohorts
    page = client.get("/cohorts/mine/progress").text
    assert "Learner A" in page and "Learner B" not in page


def test_learner_sees_only_their_cohort_page(client: FlaskClient, app, two_cohorts) -> None:
    _, _, learner_a, _ = two_cohorts
    learner = app.test_client()
    with learner.session_transaction() as session:
        session["_user_id"] = sign_in_id(learner_a)
    assert learner.get("/cohorts/mine/").status_code == 200
    assert learner.get("/cohorts/theirs/").status_code == 403
    assert learner.get("/cohorts/mine/progress").status_code == 403
    assert learner.get(f"/cohorts/mine/learners/{learner_a.id}").status_code == 403


def test_admin_sees_every_cohort(client: FlaskClient, app, two_cohorts) -> None:
    admin = app.test_client()
    with admin.session_transaction() as session:
        session["_user_id"] = sign_in_id(make_user(Role.ADMIN))
    assert "Learner B" in admin.get("/cohorts/theirs/progress").text


def test_unknown_cohort_is_404(client: FlaskClient, two_cohorts) -> None:
    assert client.get("/cohorts/nowhere/progress").status_code == 404
