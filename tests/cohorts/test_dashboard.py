"""The facilitator's dashboard: states, filters, the CSV export, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import event

from lms.accounts.models import Role
from lms.cohorts.models import Membership
from lms.courses import services as courses
from lms.courses.models import LessonProgress
from lms.db import utcnow
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user


def finish(user, count: int, *, days_ago: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Mark the first `count` lessons done for a learner, `days_ago` days ago."""
    course = courses.get_course(COURSE)
    at = utcnow() - timedelta(days=days_ago)
    for lesson in course.lessons[:count]:
        db.session.add(LessonProgress(user_id=user.id, course_id=COURSE,
                                      lesson_id=lesson.lesson_id, started_at=at,
                                      completed_at=at))
    db.session.commit()


@pytest.fixture
def cohort_with_learners(login_as):  # type: ignore[no-untyped-def]
    facilitator = login_as(Role.FACILITATOR)
    ahead = make_user(name="Ana Ahead", country="CO")
    behind = make_user(name="Bo Behind", country="SN")
    idle = make_user(name="Ida Idle", country="SN")
    done = make_user(name="Dan Done", country="XK")
    # 40 days in, 10 lessons over 100 days: lessons 1-3 are past due, lesson 4 is due today.
    cohort = make_cohort(facilitators=[facilitator], members=[ahead, behind, idle, done],
                         starts_days_ago=40, length_days=100, slug="wb")
    db.session.execute(Membership.__table__.update().values(
        joined_at=utcnow() - timedelta(days=40)))
    finish(ahead, 4)
    finish(behind, 1)
    finish(idle, 4, days_ago=20)
    finish(done, 10, days_ago=30)
    return cohort


def test_states_and_summary(client: FlaskClient, cohort_with_learners) -> None:
    page = client.get("/cohorts/wb/progress").text
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0]
            for name in ("Ana Ahead", "Bo Behind", "Ida Idle", "Dan Done")}
    assert "On track" in rows["Ana Ahead"] and "4/10" in rows["Ana Ahead"]
    assert "Behind" in rows["Bo Behind"] and "1/10" in rows["Bo Behind"]
    assert "Inactive" in rows["Ida Idle"]
    assert "Completed" in rows["Dan Done"] and "10/10" in rows["Dan Done"]
    assert rows["Bo Behind"].count("cell--overdue") == 2  # lessons 2 and 3; 4 is due today
    assert '<li class="stat--behind"><strong>1</strong>' in page


def test_lesson_cells_read_as_marks_and_words(client: FlaskClient, cohort_with_learners) -> None:
    page = html.document_fromstring(client.get("/cohorts/wb/progress").text)
    row = page.xpath("//tr[th/a[text()='Bo Behind']]")[0]
    cells = [" ".join(cell.text_content().split())
             for cell in row.xpath("td[contains(@class, 'cell--')]")]
    assert cells[:5] == ["✓done", "!overdue", "!overdue", "not started", "not started"]
    done = row.xpath("td[contains(@class,'cell--done')]")[0]
    assert done.xpath("span[@aria-hidden='true']/text()") == ["✓"]
    assert done.xpath("span[@class='visually-hidden']/text()") == ["done"]


def test_filters_and_sorting(client: FlaskClient, cohort_with_learners) -> None:
    page = client.get("/cohorts/wb/progress?state=behind").text
    assert "Bo Behind" in page and "Ana Ahead" not in page
    page = client.get("/cohorts/wb/progress?country=SN").text
    assert "Bo Behind" in page and "Ida Idle" in page and "Dan Done" not in page
    page = client.get("/cohorts/wb/progress?sort=progress").text
    assert page.index("Dan Done") < page.index("Ana Ahead") < page.index("Bo Behind")


def test_csv_export_matches_the_table(client: FlaskClient, cohort_with_learners) -> None:
    response = client.get("/cohorts/wb/progress.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["Name", "Email address", "Country", "Organisation", "State",
                          "Lessons done", "Lessons"]
    by_name = {row[0]: row for row in body}
    assert by_name["Bo Behind"][4:7] == ["Behind", "1", "10"]
    assert by_name["Dan Done"][4] == "Completed"
    assert by_name["Dan Done"][10] == (utcnow() - timedelta(days=30)).date().isoformat()
    assert by_name["Bo Behind"][12:16] == ["done", "overdue", "overdue", "not started"]


def test_csv_neutralises_formulas(client: FlaskClient, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    make_cohort(facilitators=[facilitator], slug="f",
                members=[make_user(name="=HYPERLINK(\"http://evil\")", organisation="+cmd")])
    body = client.get("/cohorts/f/progress.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'+cmd" in body


def _count_queries(client: FlaskClient, path: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("path", ["/cohorts/big/progress", "/cohorts/big/progress.csv"])
def test_the_dashboard_runs_the_same_queries_for_10_or_500_learners(client: FlaskClient,
                                                                    login_as, path: str) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], slug="big")
    counts = []
    for size in (10, 500):
        learners = [make_user(name=f"Learner {size}-{n}") for n in range(size - (
            10 if size == 500 else 0))]
        for learner in learners:
            db.session.add(Membership(cohort_id=cohort.id, user_id=learner.id))
        db.session.commit()
        for learner in learners[::3]:
            finish(learner, 2)
        counts.append(_count_queries(client, path))
    assert counts[0] == counts[1], counts
