"""The dashboard page: who may open it, what it shows, and the fewer-than-5 rule in its HTML."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from lms.extensions import db
from tests.insights.helpers import Programme, make_programme, sign_in


@pytest.fixture
def programme(app: Flask) -> Programme:
    return make_programme()


def _row(page: str, label: str) -> str:
    """The HTML of the first table row headed by `label`."""
    return page.split(f'<th scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    for url in ("/insights/", "/insights/cohorts.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_learners_are_refused(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.people["a1"])
    for url in ("/insights/", "/insights/cohorts.csv", "/insights/?cohort=wb-2025"):
        response = client.get(url)
        assert response.status_code == 403
        assert "You do not have access to this page" in response.text
    assert 'href="/insights/"' not in client.get("/").text


def test_admin_sees_the_programme(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    page = client.get("/insights/").text
    assert "<h1>Programme insights</h1>" in page and "Every cohort of the programme." in page
    assert '<a href="/insights/" aria-current="page">Insights</a>' in page
    glance = page.split('aria-labelledby="summary">', 1)[1].split("</ul>", 1)[0]
    # 17 enrolments, 58.8% and 6 verified stories, as published (to 5 and to 10 points).
    for figure, label in (("15", "Enrolments"), ("5", "Active learners (last 30 days)"),
                          ("60%", "Completion rate"), ("22.5", "Median days to complete"),
                          ("10", "Outcome stories"), ("5", "Verified stories")):
        assert f"<strong>{figure}</strong> {label}" in glance
    assert _cells(_row(page, "Western Balkans 2025")) == ["10", "fewer than 5", "60%", "20"]
    assert _cells(_row(page, "Justice 2025")) == ["fewer than 5"] * 4
    assert _cells(_row(page, "Climate action 2025")) == ["5", "fewer than 5", "not shown",
                                                         "25"]
    assert _cells(_row(page, "March 2025")) == ["10", "fewer than 5", "60%", "25"]
    statement = "I can name allies inside and outside government who would support a reform I lead."
    assert _cells(_row(page, statement)) == ["5", "4.0", "3.5", "-0.5"]
    assert _cells(_row(page, "Albania")) == ["5", "fewer than 5"]
    # How the figures are rounded, said once above the tables.
    assert "Every count is rounded to the nearest 5, totals too" in page
    # Every chart is an image named by its title, with a table and a CSV under it.
    assert page.count('role="img"') == 8
    for slug in ("cohorts", "regions", "themes", "months", "activity", "shifts-open-government-101",
                 "story-themes", "story-countries"):
        assert f'href="/insights/{slug}.csv"' in page
    # An exact rate never reaches the page, not even in a chart.
    assert "83.3" not in page and "83,3" not in page and "58.8" not in page
    # Definitions, in one line each; stories' text never appears.
    assert "Members who opened or completed a lesson of their cohort’s course in the last 30 " \
           "days." in page
    assert "budget data" not in page and "drafted the decree" not in page


def test_the_page_has_no_inline_style_or_script(client: FlaskClient,
                                                programme: Programme) -> None:
    sign_in(client, programme.admin)
    page = client.get("/insights/").text
    assert "<script" not in page and " style=" not in page and "<style" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert all(int(size) >= 12 for size in re.findall(r'font-size="(\d+)"', page))


def test_facilitator_sees_only_their_cohort(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.fa)
    page = client.get("/insights/").text
    assert "The cohort you run." in page
    assert "<strong>10</strong> Enrolments" in page  # 8
    assert "<strong>5</strong> Outcome stories" in page  # 7
    assert "Western Balkans 2025" in page
    for other in ("Climate action 2025", "Justice 2025", "climate-2025", "83.3%", "55.6%",
                  "Senegal", "France"):
        assert other not in page
    # March 2025 is when the other cohorts joined (their members' month of joining); this
    # cohort's own members were active then, which the activity chart may say.
    joined = page.split('id="months"', 1)[1].split('id="activity"', 1)[0]
    assert "March 2025" not in joined and "February 2025" in joined
    # No filter to offer with one cohort; another facilitator's cohort is not found.
    assert '<select id="cohort"' not in page
    assert client.get("/insights/?cohort=climate-2025").status_code == 404
    assert client.get("/insights/?cohort=nowhere").status_code == 404
    assert client.get("/insights/cohorts.csv?cohort=climate-2025").status_code == 404
    assert client.get("/insights/?cohort=wb-2025").status_code == 200


def test_facilitator_filters_among_their_cohorts(client: FlaskClient,
                                                 programme: Programme) -> None:
    sign_in(client, programme.fb)
    page = client.get("/insights/").text
    assert "The 2 cohorts you run." in page
    assert '<option value="">All my cohorts</option>' in page
    assert '<option value="climate-2025">Climate action 2025</option>' in page
    assert "wb-2025" not in page
    page = client.get("/insights/?cohort=climate-2025").text
    assert "Cohort: Climate action 2025." in page
    assert '<option value="climate-2025" selected>' in page
    assert _cells(_row(page, "Climate action 2025")) == ["5", "fewer than 5", "not shown",
                                                         "25"]
    assert 'href="/insights/cohorts.csv?cohort=climate-2025"' in page


def test_admin_filters_any_cohort(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    page = client.get("/insights/?cohort=justice-2025").text
    assert "Cohort: Justice 2025." in page
    assert "<strong>fewer than 5</strong> Enrolments" in page
    assert "Western Balkans" not in page.split('<h2 id="summary">', 1)[1]


def test_in_french(client: FlaskClient, programme: Programme) -> None:
    sign_in(client, programme.admin)
    client.post("/language", data={"lang": "fr", "next": "/insights/"})
    page = client.get("/insights/").text
    assert "<h1>Indicateurs du programme</h1>" in page
    assert _cells(_row(page, "Justice 2025")) == ["moins de 5"] * 4
    # Only the note names the CSV files' marker, which stays in English.
    assert page.count("fewer than 5") == 1 and "« fewer than 5 » dans les CSV" in page
    assert "<strong>60 %</strong>" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "arrondi au multiple de 5 le plus proche" in page
    assert "janvier 2025" in page


def test_the_number_of_queries_does_not_grow_with_learners(client: FlaskClient,
                                                           programme: Programme) -> None:
    from lms.cohorts import services as cohorts
    from tests.factories import make_user

    sign_in(client, programme.admin)

    def count_queries() -> int:
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/insights/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    before = count_queries()
    for _ in range(12):
        cohorts.add_member(programme.a, make_user().id)
    db.session.commit()
    assert count_queries() == before <= 8


def test_an_empty_programme(client: FlaskClient, login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("admin")
    page = client.get("/insights/").text
    assert "<strong>fewer than 5</strong> Enrolments" in page
    assert page.count("Nothing to show yet.") == 7
    assert "No course taken by these cohorts has a self-assessment." in page
    header, note = client.get("/insights/cohorts.csv").text.split("\r\n", 1)
    assert header == "\ufeffAddress,Cohort,Enrolments,Active learners (last 30 days)," \
        "Completion rate (%),Median days to complete"
    assert note.startswith('"Small numbers protect people.') and note.count("\r\n") == 1


def test_a_facilitator_without_cohorts(client: FlaskClient, programme: Programme,
                                       login_as) -> None:  # type: ignore[no-untyped-def]
    login_as("facilitator")
    page = client.get("/insights/").text
    assert "You do not run any cohort yet: there is nothing to show." in page
    assert "<strong>fewer than 5</strong> Outcome stories" in page
    for other in ("Western Balkans 2025", "Climate action 2025", "Albania"):
        assert other not in page
    assert client.get("/insights/?cohort=wb-2025").status_code == 404
