"""Open Government 101's French lessons are written in their own words: under 0.5% of each
lesson's eight-word runs (quotations excluded) may be found in the strategy they draw on.

The strategy's text stays outside the repository (../shared/seed/); its runs are committed as
a fingerprint (strategy-8grams.txt.gz, see lms.courses.stats), which is checked against the
text wherever the text is present.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lms.config import ROOT
from lms.courses.stats import fingerprint, lesson_body, overlap, read_fingerprint

COURSE = ROOT / "content" / "open-government-101"
FINGERPRINT = Path(__file__).parent / "strategy-8grams.txt.gz"
SOURCE = ROOT.parent / "shared" / "seed" / "ogp-strategy-2023-2028.fr.txt"
LIMIT = 0.5  # percent


def _french_lessons() -> list[Path]:
    settings = yaml.safe_load((COURSE / "course.yml").read_text(encoding="utf-8"))
    return [COURSE / "fr" / f"{lesson_id}.md" for lesson_id in settings["lessons"]]


def test_the_fingerprint_matches_the_source() -> None:
    if not SOURCE.is_file():
        pytest.skip(f"the strategy's text is not at {SOURCE} (a clean checkout): the committed "
                    "fingerprint is used as it is")
    assert read_fingerprint(FINGERPRINT) == fingerprint(SOURCE.read_text(encoding="utf-8"))


def test_the_measure() -> None:
    """Quotations are left out; a shared run counts once per place it occurs."""
    source = fingerprint("un deux trois quatre cinq six sept huit neuf dix")
    copied = "Un deux trois quatre cinq six sept huit, puis autre chose entièrement nouveau ici."
    assert overlap(copied, source).shared == 1
    assert overlap(copied, source).total == 7
    quoted = "« Un deux trois quatre cinq six sept huit », puis autre chose entièrement neuf."
    assert overlap(quoted, source).shared == 0
    blockquote = "> Un deux trois quatre cinq six sept huit\n\nPuis du neuf."
    assert overlap(blockquote, source).shared == 0
    feedback = "- (x) Oui\n  > Un deux trois quatre cinq six sept huit"
    assert overlap(feedback, source).shared == 1  # an option's feedback is the course's words


def test_each_french_lesson_is_in_its_own_words() -> None:
    source = read_fingerprint(FINGERPRINT)
    figures = {}
    for path in _french_lessons():
        measured = overlap(lesson_body(path.read_text(encoding="utf-8")), source)
        figures[path.stem] = round(measured.percent, 2)
    assert all(percent < LIMIT for percent in figures.values()), figures
