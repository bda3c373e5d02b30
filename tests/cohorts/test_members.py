"""Inviting members one by one and from a CSV file (preview, then confirm); the join link."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.accounts.models import Role, User
from lms.cohorts import services
from lms.cohorts.models import CohortInvitation, Membership
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user, sign_in_id


@pytest.fixture
def cohort(login_as):  # type: ignore[no-untyped-def]
    return make_cohort(facilitators=[login_as(Role.FACILITATOR, name="Jelena")], slug="wb")


def members() -> set[str]:
    return set(db.session.scalars(select(User.email).join(Membership,
                                                          Membership.user_id == User.id)))


def upload(client: FlaskClient, content: bytes, name: str = "people.csv"):  # type: ignore[no-untyped-def]
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), name)})
    return client.post("/cohorts/wb/members/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def invited() -> set[str]:
    return set(db.session.scalars(select(CohortInvitation.email)))


def test_adding_an_address_invites_it(client: FlaskClient, cohort, outbox) -> None:
    make_user(email="ana@example.org", name="Ana")
    response = client.post("/cohorts/wb/members", data={"email": "ana@example.org",
                                                        "name": "Ana"}, follow_redirects=True)
    assert "Invitation sent to ana@example.org." in response.text
    response = client.post("/cohorts/wb/members", data={"email": "new@example.org"})
    assert response.status_code == 400
    assert "Enter the person's name." in response.text
    response = client.post("/cohorts/wb/members", data={"email": "New@Example.org",
                                                        "name": "Nouveau Membre"},
                           follow_redirects=True)
    assert "Invitation sent to new@example.org." in response.text
    assert members() == set()  # nobody is in the cohort before accepting
    assert invited() == {"ana@example.org", "new@example.org"}
    page = client.get("/cohorts/wb/members").text
    assert "2 invitations waiting for an answer" in page and "0 members" in page
    assert "Jelena" in outbox()[-1] and "To: new@example.org" in outbox()[-1]
    again = client.post("/cohorts/wb/members", data={"email": "ana@example.org", "name": "Ana"},
                        follow_redirects=True)
    assert "Invitation sent to ana@example.org." in again.text
    assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 2
    assert len(outbox()) == 3


def test_a_member_cannot_be_invited_again(client: FlaskClient, cohort) -> None:
    member = make_user(email="ana@example.org", name="Ana")
    services.add_member(cohort, member.id)
    response = client.post("/cohorts/wb/members", data={"email": "ana@example.org",
                                                        "name": "Ana"})
    assert response.status_code == 400 and "ana@example.org is already a member." in response.text
    assert invited() == set()


def test_join_link_can_be_rotated_and_switched_off(client: FlaskClient, cohort, app) -> None:
    client.post("/cohorts/wb/join-link", data={"action": "rotate"})
    page = client.get("/cohorts/wb/members").text
    link = re.search(r"/cohorts/join/([\w-]+)", page).group(0)
    learner = app.test_client()
    with learner.session_transaction() as session:
        session["_user_id"] = sign_in_id(make_user(email="joiner@example.org"))
    assert "Join the cohort" in learner.get(link).text
    learner.post(link)
    assert members() == {"joiner@example.org"}
    client.post("/cohorts/wb/join-link", data={"action": "rotate"})
    assert learner.get(link).status_code == 404
    client.post("/cohorts/wb/join-link", data={"action": "disable"})
    assert "The join link is off." in client.get("/cohorts/wb/members").text


CSV = (
    "\ufeffemail,name,country,organisation\n"
    "ana@example.org,Ana Existing,CO,Secretaría\n"
    "new.person@example.org,Nguyễn Thị Anh,VN,Ministry of Home Affairs\n"
    "not-an-email,Bad Email,SN,Office\n"
    "new.person@example.org,Duplicate Row,VN,Ministry\n"
    "missing@example.org,,SN,Office\n"
    "formula@example.org,=HYPERLINK(\"http://x\"),SN,Office\n"
)


def test_csv_preview_then_confirm(client: FlaskClient, cohort, outbox) -> None:
    ana = make_user(email="ana@example.org", name="Ana Existing")
    response = upload(client, CSV.encode())
    page = response.text
    assert "2 people to invite, 0 already members, 4 lines with a problem" in page
    assert "“not-an-email” is not a valid email address" in page
    assert "the same email as line 3" in page
    assert "the name is missing" in page
    assert "like a spreadsheet formula" in page
    assert members() == set() and invited() == set()  # nothing written by the preview
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post("/cohorts/wb/members/import/confirm", data={"token": token},
                           follow_redirects=True)
    assert "Invitations sent to 2 people. They join the cohort once they accept." in response.text
    # An existing account is invited, never added: it joins only by accepting.
    assert members() == set()
    assert invited() == {"ana@example.org", "new.person@example.org"}
    assert db.session.scalar(select(CohortInvitation.user_id).where(
        CohortInvitation.email == "ana@example.org")) == ana.id
    new = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert (new.name, new.country, new.role) == ("Nguyễn Thị Anh", "VN", Role.LEARNER)
    assert {line for message in outbox() for line in message.splitlines()
            if line.startswith("To:")} == {"To: ana@example.org", "To: new.person@example.org"}
    # Confirming the same preview again sends again and duplicates nothing.
    client.post("/cohorts/wb/members/import/confirm", data={"token": token})
    assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 2
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


def test_csv_preview_tells_members_apart(client: FlaskClient, cohort) -> None:
    services.add_member(cohort, make_user(email="ana@example.org", name="Ana Existing").id)
    page = upload(client, CSV.encode()).text
    assert "1 person to invite, 1 already a member, 4 lines with a problem" in page


def test_semicolons_are_accepted(client: FlaskClient, cohort) -> None:
    page = upload(client, b"email;name;country;organisation\nx@example.org;X Person;SN;Org\n").text
    assert "1 person to invite" in page


@pytest.mark.parametrize(("content", "message"), [
    (b"name,email\nA,a@example.org\n", "The first line must name the columns"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "This is not a CSV file in UTF-8"),
    (b"", "The file is empty."),
    (b"email,name,country,organisation\n" + b"a@example.org,A,SN,O\n" * 60_000,
     "The file is too large"),
    (b"email,name,country,organisation\n" + b"".join(
        f"p{n}@example.org,P,SN,O\n".encode() for n in range(5_001)), "more than 5,000 people"),
    (b"email,name,country,organisation\n", "nobody in it"),
])
def test_bad_files_get_a_clear_message_and_write_nothing(client: FlaskClient, cohort,
                                                         content: bytes, message: str) -> None:
    response = upload(client, content)
    assert response.status_code == 400
    assert message in response.text
    assert members() == set()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_10_mb_upload_is_refused_before_reading(client: FlaskClient, cohort) -> None:
    response = upload(client, b"email,name,country,organisation\n" + b"x" * 10_000_000)
    assert response.status_code == 413
    assert "The file is too large" in response.text
    assert members() == set()


def test_a_tampered_or_foreign_preview_is_refused(client: FlaskClient, cohort) -> None:
    response = client.post("/cohorts/wb/members/import/confirm", data={"token": "forged"},
                           follow_redirects=True)
    assert "This preview has expired" in response.text
    assert members() == set()


def test_remove_member_keeps_records(client: FlaskClient, cohort) -> None:
    learner = make_user(name="Leaving")
    services.add_member(cohort, learner.id)
    db.session.commit()
    assert members() == {learner.email}
    client.post(f"/cohorts/wb/members/{learner.id}/remove")
    assert members() == set()
    assert db.session.get(User, learner.id) is not None


@pytest.mark.parametrize("environment", ["development", "production"])
def test_demo_test_addresses_are_accepted_outside_production(app: Flask, client: FlaskClient,
                                                             cohort, environment: str) -> None:
    app.config["LMS_ENV"] = environment
    added = client.post("/cohorts/wb/members", data={"email": "learner@demo.test",
                                                     "name": "Demo Learner"})
    page = upload(client, b"email,name,country,organisation\n"
                          b"alumna@demo.test,Demo Alumna,SN,Demo\n").text
    if environment == "production":  # nobody has such an address: a typing mistake
        assert added.status_code == 400
        assert "Enter an email address like name@example.org." in added.text
        assert "“alumna@demo.test” is not a valid email address" in page
        assert invited() == set()
    else:
        assert added.status_code == 303
        assert "1 person to invite, 0 already members, 0 lines with a problem" in page
        assert invited() == {"learner@demo.test"}
