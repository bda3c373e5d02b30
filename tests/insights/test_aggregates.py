"""Every aggregate of the dashboard against the hand-computed programme (tests/insights/helpers.py),
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from flask import Flask

from lms.insights import services
from lms.insights.privacy import FEWER, SHOWN, WITHHELD
from tests.insights.helpers import Programme, make_programme


@pytest.fixture
def programme(app: Flask) -> Programme:
    return make_programme()


def _board(programme: Programme, user: str = "admin", slug: str = "") -> services.Dashboard:
    scope = services.scope_for(getattr(programme, user), slug)
    return services.build_dashboard(scope, "en", programme.now)


def _figures(table, column: str) -> dict[str, tuple[float | None, str]]:  # type: ignore[no-untyped-def]
    """{row key: (value, state)} for one column, values rounded for comparison."""
    return {row.key: (None if row.figures[column].value is None
                      else round(row.figures[column].value, 2), row.figures[column].state)
            for row in table.rows}


def test_headline_of_the_whole_programme(programme: Programme) -> None:
    headline = {item.key: item.figure for item in _board(programme).headline}
    assert (headline["enrolments"].value, headline["enrolments"].state) == (17, SHOWN)
    assert (headline["active"].value, headline["active"].state) == (5, SHOWN)
    assert round(headline["completion"].value, 2) == 58.82  # 10 of 17
    assert headline["median_days"].value == 22.5  # (20 + 25) / 2 over ten completers
    assert headline["median_days"].people == 10
    assert (headline["stories"].value, headline["stories"].people) == (10, 8)
    assert (headline["verified"].value, headline["verified"].people) == (6, 5)


def test_by_cohort(programme: Programme) -> None:
    cohorts = _board(programme).table("cohorts")
    assert [row.label for row in cohorts.rows] == ["Climate action 2025", "Justice 2025",
                                                   "Western Balkans 2025"]
    assert _figures(cohorts, "enrolments") == {
        "wb-2025": (8, SHOWN), "justice-2025": (3, FEWER),
        # The only other small group is Justice: Climate is withheld, or 17 - 8 - 6 = 3.
        "climate-2025": (6, WITHHELD)}
    assert _figures(cohorts, "active") == {
        "wb-2025": (2, FEWER), "climate-2025": (1, FEWER), "justice-2025": (2, FEWER)}
    assert _figures(cohorts, "completion") == {
        "wb-2025": (62.5, SHOWN), "climate-2025": (83.33, WITHHELD),
        "justice-2025": (0, FEWER)}
    assert _figures(cohorts, "median_days") == {
        "wb-2025": (20, SHOWN), "climate-2025": (25, WITHHELD), "justice-2025": (None, FEWER)}


def test_by_region_and_theme(programme: Programme) -> None:
    board = _board(programme)
    assert _figures(board.table("regions"), "enrolments") == {"western-balkans": (8, SHOWN)}
    assert _figures(board.table("regions"), "completion") == {"western-balkans": (62.5, SHOWN)}
    assert _figures(board.table("regions"), "median_days") == {"western-balkans": (20, SHOWN)}
    # Regions and themes split the same total, so they are protected together.
    assert _figures(board.table("themes"), "enrolments") == {
        "climate-action": (6, WITHHELD), "justice": (3, FEWER)}
    assert [row.label for row in board.table("themes").rows] == ["Climate action", "Justice"]


def test_over_time(programme: Programme) -> None:
    months = _board(programme).table("months")
    assert [row.key for row in months.rows] == ["2025-01", "2025-02", "2025-03"]
    assert [row.label for row in months.rows] == ["January 2025", "February 2025", "March 2025"]
    assert _figures(months, "enrolments") == {
        "2025-01": (5, WITHHELD), "2025-02": (3, FEWER), "2025-03": (9, SHOWN)}
    assert _figures(months, "completion") == {
        "2025-01": (80, WITHHELD), "2025-02": (33.33, FEWER), "2025-03": (55.56, SHOWN)}
    # January's four completers: a median over fewer than 5 people.
    assert _figures(months, "median_days") == {
        "2025-01": (25, FEWER), "2025-02": (10, FEWER), "2025-03": (25, SHOWN)}
    assert _figures(months, "active") == {
        "2025-01": (1, FEWER), "2025-02": (1, FEWER), "2025-03": (3, FEWER)}


def test_self_assessment_shifts_are_paired(programme: Programme) -> None:
    (shifts,) = _board(programme).shifts
    assert shifts.slug == "shifts-open-government-101"
    assert _figures(shifts, "respondents") == {
        "explain-open-government": (6, SHOWN), "action-plan-cycle": (6, SHOWN),
        "inclusive-co-creation": (6, SHOWN), "reform-allies": (6, SHOWN),
        "strategy-goals": (6, SHOWN), "defend-civic-space": (4, FEWER)}
    assert _figures(shifts, "before")["explain-open-government"] == (2.0, SHOWN)
    assert _figures(shifts, "after")["explain-open-government"] == (4.0, SHOWN)
    assert _figures(shifts, "change")["explain-open-government"] == (2.0, SHOWN)
    assert _figures(shifts, "after")["action-plan-cycle"] == (3.5, SHOWN)
    assert _figures(shifts, "change")["reform-allies"] == (-0.67, SHOWN)
    assert _figures(shifts, "change")["defend-civic-space"] == (3.0, FEWER)
    assert shifts.rows[0].label.startswith("I can explain what open government means")


def test_stories_by_theme_and_country(programme: Programme) -> None:
    board = _board(programme)
    themes, countries = board.stories
    assert _figures(themes, "stories") == {
        "anti-corruption": (6, SHOWN), "digital-governance": (1, FEWER),
        "climate-action": (2, FEWER), "justice": (1, FEWER)}
    assert _figures(themes, "verified")["anti-corruption"] == (4, FEWER)  # by 3 people
    assert [row.key for row in countries.rows] == ["AL", "FR", "SN", "RS"]
    assert [row.label for row in countries.rows] == ["Albania", "France", "Senegal", "Serbia"]
    assert _figures(countries, "stories") == {
        "AL": (6, SHOWN), "FR": (1, FEWER), "SN": (2, FEWER), "RS": (1, FEWER)}


def test_a_facilitator_sees_only_their_cohort(programme: Programme) -> None:
    board = _board(programme, "fa")
    headline = {item.key: item.figure for item in board.headline}
    assert headline["enrolments"].value == 8 and headline["completion"].value == 62.5
    assert headline["median_days"].value == 20
    assert headline["active"].state == FEWER
    assert (headline["stories"].value, headline["stories"].people) == (7, 6)
    assert headline["verified"].state == FEWER
    assert [row.key for row in board.table("cohorts").rows] == ["wb-2025"]
    assert board.table("themes").rows == []
    assert _figures(board.table("months"), "enrolments") == {
        "2025-01": (5, WITHHELD), "2025-02": (3, FEWER)}
    # Four of their learners answered both times: every shift is fewer than 5.
    assert {state for _, state in _figures(board.shifts[0], "respondents").values()} == {FEWER}
    themes, countries = board.stories
    assert _figures(themes, "stories") == {"anti-corruption": (6, WITHHELD),
                                           "digital-governance": (1, FEWER)}
    assert _figures(countries, "stories") == {"AL": (6, WITHHELD), "RS": (1, FEWER)}


def test_a_facilitator_narrows_to_one_of_their_cohorts(programme: Programme) -> None:
    board = _board(programme, "fb")
    assert [row.key for row in board.table("cohorts").rows] == ["climate-2025", "justice-2025"]
    assert {item.key: item.figure.value for item in board.headline}["enrolments"] == 9
    narrowed = _board(programme, "fb", "climate-2025")
    headline = {item.key: item.figure for item in narrowed.headline}
    assert headline["enrolments"].value == 6 and headline["median_days"].value == 25
    assert round(headline["completion"].value, 2) == 83.33
    assert _figures(narrowed.table("cohorts"), "enrolments") == {"climate-2025": (6, SHOWN)}


def test_scope_refuses_cohorts_of_others(programme: Programme) -> None:
    with pytest.raises(services.NotFound):
        services.scope_for(programme.fa, "climate-2025")
    with pytest.raises(services.NotFound):
        services.scope_for(programme.fa, "no-such-cohort")
    assert [cohort.slug for cohort in services.scope_for(programme.fa).cohorts] == ["wb-2025"]
    assert services.scope_for(programme.fa).cohort_ids == (programme.a.id,)
    assert services.scope_for(programme.admin).cohort_ids is None  # every cohort, every story
    learner = services.scope_for(programme.people["a1"])
    assert learner.cohorts == () and learner.cohort_ids == ()
