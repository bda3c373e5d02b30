"""The "Over time" chart follows a cohort's activity month by month, so that a facilitator sees
it for a cohort whose members joined a few at a time (every month of joining under 5)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from lms.accounts.models import Role
from lms.cohorts.models import Membership
from lms.db import utcnow
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.insights.helpers import _open, sign_in
from tests.insights.test_csv import _csv


def _chart(page: str, slug: str) -> str:
    return page.split(f'<div class="chart-block" id="{slug}">', 1)[1].split("</details>", 1)[0]


def test_a_facilitator_sees_their_cohorts_activity_over_time(app: Flask,
                                                             client: FlaskClient) -> None:
    now = utcnow()
    facilitator, admin = make_user(Role.FACILITATOR), make_user(Role.ADMIN)
    members = [make_user(name=f"Learner {number}") for number in range(9)]
    make_cohort(facilitators=[facilitator], members=members, slug="trickle",
                starts_days_ago=100)
    # Three joined in each of three months: every month of joining is "fewer than 5".
    for number, member in enumerate(members):
        db.session.execute(update(Membership).where(Membership.user_id == member.id)
                           .values(joined_at=now - timedelta(days=95 - 31 * (number // 3))))
    # Six were active this month (and two of them the month before).
    today = now.replace(hour=12)
    for member in members[:6]:
        _open(member, 0, today.replace(day=1) + timedelta(hours=1))
    for member in members[:2]:
        _open(member, 1, today.replace(day=1) - timedelta(days=3))
    db.session.commit()
    this_month, last_month = today.strftime("%Y-%m"), (today.replace(day=1)
                                                       - timedelta(days=3)).strftime("%Y-%m")

    pages = {}
    for user in (facilitator, admin):
        sign_in(client, user)
        page = client.get("/insights/?cohort=trickle")
        assert page.status_code == 200
        pages[user.role] = page.text
        chart = _chart(page.text, "activity")
        assert "<h3>Over time</h3>" in chart
        assert re.search(r'<th scope="row">[^<]+</th>\s*<td class="num">5</td>', chart), chart
        assert 'role="img"' in chart and "<rect" in chart  # a column is drawn
        rows = _csv(client, "/insights/activity.csv?cohort=trickle")
        assert rows[1:3] == [[last_month, rows[1][1], "fewer than 5"],
                             [this_month, rows[2][1], "5"]]
    # The facilitator's chart is the admin's for that cohort, figure for figure.
    assert _chart(pages[Role.FACILITATOR], "activity") == _chart(pages[Role.ADMIN], "activity")


def test_a_month_that_would_pin_a_small_cohort_is_not_shown(app: Flask) -> None:
    from types import SimpleNamespace

    from lms.insights import breakdowns, privacy, queries

    cohorts = [SimpleNamespace(id=number, slug=f"c{number}", name=f"C{number}")
               for number in (1, 2, 3)]

    def month(active: list[int]) -> list[queries.MonthActivity]:
        return [queries.MonthActivity(None, "2026-03", sum(active))] + [
            queries.MonthActivity(cohort_id, "2026-03", count)
            for cohort_id, count in zip((1, 2, 3), active, strict=True) if count]

    with app.test_request_context():
        # 7 read 5 and one cohort's 5 read 5 on its page: the two others (1 each) would be
        # exactly 1. Withheld on the page of the three cohorts.
        [row] = breakdowns.activity_table(month([5, 1, 1]), cohorts).rows  # type: ignore[arg-type]
        assert row.figures["active"].state == privacy.WITHHELD
        [row] = breakdowns.activity_table(month([5, 1, 3]), cohorts).rows  # type: ignore[arg-type]
        assert row.figures["active"] == privacy.Figure(10, 9)
        # One cohort's page: its own figure, as is.
        [row] = breakdowns.activity_table(month([6, 0, 0]), cohorts[:1]).rows  # type: ignore[arg-type]
        assert row.figures["active"] == privacy.Figure(5, 6)
        assert row.label == "March 2026"
