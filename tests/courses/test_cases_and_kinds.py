"""Case studies (`::: case`) and what a knowledge check asks (`kind=`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML_3, LESSON, LESSON_FR, write_course

CASE = ("::: case\n**Ukraine, 2016 — procurement in the open.** Every tender went online.\n"
        "Source: [OGP, “Ukraine” (2019)](https://www.opengovpartnership.org/stories/ukraine)\n"
        ":::\n\n")
EN = LESSON.replace("::: quiz {#pick}", CASE + "::: quiz {#pick kind=scenario}").replace(
    "::: quiz {#name}", "::: quiz {#name kind=recall}")
FR = LESSON_FR.replace("::: quiz {#pick}", CASE.replace("Every tender", "Chaque appel")
                       + "::: quiz {#pick kind=scenario}").replace(
    "::: quiz {#name}", "::: quiz {#name kind=recall}")
CASE_LINE = 14
PICK_LINE = 19


def problems(tmp_path: Path, **files: str | None) -> list[str]:
    contents: dict[str, str | None] = {"en/first.md": EN, "fr/first.md": FR}
    contents.update({name.replace("__", "/").replace("_md", ".md"): text
                     for name, text in files.items()})
    return [str(problem) for problem in check_and_load(write_course(tmp_path, contents)).problems]


def test_the_fixture_is_clean(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_the_kind_is_kept_on_the_quiz(tmp_path: Path) -> None:
    course = check_and_load(write_course(tmp_path, {"en/first.md": EN, "fr/first.md": FR})) \
        .courses["demo"]
    quizzes = course.lessons[0].versions["fr"].quizzes
    assert [(quiz.quiz.check_kind, quiz.kind) for quiz in quizzes.values()] == [
        ("scenario", "single"), ("recall", "text")]


EN_PATH = "content/demo/en/first.md"
CASES = [
    ("case without a source link", {"en__first_md": EN.replace(
        "Source: [OGP, “Ukraine” (2019)](https://www.opengovpartnership.org/stories/ukraine)\n",
        "Source: OGP.\n")},
     f"{EN_PATH}:{CASE_LINE}: error [case-source] a case needs its source: a link to it, such as "
     "[OGP, “…” (2019)](https://www.opengovpartnership.org/…)"),
    ("unknown kind", {"en__first_md": EN.replace("kind=scenario", "kind=scenaro")},
     f"{EN_PATH}:{PICK_LINE}: error [block-attribute] kind 'scenaro' on block 'quiz' must be one "
     "of scenario, concept, recall (did you mean 'scenario'?)"),
    ("unknown attribute", {"en__first_md": EN.replace("kind=scenario", "level=scenario")},
     f"{EN_PATH}:{PICK_LINE}: error [block-attribute] unsupported attribute 'level=scenario' on "
     "block 'quiz': only {#id kind=...} is allowed"),
    ("kind on another block", {"en__first_md": EN.replace("::: reflection {#think}",
                                                          "::: reflection {#think kind=recall}")},
     f"{EN_PATH}:43: error [block-attribute] unsupported attribute 'kind=recall' on block "
     "'reflection': only {#id} is allowed"),
    ("translation of another kind", {"fr__first_md": FR.replace("kind=scenario", "kind=concept")},
     f"content/demo/fr/first.md:{PICK_LINE}: error [translation] quiz 'pick' is of kind concept "
     "here but scenario in en/first.md"),
    ("translation without the kind", {"fr__first_md": FR.replace(" kind=scenario", "")},
     f"content/demo/fr/first.md:{PICK_LINE}: error [translation] quiz 'pick' is of kind none "
     "here but scenario in en/first.md"),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_rule(tmp_path: Path, rule: str, files: dict, expected: str) -> None:
    found = problems(tmp_path, **files)
    assert expected in found, found


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("course")
    return {"LMS_CONTENT_PATH": write_course(root, {
        "course.yml": COURSE_YML_3, "en/first.md": EN, "fr/first.md": FR, "es/first.md": ES})}


ES = FR.replace("Une première leçon", "Una primera lección")


@pytest.mark.parametrize(("language", "label"), [("en", "Case"), ("fr", "Cas")])
def test_a_case_shows_with_its_label_in_the_lessons_language(client: FlaskClient, login_as,
                                                             language: str, label: str) -> None:
    login_as()
    client.post("/language", data={"lang": language, "next": "/"})
    html = client.get("/courses/demo/first/").text
    assert (f'<aside class="block block--case"><p class="block__label">{label}</p><p>'
            "<strong>Ukraine, 2016 — procurement in the open.</strong>") in html
    assert 'href="https://www.opengovpartnership.org/stories/ukraine"' in html
    # The kind is the authors' bookkeeping: learners never see it.
    assert "scenario" not in html and "recall" not in html



def test_the_case_label_follows_the_lesson_not_the_interface(tmp_path: Path) -> None:
    """Spanish lessons say "Caso" whatever languages the interface offers."""
    course = check_and_load(write_course(tmp_path, {
        "course.yml": COURSE_YML_3, "en/first.md": EN, "fr/first.md": FR, "es/first.md": ES,
    })).courses["demo"]
    labels = {language: [segment.label for segment in version.segments if segment.name == "case"]
              for language, version in course.lessons[0].versions.items()}
    assert labels == {"en": ["Case"], "fr": ["Cas"], "es": ["Caso"]}
