"""A course's capability self-assessment: statements rated 1-5 and one open question, asked
before the course and after it (`self-assessment.yml` in the course folder, optional)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lms.courses.markup import ID_PATTERN, Reporter

FILE_NAME = "self-assessment.yml"
MIN_STATEMENTS = 5
MAX_STATEMENTS = 8
SCALE = (1, 2, 3, 4, 5)
BEFORE = "before"
AFTER = "after"
PHASES = (BEFORE, AFTER)


@dataclass(frozen=True)
class Statement:
    statement_id: str
    texts: dict[str, str]

    def text(self, language: str, default: str) -> str:
        return self.texts.get(language) or self.texts[default]


@dataclass(frozen=True)
class SelfAssessment:
    statements: tuple[Statement, ...]
    question: Statement  # the open question
    default_language: str

    def statement(self, statement_id: str) -> Statement | None:
        return next((item for item in self.statements if item.statement_id == statement_id),
                    None)


def _texts(item: dict[str, Any], languages: list[str], default: str, label: str, line: int,
           report: Reporter) -> dict[str, str] | None:
    texts = {language: str(item[language]).strip() for language in languages
             if isinstance(item.get(language), str) and str(item[language]).strip()}
    if default not in texts:
        report.error(line, "self-assessment", f"{label} needs its text in {default}")
        return None
    for language in languages:
        if language not in texts:
            report.warning(line, "missing-translation", f"{label} has no {language} text: "
                           f"learners will see the {default} one")
    return texts


def load_self_assessment(folder: Path, languages: list[str], default: str,
                         report: Reporter) -> SelfAssessment | None:
    """The course's self-assessment, checked; None when the course has none or it is wrong
    (problems go to `report`)."""
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        report.error(mark.line + 1 if mark else 1, "yaml", f"not valid YAML: {error}")
        return None
    if not isinstance(settings, dict):
        report.error(1, "self-assessment", "must be a mapping with statements and open_question")
        return None
    for key in settings:
        if key not in ("statements", "open_question"):
            report.error(1, "unknown-key", f"unknown key '{key}' in {FILE_NAME}")
    statements: list[Statement] = []
    raw = settings.get("statements")
    if not isinstance(raw, list) or not MIN_STATEMENTS <= len(raw) <= MAX_STATEMENTS:
        report.error(1, "self-assessment", f"statements must be a list of {MIN_STATEMENTS} to "
                     f"{MAX_STATEMENTS} items, each with an id and its text per language")
        return None
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        label = f"statement {position}"
        if not isinstance(item, dict) or not ID_PATTERN.match(str(item.get("id", ""))):
            report.error(1, "invalid-id", f"{label} needs an id of lower-case letters, digits "
                         "and hyphens")
            continue
        if item["id"] in seen:
            report.error(1, "duplicate-id", f"statement id '{item['id']}' is used twice")
            continue
        seen.add(item["id"])
        texts = _texts(item, languages, default, f"statement '{item['id']}'", 1, report)
        if texts is not None:
            statements.append(Statement(item["id"], texts))
    question = settings.get("open_question")
    if not isinstance(question, dict) or not ID_PATTERN.match(str(question.get("id", ""))):
        report.error(1, "self-assessment", "open_question needs an id and its text per language")
        return None
    question_texts = _texts(question, languages, default, "open_question", 1, report)
    if question_texts is None or len(statements) != len(raw):
        return None
    return SelfAssessment(tuple(statements), Statement(question["id"], question_texts), default)
