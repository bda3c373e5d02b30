"""The CSV file behind each chart: same figures, same scope, the fewer-than-5 rule, no totals."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.cohorts.models import Cohort
from lms.extensions import db
from tests.insights.helpers import Programme, make_programme, sign_in


@pytest.fixture
def programme(app: Flask) -> Programme:
    return make_programme()


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="insights-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    *rows, note = list(csv.reader(io.StringIO(text[1:])))
    # Each file ends with how its figures are rounded, in one cell.
    assert len(note) == 1 and note[0].startswith("Small numbers protect people.")
    return rows


def test_participation_csvs(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    header = ["Enrolments", "Active learners (last 30 days)", "Completion rate (%)",
              "Median days to complete"]
    assert _csv(client, "/insights/cohorts.csv") == [
        ["Address", "Cohort", *header],
        # 6 enrolments read 5 (no rate for 5); 8 read 10, and 62.5% reads 60.
        ["climate-2025", "Climate action 2025", "5", "fewer than 5", "not shown", "25.0"],
        ["justice-2025", "Justice 2025", "fewer than 5", "fewer than 5", "fewer than 5",
         "fewer than 5"],
        ["wb-2025", "Western Balkans 2025", "10", "fewer than 5", "60.0", "20.0"]]
    assert _csv(client, "/insights/regions.csv") == [
        ["Code", "Region", *header],
        ["western-balkans", "Western Balkans", "10", "fewer than 5", "60.0", "20.0"]]
    assert _csv(client, "/insights/themes.csv")[1:] == [
        ["climate-action", "Climate action", "5", "fewer than 5", "not shown", "25.0"],
        ["justice", "Justice", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"]]
    assert _csv(client, "/insights/months.csv") == [
        ["Month (ISO)", "Month", *header],
        ["2025-01", "January 2025", "5", "fewer than 5", "not shown", "fewer than 5"],
        ["2025-02", "February 2025", "fewer than 5", "fewer than 5", "fewer than 5",
         "fewer than 5"],
        ["2025-03", "March 2025", "10", "fewer than 5", "60.0", "25.0"]]


def test_shifts_csv(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    rows = _csv(client, "/insights/shifts-open-government-101.csv")
    assert rows[0] == ["Course", "Statement code", "Self-assessment statement", "Respondents",
                       "Mean before", "Mean after", "Mean change"]
    by_statement = {row[1]: row for row in rows[1:]}
    assert by_statement["explain-open-government"][0] == "Open Government 101"
    assert by_statement["explain-open-government"][3:] == ["5", "2.00", "4.00", "2.00"]
    assert by_statement["reform-allies"][3:] == ["5", "4.00", "3.50", "-0.50"]
    assert by_statement["defend-civic-space"][3:] == ["fewer than 5"] * 4


def test_story_csvs(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    assert _csv(client, "/insights/story-themes.csv") == [
        ["Code", "Theme", "Outcome stories", "Verified"],
        ["anti-corruption", "Anti-corruption", "5", "fewer than 5"],
        ["digital-governance", "Digital governance", "fewer than 5", "fewer than 5"],
        ["climate-action", "Climate action", "fewer than 5", "fewer than 5"],
        ["justice", "Justice", "fewer than 5", "fewer than 5"]]
    assert _csv(client, "/insights/story-countries.csv") == [
        ["Country code", "Country", "Outcome stories", "Verified"],
        ["AL", "Albania", "5", "fewer than 5"], ["FR", "France", "fewer than 5", "fewer than 5"],
        ["SN", "Senegal", "fewer than 5", "fewer than 5"],
        ["RS", "Serbia", "fewer than 5", "fewer than 5"]]


def test_csv_follows_scope_and_filter(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.fb)
    rows = _csv(client, "/insights/cohorts.csv?cohort=climate-2025")
    assert rows[1:] == [["climate-2025", "Climate action 2025", "5", "fewer than 5",
                         "not shown", "25.0"]]
    response = client.get("/insights/cohorts.csv?cohort=climate-2025")
    assert "insights-cohorts-climate-2025-" in response.headers["Content-Disposition"]
    everything = "".join(",".join(row) for row in _csv(client, "/insights/cohorts.csv"))
    assert "wb-2025" not in everything and "Western Balkans" not in everything
    assert _csv(client, "/insights/story-countries.csv")[1:] == [
        ["SN", "Senegal", "fewer than 5", "fewer than 5"]]


def test_csv_never_prints_a_small_count(client: FlaskClient, programme: Programme) -> None:
    counts = {"Enrolments", "Active learners (last 30 days)", "Respondents", "Outcome stories",
              "Verified"}
    for user in (programme.admin, programme.fa, programme.fb):
        sign_in(client, user)
        for slug in ("cohorts", "regions", "themes", "months", "shifts-open-government-101",
                     "story-themes", "story-countries"):
            header, *rows = _csv(client, f"/insights/{slug}.csv")
            assert not any("total" in cell.casefold() for row in rows for cell in row)
            for row in rows:
                for name, cell in zip(header, row, strict=True):
                    if name in counts:
                        assert cell in ("fewer than 5", "not shown") or int(cell) >= 5, \
                            (slug, row)


def test_unknown_chart_is_not_found(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    for chart in ("nothing", "shifts-no-such-course", "1", "cohorts.csv", "shifts-"):
        assert client.get(f"/insights/{chart}.csv").status_code == 404


def test_cells_are_never_spreadsheet_formulas(client: FlaskClient,
                                              programme: Programme) -> None:
    programme.a.name = '=HYPERLINK("https://evil.example","Click")'
    db.session.commit()
    sign_in(client, programme.admin)
    rows = {row[0]: row for row in _csv(client, "/insights/cohorts.csv")}
    assert rows["wb-2025"][1] == "'" + programme.a.name
    assert db.session.get(Cohort, programme.a.id).name.startswith("=")
