"""Facilitators' view of a cohort's projects (list, dashboard, CSV, anonymity) and the
approved project on the author's alumni profile."""

from __future__ import annotations

import csv
import io

from flask import Flask
from sqlalchemy import select

from lms.accounts.models import Role
from lms.alumni import services as alumni
from lms.alumni.models import LISTED
from lms.capstone import services
from lms.capstone.models import APPROVE, Capstone, PeerAssignment
from lms.extensions import db
from tests.alumni.helpers import graduate, make_graduate
from tests.capstone.helpers import URL, client_for, scoring, submit
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


def test_the_facilitator_sees_states_reviews_and_sets_anonymity(app: Flask) -> None:
    facilitator = make_user(Role.FACILITATOR)
    author, peer, idle = (make_user(name="Ana Author"), make_user(name="Pia Peer"),
                          make_user(name="Ida Idle"))
    cohort = make_cohort(facilitators=[facilitator], members=[author, peer, idle], slug="wb")
    submit(author)
    submit(peer)
    assignment = db.session.scalar(select(PeerAssignment).where(
        PeerAssignment.reviewer_id == peer.id))
    assert assignment is not None
    services.peer_review(peer, assignment, scoring("3", "Strong co-creation."))
    as_facilitator = client_for(app, facilitator)

    page = as_facilitator.get("/cohorts/wb/capstones").text
    assert "Peer-reviewed" in page and "In peer review" in page and "Not started" in page
    assert "A draft open government commitment for your institution" in page
    facilitator.locale = "fr"
    db.session.commit()
    french = as_facilitator.get("/cohorts/wb/capstones").text
    facilitator.locale = "en"
    db.session.commit()
    assert "gouvernement ouvert dans votre institution" in french
    assert "A draft open government commitment" not in french
    progress = as_facilitator.get("/cohorts/wb/progress").text
    assert "Reform project" in progress and "peer reviews 1/1" in progress
    rows = list(csv.reader(io.StringIO(
        as_facilitator.get("/cohorts/wb/progress.csv").data.decode("utf-8-sig"))))
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["Ana Author"]["Reform project"] == "Peer-reviewed"
    assert by_name["Ana Author"]["Peer reviews done"] == "1"
    assert by_name["Ida Idle"]["Reform project"] == "Not started"

    as_author = client_for(app, author)
    assert "Pia Peer" not in as_author.get(URL).text  # anonymous by default
    assert as_facilitator.post("/cohorts/wb/capstones/settings", data={}).status_code == 303
    assert not services.is_anonymous(cohort.id)
    assert "Pia Peer" in as_author.get(URL).text and "Strong co-creation." in as_author.get(
        URL).text


def test_an_approved_project_shows_on_the_profile_only_when_chosen(app: Flask) -> None:
    facilitator = make_user(Role.FACILITATOR)
    author = make_user(name="Gita Graduate")
    cohort = make_cohort(facilitators=[facilitator], members=[author])
    submit(author, "Open procurement in Tirana")
    capstone = db.session.scalar(select(Capstone))
    assert capstone is not None
    as_author = client_for(app, author)
    refused = as_author.post(f"{URL}/profile", data={"show_on_profile": "y"})
    assert refused.status_code == 303 and not capstone.show_on_profile  # not approved yet
    services.decide(facilitator, cohort, capstone, scoring("3"), APPROVE)
    graduate(author, cohort)  # the cohort closes: the author and a reader become alumni
    alumni.save_profile(author, alumni.ProfileDetails(
        headline="", organisation="", country="AL", languages=[], themes=[], bio="",
        website=None, open_to_exchange=False, accepts_messages=False, visibility=LISTED))
    db.session.commit()
    reader = make_graduate(cohort, name="Rui Reader")
    profile = f"/alumni/{author.id}/"
    assert "The reform I am leading" not in client_for(app, reader).get(profile).text
    assert "Show my approved reform project" in as_author.get(URL).text
    assert as_author.post(f"{URL}/profile", data={"show_on_profile": "y"}).status_code == 303
    shown = client_for(app, reader).get(profile).text
    assert "The reform I am leading" in shown and "Open procurement in Tirana" in shown
    assert "<em>school budgets</em>" not in shown  # only the title and the commitment
    assert "Publish every school" in shown
    assert as_author.post(f"{URL}/profile", data={}).status_code == 303
    assert "The reform I am leading" not in client_for(app, reader).get(profile).text


def test_the_data_download_holds_projects_and_reviews(app: Flask) -> None:
    author, peer = make_user(), make_user(name="Pia Peer")
    make_cohort(members=[author, peer])
    submit(peer)
    submit(author, "My exported reform")
    assignment = db.session.scalar(select(PeerAssignment).where(
        PeerAssignment.reviewer_id == peer.id))
    assert assignment is not None
    services.peer_review(peer, assignment, scoring("2", "An exported comment"))
    mine = client_for(app, author).get("/alumni/me/export").json
    [project] = mine["reform_projects"]
    assert project["versions"][0]["fields"]["title"] == "My exported reform"
    assert project["reviews_received"][0]["comments"]["ambition"] == "An exported comment"
    assert "Pia Peer" not in str(mine["reform_projects"])
    theirs = client_for(app, peer).get("/alumni/me/export").json
    assert theirs["reviews_written"][0]["comments"]["ambition"] == "An exported comment"
