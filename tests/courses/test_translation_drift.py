"""Translation drift across all the course's languages (here en, fr and es): the same checks
(ids, kinds, options, correct positions), reflections and diagrams in every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML_3, svg, write_course
from tests.courses.test_cases_and_kinds import EN, FR

DIAGRAM = "::: diagram {#cycle}\n:::\n\n"
EN3 = EN.replace("::: keypoints", DIAGRAM + "::: keypoints")
FR3 = FR.replace("::: keypoints", DIAGRAM + "::: keypoints")
ES3 = FR3.replace("Une première leçon", "Una primera lección").replace(
    "Choisissez la bonne réponse.", "Elija la respuesta correcta.")
ES = "content/demo/es/first.md"


def problems(tmp_path: Path, es: str = ES3, fr: str = FR3) -> list[str]:
    content = write_course(tmp_path, {
        "course.yml": COURSE_YML_3, "en/first.md": EN3, "fr/first.md": fr, "es/first.md": es,
        **{f"diagrams/{language}/cycle.svg": svg("cycle") for language in ("en", "fr", "es")}})
    return [str(problem) for problem in check_and_load(content).problems]


def test_three_matching_languages_are_clean(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


CASES = [
    ("quiz ids", ES3.replace("{#name kind", "{#nombre kind"),
     f"{ES}:19: error [translation] quizzes differ from en/first.md: here ['pick', 'nombre'], "
     "there ['pick', 'name']"),
    ("kind", ES3.replace("kind=scenario", "kind=concept"),
     f"{ES}:19: error [translation] quiz 'pick' is of kind concept here but scenario in "
     "en/first.md"),
    ("option count", ES3.replace("- (x) Right answer", "- ( ) Otra\n- (x) Right answer"),
     f"{ES}:19: error [translation] quiz 'pick' has 3 options here but 2 in en/first.md"),
    ("correct positions", ES3.replace("- ( ) Wrong answer", "- (x) Wrong answer").replace(
        "- (x) Right answer", "- ( ) Right answer"),
     f"{ES}:19: error [translation] quiz 'pick': correct options 1 here but 2 in en/first.md"),
    ("answer form", ES3.replace("= Mécanisme d'évaluation indépendant\nor= IRM",
                                "- ( ) Mecanismo\n- (x) IRM"),
     f"{ES}:36: error [translation] quiz 'name' is single here but text in en/first.md"),
    ("reflection ids", ES3.replace("{#think}", "{#pensar}"),
     f"{ES}:1: error [translation] reflections differ from en/first.md: here ['pensar'], there "
     "['think']"),
    ("diagram ids", ES3.replace(DIAGRAM, ""),
     f"{ES}:1: error [translation] diagrams differ from en/first.md: here none, there "
     "['cycle']"),
]


@pytest.mark.parametrize(("rule", "es", "expected"), CASES, ids=[case[0] for case in CASES])
def test_the_third_language_is_checked_too(tmp_path: Path, rule: str, es: str,
                                           expected: str) -> None:
    found = problems(tmp_path, es=es)
    assert expected in found, found
    # French, which matches, is not blamed.
    assert not [problem for problem in found if "/fr/" in problem]
