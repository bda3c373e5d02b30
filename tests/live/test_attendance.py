"""Attendance: facilitators mark each member present, excused or absent; the dashboard and its
CSV count it; a cohort's minimum attendance holds back the certificate, and the course page
says why."""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.live import attendance
from lms.live.models import Attendance
from tests.certificates.helpers import complete
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user
from tests.live.helpers import make_past_session, make_session


def statuses() -> dict[tuple[int, int], str]:
    return {(row.session_id, row.user_id): row.status
            for row in db.session.scalars(select(Attendance))}


def test_a_facilitator_marks_who_attended(client: FlaskClient, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    ana, ben = make_user(name="Ana"), make_user(name="Ben")
    cohort = make_cohort(facilitators=[facilitator], members=[ana, ben])
    session = make_past_session(cohort)
    page = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)
    assert f'name="member_{ana.id}"' in page and "Save attendance" in page
    response = client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/attendance",
                           data={f"member_{ana.id}": "present", f"member_{ben.id}": "excused"})
    assert response.status_code == 303
    assert statuses() == {(session.id, ana.id): "present", (session.id, ben.id): "excused"}
    row = db.session.scalar(select(Attendance).where(Attendance.user_id == ana.id))
    assert row is not None and row.marked_by == facilitator.id
    # Changing one's mark replaces it; a member left blank is cleared.
    client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/attendance",
                data={f"member_{ana.id}": "absent"})
    assert statuses() == {(session.id, ana.id): "absent"}
    page = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*name="member_(\d+)"[^>]*value="(\w+)"', page)
    assert checked == [(str(ana.id), "absent")]


def test_attendance_refuses_bad_values_and_future_sessions(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    ana = make_user(name="Ana")
    cohort = make_cohort(facilitators=[facilitator], members=[ana])
    past = make_past_session(cohort)
    bad = client.post(f"/cohorts/{cohort.slug}/sessions/{past.id}/attendance",
                      data={f"member_{ana.id}": "asleep"})
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    future = make_session(cohort)
    early = client.post(f"/cohorts/{cohort.slug}/sessions/{future.id}/attendance",
                        data={f"member_{ana.id}": "present"})
    assert early.status_code == 409
    outsider = make_user()
    assert attendance.roster(cohort, past)[0].user_id == ana.id
    client.post(f"/cohorts/{cohort.slug}/sessions/{past.id}/attendance",
                data={f"member_{outsider.id}": "present"})
    assert statuses() == {}


def test_a_learner_cannot_mark_attendance(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    cohort = make_cohort(members=[learner])
    session = make_past_session(cohort)
    response = client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/attendance",
                           data={f"member_{learner.id}": "present"})
    assert response.status_code == 403 and statuses() == {}


def test_the_dashboard_and_its_csv_count_attendance(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    ana, ben = make_user(name="Ana"), make_user(name="Ben")
    cohort = make_cohort(facilitators=[facilitator], members=[ana, ben])
    sessions = [make_past_session(cohort, days_ago=days) for days in (9, 6, 3)]
    cancelled = make_past_session(cohort, days_ago=1)
    cancelled.cancelled_at = cancelled.starts_at
    make_session(cohort)  # upcoming: not counted yet
    db.session.commit()
    for session, status in zip(sessions, ("present", "present", "excused"), strict=True):
        attendance.mark(cohort, session, {ana.id: status, ben.id: "absent"}, facilitator)
    page = client.get(f"/cohorts/{cohort.slug}/progress").get_data(as_text=True)
    assert "Attendance" in page and "2 / 3" in page and "0 / 3" in page
    body = client.get(f"/cohorts/{cohort.slug}/progress.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    column = rows[0].index("Attendance")
    by_name = {row[0]: row[column] for row in rows[1:]}
    assert by_name == {"Ana": "2 / 3", "Ben": "0 / 3"}


def test_the_certificate_waits_for_the_minimum_attendance(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    facilitator = make_user(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], members=[learner])
    sessions = [make_past_session(cohort, days_ago=days) for days in (9, 6, 3)]
    cohort.min_attendance = 2
    db.session.commit()
    attendance.mark(cohort, sessions[0], {learner.id: "present"}, facilitator)
    complete(learner)
    assert db.session.scalar(select(Certificate)) is None
    page = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert f"1 more live session attended in {cohort.name} (1 of 2 so far)" in page
    attendance.mark(cohort, sessions[1], {learner.id: "present"}, facilitator)
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None and certificate.user_id == learner.id


def test_a_facilitator_sets_the_minimum_on_the_sessions_page(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    url = f"/cohorts/{cohort.slug}/sessions/attendance-rule"
    assert client.post(url, data={"min_attendance": "3"}).status_code == 303
    db.session.refresh(cohort)
    assert cohort.min_attendance == 3
    for wrong in ("0", "-1", "two", "1.5", "٣", "99999999999"):
        response = client.post(url, data={"min_attendance": wrong})
        assert response.status_code == 400, wrong
        assert "Enter a whole number of sessions" in response.get_data(as_text=True)
    db.session.refresh(cohort)
    assert cohort.min_attendance == 3
    client.post(url, data={"min_attendance": ""})
    db.session.refresh(cohort)
    assert cohort.min_attendance is None


def test_members_see_their_own_attendance(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    facilitator = make_user(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], members=[learner])
    cohort.min_attendance = 2
    db.session.commit()
    session = make_past_session(cohort)
    attendance.mark(cohort, session, {learner.id: "present"}, facilitator)
    page = client.get(f"/cohorts/{cohort.slug}/sessions").get_data(as_text=True)
    assert "You attended 1 of the 1 sessions held so far." in page
    assert "The certificate needs 2 sessions attended." in page
