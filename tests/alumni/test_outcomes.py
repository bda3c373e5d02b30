"""Outcome stories: recorded by alumni, verified by their facilitators, private unless shown."""

from __future__ import annotations

import json

import pytest

from lms.accounts.models import Role
from lms.alumni.models import OutcomeStory
from lms.cohorts import services as cohorts
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.alumni.test_access import login_as_user
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

STORY = {"what_changed": "The ministry now publishes every grant decision each month.",
         "who_changed": "Ministry of Finance", "happened_on": "2026-03",
         "contribution": "I drafted the publication procedure.", "theme": "anti-corruption",
         "country": "RS", "evidence": "https://gov.example.org/decree-12\nhttps://news.example.org/a",
         "visibility": "programme"}


def stories() -> list[OutcomeStory]:
    return list(db.session.scalars(db.select(OutcomeStory).order_by(OutcomeStory.id)))


def test_an_alumnus_records_a_story(client) -> None:
    author = make_graduate()
    login_as_user(client, author)

    response = client.post("/alumni/me/outcomes", data=STORY)

    assert response.status_code == 302
    [story] = stories()
    assert (story.user_id, story.theme, story.country) == (author.id, "anti-corruption", "RS")
    assert story.happened_on.isoformat() == "2026-03-01"
    assert story.evidence == ["https://gov.example.org/decree-12", "https://news.example.org/a"]
    assert story.visibility == "programme" and story.verified_at is None
    page = client.get("/alumni/me/outcomes").text
    assert "publishes every grant decision" in page and "Private to the programme team" in page
    assert json.loads(client.get("/alumni/me/export").text)["outcome_stories"][0]["who_changed"] \
        == "Ministry of Finance"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("evidence", "javascript:alert(1)", "https://"),
    ("evidence", "\n".join(f"https://e.org/{n}" for n in range(6)), "at most 5"),
    ("happened_on", "March", "2026-03"),
    ("what_changed", "", "Say what changed"),
    ("theme", "astrology", "Choose a theme"),
    ("country", "XX", "Choose a country"),
    ("visibility", "everyone", "valid choice"),
])
def test_bad_stories_are_refused_on_the_field(client, field: str, value: str,
                                              message: str) -> None:
    login_as_user(client, make_graduate())
    response = client.post("/alumni/me/outcomes", data={**STORY, field: value})
    assert response.status_code == 400 and message in response.text
    assert stories() == []


def test_private_stories_never_reach_other_alumni(client) -> None:
    author = make_graduate(name="Story Author")
    login_as_user(client, author)
    client.post("/alumni/me/outcomes", data={**STORY, "what_changed": "PRIVATE-STORY-TEXT"})
    client.post("/alumni/me/outcomes", data={**STORY, "what_changed": "SHOWN-STORY-TEXT",
                                             "visibility": "alumni"})
    private, shown = stories()

    login_as_user(client, make_graduate())
    pages = [client.get(f"/alumni/{author.id}/").text, client.get("/alumni/").text,
             client.get("/alumni/?q=private").text, client.get("/alumni/me/export").text,
             client.get("/alumni/me/outcomes").text]

    assert "SHOWN-STORY-TEXT" in pages[0]
    assert all("PRIVATE-STORY-TEXT" not in page for page in pages)
    assert client.get(f"/alumni/me/outcomes/{private.id}").status_code == 404
    assert client.post(f"/alumni/me/outcomes/{shown.id}/delete").status_code == 404
    assert len(stories()) == 2


def test_facilitators_verify_the_stories_of_their_cohorts_alumni(client) -> None:
    facilitator = make_user(Role.FACILITATOR)
    other_facilitator = make_user(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    author = make_graduate(cohort)
    login_as_user(client, author)
    client.post("/alumni/me/outcomes", data=STORY)
    [story] = stories()

    login_as_user(client, other_facilitator)
    assert "publishes every grant decision" not in client.get("/alumni/outcomes/").text
    assert client.post(f"/alumni/outcomes/{story.id}/verify",
                       data={"verified": "1"}).status_code == 404
    login_as_user(client, make_graduate())
    assert client.get("/alumni/outcomes/").status_code == 403

    login_as_user(client, facilitator)
    assert "publishes every grant decision" in client.get("/alumni/outcomes/").text
    client.post(f"/alumni/outcomes/{story.id}/verify", data={"verified": "1"})
    db.session.expire_all()
    assert stories()[0].verified_by == facilitator.id

    # A change by the author needs verifying again.
    login_as_user(client, author)
    client.post(f"/alumni/me/outcomes/{story.id}", data={**STORY, "who_changed": "Agency"})
    db.session.expire_all()
    assert stories()[0].verified_at is None and stories()[0].who_changed == "Agency"
    assert cohorts.facilitates(facilitator, cohort)
