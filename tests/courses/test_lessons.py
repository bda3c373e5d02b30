"""Learners read lessons, answer knowledge checks, reflect and mark lessons done."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.courses.models import LessonProgress, QuizAttempt, Reflection
from lms.extensions import db
from tests.courses.helpers import COURSE_YML, LESSON, write_course

LESSON_URL = "/courses/demo/first/"
SECOND = LESSON.replace("A first lesson", "A second lesson")


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("course")
    return {"LMS_CONTENT_PATH": write_course(root, {
        "course.yml": COURSE_YML + "  - second\n", "en/second.md": SECOND})}


def _attempt(page: str, quiz: str) -> str:
    form = page.split(f'id="quiz-{quiz}"', 1)[1]
    return re.search(r'name="attempt" value="([^"]+)"', form).group(1)


def answer(client: FlaskClient, quiz: str, **data: object) -> object:
    page = client.get(LESSON_URL).text
    return client.post(f"/courses/demo/first/quiz/{quiz}",
                       data={"attempt": _attempt(page, quiz), **data})


def test_catalogue_lists_the_course_for_anyone(client: FlaskClient) -> None:
    page = client.get("/courses/").text
    assert "Demo course" in page and "2 lessons" in page


def test_lesson_page_shows_the_lesson_without_instructor_notes(client: FlaskClient,
                                                                login_as) -> None:
    login_as()
    page = client.get(LESSON_URL).text
    assert "<h1>A first lesson</h1>" in page
    assert "SECTION-SENTINEL" in page
    assert "Knowledge check 1 of 2" in page
    assert 'name="choice" value="0"' in page and 'name="answer"' in page


def test_answers_never_reach_the_page_before_an_answer(client: FlaskClient, login_as) -> None:
    login_as()
    page = client.get(LESSON_URL).text
    for secret in ("RIGHT-FEEDBACK-SENTINEL", "WRONG-FEEDBACK-SENTINEL", "EXPLANATION-SENTINEL",
                   "Independent Reporting Mechanism", "IRM"):
        assert secret not in page
    # The right and the wrong option are marked up alike.
    wrong = re.search(r'<input type="radio" name="choice" value="0"[^>]*>', page).group(0)
    right = re.search(r'<input type="radio" name="choice" value="1"[^>]*>', page).group(0)
    assert wrong.replace('value="0"', "").replace("-0", "") == \
        right.replace('value="1"', "").replace("-1", "")
    assert "correct" not in page.lower().split("<main", 1)[1].split("knowledge check 1")[0]


def test_wrong_then_right_answer(client: FlaskClient, login_as) -> None:
    user = login_as()
    response = answer(client, "pick", choice="0")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/courses/demo/first/#quiz-pick")
    page = client.get(LESSON_URL).text
    assert "Not quite" in page and "WRONG-FEEDBACK-SENTINEL" in page
    assert "RIGHT-FEEDBACK-SENTINEL" not in page
    answer(client, "pick", choice="1")
    page = client.get(LESSON_URL).text
    assert "Correct." in page and "RIGHT-FEEDBACK-SENTINEL" in page
    assert "EXPLANATION-SENTINEL" in page
    attempts = db.session.execute(select(QuizAttempt.answer, QuizAttempt.correct)
                                  .where(QuizAttempt.user_id == user.id)
                                  .order_by(QuizAttempt.id)).all()
    assert [tuple(row) for row in attempts] == [([0], False), ([1], True)]


def test_text_answers_ignore_case_and_accents(client: FlaskClient, login_as) -> None:
    login_as()
    answer(client, "name", answer="  independent   reporting MECHANISM ")
    assert "Correct." in client.get(LESSON_URL).text
    assert db.session.scalar(select(QuizAttempt.correct)) is True


def test_a_resent_form_or_a_second_tab_stores_one_attempt(client: FlaskClient,
                                                         login_as) -> None:
    login_as()
    page = client.get(LESSON_URL).text
    for choice in ("0", "0", "1"):  # a double click, then the same form in another tab
        client.post("/courses/demo/first/quiz/pick",
                    data={"attempt": _attempt(page, "pick"), "choice": choice})
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    # The next form carries the next number, so a new answer is a new attempt.
    answer(client, "pick", choice="1")
    assert db.session.execute(select(QuizAttempt.attempt, QuizAttempt.correct)
                              .order_by(QuizAttempt.attempt)).all() == [(0, False), (1, True)]


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose an answer before checking it."),
    ({"choice": "7"}, "Choose one of the options."),
    ({"choice": "x"}, "Choose one of the options."),
    ({"choice": ["0", "1"]}, "Choose one of the options."),
    ({"choice": "1", "attempt": "x"}, "This form has expired. Please send it again."),
])
def test_bad_answers_are_refused_with_a_message(client: FlaskClient, login_as, data: dict,
                                                message: str) -> None:
    login_as()
    response = answer(client, "pick", **data) if "attempt" not in data else client.post(
        "/courses/demo/first/quiz/pick", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_unknown_course_lesson_or_quiz_is_404(client: FlaskClient, login_as) -> None:
    login_as()
    assert client.get("/courses/nope/").status_code == 404
    assert client.get("/courses/demo/nope/").status_code == 404
    assert client.post("/courses/demo/first/quiz/nope",
                       data={"attempt": "0", "choice": "0"}).status_code == 404


def test_lesson_is_done_only_after_every_check(client: FlaskClient, login_as) -> None:
    user = login_as()
    response = client.post("/courses/demo/first/done")
    assert response.status_code == 400
    assert "2 knowledge checks still need a correct answer" in response.text
    answer(client, "pick", choice="1")
    answer(client, "name", answer="IRM")
    response = client.post("/courses/demo/first/done")
    assert response.headers["Location"] == "/courses/demo/second/"
    completed = db.session.scalar(select(LessonProgress.completed_at)
                                  .where(LessonProgress.user_id == user.id))
    assert completed is not None
    page = client.get("/courses/demo/").text
    assert "1 of 2 lessons done" in page
    assert '<progress id="course-progress" max="2" value="1"' in page


def test_marking_done_twice_keeps_one_row_and_the_first_date(client: FlaskClient,
                                                            login_as) -> None:
    login_as()
    answer(client, "pick", choice="1")
    answer(client, "name", answer="IRM")
    client.post("/courses/demo/first/done")
    first = db.session.scalar(select(LessonProgress.completed_at))
    client.post("/courses/demo/first/done")
    rows = db.session.execute(select(LessonProgress.completed_at)).all()
    assert len(rows) == 1 and rows[0][0] == first


def test_reflection_is_saved_edited_and_never_rendered_as_html(client: FlaskClient,
                                                               login_as) -> None:
    user = login_as()
    url = "/courses/demo/first/reflection/think"
    client.post(url, data={"text": "First <script>alert(1)</script> draft",
                           "visibility": "private"})
    client.post(url, data={"text": "Second <b>draft</b>", "visibility": "private"})
    page = client.get(LESSON_URL).text
    assert "Second &lt;b&gt;draft&lt;/b&gt;" in page and "<b>draft</b>" not in page
    rows = db.session.scalars(select(Reflection.text).where(Reflection.user_id == user.id)).all()
    assert rows == ["Second <b>draft</b>"]


def test_empty_reflection_is_refused(client: FlaskClient, login_as) -> None:
    login_as()
    response = client.post("/courses/demo/first/reflection/think", data={"text": "   ",
                                                                         "visibility": "private"})
    assert response.status_code == 400
    assert "Write your reflection before saving it." in response.text


def test_reflections_are_private(client: FlaskClient, login_as, app) -> None:
    login_as()
    client.post("/courses/demo/first/reflection/think",
                data={"text": "My private thought", "visibility": "facilitators"})
    other = app.test_client()
    from tests.factories import make_user, sign_in_id

    with other.session_transaction() as session:
        session["_user_id"] = sign_in_id(make_user())
    assert "My private thought" not in other.get(LESSON_URL).text


def test_progress_survives_a_change_of_language(client: FlaskClient, login_as) -> None:
    login_as()
    answer(client, "pick", choice="1")
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = client.get(LESSON_URL).text
    assert "<h1>Une première leçon</h1>" in page
    assert "Réponse correcte" in page or "Correct" in page
    assert "RIGHT-FEEDBACK-SENTINEL" in page


def test_missing_translation_is_shown_in_the_default_language(client: FlaskClient,
                                                              login_as) -> None:
    login_as(locale="fr")
    page = client.get("/courses/demo/second/").text
    assert "<h1>A second lesson</h1>" in page
    assert 'lang="en"' in page
    assert "pas encore disponible" in page


def test_course_page_offers_to_continue(client: FlaskClient, login_as) -> None:
    login_as()
    page = client.get("/courses/demo/").text
    assert "Start the course" in page and "0 of 2 lessons done" in page
    client.get("/courses/demo/second/")
    page = client.get("/courses/demo/").text
    assert "Continue where you left off<span class=\"visually-hidden\">: A second lesson" in page


def test_a_cached_lesson_page_shows_what_changed(client: FlaskClient, login_as) -> None:
    login_as(name="Ana Before")
    assert "Ana Before" in client.get(LESSON_URL).text
    client.post("/account", data={"name": "Ana After", "country": "CO", "organisation": "",
                                  "locale": "en"})
    page = client.get(LESSON_URL).text
    assert "Ana After" in page and "Ana Before" not in page
    answer(client, "pick", choice="1")
    assert "Correct." in client.get(LESSON_URL).text
    client.post("/language", data={"lang": "fr", "next": "/"})
    assert "<h1>Une première leçon</h1>" in client.get(LESSON_URL).text
