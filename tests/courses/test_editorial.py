"""`editorial:` in course.yml: words, checks, scenarios, cases and sources per lesson; kinds;
and no give-away pattern in the number of correct options."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML, write_course
from tests.courses.test_cases_and_kinds import EN, FR

EDITORIAL = """\
editorial:
  words: [10, 60]
  min_checks: 2
  min_scenarios: 1
  min_cases: 1
  sources: required
"""
SOURCES = ("minutes: 5\nsources:\n  - OGP, *Strategy 2023–2028* — "
           "<https://www.opengovpartnership.org/strategy-2023-2028/>\n")
GOOD_EN = EN.replace("minutes: 5\n", SOURCES)
GOOD_FR = FR.replace("minutes: 5\n", SOURCES)
YML = "content/demo/course.yml"
EN_PATH = "content/demo/en/first.md"


def problems(tmp_path: Path, editorial: str = EDITORIAL, **files: str) -> list[str]:
    contents = {"course.yml": COURSE_YML + editorial, "en/first.md": GOOD_EN,
                "fr/first.md": GOOD_FR}
    contents.update({name.replace("__", "/").replace("_md", ".md"): text
                     for name, text in files.items()})
    return [str(problem) for problem in check_and_load(write_course(tmp_path, contents)).problems]


def test_a_lesson_that_meets_the_rules_is_clean(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_without_the_block_nothing_is_asked(tmp_path: Path) -> None:
    bare = EN.replace(" kind=scenario", "").replace(" kind=recall", "")
    assert problems(tmp_path, editorial="", en__first_md=bare,
                    fr__first_md=FR.replace(" kind=scenario", "").replace(" kind=recall", "")) \
        == []


CASES = [
    ("too few words", {"editorial": EDITORIAL.replace("[10, 60]", "[100, 200]")},
     f"{EN_PATH}:1: error [editorial] 34 words of prose; the course asks for 100 to 200"),
    ("too many words", {"editorial": EDITORIAL.replace("[10, 60]", "[10, 20]")},
     f"{EN_PATH}:1: error [editorial] 34 words of prose; the course asks for 10 to 20"),
    ("too few checks", {"editorial": EDITORIAL.replace("min_checks: 2", "min_checks: 3")},
     f"{EN_PATH}:1: error [editorial] 2 knowledge checks; the course asks for at least 3"),
    ("too few scenarios", {"en__first_md": GOOD_EN.replace("kind=scenario", "kind=concept"),
                           "fr__first_md": GOOD_FR.replace("kind=scenario", "kind=concept")},
     f"{EN_PATH}:1: error [editorial] 0 scenario checks; the course asks for at least 1"),
    ("no case", {"editorial": EDITORIAL.replace("min_cases: 1", "min_cases: 2")},
     f"{EN_PATH}:1: error [editorial] 1 cases ('::: case'); the course asks for at least 2"),
    ("a check without a kind", {"en__first_md": GOOD_EN.replace(" kind=recall", ""),
                                "fr__first_md": GOOD_FR.replace(" kind=recall", "")},
     f"{EN_PATH}:38: error [editorial] quiz 'name' needs a kind: '::: quiz {{#name kind=...}}' "
     "with one of scenario, concept, recall"),
    ("no sources", {"en__first_md": EN},
     f"{EN_PATH}:1: error [editorial] no sources: the course asks for sources in the front "
     "matter, each with its address"),
    ("a source without an address", {"en__first_md": EN.replace(
        "minutes: 5\n", "minutes: 5\nsources:\n  - A book I read.\n")},
     f"{EN_PATH}:1: error [editorial] source without an http(s) address: 'A book I read.'"),
    ("unknown key", {"editorial": EDITORIAL.replace("min_cases", "min_case")},
     f"{YML}:10: error [unknown-key] unknown key 'min_case' in editorial (did you mean "
     "'min_cases'?)"),
    ("words not a range", {"editorial": EDITORIAL.replace("[10, 60]", "[60, 10]")},
     f"{YML}:10: error [editorial] words must be [minimum, maximum], two whole numbers, not "
     "'[60, 10]'"),
    ("a count that is not a number", {"editorial": EDITORIAL.replace("min_checks: 2",
                                                                     "min_checks: many")},
     f"{YML}:10: error [editorial] min_checks must be a whole number from 0, not 'many'"),
    ("sources neither required nor optional", {"editorial": EDITORIAL.replace(
        "sources: required", "sources: always")},
     f"{YML}:10: error [editorial] sources must be required or optional, not 'always'"),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_rule(tmp_path: Path, rule: str, files: dict, expected: str) -> None:
    found = problems(tmp_path, **files)
    assert expected in found, found


def _multiple(quiz_id: str, correct: int) -> str:
    options = "".join(f"- [{'x' if index < correct else ' '}] Option {index}\n"
                      for index in range(4))
    return f"::: quiz {{#{quiz_id} kind=concept}}\nWhich ones?\n\n{options}:::\n\n"


@pytest.mark.parametrize(("counts", "expected"), [
    ((2, 2, 1), f"{YML}:10: error [editorial] 2 of the course's 3 multiple-choice checks have "
                "exactly 2 correct options: vary it (at most half may share a number)"),
    ((3, 3, 3, 1), f"{YML}:10: error [editorial] 3 of the course's 4 multiple-choice checks "
                   "have exactly 3 correct options: vary it (at most half may share a number)"),
    ((2, 2, 1, 4), None),  # exactly half is allowed
    ((2, 2), None),  # too few to make a pattern
])
def test_correct_options_must_vary_across_the_course(tmp_path: Path, counts: tuple[int, ...],
                                                     expected: str | None) -> None:
    checks = "".join(_multiple(f"many-{index}", count) for index, count in enumerate(counts))
    found = problems(tmp_path, en__first_md=GOOD_EN.replace("::: reflection", checks
                                                            + "::: reflection"),
                     fr__first_md=GOOD_FR.replace("::: reflection", checks + "::: reflection"))
    editorial = [problem for problem in found if "[editorial]" in problem]
    assert editorial == ([expected] if expected else [])
