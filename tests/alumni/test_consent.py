"""Consent: a hidden profile appears nowhere about anyone else, in pages, counts or exports."""

from __future__ import annotations

import json

from lms.accounts.models import Role
from lms.alumni import services
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.alumni.test_access import login_as_user
from tests.cohorts.helpers import make_cohort

SECRET = "Zyxwvut Hiddenperson"


def everything_about_others(client, cohort_slug: str, hidden_id: int, visible_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Every page and export another user can reach about the network."""
    urls = [
        "/alumni/", "/alumni/?q=zyxwvut", "/alumni/?q=hiddenperson", "/alumni/?theme=justice",
        "/alumni/?country=ME", "/alumni/?region=western-balkans", "/alumni/?exchange=yes",
        f"/alumni/{visible_id}/", f"/cohorts/{cohort_slug}/alumni", "/alumni/me/export",
        f"/alumni/{hidden_id}/", "/alumni/me", f"/cohorts/{cohort_slug}/",
    ]
    return [client.get(url).get_data(as_text=True) for url in urls]


def test_a_hidden_profile_never_reaches_anyone_else(client, login_as) -> None:
    cohort = make_cohort(name="Shared Cohort")
    hidden = make_graduate(cohort, listed=False, name=SECRET, country="ME", themes=["justice"],
                           headline="Secret reformer", bio="Works on **secret** things")
    visible = make_graduate(cohort, name="Visible Person", country="RS",
                            themes=["anti-corruption"], open_to_exchange=False)

    for viewer in (visible, make_graduate(), login_as(Role.FACILITATOR),
                   login_as(Role.ADMIN)):
        login_as_user(client, viewer)
        pages = everything_about_others(client, cohort.slug, hidden.id, visible.id)
        for page in pages:
            assert SECRET not in page and "Secret reformer" not in page
            assert "Zyxwvut" not in page and "secret" not in page.lower().replace(
                "secretar", "")
        directory = pages[0]
        # Counts leave the hidden person out too: one listed graduate of the shared cohort.
        assert "Shared Cohort (1)" in directory
        assert "Justice" not in directory and "Montenegro" not in directory
        assert client.get(f"/alumni/{hidden.id}/").status_code == 404


def test_the_owner_sees_and_exports_their_hidden_profile(client) -> None:
    hidden = make_graduate(listed=False, name=SECRET, headline="Secret reformer")
    login_as_user(client, hidden)

    assert "Secret reformer" in client.get("/alumni/me").text
    export = json.loads(client.get("/alumni/me/export").text)
    assert export["alumni_profile"]["visibility"] == "hidden"
    assert export["alumni_profile"]["headline"] == "Secret reformer"
    assert client.get(f"/alumni/{hidden.id}/").status_code == 404


def test_listing_records_the_choice_and_when(client) -> None:
    person = make_graduate(listed=False, name="Choosing Person")
    profile = services.my_profile(person)
    first_choice = profile.visibility_changed_at
    assert first_choice is not None and profile.visibility == "hidden"
    login_as_user(client, person)

    response = client.post("/alumni/me", data={
        "visibility": "listed", "headline": "Head of unit", "organisation": "Agency",
        "country": "RS", "themes": ["justice"], "languages": ["en", "sr"], "bio": "",
        "website": "", "open_to_exchange": "y", "accepts_messages": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    profile = services.my_profile(person)
    assert profile.visibility == "listed" and profile.visibility_changed_at > first_choice
    assert "Choosing Person" in client.get("/alumni/?q=choosing").text
