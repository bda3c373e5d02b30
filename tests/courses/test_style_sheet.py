"""`style.yml`: the wordings each language avoids, found wherever that language is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML, COURSE_YML_3, LESSON_FR, write_course

STYLE = """\
fr:
  - avoid: PGO
    use: l'OGP
    why: the strategy's name for the partnership
  - avoid: d'OGP
    use: de l'OGP
  - avoid: courant dominant
    use: devenir la norme
  - avoid: des marges au courant dominant
    use: devenir la norme
  - avoid: OGP local
    use: OGP Local
"""
FR = "content/demo/fr/first.md"


def problems(tmp_path: Path, style: str = STYLE, **files: str) -> list[str]:
    contents = {"style.yml": style, **{name.replace("__", "/").replace("_md", ".md")
                                       .replace("_yml", ".yml"): text
                                       for name, text in files.items()}}
    return [str(problem) for problem in check_and_load(write_course(tmp_path, contents)).problems]


def lesson(text: str) -> str:
    return LESSON_FR.replace("Some text about the SECTION-SENTINEL topic.", text)


def test_a_clean_course_stays_clean(tmp_path: Path) -> None:
    assert problems(tmp_path, fr__first_md=lesson("Le rôle de l'OGP et l’OGP Local.")) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Le PGO publie.", ["'PGO': write 'l'OGP' instead (the strategy's name for the partnership)"]),
    ("Les membres d’OGP.", ["'d'OGP': write 'de l'OGP' instead"]),
    ("Les pgo et PGOs.", []),  # acronyms: case and whole words count
    ("Passées des marges au courant dominant.",
     ["'des marges au courant dominant': write 'devenir la norme' instead"]),
    ("Le Courant dominant.", ["'courant dominant': write 'devenir la norme' instead"]),
    ("Avec OGP local.", ["'OGP local': write 'OGP Local' instead"]),
    ("Le titre « Les pays du PGO » cité.", []),  # a quotation is someone else's words
])
def test_each_avoided_wording_is_found_with_its_line(tmp_path: Path, text: str,
                                                    expected: list[str]) -> None:
    found = problems(tmp_path, fr__first_md=lesson(text))
    assert found == [f"{FR}:12: error [style] {message}" for message in expected]


def test_blockquotes_are_quotations(tmp_path: Path) -> None:
    assert problems(tmp_path, fr__first_md=lesson("Ainsi :\n\n> Le PGO a dit.\n")) == []


def test_yaml_texts_of_the_language_are_checked(tmp_path: Path) -> None:
    course = COURSE_YML.replace("fr: Une démo.}", "fr: Une démo du PGO.}")
    glossary = ("terms:\n  - id: ogp\n    en: {term: OGP, definition: The PGO partnership.}\n"
                "    fr: {term: OGP, definition: \"Le Partenariat,\n      dit PGO.\"}\n")
    found = problems(tmp_path, course_yml=course, glossary_yml=glossary)
    message = "error [style] 'PGO': write 'l'OGP' instead (the strategy's name for the partnership)"
    # English texts are not checked against the French rules.
    assert found == [f"content/demo/course.yml:5: {message}",
                     f"content/demo/glossary.yml:5: {message}"]


@pytest.mark.parametrize(("style", "expected"), [
    ("de:\n  - {avoid: x, use: y}\n",
     "content/demo/style.yml:1: error [unknown-key] 'de' in style.yml is not a course language"),
    ("fr:\n  - {avoid: x, use: y, because: z}\n",
     "content/demo/style.yml:2: error [unknown-key] unknown key 'because' in style.yml (did you "
     "mean 'use'?)"),
    ("fr:\n  - {avoid: x}\n", "content/demo/style.yml:2: error [style] a rule needs 'use', a text"),
    ("fr: PGO\n", "content/demo/style.yml:1: error [style] style.yml: fr must be a list of "
                  "{avoid: ..., use: ..., why: ...}"),
])
def test_the_style_sheet_itself_is_checked(tmp_path: Path, style: str, expected: str) -> None:
    assert expected in problems(tmp_path, style)


def test_the_real_style_sheet_is_valid(tmp_path: Path) -> None:
    """The course's style sheet (kept outside the course until its lessons are rewritten)."""
    real = Path("/work/c16/style.yml")
    if not real.is_file():
        pytest.skip("the staged style sheet is not on this machine")
    clean = LESSON_FR.replace("Mécanisme d'évaluation indépendant", "IRM")
    assert problems(tmp_path, real.read_text(encoding="utf-8"),
                    course_yml=COURSE_YML_3, fr__first_md=clean, es__first_md=clean) == []
