"""`check-content`: every rule, fed a broken example, reports the exact message and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.config import ROOT
from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML, LESSON, LESSON_FR, write_course

EN = "content/demo/en/first.md"
FR = "content/demo/fr/first.md"
YML = "content/demo/course.yml"


def problems(tmp_path: Path, **files: str | None) -> list[str]:
    named = {name.replace("__", "/").replace("_md", ".md").replace("_yml", ".yml"): text
             for name, text in files.items()}
    catalogue = check_and_load(write_course(tmp_path, named))
    return [str(problem) for problem in catalogue.problems]


def test_the_example_course_is_clean(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_the_shipped_content_is_valid() -> None:
    catalogue = check_and_load(ROOT / "content")
    assert [str(problem) for problem in catalogue.problems] == []
    assert "open-government-101" in catalogue.courses


CASES = [
    # course.yml
    ("unknown key", {"course_yml": COURSE_YML.replace("licence:", "licnece:")},
     f"{YML}:6: error [unknown-key] unknown key 'licnece' in course.yml (did you mean 'licence'?)"),
    ("id and folder", {"course_yml": COURSE_YML.replace("id: demo", "id: other")},
     f"{YML}:1: error [course-id] id 'other' does not match the folder name 'demo'"),
    ("invalid yaml", {"course_yml": COURSE_YML.replace("pass_mark: 100", "pass_mark: [100")},
     f"{YML}:8: error [yaml] invalid YAML: expected ',' or ']', but got ':' (while parsing a "
     "flow sequence started on line 7)"),
    ("listed lesson without a file", {"course_yml": COURSE_YML + "  - second\n"},
     f"{YML}:10: error [missing-lesson] lesson 'second' is listed but en/second.md does not "
     "exist"),
    ("unlisted file", {"en__draft_md": LESSON},
     "content/demo/en/draft.md:1: warning [draft] lesson 'draft' is not listed in course.yml "
     "lessons: it is a draft and is not shown"),
    ("missing translation", {"fr__first_md": None},
     f"{YML}:9: warning [missing-translation] lesson 'first' has no fr version (fr/first.md): "
     "learners will see the en one"),
    ("reflections default not a choice", {"course_yml": COURSE_YML + "reflections:\n"
                                          "  default_visibility: public\n"},
     f"{YML}:10: error [reflections] default_visibility must be one of private, facilitators, "
     "not 'public'"),
    ("reflections misspelt key", {"course_yml": COURSE_YML + "reflections:\n"
                                  "  default_visibilty: private\n"},
     f"{YML}:10: error [unknown-key] unknown key 'default_visibilty' in reflections (did you "
     "mean 'default_visibility'?)"),
    ("reflections not a mapping", {"course_yml": COURSE_YML + "reflections: private\n"},
     f"{YML}:10: error [reflections] reflections must be a mapping like "
     "{default_visibility: private}"),
    # front matter
    ("no front matter", {"en__first_md": LESSON.split("---\n", 2)[2]},
     f"{EN}:1: error [front-matter] missing front matter: the file must start with a '---' line, "
     "then title and minutes, then '---'"),
    ("invalid front matter", {"en__first_md": LESSON.replace("title: A first lesson",
                                                             "title: [A first lesson")},
     f"{EN}:3: error [yaml] invalid YAML: expected ',' or ']', but got ':' (while parsing a "
     "flow sequence started on line 2)"),
    ("minutes missing", {"en__first_md": LESSON.replace("minutes: 5\n", "")},
     f"{EN}:1: error [front-matter] front matter needs minutes (reading time)"),
    ("misspelt front matter key", {"en__first_md": LESSON.replace("minutes: 5",
                                                                  "minutes: 5\nsumary: x")},
     f"{EN}:4: error [unknown-key] unknown key 'sumary' in front matter (did you mean "
     "'summary'?)"),
    # blocks
    ("unknown block", {"en__first_md": LESSON.replace("::: reflection {#think}",
                                                      "::: reflexion {#think}")},
     f"{EN}:38: error [unknown-block] unknown block 'reflexion' (did you mean 'reflection'?)"),
    ("unclosed block", {"en__first_md": LESSON.rsplit(":::", 1)[0]},
     f"{EN}:42: error [unclosed-block] block 'keypoints' opened here is never closed (add a "
     "line ':::')"),
    ("inner block with as many colons", {"en__first_md": LESSON.replace(":::: hint", "::: hint")
                                         .replace("HINT-SENTINEL\n::::", "HINT-SENTINEL\n:::")},
     f"{EN}:22: error [nested-colons] block 'hint' is inside 'quiz' (line 14) and must use more "
     "colons than it: ':::: hint'"),
    ("missing objectives", {"en__first_md": LESSON.replace("::: objectives\n- Learn a thing.\n"
                                                           ":::\n", "")},
     f"{EN}:5: error [missing-objectives] lesson has no objectives block ('::: objectives' "
     "before the first heading)"),
    ("objectives after a heading", {"en__first_md": LESSON.replace(
        "::: objectives\n- Learn a thing.\n:::\n\n## First section\n",
        "## First section\n\n::: objectives\n- Learn a thing.\n:::\n")},
     f"{EN}:8: error [objectives-position] objectives must come before the first heading "
     "(line 6)"),
    ("missing keypoints", {"en__first_md": LESSON.replace("::: keypoints\n- A point.\n:::\n", "")},
     f"{EN}:5: error [missing-keypoints] lesson has no keypoints block ('::: keypoints' at the "
     "end)"),
    ("keypoints not last", {"en__first_md": LESSON + "\nA closing paragraph.\n"},
     f"{EN}:42: error [keypoints-position] keypoints must be the last block of the lesson"),
    ("level-1 heading", {"en__first_md": LESSON.replace("## First section", "# First section")},
     f"{EN}:10: error [heading-level] level-1 heading: headings in a lesson start at '##' (the "
     "lesson title is the page's heading)"),
    # knowledge checks
    ("no correct answer", {"en__first_md": LESSON.replace("- (x) Right", "- ( ) Right")},
     f"{EN}:14: error [quiz-no-correct] quiz 'pick' has no correct answer: mark it with (x)"),
    ("two correct answers", {"en__first_md": LESSON.replace("- ( ) Wrong", "- (x) Wrong")},
     f"{EN}:14: error [quiz-single-correct] single-choice quiz 'pick' has 2 correct options; use "
     "[ ] and [x] for a multiple-choice quiz"),
    ("mixed markers", {"en__first_md": LESSON.replace("- ( ) Wrong", "- [ ] Wrong")},
     f"{EN}:14: error [quiz-mixed] quiz 'pick' mixes multiple-choice [ ] and single-choice ( )"),
    ("empty option", {"en__first_md": LESSON.replace("- ( ) Wrong answer", "- ( )")},
     f"{EN}:17: error [quiz-empty-option] empty option in quiz 'pick'"),
    ("single option", {"en__first_md": LESSON.replace(
        "- ( ) Wrong answer\n  > WRONG-FEEDBACK-SENTINEL\n", "")},
     f"{EN}:14: error [quiz-options] quiz 'pick' has only one option"),
    ("missing id", {"en__first_md": LESSON.replace("::: quiz {#pick}", "::: quiz")},
     f"{EN}:14: error [missing-id] quiz needs an id: '::: quiz {{#some-id}}'"),
    ("duplicate id", {"en__first_md": LESSON.replace("::: reflection {#think}",
                                                     "::: reflection {#pick}")},
     f"{EN}:38: error [duplicate-id] id 'pick' is already used on line 14"),
    ("image without alt text", {"en__first_md": LESSON.replace(
        "Some text", "![](chart.svg) Some text"), "media__chart.svg": "<svg/>"},
     f"{EN}:12: error [image-alt] image 'chart.svg' has no alt text: write ![what the image "
     "shows](file)"),
    ("image file missing", {"en__first_md": LESSON.replace("Some text",
                                                           "![A chart](missing.svg) Some text")},
     f"{EN}:12: error [image-missing] image 'missing.svg' not found in media/"),
    # translations
    ("translation with other quiz ids", {"fr__first_md": LESSON_FR.replace("{#name}", "{#nom}")},
     f"{FR}:14: error [translation] quizzes differ from en/first.md: here ['pick', 'nom'], there "
     "['pick', 'name']"),
    ("translation with another option count", {"fr__first_md": LESSON_FR.replace(
        "- (x) Right answer", "- ( ) Autre\n- (x) Right answer")},
     f"{FR}:14: error [translation] quiz 'pick' has 3 options here but 2 in en/first.md"),
    ("translation with the answer elsewhere", {"fr__first_md": LESSON_FR.replace(
        "- ( ) Wrong answer", "- (x) Wrong answer").replace("- (x) Right answer",
                                                            "- ( ) Right answer")},
     f"{FR}:14: error [translation] quiz 'pick': correct options 1 here but 2 in en/first.md"),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_rule_reports_its_exact_message(tmp_path: Path, rule: str, files: dict,
                                             expected: str) -> None:
    assert expected in problems(tmp_path, **files)


@pytest.mark.parametrize(("setting", "default"), [
    ("", "private"), ("reflections:\n  default_visibility: private\n", "private"),
    ("reflections: {default_visibility: facilitators}\n", "facilitators")])
def test_reflections_default_comes_from_course_yml(tmp_path: Path, setting: str,
                                                   default: str) -> None:
    catalogue = check_and_load(write_course(tmp_path, {"course.yml": COURSE_YML + setting}))
    assert catalogue.problems == [] and catalogue.courses["demo"].reflection_default == default


def test_a_broken_course_is_not_served(tmp_path: Path) -> None:
    catalogue = check_and_load(write_course(tmp_path, {"en/first.md": LESSON.replace(
        "::: quiz {#pick}", "::: quiz")}))
    assert catalogue.errors and "demo" not in catalogue.courses


def test_a_missing_translation_falls_back_to_the_default(tmp_path: Path) -> None:
    catalogue = check_and_load(write_course(tmp_path, {"fr/first.md": None}))
    lesson = catalogue.courses["demo"].lessons[0]
    version, fallback = lesson.version("fr")
    assert fallback and version.language == "en" and version.title == "A first lesson"
