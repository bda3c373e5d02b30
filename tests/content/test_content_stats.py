"""`flask lms content-stats`: per lesson and language, the figures an editor checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.courses.stats import fingerprint, write_fingerprint
from tests.courses.helpers import write_course
from tests.courses.test_cases_and_kinds import EN, FR


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("course")
    return {"LMS_CONTENT_PATH": write_course(root, {"en/first.md": EN, "fr/first.md": FR})}


def test_content_stats_prints_each_lesson_and_language(runner, tmp_path: Path) -> None:
    source = tmp_path / "source.txt.gz"
    # Nine words of the French case in a row, as if taken from the source: two runs of eight.
    write_fingerprint(source, fingerprint("Chaque appel went online Source OGP Ukraine 2019 https"))
    result = runner.invoke(args=["lms", "content-stats", "demo", "--fingerprint", str(source)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "demo",
        "  first [en]: 34 words, checks 2 (recall 1, scenario 1), cases 1",
        "  first [fr]: 34 words, checks 2 (recall 1, scenario 1), cases 1, overlap 2.63% (2/76)",
    ]
