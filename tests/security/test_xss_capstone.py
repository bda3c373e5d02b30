"""Cross-site scripting in reform projects: each payload typed into every field of the draft,
every review comment and the facilitator's feedback, read back on every page that shows them
(the author's, the reviewer's, the facilitators' list, decision page and dashboard). Payloads
with links of other schemes than http(s) and mailto are refused on the field, and the page
that says so shows them as text."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms.accounts.models import Role
from lms.capstone.models import Capstone, PeerAssignment
from lms.extensions import db
from tests.capstone.helpers import URL, full_draft
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.security.test_xss import page, payloads, posted, signed_in  # noqa: F401 - fixture
from tests.security.xss_payloads import Payload

CRITERIA = ("problem-clarity", "ambition", "co-creation", "feasibility", "measurement")


def scored(text: str, **extra: str) -> dict[str, str]:
    form = {f"score-{key}": "2" for key in CRITERIA}
    return {**form, **{f"comment-{key}": text for key in CRITERIA}, "overall": text, **extra}


def test_reform_projects(app: Flask, payloads: list[Payload]) -> None:  # noqa: F811
    facilitator = make_user(Role.FACILITATOR)
    learners = [make_user() for _ in payloads]
    make_cohort(facilitators=[facilitator], members=learners, slug="wb")
    accepted = []
    for payload, learner in zip(payloads, learners, strict=True):
        client = signed_in(app, learner)
        typed = {name: payload.text for name in full_draft()}
        answer = client.post(URL, data={**typed, "action": "submit"})
        if answer.status_code == 400:  # a link of another scheme: refused, shown back
            assert "Links must start with https://" in answer.text
            assert payload.marker in answer.text
            posted(client, URL, {**full_draft(f"Plain {payload.marker}"), "action": "submit"})
        else:
            assert answer.status_code == 303, answer.status_code
            accepted.append(payload)
            page(client, URL, shown=[payload.marker])
    assert accepted, "every payload was refused"
    assert db.session.query(Capstone).count() == len(payloads)

    # Each reviewer writes their payload as every comment.
    for payload, learner in zip(payloads, learners, strict=True):
        client = signed_in(app, learner)
        page(client, f"{URL}/reviews")
        for assignment_id in db.session.scalars(select(PeerAssignment.id).where(
                PeerAssignment.reviewer_id == learner.id)):
            review = f"{URL}/reviews/{assignment_id}"
            page(client, review)
            answer = client.post(review, data=scored(payload.text))
            assert answer.status_code in (303, 400), answer.status_code
            page(client, review)

    as_facilitator = signed_in(app, facilitator)
    page(as_facilitator, "/cohorts/wb/capstones")
    page(as_facilitator, "/cohorts/wb/progress")
    for payload, learner in zip(payloads, learners, strict=True):
        capstone = db.session.scalar(select(Capstone).where(Capstone.user_id == learner.id))
        assert capstone is not None
        decide = f"/cohorts/wb/capstones/{capstone.id}"
        page(as_facilitator, decide)
        answer = as_facilitator.post(decide, data=scored(payload.text, decision="changes"))
        assert answer.status_code in (303, 400)
        if answer.status_code == 303:
            page(signed_in(app, learner), URL, shown=[payload.marker])  # the feedback
        else:
            assert payload.marker in answer.text
            posted(as_facilitator, decide, scored("Fine.", decision="approve"))
