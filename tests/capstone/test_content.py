"""The `capstone:` block of course.yml, as check-content reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.config import ROOT
from lms.courses import services as courses
from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML, write_course

GOOD = """\
capstone:
  title: {en: A reform, fr: Une réforme}
  intro: {en: Write it., fr: Écrivez-la.}
  fields:
    - id: title
      label: {en: Name, fr: Nom}
      max_length: 160
    - id: plan
      label: {en: Plan, fr: Plan}
      help: {en: How., fr: Comment.}
      max_length: 4000
  rubric:
    - id: clarity
      label: {en: Clarity, fr: Clarté}
      levels:
        - {score: 1, label: {en: Vague, fr: Vague}}
        - {score: 2, label: {en: Clear, fr: Clair}}
  peer_review: {required: true, reviewers: 2, due_days: 7}
  required_for_certificate: true
"""


def problems(tmp_path: Path, block: str) -> list[str]:
    root = write_course(tmp_path, {"course.yml": COURSE_YML + block})
    return [f"{problem.tag}: {problem.message}" for problem in check_and_load(root).errors]


def test_open_government_101_declares_its_capstone_in_three_languages(app: object) -> None:
    spec = courses.get_course("open-government-101").capstone
    assert spec is not None and spec.required_for_certificate and spec.reviewers == 2
    assert spec.field_ids == ("title", "problem", "commitment", "co-creation", "milestones",
                              "risks", "measurement")
    assert 3 <= len(spec.rubric) <= 5 and all(3 <= len(item.levels) <= 4 for item in spec.rubric)
    for language in ("en", "fr", "es"):
        assert spec.title(language) and spec.intro_html(language)
        assert all(item.labels[language] and item.helps[language] for item in spec.fields)
        assert all(level.labels[language] for item in spec.rubric for level in item.levels)
    assert spec.title("fr").startswith("Un projet d'engagement")
    assert spec.title("es").startswith("Un borrador de compromiso")


def test_a_good_block_loads(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD) == []
    root = write_course(tmp_path, {"course.yml": COURSE_YML + GOOD})
    spec = check_and_load(root).courses["demo"].capstone
    assert spec is not None and spec.rubric[0].scores == (1, 2) and spec.fields[0].one_line


@pytest.mark.parametrize(("change", "expected"), [
    (("peer_review: {", "peer_review: {deadline: 3, "),
     "unknown-key: unknown key 'deadline' in capstone peer_review"),
    (("  title: {en: A reform, fr: Une réforme}", "  title: {en: A reform}"),
     "missing-language: capstone title needs a text for each language; missing: fr"),
    (("label: {en: Vague, fr: Vague}", "label: {en: Vague, fr: Vague, de: Vage}"),
     "missing-language: a level of criterion 'clarity' has texts for unknown languages: de"),
    (("    - id: plan", "    - id: title"), "duplicate-id: field 'title' is declared twice"),
    (("{score: 2,", "{score: 1,"),
     "capstone: the levels of criterion 'clarity' must have increasing scores"),
    (("reviewers: 2", "reviewers: 0"),
     "capstone: peer_review reviewers must be a whole number from 1 to 10, not '0'"),
    (("max_length: 4000", "max_length: 30000"),
     "capstone: field 'plan' max_length must be a whole number from 20 to 20000, not '30000'"),
    (("  required_for_certificate: true", "  required_for_certificate: yes please"),
     "capstone: required_for_certificate must be true or false"),
    (("  rubric:", "  rubrics: []\n  rubric:"),
     "unknown-key: unknown key 'rubrics' in capstone (did you mean 'rubric'?)"),
])
def test_each_mistake_is_reported(tmp_path: Path, change: tuple[str, str],
                                  expected: str) -> None:
    assert change[0] in GOOD
    found = problems(tmp_path, GOOD.replace(change[0], change[1], 1))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_check_content_command_reports_them(runner, tmp_path: Path) -> None:
    broken = write_course(tmp_path, {"course.yml": COURSE_YML + GOOD.replace(
        "reviewers: 2", "reviewers: 0")})
    result = runner.invoke(args=["lms", "check-content", str(broken)])
    assert result.exit_code == 1
    assert "content/demo/course.yml:10: error [capstone] peer_review reviewers must be a whole " \
        "number from 1 to 10" in result.output


def test_the_documented_example_passes_the_checker(tmp_path: Path) -> None:
    """content/README.md's capstone example is a valid block."""
    readme = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    block = readme.split("## A reform project", 1)[1].split("```yml\n", 1)[1].split("```", 1)[0]
    assert problems(tmp_path, block) == []
