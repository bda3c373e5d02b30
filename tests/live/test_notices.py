"""Emails about sessions: the reminder the day before (once, in the member's language and time
zone, switchable off with a working unsubscribe link), and the notice of a move or a
cancellation (which goes to everyone, in each one's language)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.extensions import db
from lms.jobs import periodic
from lms.live import services
from lms.live.models import SessionReminder
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.live.helpers import details, form, make_session

# Only this duty runs: the cohorts' digest and reminders would write to the same outbox.
pytestmark = pytest.mark.app_config(LMS_DUTIES_OFF="cohorts.digest,cohorts.reminders")
DAY = date(2030, 3, 14)
# A cohort running in March 2030, so that sessions may be scheduled then.
SPAN = {"starts_days_ago": (date.today() - date(2030, 3, 1)).days, "length_days": 60}


def belgrade_cohort(members: list[User], **fields: object):  # type: ignore[no-untyped-def]
    cohort = make_cohort(members=members, **SPAN, **fields)
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    return cohort


def test_members_are_reminded_once_the_day_before(clock, outbox) -> None:
    ana = make_user(name="Ana", email="ana@example.org", timezone="America/Bogota")
    marc = make_user(name="Marc", email="marc@example.org", locale="fr")
    cohort = belgrade_cohort([ana, marc])
    session = make_session(cohort, title="Kick-off call", day=DAY, starts="18:00",
                           ends="19:30")  # 17:00 UTC
    clock(datetime(2030, 3, 13, 16, 0, tzinfo=UTC))  # 25 hours before: not yet
    periodic.run_due()
    assert outbox() == []
    clock(datetime(2030, 3, 13, 17, 30, tzinfo=UTC))
    assert "live.reminders" in periodic.run_due()
    clock(datetime(2030, 3, 13, 18, 30, tzinfo=UTC))  # the next hour: nothing again
    periodic.run_due()
    messages = outbox()
    assert len(messages) == 2
    to_ana = next(message for message in messages if "ana@example.org" in message)
    to_marc = next(message for message in messages if "marc@example.org" in message)
    assert "Kick-off call" in to_ana and "12:00" in to_ana and "America/Bogota" in to_ana
    assert "Thursday, March 14, 2030" in to_ana
    assert "18:00" in to_marc and "Europe/Belgrade" in to_marc
    assert "jeudi 14 mars 2030" in to_marc and "Bonjour Marc" in to_marc
    assert f"/cohorts/{cohort.slug}/sessions/{session.id}" in to_ana
    assert db.session.scalar(select(func.count()).select_from(SessionReminder)) == 2


def test_cancelled_sessions_are_not_reminded(clock, outbox) -> None:
    cohort = belgrade_cohort([make_user()])
    session = make_session(cohort, day=DAY)
    services.cancel(cohort, session)
    outbox()  # the cancellation notice
    clock(datetime(2030, 3, 13, 17, 30, tzinfo=UTC))
    periodic.run_due()
    assert outbox()[1:] == []


def test_switching_reminders_off_by_the_emails_link(client: FlaskClient, clock,
                                                    outbox) -> None:
    ana = make_user(name="Ana", email="ana@example.org")
    cohort = belgrade_cohort([ana])
    make_session(cohort, day=DAY)
    clock(datetime(2030, 3, 13, 17, 30, tzinfo=UTC))
    periodic.run_due()
    [message] = outbox()
    link = re.search(r"To stop reminders of live sessions, open this page: (\S+)", message)
    assert link is not None
    path = link.group(1).removeprefix("http://localhost")
    page = client.get(path).get_data(as_text=True)
    assert "You will no longer receive reminders of live sessions." in page
    assert client.post(path).status_code == 200
    db.session.refresh(ana)
    assert ana.email_sessions is False and ana.email_reminders is True
    make_session(cohort, day=DAY, title="Another one", starts="19:00", ends="20:00")
    clock(datetime(2030, 3, 13, 18, 30, tzinfo=UTC))
    periodic.run_due()
    assert len(outbox()) == 1


def test_the_account_page_switches_session_reminders(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    page = client.get("/account").get_data(as_text=True)
    assert "Reminders of live sessions, the day before" in page
    client.post("/account/emails", data={"email_reminders": "y"})
    db.session.refresh(learner)
    assert learner.email_sessions is False and learner.email_reminders is True


def test_a_move_is_told_to_members_in_their_language(client, login_as, outbox) -> None:
    facilitator = login_as(Role.FACILITATOR)
    ana = make_user(name="Ana", email="ana@example.org", email_sessions=False)
    marc = make_user(name="Marc", email="marc@example.org", locale="fr")
    cohort = make_cohort(facilitators=[facilitator], members=[ana, marc], **SPAN)
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    session = make_session(cohort, title="Kick-off call", day=DAY)
    response = client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/edit",
                           data=form(day=DAY + timedelta(days=1), title="Kick-off call",
                                     starts="18:00", ends="19:30"))
    assert response.status_code == 303
    messages = outbox()
    assert len(messages) == 2  # a notice goes even to those who switched reminders off
    to_ana = next(message for message in messages if "ana@example.org" in message)
    to_marc = next(message for message in messages if "marc@example.org" in message)
    assert "has changed" in to_ana and "Friday, March 15, 2030" in to_ana
    assert "vendredi 15 mars 2030" in to_marc and "Bonjour Marc" in to_marc
    # A change of the agenda alone moves nothing: no email.
    client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/edit",
                data=form(day=DAY + timedelta(days=1), title="Kick-off call", starts="18:00",
                          ends="19:30", agenda="New agenda"))
    assert len(outbox()) == 2


def test_a_cancellation_is_told_to_members(client, login_as, outbox) -> None:
    facilitator = login_as(Role.FACILITATOR)
    marc = make_user(name="Marc", email="marc@example.org", locale="fr")
    cohort = make_cohort(facilitators=[facilitator], members=[marc], **SPAN)
    session = make_session(cohort, title="Kick-off call", day=DAY)
    client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/cancel")
    [message] = outbox()
    assert "marc@example.org" in message and "Kick-off call" in message
    assert "annulée" in message


def test_past_sessions_notify_nobody(app, outbox) -> None:
    cohort = make_cohort(members=[make_user()])
    session = make_session(cohort)
    session.starts_at = datetime(2020, 1, 1, 10, tzinfo=UTC)
    session.ends_at = datetime(2020, 1, 1, 11, tzinfo=UTC)
    db.session.commit()
    services.update(cohort, session, details(day=date.today() - timedelta(days=5),
                                             title="Fixed the date"))
    assert outbox() == []
