"""Consent: an invited person is in the cohort, and seen by its facilitators, only once they
accept; the wrong person can answer nobody's invitation; answering twice is harmless."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.cohorts import imports, services
from lms.cohorts.models import CohortInvitation, Membership, Reminder
from lms.courses import services as courses
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.cohorts.test_dashboard import finish
from tests.factories import make_user, sign_in_id


@pytest.fixture
def cohort(login_as):  # type: ignore[no-untyped-def]
    return make_cohort(facilitators=[login_as(Role.FACILITATOR, name="Jelena")], slug="wb",
                       name="Western Balkans", starts_days_ago=40, length_days=70)


@pytest.fixture
def ana() -> User:
    """An existing learner, well into the course, with a reflection written."""
    learner = make_user(name="Ana Ñúñez", email="ana@example.org")
    finish(learner, 2)
    course = courses.get_course(COURSE)
    lesson = course.lessons[0]
    courses.save_reflection(learner.id, course, lesson, lesson.reflection_ids[0],
                            "Our budget office publishes nothing")
    return learner


def client_for(app: Flask, user: User) -> FlaskClient:
    """A second browser, signed in as `user`."""
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    return other


def memberships() -> int:
    return db.session.scalar(select(func.count()).select_from(Membership)) or 0


def invitations() -> int:
    return db.session.scalar(select(func.count()).select_from(CohortInvitation)) or 0


def invite(client: FlaskClient, email: str, name: str = "Ana") -> None:
    response = client.post("/cohorts/wb/members", data={"email": email, "name": name})
    assert response.status_code == 303
    client.get(response.headers["Location"])  # shows (and so clears) the confirmation


def test_before_accepting_the_facilitator_sees_only_the_address(
        client: FlaskClient, cohort, ana: User, outbox) -> None:
    invite(client, "ANA@example.org", name="Whatever I typed")
    members_page = client.get("/cohorts/wb/members").text
    assert "ana@example.org" in members_page and "invited" in members_page
    assert "Ana Ñúñez" not in members_page and "0 members" in members_page
    for page in (client.get("/cohorts/wb/progress").text,
                 client.get("/cohorts/wb/progress.csv").text,
                 client.get("/cohorts/wb/reminders").text,
                 client.get("/cohorts/wb/certificates").text):
        assert "Ana Ñúñez" not in page and "ana@example.org" not in page
    learner_page = client.get(f"/cohorts/wb/learners/{ana.id}")
    assert learner_page.status_code == 404
    assert "Our budget office" not in learner_page.text
    assert client.post(f"/cohorts/wb/learners/{ana.id}", data={"text": "x"}).status_code == 404
    reminder = client.post("/cohorts/wb/reminders", data={
        "learners": [ana.id], "subject": "Nudge", "body": "Hello {name}"})
    assert reminder.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0
    assert len(outbox()) == 1  # the invitation only
    assert memberships() == 0


def test_accepting_from_the_home_page_makes_a_member(client: FlaskClient, app, cohort,
                                                     ana: User) -> None:
    invite(client, "ana@example.org")
    learner = client_for(app, ana)
    home = learner.get("/").text
    assert "You are invited to a cohort" in home and "Western Balkans" in home
    assert "Jelena invited you to join this cohort of the course Open Government 101." in home
    assert re.search(r'<form method="post" action="/cohorts/wb/invitation/accept"', home)
    assert re.search(r'<form method="post" action="/cohorts/wb/invitation/decline"', home)
    response = learner.post("/cohorts/wb/invitation/accept")
    assert response.status_code == 303 and response.headers["Location"] == "/cohorts/wb/"
    assert "Welcome to Western Balkans." in learner.get("/cohorts/wb/").text
    assert services.is_member(ana.id, cohort) and invitations() == 0
    assert "You are invited" not in learner.get("/").text
    assert "Ana Ñúñez" in client.get("/cohorts/wb/progress").text
    assert "ana@example.org" in client.get("/cohorts/wb/progress.csv").text
    assert "Ana Ñúñez" in client.get("/cohorts/wb/certificates").text
    assert "Ana Ñúñez" in client.get("/cohorts/wb/reminders").text
    assert client.get(f"/cohorts/wb/learners/{ana.id}").status_code == 200
    # Accepting twice is harmless.
    again = learner.post("/cohorts/wb/invitation/accept")
    assert again.status_code == 303 and memberships() == 1


def test_declining_leaves_no_membership(client: FlaskClient, app, cohort, ana: User) -> None:
    invite(client, "ana@example.org")
    learner = client_for(app, ana)
    response = learner.post("/cohorts/wb/invitation/decline", follow_redirects=True)
    assert "Invitation declined. You are not a member of this cohort." in response.text
    assert memberships() == 0 and invitations() == 0
    assert "ana@example.org" not in client.get("/cohorts/wb/members").text
    assert client.get(f"/cohorts/wb/learners/{ana.id}").status_code == 404
    # Declining twice, or accepting after declining, changes nothing.
    again = learner.post("/cohorts/wb/invitation/decline", follow_redirects=True)
    assert "There is no invitation to answer." in again.text
    assert learner.post("/cohorts/wb/invitation/accept").status_code == 404
    assert memberships() == 0


def test_nobody_can_answer_someone_elses_invitation(client: FlaskClient, app, cohort,
                                                    ana: User) -> None:
    invite(client, "ana@example.org")
    intruder = make_user(name="Intruder")
    other = client_for(app, intruder)
    assert "Western Balkans" not in other.get("/").text
    assert other.post("/cohorts/wb/invitation/accept").status_code == 404
    other.post("/cohorts/wb/invitation/decline")
    assert memberships() == 0 and invitations() == 1
    # Nor the facilitator who sent it.
    assert client.post("/cohorts/wb/invitation/accept").status_code == 404
    assert memberships() == 0 and invitations() == 1
    assert client.post("/cohorts/nowhere/invitation/accept").status_code == 404


def _same(page: str, email: str) -> str:
    """The page with what is bound to differ between two invitations left out: the address
    typed, the invitation's number in the cancel and resend links, and the CSRF token (it
    carries the second it was made)."""
    page = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="T"', page)
    return re.sub(r"/invitations/\d+/", "/invitations/N/", page.replace(email, "ADDRESS"))


def test_the_answer_is_the_same_whether_an_address_has_an_account(
        client: FlaskClient, cohort, ana: User) -> None:
    def add(email: str) -> tuple[int, str, str]:
        response = client.post("/cohorts/wb/members", data={"email": email, "name": "Ana"})
        page = client.get(response.headers["Location"]).text
        # Each page lists the invitations sent so far: keep only what this address caused.
        return response.status_code, response.headers["Location"], _same(page, email)

    existing = add("ana@example.org")
    client.post("/cohorts/wb/invitations/" + str(db.session.scalar(
        select(CohortInvitation.id))) + "/cancel")
    client.get("/cohorts/wb/members")  # read the flash message
    unknown = add("nobody@example.org")
    assert existing == unknown
    assert "Invitation sent to ADDRESS." in unknown[2]


def test_the_csv_preview_and_confirm_are_the_same_whether_an_address_has_an_account(
        client: FlaskClient, cohort, ana: User) -> None:
    from tests.cohorts.test_members import upload

    def run(email: str) -> tuple[int, str, str, int, str]:
        preview = upload(client, f"email,name,country,organisation\n{email},Ana,CO,Org\n".encode())
        token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
        body = _same(preview.text.replace(token, "TOKEN"), email)
        # The signed token is readable by whoever holds it: it must not tell them apart either.
        payload = json.dumps(imports._serializer().loads(token)).replace(email, "ADDRESS")
        confirm = client.post("/cohorts/wb/members/import/confirm", data={"token": token})
        page = _same(client.get(confirm.headers["Location"]).text, email)
        return preview.status_code, body, payload, confirm.status_code, page

    existing = run("ana@example.org")
    db.session.execute(CohortInvitation.__table__.delete())
    db.session.commit()
    unknown = run("nobody@example.org")
    assert existing == unknown
    assert "1 person to invite, 0 already members" in unknown[1]
    assert memberships() == 0 and invitations() == 1


def test_cancel_and_send_again(client: FlaskClient, app, cohort, ana: User, outbox) -> None:
    invite(client, "ana@example.org")
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    response = client.post(f"/cohorts/wb/invitations/{invitation_id}/resend",
                           follow_redirects=True)
    assert "Invitation sent to ana@example.org." in response.text
    assert invitations() == 1 and len(outbox()) == 2
    response = client.post(f"/cohorts/wb/invitations/{invitation_id}/cancel",
                           follow_redirects=True)
    assert "The invitation to ana@example.org is cancelled." in response.text
    assert invitations() == 0
    assert client_for(app, ana).post("/cohorts/wb/invitation/accept").status_code == 404
    assert memberships() == 0
    assert client.post(f"/cohorts/wb/invitations/{invitation_id}/cancel").status_code == 404


def test_a_facilitator_cannot_touch_another_cohorts_invitations(client: FlaskClient, app,
                                                                cohort, ana: User) -> None:
    theirs = make_cohort(slug="theirs")
    stranger = make_user(Role.FACILITATOR)
    other = client_for(app, stranger)
    make_cohort(facilitators=[stranger], slug="other-wb")
    invite(client, "ana@example.org")
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    for action in ("resend", "cancel"):
        assert other.post(f"/cohorts/wb/invitations/{invitation_id}/{action}").status_code == 403
        # Nor through their own cohort's address.
        assert other.post(f"/cohorts/other-wb/invitations/{invitation_id}/{action}"
                          ).status_code == 404
    assert client.post(f"/cohorts/{theirs.slug}/invitations/{invitation_id}/cancel"
                       ).status_code == 403
    assert invitations() == 1


def test_a_new_address_chooses_a_password_then_answers(client: FlaskClient, app, cohort,
                                                       outbox) -> None:
    invite(client, "new@example.org", name="Nouveau Membre")
    [message] = outbox()
    assert "To: new@example.org" in message and "Western Balkans" in message
    link = re.search(r"http://localhost(/invitation/[\w.-]+)", message).group(1)
    newcomer = app.test_client()
    response = newcomer.post(link, data={"password": "a long enough password 1"})
    assert response.status_code == 302
    assert memberships() == 0  # choosing a password is not yet saying yes
    home = newcomer.get("/").text
    assert "Western Balkans" in home and "Accept" in home
    newcomer.post("/cohorts/wb/invitation/accept")
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert services.is_member(user.id, cohort)


def test_the_invitation_email_is_in_the_recipients_language(client: FlaskClient, cohort,
                                                           outbox) -> None:
    make_user(email="fatou@example.org", name="Fatou", locale="fr")
    invite(client, "fatou@example.org")
    [message] = outbox()
    assert "Bonjour Fatou," in message
    assert "Jelena vous invite à rejoindre Western Balkans" in message
    assert "http://localhost/" in message


def test_joining_by_link_answers_the_invitation(client: FlaskClient, app, cohort,
                                                ana: User) -> None:
    invite(client, "ana@example.org")
    code = services.rotate_join_code(cohort)
    client_for(app, ana).post(f"/cohorts/join/{code}")
    assert memberships() == 1 and invitations() == 0


@pytest.mark.app_config(LMS_BASE_URL="https://learn.example.org")
def test_the_join_link_ignores_a_forged_host(app: Flask, cohort) -> None:
    code = services.rotate_join_code(cohort)
    forged = app.test_client()
    with forged.session_transaction(base_url="http://evil.example.com") as session:
        session["_user_id"] = sign_in_id(services.facilitators_of(cohort)[0])
    response = forged.get("/cohorts/wb/members", base_url="http://evil.example.com")
    assert response.status_code == 200
    assert f"https://learn.example.org/cohorts/join/{code}" in response.text
    assert "evil.example.com" not in response.text


def test_the_note_form_says_notes_are_in_the_learners_export(client: FlaskClient, cohort,
                                                             ana: User) -> None:
    services.add_member(cohort, ana.id)
    db.session.commit()
    page = client.get(f"/cohorts/wb/learners/{ana.id}").text
    assert ("Learners do not see these notes on the site, but they are included if the "
            "learner downloads their data.") in page
    with client.session_transaction() as session:
        session["lang"] = "fr"
    french = client.get(f"/cohorts/wb/learners/{ana.id}").text
    assert "mais elles figurent dans leurs données s’ils les téléchargent" in french


def test_the_demo_learner_has_an_invitation_to_answer(app: Flask, runner) -> None:
    from lms.demo import DEMO_PASSWORD

    runner.invoke(args=["lms", "demo"])
    learner = app.test_client()
    learner.post("/login", data={"email": "learner@demo.test", "password": DEMO_PASSWORD})
    home = learner.get("/").text
    assert "You are invited to a cohort" in home and "Afrique francophone 2026" in home
    assert "/cohorts/afrique-francophone-2026/invitation/accept" in home


def test_someone_who_signs_in_with_a_provider_is_not_asked_for_a_password(
        client: FlaskClient, cohort, outbox) -> None:  # type: ignore[no-untyped-def]
    from lms.accounts.models import LinkedIdentity
    from lms.db import utcnow

    person = make_user(email="sso@example.org", password_hash=None)
    db.session.add(LinkedIdentity(user_id=person.id, provider="ministry", subject="s-1",
                                  email="sso@example.org", created_at=utcnow()))
    db.session.commit()
    invite(client, "sso@example.org")
    [message] = outbox()
    assert "choose your password" not in message and "/invitation/" not in message
    assert "Sign in and answer on your home page" in message
