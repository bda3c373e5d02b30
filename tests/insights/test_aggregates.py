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
    # Counts to the nearest 5, rates to the nearest 10 points (lms/insights/privacy.py).
    assert (headline["enrolments"].value, headline["enrolments"].state) == (15, SHOWN)  # 17
    assert (headline["active"].value, headline["active"].state) == (5, SHOWN)
    assert headline["completion"].value == 60  # 10 of 17: 58.8%, to the nearest 20 points
    assert headline["median_days"].value == 22.5  # (20 + 25) / 2 over ten completers
    assert headline["median_days"].people == 10
    assert (headline["stories"].value, headline["stories"].people) == (10, 8)
    assert (headline["verified"].value, headline["verified"].people) == (5, 5)  # 6


def test_by_cohort(programme: Programme) -> None:
    cohorts = _board(programme).table("cohorts")
    assert [row.label for row in cohorts.rows] == ["Climate action 2025", "Justice 2025",
                                                   "Western Balkans 2025"]
    # 8, 6 and 3 enrolments: 10, 5 and "fewer than 5"; the total reads 15, so 15 - 10 - 5
    # says nothing about Justice's 3.
    assert _figures(cohorts, "enrolments") == {
        "wb-2025": (10, SHOWN), "justice-2025": (None, FEWER), "climate-2025": (5, SHOWN)}
    assert _figures(cohorts, "active") == {
        "wb-2025": (None, FEWER), "climate-2025": (None, FEWER), "justice-2025": (None, FEWER)}
    # 62.5% to the nearest 20 points (under 20 people); Climate, published as 5: no rate
    # (5 of 6 would read 80%, and 80% of "5" is 4 to 6: too close to exact).
    assert _figures(cohorts, "completion") == {
        "wb-2025": (60, SHOWN), "climate-2025": (None, WITHHELD),
        "justice-2025": (None, FEWER)}
    assert _figures(cohorts, "median_days") == {
        "wb-2025": (20, SHOWN), "climate-2025": (25, SHOWN), "justice-2025": (None, FEWER)}


def test_by_region_and_theme(programme: Programme) -> None:
    board = _board(programme)
    assert _figures(board.table("regions"), "enrolments") == {"western-balkans": (10, SHOWN)}
    assert _figures(board.table("regions"), "completion") == {"western-balkans": (60, SHOWN)}
    assert _figures(board.table("regions"), "median_days") == {"western-balkans": (20, SHOWN)}
    assert _figures(board.table("themes"), "enrolments") == {
        "climate-action": (5, SHOWN), "justice": (None, FEWER)}
    assert [row.label for row in board.table("themes").rows] == ["Climate action", "Justice"]


def test_over_time(programme: Programme) -> None:
    months = _board(programme).table("months")
    assert [row.key for row in months.rows] == ["2025-01", "2025-02", "2025-03"]
    assert [row.label for row in months.rows] == ["January 2025", "February 2025", "March 2025"]
    assert _figures(months, "enrolments") == {
        "2025-01": (5, SHOWN), "2025-02": (None, FEWER), "2025-03": (10, SHOWN)}  # 5, 3, 9
    # January (5 people): no rate; March: 5 of 9 (55.6%), to the nearest 20 points.
    assert _figures(months, "completion") == {
        "2025-01": (None, WITHHELD), "2025-02": (None, FEWER), "2025-03": (60, SHOWN)}
    # January's four completers: a median over fewer than 5 people.
    assert _figures(months, "median_days") == {
        "2025-01": (None, FEWER), "2025-02": (None, FEWER), "2025-03": (25, SHOWN)}
    assert _figures(months, "active") == {
        "2025-01": (None, FEWER), "2025-02": (None, FEWER), "2025-03": (None, FEWER)}


