"""Open Government 101 as shipped: complete, bilingual, light pages; and the content checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import create_app
from lms.config import ROOT, TestConfig
from lms.courses import services
from lms.courses.content import ContentError, check_and_load
from tests.courses.helpers import LESSON, write_course

COURSE = "open-government-101"


def test_open_government_101_is_complete_in_english_french_and_spanish() -> None:
    """The editor's bar (issue 16): every lesson in three languages, 700-1,400 words of prose, a
    real case, at least three checks of which two are scenarios, sources with their addresses,
    and multiple-choice checks whose number of right answers does not give them away."""
    course = check_and_load(ROOT / "content").courses[COURSE]
    assert course.languages == ["en", "fr", "es"] and len(course.lessons) == 10
    correct_counts = []
    for lesson in course.lessons:
        for language in ("en", "fr", "es"):
            version = lesson.versions[language]
            stats = version.stats
            assert 700 <= stats.prose_words <= 1400, (lesson.lesson_id, language, stats)
            assert stats.check_count >= 3 and stats.checks["scenario"] >= 2, \
                (lesson.lesson_id, language, stats)
            assert stats.cases >= 1 and stats.checks["recall"] <= 1, (lesson.lesson_id, language)
            assert len(version.reflections) >= 1, (lesson.lesson_id, language)
            sources = "".join(version.sources_html)
            assert all('href="http' in source for source in version.sources_html), sources
            assert "French edition" not in sources
            kinds = [segment.name for segment in version.segments if segment.kind == "block"]
            assert kinds[0] == "objectives" and kinds[-1] == "keypoints"
            for quiz in version.quizzes.values():
                if quiz.kind != "text":
                    assert all(option.feedback_html for option in quiz.options), quiz.quiz_id
                if quiz.kind == "multiple" and language == "en":
                    correct_counts.append(len(quiz.quiz.correct_positions))
    # The old course had three right answers in 7 of its 9 multiple-choice checks.
    assert max(correct_counts.count(n) for n in set(correct_counts)) <= len(correct_counts) / 2
    assert correct_counts.count(3) <= len(correct_counts) / 3, correct_counts


def test_every_lesson_page_is_under_60_kb_with_its_css(client: FlaskClient, login_as,
                                                       app: Flask) -> None:
    login_as()
    with client.get("/static/style.css") as response:
        css = len(response.data)
    course = services.get_course(COURSE)
    weights = {}
    for language in course.languages:
        client.post("/language", data={"lang": language, "next": "/"})
        for lesson in course.lessons:
            html = client.get(f"/courses/{COURSE}/{lesson.lesson_id}/").data
            if lesson.lesson_id in ("how-ogp-works", "co-creation-and-action-plans"):
                assert html.count(b'<figure class="diagram"') == 1  # weighed with its diagram
            weights[lesson.lesson_id, language] = len(html) + css
    assert max(weights.values()) < 60 * 1024, sorted(weights.items(), key=lambda item: -item[1])


def test_the_app_refuses_to_start_on_broken_content(tmp_path: Path, database_url: str) -> None:
    content = write_course(tmp_path, {"en/first.md": LESSON.replace("::: quiz {#pick}",
                                                                    "::: quiz")})
    with pytest.raises(ContentError) as raised:
        create_app(TestConfig(database_url, tmp_path / "instance", LMS_CONTENT_PATH=content))
    assert "content/demo/en/first.md:14: error [missing-id]" in str(raised.value)


def test_check_content_command(runner, tmp_path: Path) -> None:
    result = runner.invoke(args=["lms", "check-content"])
    assert result.exit_code == 0, result.output
    assert "1 course(s), 10 lesson(s): 0 error(s), 0 warning(s)" in result.output
    broken = write_course(tmp_path, {"en/first.md": LESSON.replace("- (x) Right", "- ( ) Right")})
    result = runner.invoke(args=["lms", "check-content", str(broken)])
    assert result.exit_code == 1
    assert "content/demo/en/first.md:14: error [quiz-no-correct] quiz 'pick' has no correct " \
        "answer: mark it with (x)" in result.output


def test_media_is_served_and_paths_cannot_escape(tmp_path: Path, database_url: str) -> None:
    content = write_course(tmp_path, {"media/chart.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    app = create_app(TestConfig(database_url, tmp_path / "instance", LMS_CONTENT_PATH=content))
    client = app.test_client()
    with client.get("/courses/demo/media/chart.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data
    assert client.get("/courses/demo/media/../course.yml").status_code == 404
    assert client.get("/courses/demo/media/%2e%2e/course.yml").status_code == 404


def test_the_documented_example_passes_the_checker(tmp_path: Path) -> None:
    """content/README.md's complete example is itself a valid course."""
    readme = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    course_yml = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    lesson = readme.split("```markdown\n", 1)[1].split("\n```\n", 1)[0] + "\n"
    course_yml = course_yml.replace("id: open-government-101", "id: demo").replace(
        "  - how-ogp-works\n", "")
    content = write_course(tmp_path, {
        "course.yml": course_yml, "en/what-open-government-means.md": lesson,
        "fr/what-open-government-means.md": lesson, "en/first.md": None, "fr/first.md": None,
        "media/meeting.jpg": "not really a JPEG, only its presence is checked",
    })
    catalogue = check_and_load(content)
    assert [str(problem) for problem in catalogue.problems] == []
    version = catalogue.courses["demo"].lessons[0].versions["en"]
    assert [quiz.kind for quiz in version.quizzes.values()] == ["single", "multiple", "text"]
    assert "Notes for facilitators" not in str(version.segments)


def test_a_multiple_choice_check_says_choose_all_that_apply_once(client: FlaskClient,
                                                                  login_as) -> None:
    """The page says it above the options; a question that says it too says it twice."""
    login_as()
    course = services.get_course(COURSE)
    for language, hint, also in (
            ("en", "Choose all that apply.", ("all that apply",)),
            ("fr", "Choisissez toutes les réponses qui conviennent.",
             ("toutes les bonnes réponses", "plusieurs réponses", "qui conviennent"))):
        client.post("/language", data={"lang": language, "next": "/"})
        for lesson in course.lessons:
            page = client.get(f"/courses/{COURSE}/{lesson.lesson_id}/").text
            for quiz_id, quiz in lesson.versions[language].quizzes.items():
                section = page.split(f'id="quiz-{quiz_id}"', 1)[1].split("</section>", 1)[0]
                if quiz.kind == "multiple":
                    assert section.count(hint) == 1, (language, lesson.lesson_id, quiz_id)
                assert not any(words in quiz.question_html.lower() for words in also), (
                    language, lesson.lesson_id, quiz_id)
