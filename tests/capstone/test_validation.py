"""What a person can type wrong in a reform project, its reviews and the facilitator's decision:
a clear message on the field, a 400, and nothing half-written."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import Role
from lms.capstone.models import SUBMITTED, Capstone, CapstoneReview, PeerAssignment
from lms.extensions import db
from tests.capstone.helpers import URL, client_for, full_draft, submit
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.security.test_object_access import snapshot

CRITERIA = ("problem-clarity", "ambition", "co-creation", "feasibility", "measurement")
BAD = {
    "huge": ("x" * 20_001, "Keep this under"),
    "control": ("An \x1b[31mescape\x1b[0m sequence", "control characters"),
    "javascript": ("[see](javascript:alert(1))", "Links must start with https://"),
    "data": ("<a href='data:text/html,hi'>x</a>", "Links must start with https://"),
    "autolink": ("<vbscript:msgbox>", "Links must start with https://"),
}


def field_error(html: str, field_id: str) -> str:
    """The message shown on a field (the _forms.html macro's `<id>-error` paragraph)."""
    found = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def author(app: Flask) -> FlaskClient:
    learner = make_user()
    make_cohort(members=[learner], slug="wb")
    return client_for(app, learner)


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_value_in_each_draft_field_is_refused_on_it(author: FlaskClient,
                                                             kind: str) -> None:
    value, message = BAD[kind]
    for name in full_draft():
        if name == "title" and kind == "huge":
            value_here = "x" * 161  # the title's own limit
        else:
            value_here = value
        before = snapshot()
        for action in ("save", "submit"):
            answer = author.post(URL, data={**full_draft(), name: value_here, "action": action})
            assert answer.status_code == 400, (name, action)
            assert message in field_error(answer.text, name), (name, action)
        assert snapshot() == before, name


def test_a_script_is_kept_as_typed_and_shown_inert(author: FlaskClient) -> None:
    script = "<script>alert(1)</script> and <b>bold</b>"
    assert author.post(URL, data={**full_draft(), "problem": script,
                                  "action": "submit"}).status_code == 303
    page = author.get(URL).text
    assert "<script>" not in page and "<b>bold</b>" not in page  # sanitised away (nh3)
    assert "and bold" in page
    assert db.session.scalar(select(Capstone.draft))["problem"] == script


def test_an_empty_part_cannot_be_submitted(author: FlaskClient) -> None:
    answer = author.post(URL, data={**full_draft(), "risks": "   ", "action": "submit"})
    assert answer.status_code == 400
    assert "Fill in this part before you submit." in field_error(answer.text, "risks")
    assert db.session.scalar(select(Capstone.state)) is None


def test_bad_review_values_are_refused_on_their_field(app: Flask) -> None:
    facilitator = make_user(Role.FACILITATOR)
    author, peer = make_user(), make_user()
    make_cohort(facilitators=[facilitator], members=[author, peer], slug="wb")
    submit(peer)
    submit(author)
    assignment = db.session.scalar(select(PeerAssignment).where(
        PeerAssignment.reviewer_id == peer.id))
    assert assignment is not None
    client = client_for(app, peer)
    review = f"{URL}/reviews/{assignment.id}"
    good = {f"score-{key}": "2" for key in CRITERIA}
    good.update({f"comment-{key}": "Fine." for key in CRITERIA})
    as_facilitator = client_for(app, facilitator)
    before = snapshot()
    for name in [*(f"comment-{key}" for key in CRITERIA), "overall"]:
        for value, message in BAD.values():
            answer = client.post(review, data={**good, name: value})
            assert answer.status_code == 400 and message in field_error(answer.text, name)
    for score in ("", "4", "0", "-1", "2.5", "two", "9" * 30):
        answer = client.post(review, data={**good, "score-ambition": score})
        assert answer.status_code == 400
        assert "Choose a level for this criterion." in field_error(answer.text,
                                                                   "score-ambition")
    assert snapshot() == before

    decide = f"/cohorts/wb/capstones/{assignment.capstone_id}"
    for decision in ("", "maybe", "approve "):
        answer = as_facilitator.post(decide, data={**good, "decision": decision})
        assert answer.status_code == 400 and "Choose to approve" in answer.text
    for value, message in BAD.values():
        answer = as_facilitator.post(decide, data={**good, "decision": "changes",
                                                   "overall": value})
        assert answer.status_code == 400 and message in field_error(answer.text, "overall")
    assert snapshot() == before
    assert db.session.scalar(select(Capstone.state).where(
        Capstone.id == assignment.capstone_id)) == SUBMITTED
    assert db.session.query(CapstoneReview).count() == 0
