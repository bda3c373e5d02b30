"""`flask lms report`: a cohort's report as a PDF, with the same figures and the same rule."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from lms.cli import lms_cli
from lms.insights import report
from tests.insights.helpers import make_programme


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def programme(app: Flask):  # type: ignore[no-untyped-def]
    return make_programme()


def test_report_of_a_cohort_as_pdf(app: Flask, programme, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(lms_cli, ["report", "--cohort", "wb-2025",
                                                    "--format", "pdf"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "report-wb-2025.pdf"
    assert f"Report written to {path.name}" in result.output
    assert path.read_bytes().startswith(b"%PDF-")
    text = _text(path)
    assert "Western Balkans 2025" in text and "Open Government 101" in text
    # 8 enrolments and 62.5%, as published: to the nearest 5 and 10 points, and why.
    assert "Enrolments 10" in text and "Completion rate 60%" in text
    assert "Every count is rounded to the nearest 5" in text
    assert "Median days to complete 20" in text
    # Two learners were active: fewer than 5, in the PDF too.
    assert "Active learners (last 30 days) fewer than 5" in text
    # Another cohort's numbers and names never appear.
    assert "Climate action 2025" not in text and "83.3" not in text and "62.5" not in text
    # Stories' text never appears, only counts.
    assert "budget data" not in text


def test_report_in_french_to_a_chosen_file(app: Flask, programme, tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    result = app.test_cli_runner().invoke(lms_cli, [
        "report", "--cohort", "climate-2025", "--output", str(path), "--language", "fr"])
    assert result.exit_code == 0, result.output
    text = _text(path)
    assert "Climate action 2025" in text and "Gouvernement ouvert 101" in text
    assert "Taux d’achèvement non affiché" in text and "moins de 5" in text
    assert "83,3" not in text and "80 %" not in text


def test_unknown_cohort_and_format_are_clear_errors(app: Flask, programme,
                                                    tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(lms_cli, ["report", "--cohort", "nowhere", "--output",
                                     str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "no cohort has the address 'nowhere'" in result.output
    assert not (tmp_path / "x.pdf").exists()
    result = runner.invoke(lms_cli, ["report", "--cohort", "wb-2025", "--format", "docx"])
    assert result.exit_code == 2
    assert "'docx' is not 'pdf'" in result.output


def test_the_report_fetches_nothing(app: Flask) -> None:
    html = '<html><body><img src="https://example.org/tracker.png"></body></html>'
    with pytest.raises(report.ReportError, match="refused to fetch"):
        report.html_to_pdf(html, "")
