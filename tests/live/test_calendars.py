"""Calendars: the cohort's, a person's secret feed and one session's file, each valid RFC 5545
parsed with icalendar; stable UIDs, SEQUENCE raised by every change, cancelled sessions kept
as CANCELLED; the feed address can be reset."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.cohorts import services as cohorts
from lms.extensions import db
from lms.live import calendars, services
from tests.alumni.helpers import make_graduate
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.live.helpers import details, events, form, make_session


def test_the_cohort_calendar_holds_sessions_and_due_dates(client: FlaskClient,
                                                          login_as) -> None:
    learner = login_as(Role.LEARNER)
    cohort = make_cohort(members=[learner])
    session = make_session(cohort, title="Kick-off call", day=date(2027, 1, 14))
    response = client.get(f"/cohorts/{cohort.slug}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.data)
    event = found[f"session-{session.id}@localhost"]
    assert str(event["SUMMARY"]) == f"Kick-off call ({cohort.name})"
    assert event.decoded("DTSTART") == session.starts_at
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "https://meet.example.org/ogp"
    dues = [uid for uid in found if uid.startswith(f"due-{cohort.id}-")]
    assert len(dues) == len(cohorts.schedule(cohort))
    due = found[dues[0]]
    assert isinstance(due.decoded("DTSTART"), date) and not isinstance(
        due.decoded("DTSTART"), datetime)  # an all-day event


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    session = make_session(cohort, day=date(2027, 3, 4), starts="10:00", ends="11:00")
    before = events(client.get(f"/cohorts/{cohort.slug}/calendar.ics").data)
    uid = f"session-{session.id}@localhost"
    response = client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/edit",
                           data=form(day=date(2027, 3, 5), starts="14:00", ends="15:00",
                                     title="Kick-off call",
                                     location="https://meet.example.org/ogp"))
    assert response.status_code == 303
    after = events(client.get(f"/cohorts/{cohort.slug}/calendar.ics").data)
    assert uid in before and uid in after
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]
    assert after[uid].decoded("DTSTART") == datetime(2027, 3, 5, 14, 0, tzinfo=UTC)
    single = events(client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}.ics").data)
    assert list(single) == [uid] and single[uid]["SEQUENCE"] == after[uid]["SEQUENCE"]


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    session = make_session(cohort)
    assert client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/cancel").status_code == 303
    event = events(client.get(f"/cohorts/{cohort.slug}/calendar.ics").data)[
        f"session-{session.id}@localhost"]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    page = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)
    assert "This session is cancelled." in page and "Add to calendar" not in page
    # Cancelling twice changes nothing more.
    client.post(f"/cohorts/{cohort.slug}/sessions/{session.id}/cancel")
    db.session.refresh(session)
    assert session.sequence == 1


def test_facilitators_and_alumni_of_a_closed_cohort_read_it(client, login_as) -> None:
    facilitator = make_user(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], starts_days_ago=90, length_days=30)
    session = make_session(cohort, title="Closing ceremony")
    alumna = make_graduate(cohort, name="Alma Alumna")
    for person in (facilitator, alumna):
        client.delete_cookie("session")
        from tests.factories import sign_in_id

        with client.session_transaction() as cookie:
            cookie["_user_id"] = sign_in_id(person)
        page = client.get(f"/cohorts/{cohort.slug}/sessions")
        assert "Closing ceremony" in page.get_data(as_text=True)
        assert f"session-{session.id}@localhost" in events(
            client.get(f"/cohorts/{cohort.slug}/calendar.ics").data)


def test_the_personal_feed_holds_all_my_cohorts_and_can_be_reset(client, login_as) -> None:
    learner = login_as(Role.LEARNER, locale="fr")
    first, second = make_cohort(members=[learner]), make_cohort(members=[learner])
    elsewhere = make_session(make_cohort(), title="Not mine")
    mine = [make_session(first, title="Premier appel"), make_session(second, title="Second")]
    page = client.get("/account").get_data(as_text=True)
    assert "Get my calendar address" in page or "Obtenir" in page
    assert client.post("/account/calendar").status_code == 303
    token = db.session.scalar(select(User.calendar_token).where(User.id == learner.id))
    assert token
    page = client.get("/account").get_data(as_text=True)
    assert f"http://localhost/calendar/{token}.ics" in page
    feed = client.application.test_client().get(f"/calendar/{token}.ics")  # no sign-in
    assert feed.status_code == 200
    found = events(feed.data)
    assert {f"session-{session.id}@localhost" for session in mine} <= set(found)
    assert f"session-{elsewhere.id}@localhost" not in found
    assert any(str(event["SUMMARY"]).startswith("À rendre") for event in found.values())
    client.post("/account/calendar")  # a new address: the old one no longer works
    assert client.application.test_client().get(f"/calendar/{token}.ics").status_code == 404
    new = db.session.scalar(select(User.calendar_token).where(User.id == learner.id))
    assert new != token
    assert client.application.test_client().get(f"/calendar/{new}.ics").status_code == 200


def test_an_unknown_feed_address_is_not_found(client) -> None:
    make_user(calendar_token="a-real-token-that-someone-holds-123456")
    for token in ("nope", "a-real-token-that-someone-holds-123457", "x" * 80, ""):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_every_feed_parses_as_rfc_5545(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], members=[make_user()])
    session = make_session(cohort, title="Ünïcode; commas, and \\ backslashes",
                           agenda="Line one\nLine two; with, separators")
    services.update(cohort, session, details(title="Renamed", location="Room 3"))
    client.post("/account/calendar")
    token = db.session.scalar(select(User.calendar_token).where(User.id == facilitator.id))
    for url in (f"/cohorts/{cohort.slug}/calendar.ics", f"/calendar/{token}.ics",
                f"/cohorts/{cohort.slug}/sessions/{session.id}.ics"):
        body = client.get(url).data
        assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"VERSION:2.0" in body
        assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded lines
        for event in events(body).values():
            for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
                assert required in event, (url, required)


def test_the_kept_feed_follows_every_change(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    cohort = make_cohort(members=[learner])
    session = make_session(cohort, title="Kick-off call")
    token = calendars.reset_token(learner)
    uid = f"session-{session.id}@localhost"
    assert events(client.get(f"/calendar/{token}.ics").data)[uid]["SEQUENCE"] == 0
    services.update(cohort, session, details(title="Kick-off call", starts="17:00"))
    assert events(client.get(f"/calendar/{token}.ics").data)[uid]["SEQUENCE"] == 1
    services.cancel(cohort, session)
    assert str(events(client.get(f"/calendar/{token}.ics").data)[uid]["STATUS"]) == "CANCELLED"
    other = make_cohort()
    added = make_session(other, title="In a cohort I join later")
    cohorts.add_member(other, learner.id)
    db.session.commit()
    assert f"session-{added.id}@localhost" in events(client.get(f"/calendar/{token}.ics").data)
