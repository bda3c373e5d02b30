"""A learner keeps their progress whichever of the three languages they read a lesson in."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.courses.models import LessonProgress, QuizAttempt, Reflection
from lms.extensions import db
from tests.courses.helpers import COURSE_YML, LESSON, LESSON_FR, write_course
from tests.courses.test_lessons import LESSON_URL, SECOND, answer

LESSON_ES = LESSON.replace("A first lesson", "Una primera lección").replace(
    "Pick the right one.", "Elija la respuesta correcta.").replace(
    "= Independent Reporting Mechanism", "= Mecanismo de Revisión Independiente")

# What each language shows for the same progress: the title, a right answer, a done lesson.
SEEN = {
    "en": ("<h1>A first lesson</h1>", "Correct.", "1 of 2 lessons done"),
    "fr": ("<h1>Une première leçon</h1>", "Réponse correcte.", "1 sur 2 leçons terminées"),
    "es": ("<h1>Una primera lección</h1>", "Correcto.", "1 de 2 lecciones terminadas"),
}


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("course")
    course_yml = COURSE_YML.replace("languages: [en, fr]", "languages: [en, fr, es]").replace(
        "fr: Cours de démonstration}", "fr: Cours de démonstration, es: Curso de demostración}"
    ).replace("fr: Une démo.}", "fr: Une démo., es: Una demostración.}")
    return {"LMS_CONTENT_PATH": write_course(root, {
        "course.yml": course_yml + "  - second\n", "en/second.md": SECOND,
        "fr/first.md": LESSON_FR, "es/first.md": LESSON_ES})}


def _counts(user_id: int) -> tuple[int, int, int]:
    def count(model: type) -> int:
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.user_id == user_id)) or 0
    return count(LessonProgress), count(QuizAttempt), count(Reflection)


def test_progress_made_in_three_languages_is_one_progress(client: FlaskClient,
                                                          login_as) -> None:
    user = login_as(locale="en")
    answer(client, "pick", choice="1")  # in English
    client.post("/language", data={"lang": "es", "next": "/"})
    answer(client, "name", answer="mecanismo de revisión independiente")  # in Spanish
    client.post("/courses/demo/first/reflection/think",
                data={"text": "Publicar los criterios cada mes.", "visibility": "private"})
    client.post("/language", data={"lang": "fr", "next": "/"})
    assert client.post("/courses/demo/first/done").status_code == 303  # in French
    counted = _counts(user.id)
    assert counted == (1, 2, 1)  # the lesson, done; two right answers; one reflection

    for language, (title, right, done) in SEEN.items():
        client.post("/language", data={"lang": language, "next": "/"})
        page = client.get(LESSON_URL).text
        assert f'<html lang="{language}">' in page and title in page, language
        assert page.count(right) == 2, language  # both checks stay answered
        assert "RIGHT-FEEDBACK-SENTINEL" in page
        assert "Publicar los criterios cada mes." in page  # the reflection, as written
        assert done in client.get("/courses/demo/").text, language
    assert _counts(user.id) == counted  # reading in another language recorded nothing new
