"""The demo data fills the alumni network: listed alumni across regions and themes, a few hidden
ones, a listed demo graduate and a demo learner who is not an alumnus."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.alumni import directory, search
from lms.alumni.models import HIDDEN, AlumniProfile
from lms.cohorts.focus import THEMES
from lms.cohorts.models import Cohort
from lms.demo import load_demo
from lms.extensions import db


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def test_demo_lists_alumni_across_regions_and_themes(app: Flask, runner) -> None:
    result = runner.invoke(args=["lms", "demo"])
    assert result.exit_code == 0, result.output
    found = search.search("", search.Filters())
    assert found.total >= 55
    assert len(found.counts["region"]) >= 5
    assert set(found.counts["theme"]) == set(THEMES)
    assert len(found.counts["year"]) >= 2  # earlier cohorts graduated in earlier years
    assert 0 < found.counts["exchange"]["yes"] < found.total


def test_demo_hides_the_hidden_profiles(app: Flask, runner) -> None:
    runner.invoke(args=["lms", "demo"])
    hidden = db.session.scalars(
        select(AlumniProfile.user_id).where(AlumniProfile.visibility == HIDDEN)).all()
    assert len(hidden) >= 3
    for user_id in hidden:
        assert directory.is_alumnus(user_id)
        assert directory.listing(user_id) is None
    anh = _user("anh.nguyen@demo.test")
    assert anh.id in hidden
    named = [user.name for user in search.search("Nguyễn Thị Anh", search.Filters()).alumni]
    assert "Nguyễn Thị Anh" not in named


def test_demo_alumna_is_listed_and_the_learner_is_no_alumnus(app: Flask, runner) -> None:
    runner.invoke(args=["lms", "demo"])
    alumna = _user("alumna@demo.test")
    entry = directory.listing(alumna.id)
    assert entry is not None and entry.name == "Marta Núñez"
    themes = directory.facets_of([alumna.id])[alumna.id]["theme"]
    assert {"anti-corruption", "participation-inclusion"} <= set(themes)
    learner = _user("learner@demo.test")
    assert not directory.is_alumnus(learner.id)
    assert directory.listing(learner.id) is None
    # Accents are folded in search, as a user from São Paulo would expect.
    names = [user.name for user in search.search("sao paulo", search.Filters()).alumni]
    assert "Ana Lúcia Gonçalves" in names


def test_demo_alumni_graduated_from_closed_cohorts_and_load_once(app: Flask, runner) -> None:
    runner.invoke(args=["lms", "demo"])
    emails = list(db.session.scalars(select(User.email).where(
        User.email.like("%@alumni.demo.test"))))
    assert len(emails) >= 50 and all(email.isascii() for email in emails)
    closed = db.session.scalar(select(func.count()).select_from(Cohort)
                               .where(Cohort.closed_at.is_not(None)))
    assert closed >= 6
    before = search.search("", search.Filters()).total
    assert load_demo() == []
    assert search.search("", search.Filters()).total == before
