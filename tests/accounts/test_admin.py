"""Admins find accounts, change roles and invite people."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.extensions import db
from tests.accounts.helpers import link_in
from tests.factories import make_user


def test_admin_lists_and_searches_users(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, name="Amara Okafor")
    make_user(name="Jelena Marković", organisation="RESPA")
    make_user(name="Kouadio Yao", organisation="HABG")
    page = client.get("/admin/users").text
    assert "Jelena Marković" in page and "Kouadio Yao" in page and "3 accounts" in page
    page = client.get("/admin/users?q=respa").text
    assert "Jelena Marković" in page and "Kouadio Yao" not in page and "1 account" in page


def test_admin_changes_a_role(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    person = make_user(name="Jelena Marković")
    response = client.post(f"/admin/users/{person.id}/role", data={"role": "facilitator"},
                           follow_redirects=True)
    assert "Jelena Marković is now: Facilitator." in response.text
    db.session.refresh(person)
    assert person.role == Role.FACILITATOR


def test_admin_cannot_demote_themselves(client: FlaskClient, login_as) -> None:
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "learner"},
                           follow_redirects=True)
    assert "You cannot remove your own admin role." in response.text
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_role_change_with_a_bad_value_is_refused(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    person = make_user()
    assert client.post(f"/admin/users/{person.id}/role", data={"role": "emperor"}).status_code \
        == 400
    assert client.post("/admin/users/99999/role", data={"role": "learner"},
                       follow_redirects=True).status_code == 200
    db.session.refresh(person)
    assert person.role == Role.LEARNER


def test_invitation_lets_the_person_choose_a_password(app, client: FlaskClient, login_as,
                                                      outbox) -> None:
    login_as(Role.ADMIN, name="Amara Okafor")
    response = client.post("/admin/users/invite", data={
        "name": "Aïssatou Ndiaye", "email": "aissatou@example.org", "role": "facilitator",
        "locale": "fr"}, follow_redirects=True)
    assert "Invitation sent to aissatou@example.org." in response.text
    invited = db.session.scalar(select(User).where(User.email == "aissatou@example.org"))
    assert invited.role == Role.FACILITATOR and invited.password_hash is None
    [message] = outbox()
    assert "Amara Okafor" in message and "Choisissez votre mot de passe" in message
    guest = app.test_client()
    link = link_in(message)
    assert "Aïssatou Ndiaye" in guest.get(link).text
    response = guest.post(link, data={"password": "my own passphrase"}, follow_redirects=True)
    assert "Aïssatou Ndiaye" in response.text
    db.session.refresh(invited)
    assert invited.password_hash and invited.email_confirmed_at is not None


def test_inviting_an_existing_email_is_refused(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    make_user(email="taken@example.org")
    response = client.post("/admin/users/invite", data={
        "name": "Someone", "email": "taken@example.org", "role": "learner", "locale": "en"})
    assert response.status_code == 400
    assert "There is already an account with this email address." in response.text
