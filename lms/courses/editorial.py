"""Editorial rules a course can set for itself (`editorial:` in course.yml).

```yaml
editorial:
  words: [700, 1400]   # prose words per lesson and language
  min_checks: 3        # knowledge checks per lesson
  min_scenarios: 2     # of which scenarios
  min_cases: 1         # `::: case` blocks per lesson
  sources: required    # front matter sources, each with an http(s) address
```

With the block, every check must say its kind, and no single number of correct options may be
shared by more than half of the course's multiple-choice checks (learners would learn the
pattern instead of the content).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lms.courses.markup import CHECK_KINDS, Quiz, Reporter, did_you_mean
from lms.courses.stats import LessonStats

EDITORIAL_KEYS = ("words", "min_checks", "min_scenarios", "min_cases", "sources")
# Below this many multiple-choice checks, a shared number of correct options is no pattern.
PATTERN_MINIMUM = 3
_URL = re.compile(r"https?://\S")


@dataclass(frozen=True)
class Editorial:
    words: tuple[int, int] | None = None
    min_checks: int = 0
    min_scenarios: int = 0
    min_cases: int = 0
    sources_required: bool = False


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_editorial(raw: object, line: int, report: Reporter) -> Editorial | None:
    """Check the `editorial:` block and return it (None, with errors reported, if it is wrong)."""
    if not isinstance(raw, dict):
        report.error(line, "editorial", "editorial must be a mapping like {words: [700, 1400], "
                     "min_checks: 3}")
        return None
    ok = True
    for key in raw:
        if key not in EDITORIAL_KEYS:
            report.error(line, "unknown-key", f"unknown key '{key}' in editorial"
                         f"{did_you_mean(str(key), EDITORIAL_KEYS)}")
            ok = False
    words = raw.get("words")
    if words is not None and not (isinstance(words, list) and len(words) == 2
                                  and all(_count(value) for value in words)
                                  and words[0] <= words[1]):
        report.error(line, "editorial", f"words must be [minimum, maximum], two whole numbers, "
                     f"not '{words}'")
        ok = False
    for key in ("min_checks", "min_scenarios", "min_cases"):
        if key in raw and not _count(raw[key]):
            report.error(line, "editorial", f"{key} must be a whole number from 0, "
                         f"not '{raw[key]}'")
            ok = False
    sources = raw.get("sources", "optional")
    if sources not in ("required", "optional"):
        report.error(line, "editorial", f"sources must be required or optional, not '{sources}'")
        ok = False
    if not ok:
        return None
    return Editorial((words[0], words[1]) if words else None,
                     raw.get("min_checks", 0), raw.get("min_scenarios", 0),
                     raw.get("min_cases", 0), sources == "required")


def check_lesson(rules: Editorial, stats: LessonStats, quizzes: list[Quiz],
                 meta: dict[str, Any], report: Reporter) -> None:
    """Report how one lesson file falls short of the course's editorial rules."""
    for quiz in quizzes:
        if quiz.check_kind is None:
            report.error(quiz.line, "editorial", f"quiz '{quiz.quiz_id}' needs a kind: "
                         f"'::: quiz {{#{quiz.quiz_id} kind=...}}' with one of "
                         f"{', '.join(CHECK_KINDS)}")
    if rules.words is not None:
        low, high = rules.words
        if not low <= stats.prose_words <= high:
            report.error(1, "editorial", f"{stats.prose_words} words of prose; the course asks "
                         f"for {low} to {high}")
    if stats.check_count < rules.min_checks:
        report.error(1, "editorial", f"{stats.check_count} knowledge checks; the course asks "
                     f"for at least {rules.min_checks}")
    if stats.checks["scenario"] < rules.min_scenarios:
        report.error(1, "editorial", f"{stats.checks['scenario']} scenario checks; the course "
                     f"asks for at least {rules.min_scenarios}")
    if stats.cases < rules.min_cases:
        report.error(1, "editorial", f"{stats.cases} cases ('::: case'); the course asks for at "
                     f"least {rules.min_cases}")
    if rules.sources_required:
        sources = meta.get("sources") or []
        if not sources:
            report.error(1, "editorial", "no sources: the course asks for sources in the front "
                         "matter, each with its address")
        for source in sources:
            if not _URL.search(str(source)):
                report.error(1, "editorial", f"source without an http(s) address: '{source}'")


def check_correct_counts(quizzes: list[Quiz], line: int, report: Reporter) -> None:
    """Error when more than half of the multiple-choice checks share a number of correct
    options (checked on the default language: translations must match it)."""
    counts = Counter(len(quiz.correct_positions) for quiz in quizzes if quiz.kind == "multiple")
    total = sum(counts.values())
    if total < PATTERN_MINIMUM:
        return
    correct, shared = counts.most_common(1)[0]
    if shared * 2 > total:
        report.error(line, "editorial", f"{shared} of the course's {total} multiple-choice "
                     f"checks have exactly {correct} correct options: vary it (at most half may "
                     "share a number)")
