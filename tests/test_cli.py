"""The `flask lms` commands."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from lms.accounts.models import Role, User
from lms.demo import DEMO_PASSWORD
from lms.extensions import db


def test_create_admin_prompts_for_a_password(runner) -> None:
    result = runner.invoke(args=["lms", "create-admin", "Chief@Example.org", "--name", "Chief"],
                           input="a strong passphrase\na strong passphrase\n")
    assert result.exit_code == 0, result.output
    assert "chief@example.org is an admin." in result.output
    admin = db.session.scalar(select(User).where(User.email == "chief@example.org"))
    assert admin.role == Role.ADMIN and admin.email_confirmed_at is not None
    assert check_password_hash(admin.password_hash, "a strong passphrase")


def test_create_admin_refuses_a_short_password_and_a_bad_email(runner) -> None:
    result = runner.invoke(args=["lms", "create-admin", "chief@example.org"],
                           input="short\nshort\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    result = runner.invoke(args=["lms", "create-admin", "not-an-email"],
                           input="a strong passphrase\na strong passphrase\n")
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_loads_the_documented_accounts_once(app: Flask, runner) -> None:
    result = runner.invoke(args=["lms", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    users = {user.email: user for user in db.session.scalars(select(User))}
    expected = {"admin@demo.test": Role.ADMIN, "facilitator@demo.test": Role.FACILITATOR,
                "learner@demo.test": Role.LEARNER, "alumna@demo.test": Role.LEARNER}
    for email, role in expected.items():
        assert users[email].role == role
        assert check_password_hash(users[email].password_hash, DEMO_PASSWORD)
    roles = [user.role for user in users.values()]
    assert roles.count(Role.ADMIN) == 1 and roles.count(Role.FACILITATOR) == 2
    assert roles.count(Role.LEARNER) >= 12
    assert len({user.country for user in users.values()}) >= 8
    again = runner.invoke(args=["lms", "demo", "--if-empty"])
    assert "already has accounts" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == len(users)


def test_demo_accounts_can_sign_in(app: Flask, runner) -> None:
    runner.invoke(args=["lms", "demo"])
    client = app.test_client()
    response = client.post("/login", data={"email": "learner@demo.test",
                                           "password": DEMO_PASSWORD}, follow_redirects=True)
    assert "Lucas Ferreira" in response.text


def test_demo_cohorts_make_a_lively_dashboard(app: Flask, runner) -> None:
    from lms.cohorts import services as cohorts
    from lms.cohorts.models import Cohort

    runner.invoke(args=["lms", "demo"])
    users = {user.email: user for user in db.session.scalars(select(User))}
    all_cohorts = db.session.scalars(select(Cohort)).all()
    current = [cohort for cohort in all_cohorts if cohort.slug.endswith("-2026")]
    assert sorted(cohort.kind for cohort in current) == ["regional"] * 3 + ["thematic"]
    run_by_facilitator = [cohort for cohort in all_cohorts
                          if cohorts.facilitates(users["facilitator@demo.test"], cohort)]
    assert len(run_by_facilitator) == 1
    assert cohorts.is_member(users["learner@demo.test"].id, run_by_facilitator[0])
    assert any(cohort.closed_at for cohort in all_cohorts)
    client = app.test_client()
    client.post("/login", data={"email": "facilitator@demo.test", "password": DEMO_PASSWORD})
    page = client.get(f"/cohorts/{run_by_facilitator[0].slug}/progress").text
    for state in ("On track", "Behind", "Inactive", "Completed"):
        assert f"{state}</span>" in page, state


def test_demo_certificates_show_every_state(app: Flask, runner) -> None:
    from lms.certificates.models import Certificate

    runner.invoke(args=["lms", "demo"])
    learner = db.session.scalar(select(User).where(User.email == "learner@demo.test"))
    states = db.session.execute(select(Certificate.user_id, Certificate.status)).all()
    assert [status for user_id, status in states if user_id == learner.id] == ["active"]
    assert {"active", "revoked", "superseded"} <= {status for _, status in states}


def test_demo_learner_shares_some_reflections_and_keeps_others_private(app: Flask,
                                                                          runner) -> None:
    from lms.demo import DEMO_PRIVATE_REFLECTION, DEMO_REFLECTION

    runner.invoke(args=["lms", "demo"])
    learner = db.session.scalar(select(User).where(User.email == "learner@demo.test"))
    client = app.test_client()
    client.post("/login", data={"email": "facilitator@demo.test", "password": DEMO_PASSWORD})
    page = client.get(f"/cohorts/western-balkans-2026/learners/{learner.id}").text
    assert DEMO_REFLECTION in page and DEMO_PRIVATE_REFLECTION not in page
    client.post("/logout")
    client.post("/login", data={"email": "learner@demo.test", "password": DEMO_PASSWORD})
    mine = client.get("/alumni/me/export").get_json()
    assert {(item["text"], item["visibility"]) for item in mine["reflections"]} == {
        (DEMO_REFLECTION, "facilitators"), (DEMO_PRIVATE_REFLECTION, "private")}