def test_self_assessment_shifts_are_paired(programme: Programme) -> None:
    (shifts,) = _board(programme).shifts
    assert shifts.slug == "shifts-open-government-101"
    # Six respondents read 5; means to the nearest half point.
    assert _figures(shifts, "respondents") == {
        "explain-open-government": (5, SHOWN), "action-plan-cycle": (5, SHOWN),
        "inclusive-co-creation": (5, SHOWN), "reform-allies": (5, SHOWN),
        "strategy-goals": (5, SHOWN), "defend-civic-space": (None, FEWER)}
    assert _figures(shifts, "before")["explain-open-government"] == (2.0, SHOWN)
    assert _figures(shifts, "after")["explain-open-government"] == (4.0, SHOWN)
    assert _figures(shifts, "change")["explain-open-government"] == (2.0, SHOWN)
    assert _figures(shifts, "after")["action-plan-cycle"] == (3.5, SHOWN)
    # 4 before, 20/6 = 3.33 after (3.5): the change is that of the published means.
    assert _figures(shifts, "after")["reform-allies"] == (3.5, SHOWN)
    assert _figures(shifts, "change")["reform-allies"] == (-0.5, SHOWN)
    assert _figures(shifts, "change")["defend-civic-space"] == (None, FEWER)
    assert shifts.rows[0].label.startswith("I can explain what open government means")


def test_stories_by_theme_and_country(programme: Programme) -> None:
    board = _board(programme)
    themes, countries = board.stories
    assert _figures(themes, "stories") == {
        "anti-corruption": (5, SHOWN), "digital-governance": (None, FEWER),
        "climate-action": (None, FEWER), "justice": (None, FEWER)}
    assert _figures(themes, "verified")["anti-corruption"] == (None, FEWER)  # 4, by 3 people
    assert [row.key for row in countries.rows] == ["AL", "FR", "SN", "RS"]
    assert [row.label for row in countries.rows] == ["Albania", "France", "Senegal", "Serbia"]
    assert _figures(countries, "stories") == {
        "AL": (5, SHOWN), "FR": (None, FEWER), "SN": (None, FEWER), "RS": (None, FEWER)}


def test_a_facilitator_sees_only_their_cohort(programme: Programme) -> None:
    board = _board(programme, "fa")
    headline = {item.key: item.figure for item in board.headline}
    assert headline["enrolments"].value == 10 and headline["completion"].value == 60
    assert headline["median_days"].value == 20
    assert headline["active"].state == FEWER
    assert (headline["stories"].value, headline["stories"].people) == (5, 6)  # 7 stories
    assert headline["verified"].state == FEWER
    assert [row.key for row in board.table("cohorts").rows] == ["wb-2025"]
    assert board.table("themes").rows == []
    # 5 and 3: the total reads 10 (8), so 10 - 5 leaves February anywhere from 1 to 4.
    assert _figures(board.table("months"), "enrolments") == {
        "2025-01": (5, SHOWN), "2025-02": (None, FEWER)}
    # Four of their learners answered both times: every shift is fewer than 5.
    assert {state for _, state in _figures(board.shifts[0], "respondents").values()} == {FEWER}
    themes, countries = board.stories
    assert _figures(themes, "stories") == {"anti-corruption": (5, SHOWN),
                                           "digital-governance": (None, FEWER)}
    assert _figures(countries, "stories") == {"AL": (5, SHOWN), "RS": (None, FEWER)}


def test_a_facilitator_narrows_to_one_of_their_cohorts(programme: Programme) -> None:
    board = _board(programme, "fb")
    assert [row.key for row in board.table("cohorts").rows] == ["climate-2025", "justice-2025"]
    assert {item.key: item.figure.value for item in board.headline}["enrolments"] == 10  # 9
    narrowed = _board(programme, "fb", "climate-2025")
    headline = {item.key: item.figure for item in narrowed.headline}
    assert headline["enrolments"].value == 5 and headline["median_days"].value == 25  # 6
    assert headline["completion"].state == WITHHELD  # 5 of 6: a group published as 5
    assert _figures(narrowed.table("cohorts"), "enrolments") == {"climate-2025": (5, SHOWN)}


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
