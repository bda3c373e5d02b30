"""What a learner is told on a lesson page: where a refusal is, what remains, which answer
counts, when the explanation shows, and that a lesson is done."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from lms.courses.content import check_and_load
from lms.courses.services import catalogue
from tests.courses.helpers import COURSE_YML, LESSON, write_course

LESSON_URL = "/courses/demo/first/"
SECOND = LESSON.replace("A first lesson", "A second lesson")


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("course")
    return {"LMS_CONTENT_PATH": write_course(root, {
        "course.yml": COURSE_YML + "  - second\nquizzes:\n  explanation_after_wrong: 2\n",
        "en/second.md": SECOND})}


def answer(client: FlaskClient, quiz: str, **data: object) -> object:
    page = client.get(LESSON_URL).text
    form = page.split(f'id="quiz-{quiz}"', 1)[1]
    attempt = re.search(r'name="attempt" value="([^"]+)"', form).group(1)
    return client.post(f"/courses/demo/first/quiz/{quiz}", data={"attempt": attempt, **data})


def quiz_section(page: str, quiz: str) -> str:
    return page.split(f'id="quiz-{quiz}"', 1)[1].split("</section>", 1)[0]


def test_a_refused_mark_as_done_leads_to_the_error_and_names_the_checks(
        client: FlaskClient, login_as) -> None:
    login_as()
    answer(client, "pick", choice="1")
    response = client.post("/courses/demo/first/done")
    assert response.status_code == 400
    page = response.text
    # The page opens at its top: the summary comes before the lesson, and can take the focus.
    assert re.search(r'<div class="error-summary" id="error-summary" role="alert" '
                     r'tabindex="-1"', page)
    assert page.index('id="error-summary"') < page.index("<article")
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "1 knowledge check still needs a correct answer" in summary
    # The one still to answer, by its number and linked; not the one already answered.
    assert '<a href="#quiz-name">Knowledge check 2 of 2</a>' in summary
    assert "#quiz-pick" not in summary
    assert '<a href="#complete">' in summary


def test_marking_done_confirms_and_says_where_next(client: FlaskClient, login_as) -> None:
    login_as()
    answer(client, "pick", choice="1")
    answer(client, "name", answer="IRM")
    page = client.post("/courses/demo/first/done", follow_redirects=True).text
    assert "<h1>A second lesson</h1>" in page
    assert "“A first lesson” is marked as done. Next: lesson 2 of 2, “A second lesson”." in page


def test_the_last_lesson_done_confirms_on_the_course_page(client: FlaskClient,
                                                           login_as) -> None:
    login_as()
    for quiz, data in (("pick", {"choice": "1"}), ("name", {"answer": "IRM"})):
        page = client.get("/courses/demo/second/").text
        form = page.split(f'id="quiz-{quiz}"', 1)[1]
        attempt = re.search(r'name="attempt" value="([^"]+)"', form).group(1)
        client.post(f"/courses/demo/second/quiz/{quiz}", data={"attempt": attempt, **data})
    page = client.post("/courses/demo/second/done", follow_redirects=True).text
    assert "“A second lesson” is marked as done. That was the last lesson of the course." in page


def test_a_wrong_answer_does_not_give_the_explanation_away(client: FlaskClient,
                                                            login_as) -> None:
    login_as()
    answer(client, "pick", choice="0")
    section = quiz_section(client.get(LESSON_URL).text, "pick")
    assert "Not quite" in section and "EXPLANATION-SENTINEL" not in section
    assert "The explanation appears once you answer correctly, or after 1 more try." in section
    answer(client, "pick", choice="0")  # the course shows it after two wrong answers
    section = quiz_section(client.get(LESSON_URL).text, "pick")
    assert "Not quite" in section and "EXPLANATION-SENTINEL" in section


def test_the_explanation_shows_once_answered_correctly(client: FlaskClient, login_as) -> None:
    login_as()
    answer(client, "pick", choice="1")
    section = quiz_section(client.get(LESSON_URL).text, "pick")
    assert "Correct." in section and "EXPLANATION-SENTINEL" in section


def test_a_wrong_try_after_a_right_answer_keeps_one_state(client: FlaskClient,
                                                          login_as) -> None:
    login_as()
    answer(client, "pick", choice="1")
    answer(client, "pick", choice="0")
    section = quiz_section(client.get(LESSON_URL).text, "pick")
    assert "Answered correctly" in section
    assert "Not quite" not in section and "quiz__result--wrong" not in section
    assert "This answer is not right, but your earlier correct answer still counts." in section
    assert "Your first correct answer counts: trying again does not change your progress." \
        in section
    # And it does count: the lesson can be finished.
    answer(client, "name", answer="IRM")
    assert client.post("/courses/demo/first/done").status_code == 303


def test_explanation_setting_defaults_and_is_checked(tmp_path: Path, app) -> None:
    assert catalogue().courses["demo"].explanation_after_wrong == 2
    default = check_and_load(write_course(tmp_path / "default"))
    assert default.courses["demo"].explanation_after_wrong == 3
    for value, message in (
            ("0", "explanation_after_wrong must be a whole number of wrong answers from 1 to "
                  "100, or never"),
            ("sometimes", "explanation_after_wrong must be a whole number of wrong answers "
                          "from 1 to 100, or never")):
        broken = check_and_load(write_course(tmp_path / value, {
            "course.yml": COURSE_YML + f"quizzes:\n  explanation_after_wrong: {value}\n"}))
        assert [str(problem) for problem in broken.problems] == [
            f"content/demo/course.yml:10: error [quizzes] {message}, not '{value}'"]
    never = check_and_load(write_course(tmp_path / "never", {
        "course.yml": COURSE_YML + "quizzes:\n  explanation_after_wrong: never\n"}))
    assert never.problems == [] and never.courses["demo"].explanation_after_wrong is None
    misspelt = check_and_load(write_course(tmp_path / "misspelt", {
        "course.yml": COURSE_YML + "quizzes:\n  explanation_after: 2\n"}))
    assert [str(problem) for problem in misspelt.problems] == [
        "content/demo/course.yml:10: error [unknown-key] unknown key 'explanation_after' in "
        "quizzes (did you mean 'explanation_after_wrong'?)"]


def test_a_wrong_typed_answer_is_not_sent_to_feedback_it_does_not_have(client: FlaskClient,
                                                                         login_as) -> None:
    login_as()
    answer(client, "name", answer="The parliament")
    section = quiz_section(client.get(LESSON_URL).text, "name")
    assert "Not quite. Check your answer and try again." in section
    assert "Read the feedback" not in section
