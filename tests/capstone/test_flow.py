"""A learner drafts, submits; peers review; the facilitator asks for changes, then approves."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from lms.accounts.models import Role
from lms.capstone.models import (
    APPROVED,
    CHANGES_REQUESTED,
    SUBMITTED,
    Capstone,
    CapstoneReview,
    CapstoneVersion,
    PeerAssignment,
)
from lms.extensions import db
from tests.capstone.helpers import URL, client_for, full_draft, submit
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

CRITERIA = ("problem-clarity", "ambition", "co-creation", "feasibility", "measurement")


def review_form(level: str = "3", comment: str = "Well argued.", **extra: str) -> dict[str, str]:
    form = {f"score-{key}": level for key in CRITERIA}
    form.update({f"comment-{key}": comment for key in CRITERIA})
    form.update(extra)
    return form


def test_draft_submit_review_changes_resubmit_approve(
        app: Flask, outbox: Callable[[], list[str]]) -> None:
    facilitator = make_user(Role.FACILITATOR, name="Fiona Facilitator")
    author = make_user(name="Ana Author")
    peers = [make_user(name="Petra Peer", locale="fr"), make_user(name="Paul Peer")]
    cohort = make_cohort(facilitators=[facilitator], members=[author, *peers], slug="wb")
    for peer in peers:  # they submitted first: they wait for reviewers of their own
        submit(peer, f"Project of {peer.name}")
    client = client_for(app, author)

    page = client.get(URL)
    assert "A draft open government commitment for your institution" in page.text
    assert "Name of the commitment" in page.text and "Save draft" in page.text

    half = {"title": "Open school budgets", "action": "save"}
    assert client.post(URL, data=half).status_code == 303
    capstone = db.session.scalar(select(Capstone).where(Capstone.user_id == author.id))
    assert capstone is not None and capstone.draft["title"] == "Open school budgets"
    assert capstone.draft["problem"] == ""

    refused = client.post(URL, data={**half, "action": "submit"})
    assert refused.status_code == 400
    assert "Fill in this part before you submit." in refused.text
    assert db.session.scalar(select(CapstoneVersion.id)) is None or \
        db.session.scalar(select(CapstoneVersion).where(
            CapstoneVersion.capstone_id == capstone.id)) is None

    assert client.post(URL, data={**full_draft(), "action": "submit"}).status_code == 303
    db.session.expire_all()
    assert capstone.state == SUBMITTED
    reviewers = set(db.session.scalars(select(PeerAssignment.reviewer_id).where(
        PeerAssignment.capstone_id == capstone.id)))
    assert reviewers == {peer.id for peer in peers}
    # The author picked up the two peers' projects, which were waiting for reviewers.
    assert db.session.scalar(select(PeerAssignment.id).where(
        PeerAssignment.reviewer_id == author.id)) is not None
    mails = outbox()
    assert any("Bonjour Petra Peer" in message and "Un projet d'engagement" in message
               for message in mails), mails

    for peer in peers:
        as_peer = client_for(app, peer)
        listing = as_peer.get(f"{URL}/reviews")
        assert "Open school budgets" in listing.text
        assignment = db.session.scalar(select(PeerAssignment).where(
            PeerAssignment.capstone_id == capstone.id, PeerAssignment.reviewer_id == peer.id))
        review_url = f"{URL}/reviews/{assignment.id}"
        assert "school budgets" in as_peer.get(review_url).text
        empty = as_peer.post(review_url, data=review_form(comment=""))
        say_why = "Dites pourquoi, en une phrase ou deux." if peer.locale == "fr" \
            else "Say why, in a sentence or two."
        assert empty.status_code == 400 and say_why in empty.text
        assert as_peer.post(review_url, data=review_form()).status_code == 303
        again = as_peer.post(review_url, data=review_form())
        assert again.status_code == 400
        assert "already reviewed" in again.text or "déjà relu" in again.text
    assert db.session.query(CapstoneReview).count() == 2

    mine = client.get(URL).text
    assert "Anonymous peer" in mine and "Petra Peer" not in mine and "Well argued." in mine

    as_facilitator = client_for(app, facilitator)
    listing = as_facilitator.get("/cohorts/wb/capstones").text
    assert "Ana Author" in listing and "Peer-reviewed" in listing
    decide_url = f"/cohorts/wb/capstones/{capstone.id}"
    page = as_facilitator.get(decide_url).text
    assert "Petra Peer" in page and "Well argued." in page
    no_feedback = as_facilitator.post(decide_url, data=review_form(decision="changes"))
    assert no_feedback.status_code == 400
    assert "Write your feedback for the learner." in no_feedback.text
    assert as_facilitator.post(decide_url, data=review_form(
        decision="changes", overall="Name the NGOs and date each milestone.")).status_code == 303
    db.session.expire_all()
    assert capstone.state == CHANGES_REQUESTED

    page = client.get(URL).text
    assert "Name the NGOs and date each milestone." in page and "Submit for review" in page
    revised = {**full_draft(), "milestones": "- Standard by 1 March 2027", "action": "submit"}
    assert client.post(URL, data=revised).status_code == 303
    db.session.expire_all()
    assert capstone.state == SUBMITTED
    versions = db.session.scalars(select(CapstoneVersion.number).where(
        CapstoneVersion.capstone_id == capstone.id)).all()
    assert sorted(versions) == [1, 2]
    # Peers reviewed the first version; no new peers for the second.
    assert db.session.query(PeerAssignment).filter_by(capstone_id=capstone.id).count() == 2

    assert as_facilitator.post(decide_url, data=review_form(decision="approve")).status_code \
        == 303
    db.session.expire_all()
    assert capstone.state == APPROVED and capstone.approved_at is not None
    assert "Your reform project is approved" in "\n".join(outbox())
    history = client.get(URL).text
    assert "Version 1" in history and "Version 2" in history
    assert cohort.id == capstone.cohort_id
