"""A viewer who combines every figure they can see (each filter's page, every CSV, the PDF
report of each of their cohorts) never works out a figure shown as "fewer than 5": not by
subtracting the shown groups from a total, not by differences between tables, not from
rates or means times a group's size (tests/insights/attack.py plays the attacker)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import User
from lms.db import utcnow
from lms.insights import queries, report, services
from tests.insights.attack import (
    FEWER,
    Cell,
    csv_rows,
    headline_cells,
    intervals,
    naive,
    number,
    ranges,
)
from tests.insights.helpers import sign_in
from tests.insights.lattice import Lattice, make_lattice
from tests.insights.test_dashboard_page import _cells, _row

COUNTS = {"Enrolments": "enrolments", "Active learners (last 30 days)": "active",
          "Outcome stories": "stories", "Verified": "verified",
          "Verified stories": "verified"}


@pytest.fixture
def lattice(app: Flask) -> Lattice:
    return make_lattice()


def _truths(user: User, slug: str) -> dict[tuple[str, str, str], int]:
    """The true value behind every figure of one view: {(table, row, measure): value}."""
    scope = services.scope_for(user, slug)
    lessons = {course.course_id: [lesson.lesson_id for lesson in course.lessons]
               for course in services.courses_of(scope)}
    tables = {queries.ALL: "headline", queries.REGION: "regions", queries.THEME: "themes",
              queries.MONTH: "months", queries.COHORT: "cohorts"}
    slugs = {str(cohort.id): cohort.slug for cohort in scope.cohorts}
    truth: dict[tuple[str, str, str], int] = {}
    for row in queries.participation(scope.cohort_ids, lessons, utcnow()):
        if row.dimension not in tables:  # a cohort's month: never published as such
            continue
        key = slugs.get(row.key, row.key) if row.dimension == queries.COHORT else row.key
        table = tables[row.dimension]
        truth |= {(table, key, "enrolments"): row.enrolments, (table, key, "active"): row.active,
                  (table, key, "completers"): row.completers}
    for shift in queries.shifts(scope.cohort_ids):
        table, key = f"shifts-{shift.course_id}", shift.statement_id
        truth |= {(table, key, f"respondents:{key}"): shift.respondents,
                  (table, key, f"before:{key}"): round(shift.before * shift.respondents),
                  (table, key, f"after:{key}"): round(shift.after * shift.respondents)}
    story_tables = {queries.ALL: "headline", queries.THEME: "story-themes",
                    queries.COUNTRY: "story-countries"}
    for row in queries.stories(scope.cohort_ids):
        table = story_tables[row.dimension]
        truth |= {(table, row.key, "stories"): row.stories,
                  (table, row.key, "verified"): row.verified}
    return truth


def _headline(view: str, cells: dict[str, str], truth: dict) -> list[Cell]:  # type: ignore[type-arg]
    found = [Cell(measure, f"{view}|headline", "", truth.get(("headline", "", measure), 0),
                  cells[label]) for label, measure in COUNTS.items() if label in cells]
    if "Completion rate" in cells:
        found.append(Cell("completers", f"{view}|headline", "",
                          truth.get(("headline", "", "completers"), 0),
                          cells["Completion rate"], cells["Enrolments"]))
    return found


def _csv_cells(view: str, slug: str, text: str, truth: dict) -> list[Cell]:  # type: ignore[type-arg]
    header, rows = csv_rows(text)
    code = 1 if header[0] == "Course" else 0
    cells = []
    for row in rows:
        key = row[code]
        named = dict(zip(header, row, strict=True))
        for label, measure in COUNTS.items():
            if label in named:
                cells.append(Cell(measure, f"{view}|{slug}", key,
                                  truth.get((slug, key, measure), 0), named[label]))
        if "Completion rate (%)" in named:
            cells.append(Cell("completers", f"{view}|{slug}", key,
                              truth.get((slug, key, "completers"), 0),
                              named["Completion rate (%)"], named["Enrolments"]))
        if "Respondents" in named:
            for label, measure in (("Respondents", "respondents"), ("Mean before", "before"),
                                   ("Mean after", "after")):
                size = "" if measure == "respondents" else named["Respondents"]
                cells.append(Cell(f"{measure}:{key}", f"{view}|{slug}", key,
                                  truth.get((slug, key, f"{measure}:{key}"), 0),
                                  named[label], size))
    return cells


def _everything(client: FlaskClient, app: Flask, user: User) -> list[Cell]:
    """Every figure the user can see, with the true value behind it."""
    sign_in(client, user)
    scope = services.scope_for(user)
    cells: list[Cell] = []
    for slug in ["", *(cohort.slug for cohort in scope.choices)]:
        view = slug or "all"
        truth = _truths(user, slug)
        page = client.get("/insights/" + (f"?cohort={slug}" if slug else ""))
        assert page.status_code == 200
        cells += _headline(view, headline_cells(page.text), truth)
        charts = sorted(set(__import__("re").findall(r'href="/insights/([a-z0-9-]+)\.csv',
                                                     page.text)))
        assert charts, view
        for chart in charts:
            response = client.get(f"/insights/{chart}.csv",
                                  query_string={"cohort": slug} if slug else {})
            assert response.status_code == 200
            cells += _csv_cells(view, chart, response.get_data(as_text=True), truth)
        if slug:
            with app.test_request_context():
                html = report.report_html(slug, "en")
            cells += _headline(f"report:{slug}", headline_cells(html), truth)
    return cells


def _tables(cells: list[Cell], lattice: Lattice) -> dict[str, list[int]]:
    """Groups of figures of one measure whose sums an attacker would try: each table of each
    view, regions and themes together, the same row across the one-cohort views, and the
    cohorts of each region or theme (a cohort's focus is public)."""
    focus = {cohort.slug: cohort.focus for cohort in lattice.cohorts}
    tables: dict[str, list[int]] = defaultdict(list)
    for index, cell in enumerate(cells):
        view, slug = cell.table.split("|")
        tables[f"{cell.table}|{cell.measure}"].append(index)
        if slug in ("regions", "themes"):
            tables[f"{view}|focus|{cell.measure}"].append(index)
        if view in focus and slug != "headline":
            tables[f"across|{slug}|{cell.row}|{cell.measure}"].append(index)
        if view == "all" and slug == "cohorts":
            tables[f"focus:{focus[cell.row]}|{cell.measure}"].append(index)
    return dict(tables)


def _partitions(cells: list[Cell], tables: dict[str, list[int]],
                lattice: Lattice) -> list[tuple[list[int], list[int]]]:
    """Each table that splits a figure the viewer also sees, with that figure (its total)."""
    at = {(cell.table, cell.row, cell.measure): index for index, cell in enumerate(cells)}
    focus = {cohort.slug: cohort.focus for cohort in lattice.cohorts}
    found = []
    for name, members in tables.items():
        parts = name.split("|")
        measure = parts[-1]
        if parts[0] == "across":  # one row over the one-cohort views: that row for them all
            totals = [at.get((f"all|{parts[1]}", parts[2], measure))]
        elif parts[0].startswith("focus:"):  # the cohorts of a region or theme
            code = parts[0].split(":", 1)[1]
            totals = [at.get(("all|regions", code, measure)), at.get(("all|themes", code,
                                                                      measure))]
        elif parts[1] in ("cohorts", "focus", "months", "story-themes", "story-countries"):
            view = parts[0]
            totals = [at.get((f"{view}|headline", "", measure))]
            if view in focus:  # a one-cohort view: its total is that cohort's figure too
                totals += [at.get(("all|cohorts", view, measure)),
                           at.get((f"report:{view}|headline", "", measure))]
        else:
            continue
        found.append((members, [total for total in totals if total is not None]))
    return found


def _identities(cells: list[Cell], lattice: Lattice) -> dict[tuple[str, str], set[str]]:
    """What each cohort's own figures read, wherever they appear (one value each)."""
    slugs = {cohort.slug for cohort in lattice.cohorts}
    read: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cell in cells:
        text = cell.text if cell.text in FEWER else str(number(cell.text))
        view, slug = cell.table.split("|")
        cohort = view.removeprefix("report:")
        if cohort in slugs and (slug == "headline" or slug == "cohorts") \
                and not cell.measure.startswith(("stories", "verified")):
            read[(cohort, cell.measure)].add(text)
        elif view == "all" and slug == "cohorts":
            read[(cell.row, cell.measure)].add(text)
    return read


def _leaks(client: FlaskClient, app: Flask, lattice: Lattice, user: User) -> list[str]:
    cells = [cell for cell in _everything(client, app, user) if cell.text]
    figures = ranges(cells)
    assert len(figures) == len(cells)
    assert any(figure.hidden for figure in figures) and any(not f.hidden for f in figures)
    tables = _tables(cells, lattice)
    partitions = _partitions(cells, tables, lattice)
    assert any(len(members) > 1 and totals for members, totals in partitions)
    # A cohort's figure reads the same on every page and in every file that shows it.
    assert {key: texts for key, texts in _identities(cells, lattice).items()
            if len(texts) > 1} == {}
    return naive(figures, tables) + intervals(figures, partitions)


def test_no_hidden_figure_can_be_worked_out_by_the_admin(client: FlaskClient, app: Flask,
                                                         lattice: Lattice) -> None:
    assert _leaks(client, app, lattice, lattice.admin) == []


@pytest.mark.parametrize("which", [0, 1, 2, 3, 4])
def test_no_hidden_figure_can_be_worked_out_by_a_facilitator(
        client: FlaskClient, app: Flask, lattice: Lattice, which: int) -> None:
    assert _leaks(client, app, lattice, lattice.facilitators[which]) == []


def test_a_total_that_would_pin_a_small_cohort_is_not_shown(client: FlaskClient,
                                                            lattice: Lattice) -> None:
    sign_in(client, lattice.facilitators[3])
    page = client.get("/insights/").text
    assert "<strong>not shown</strong> Enrolments" in page
    assert "<strong>5</strong> Enrolments" in client.get("/insights/?cohort=tight-a").text
    # Their 7 respondents and 7 stories on justice in Senegal: the same, checked against each
    # cohort's page.
    statement = "I can explain what open government means in the daily work of my administration."
    assert _cells(_row(page, statement)) == ["not shown"] * 4
    assert _cells(_row(page, "Senegal")) == ["not shown", "fewer than 5"]
    # One cohort of 7 (read 5) whose learners joined 5, 1 and 1 a month: its total stays (it
    # is a row of wider pages), its largest month is withheld.
    sign_in(client, lattice.facilitators[4])
    page = client.get("/insights/").text
    assert "<strong>5</strong> Enrolments" in page
    assert _cells(_row(page, "January 2025")) == ["not shown", "fewer than 5", "not shown",
                                                  "fewer than 5"]
    assert _cells(_row(page, "February 2025"))[0] == "fewer than 5"
