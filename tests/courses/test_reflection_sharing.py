"""Learners choose, per reflection, who can read it: only them, or also the facilitators of
their cohorts for the course. The course's default is stated and pre-selected."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import User
from lms.courses.models import Reflection
from lms.extensions import db
from tests.courses.helpers import COURSE_YML, write_course

LESSON_URL = "/courses/demo/first/"
REFLECT_URL = "/courses/demo/first/reflection/think"
ONLY_YOU = "Only you can read this reflection."
SHARED = "You and the facilitators of your cohorts for this course can read this reflection."


@pytest.fixture
def course_settings() -> str:
    """Lines added to the test course's course.yml (a test may parametrize this)."""
    return ""


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory,
                 course_settings: str) -> dict[str, object]:
    return {"LMS_CONTENT_PATH": write_course(tmp_path_factory.mktemp("course"), {
        "course.yml": COURSE_YML + course_settings})}


def box(page: str) -> str:
    """The reflection box of the lesson page (the page itself if it is one already)."""
    if 'id="reflection-think"' not in page:
        return page
    return page.split('id="reflection-think"', 1)[1].split("</section>", 1)[0]


def chosen(page: str) -> list[str]:
    """The values of the radio buttons that are checked in the reflection box."""
    return re.findall(r'<input type="radio" name="visibility" value="(\w+)"[^>]* checked>',
                      box(page))


def default_label(page: str) -> str:
    """The value whose label says it is the course's default."""
    match = re.search(r'value="(\w+)"[^>]*>\s*<label [^>]*>[^<]*<span class="muted">'
                      r'\(the default in this course\)', box(page))
    assert match is not None
    return match.group(1)


def stored(user: User) -> list[tuple[str, str]]:
    db.session.commit()
    return [tuple(row) for row in db.session.execute(
        select(Reflection.text, Reflection.visibility).where(Reflection.user_id == user.id))]


def test_the_box_is_a_labelled_choice_with_private_as_the_default(client: FlaskClient,
                                                                   login_as) -> None:
    login_as()
    page = box(client.get(LESSON_URL).text)
    assert "<legend>Who can read this reflection?</legend>" in page
    assert re.search(r'id="reflection-think-private"[^>]*>\s*<label for="reflection-think-'
                     r'private">Only me ', page)
    assert re.search(r'id="reflection-think-facilitators">\s*<label for="reflection-think-'
                     r'facilitators">Me and the facilitators of my cohorts for this course</label>',
                     page)
    assert chosen(page) == ["private"] and default_label(page) == "private"
    assert "Private: only you can read it" not in page  # the old, now untrue, promise


@pytest.mark.parametrize(("course_settings", "default"), [
    ("reflections:\n  default_visibility: private\n", "private"),
    ("reflections:\n  default_visibility: facilitators\n", "facilitators")])
def test_the_default_comes_from_course_yml(client: FlaskClient, login_as, default: str) -> None:
    user = login_as()
    page = client.get(LESSON_URL).text
    assert chosen(page) == [default] and default_label(page) == default
    assert stored(user) == []  # nothing is shared before the learner saves


@pytest.mark.parametrize(("visibility", "sentence"), [("private", ONLY_YOU),
                                                      ("facilitators", SHARED)])
def test_the_choice_is_stored_and_shown_back(client: FlaskClient, login_as, visibility: str,
                                             sentence: str) -> None:
    user = login_as()
    response = client.post(REFLECT_URL, data={"text": "My thought", "visibility": visibility})
    assert response.status_code == 303
    assert stored(user) == [("My thought", visibility)]
    page = client.get(LESSON_URL).text
    assert chosen(page) == [visibility]
    assert f'<strong class="reflection__readers">{sentence}</strong>' in box(page)
    assert (ONLY_YOU if visibility == "facilitators" else SHARED) not in page


def test_the_learner_changes_the_choice_and_the_cached_page_follows(client: FlaskClient,
                                                                      login_as) -> None:
    user = login_as()
    client.post(REFLECT_URL, data={"text": "My thought", "visibility": "facilitators"})
    first = client.get(LESSON_URL).text
    assert client.get(LESSON_URL).text == first  # served again from the lesson cache
    assert chosen(first) == ["facilitators"] and SHARED in first
    client.post(REFLECT_URL, data={"text": "My thought", "visibility": "private"})
    assert stored(user) == [("My thought", "private")]
    page = client.get(LESSON_URL).text
    assert chosen(page) == ["private"] and ONLY_YOU in page and SHARED not in page
    client.post(REFLECT_URL, data={"text": "My thought, again", "visibility": "facilitators"})
    page = client.get(LESSON_URL).text
    assert chosen(page) == ["facilitators"] and SHARED in page and "My thought, again" in page


HOSTILE: list[dict[str, object]] = [
    {}, {"visibility": ""}, {"visibility": "public"}, {"visibility": "PRIVATE"},
    {"visibility": "private\x00"}, {"visibility": " facilitators"},
    {"visibility": "facilitators" * 100}, {"visibility": ["private", "facilitators"]},
    {"visibility": ["facilitators", "facilitators"]},
]


@pytest.mark.parametrize("choice", HOSTILE, ids=[repr(case) for case in HOSTILE])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_hostile_choice_is_refused_and_changes_nothing(client: FlaskClient, login_as,
                                                         choice: dict[str, object],
                                                         language: str) -> None:
    user = login_as(locale=language)
    client.post(REFLECT_URL, data={"text": "Kept", "visibility": "private"})
    if language == "fr":
        client.post("/language", data={"lang": "fr", "next": "/"})
    response = client.post(REFLECT_URL, data={"text": "Replaced", **choice})
    assert response.status_code == 400
    message = ("Choisissez qui peut lire votre réflexion" if language == "fr"
               else "Choose who can read your reflection: only you, or you and the facilitators "
                    "of your cohorts for this course.")
    if "\x00" not in repr(choice).encode().decode("unicode_escape"):  # NUL: the app's own 400
        assert message in box(response.text).replace("&#39;", "'")
    assert stored(user) == [("Kept", "private")]


def test_the_words_are_french_in_french(client: FlaskClient, login_as) -> None:
    login_as()
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = box(client.get(LESSON_URL).text)
    assert "<legend>Qui peut lire cette réflexion ?</legend>" in page
    assert "(le choix par défaut dans ce cours)" in page and ">Moi seul·e " in page
    client.post(REFLECT_URL, data={"text": "Ma pensée", "visibility": "facilitators"})
    page = client.get(LESSON_URL).text
    assert ("Vous et les facilitateur·rices de vos cohortes pour ce cours pouvez lire cette "
            "réflexion.") in page
    client.post(REFLECT_URL, data={"text": "Ma pensée", "visibility": "private"})
    page = client.get(LESSON_URL).text
    assert "Vous êtes la seule personne à pouvoir lire cette réflexion." in page


def test_each_learner_sees_only_their_own_choice(app, client: FlaskClient,
                                                 login_as: Callable[..., User]) -> None:
    login_as()
    client.post(REFLECT_URL, data={"text": "Shared by me", "visibility": "facilitators"})
    from tests.factories import make_user, sign_in_id

    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = sign_in_id(make_user())
    page = other.get(LESSON_URL).text
    assert "Shared by me" not in page and chosen(page) == ["private"] and SHARED not in page
