"""Scheduling: times typed in the cohort's time zone are stored in UTC (summer time included)
and read by each person on their own clock; the form refuses what it cannot keep."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.extensions import db
from lms.live.models import LiveSession
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.live.helpers import form, make_session

WINTER, SUMMER = date(2027, 1, 14), date(2027, 6, 17)


def test_18_00_in_belgrade_is_stored_in_utc_with_summer_time(app) -> None:
    cohort = make_cohort(timezone="Europe/Belgrade")
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    winter = make_session(cohort, day=WINTER, starts="18:00", ends="19:30")
    summer = make_session(cohort, day=SUMMER, starts="18:00", ends="19:30")
    assert winter.starts_at == datetime(2027, 1, 14, 17, 0, tzinfo=UTC)
    assert winter.ends_at == datetime(2027, 1, 14, 18, 30, tzinfo=UTC)
    assert summer.starts_at == datetime(2027, 6, 17, 16, 0, tzinfo=UTC)


def test_a_learner_in_bogota_reads_the_session_on_their_clock(client: FlaskClient,
                                                               login_as) -> None:
    learner = login_as(Role.LEARNER, timezone="America/Bogota")
    facilitator = make_user(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], members=[learner])
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    session = make_session(cohort, title="Action plan clinic", day=WINTER, starts="18:00",
                           ends="19:30")
    page = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Action plan clinic" in text
    assert "12:00\u202fPM" in text or "12:00 PM" in text  # 17:00 UTC is noon in Bogotá
    assert "1:30" in text and "America/Bogota" in text
    assert "Thursday, January 14, 2027" in text
    listing = client.get(f"/cohorts/{cohort.slug}/sessions").get_data(as_text=True)
    assert "Action plan clinic" in listing and "America/Bogota" in listing


def test_without_a_time_zone_of_their_own_a_learner_reads_the_cohorts(client, login_as) -> None:
    learner = login_as(Role.LEARNER, locale="fr")
    cohort = make_cohort(members=[learner])
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    session = make_session(cohort, day=WINTER, starts="18:00", ends="19:30")
    text = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)
    assert "18:00" in text and "19:30" in text and "Europe/Belgrade" in text
    assert "jeudi 14 janvier 2027" in text


def test_a_facilitator_schedules_from_the_sessions_page(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    cohort.timezone = "Europe/Belgrade"
    db.session.commit()
    response = client.post(f"/cohorts/{cohort.slug}/sessions",
                           data=form(day=SUMMER, title="Mid-term review"))
    assert response.status_code == 303
    session = db.session.scalar(select(LiveSession))
    assert session is not None and session.title == "Mid-term review"
    assert session.starts_at == datetime(2027, 6, 17, 16, 0, tzinfo=UTC)
    assert session.sequence == 0 and session.cohort_id == cohort.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Session scheduled." in page and "Add to calendar" in page


HOSTILE = [
    ({"ends": "17:00"}, "The session must end after it starts."),
    ({"ends": "18:00"}, "The session must end after it starts."),
    ({"title": ""}, "title."),
    ({"title": "a\x07b"}, "cannot be shown"),
    ({"title": "x" * 201}, "under 200 characters"),
    ({"location": "javascript:alert(1)"}, "https://"),
    ({"location": "data:text/html,<script>alert(1)</script>"}, "https://"),
    ({"location": "https://"}, "https://"),
    ({"location": ""}, "Enter a video-call link or a place."),
    ({"recording_url": "javascript:alert(1)"}, "Enter a link that starts with https://"),
    ({"recording_url": "ftp://files.example.org/a"}, "Enter a link that starts with https://"),
    ({"agenda": "x" * 20_001}, "under 20,000 characters"),
    ({"agenda": "Hello\x1b[31m"}, "cannot be shown"),
    ({"day": "2027-02-30"}, "Not a valid date value."),
    ({"day": "0001-01-01"}, "Choose a date within a year of the cohort"),
    ({"day": "9999-12-31", "ends": "23:59"}, "Choose a date within a year of the cohort"),
    ({"starts": "25:00"}, "Not a valid time value."),
]


def test_the_form_refuses_what_it_cannot_keep(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    for change, message in HOSTILE:
        response = client.post(f"/cohorts/{cohort.slug}/sessions", data=form(**change))
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert db.session.scalar(select(func.count()).select_from(LiveSession)) == 0


def test_a_place_in_words_is_kept_as_text(client, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator])
    client.post(f"/cohorts/{cohort.slug}/sessions",
                data=form(location="Belgrade: City Hall, room 3"))
    session = db.session.scalar(select(LiveSession))
    assert session is not None and session.location == "Belgrade: City Hall, room 3"
    page = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)
    assert "Belgrade: City Hall, room 3" in page and 'href="Belgrade' not in page


def test_the_agenda_is_sanitised_markdown(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    cohort = make_cohort(members=[learner])
    session = make_session(cohort, agenda=(
        "**Bold** [site](https://example.org) [bad](javascript:alert(1))\n\n"
        "<script>alert('x')</script><img src=x onerror=alert(1)>"))
    page = client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page
    assert '<a href="https://example.org" rel="nofollow ugc">site</a>' in page
    assert "javascript:alert" not in page and "<script>alert('x')" not in page
    assert "onerror" not in page


def test_members_read_and_facilitators_run(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    cohort = make_cohort(members=[learner])
    session = make_session(cohort)
    page = client.get(f"/cohorts/{cohort.slug}/sessions").get_data(as_text=True)
    assert "Schedule a session" not in page
    assert client.post(f"/cohorts/{cohort.slug}/sessions", data=form()).status_code == 403
    assert client.get(f"/cohorts/{cohort.slug}/sessions/{session.id}/edit").status_code == 403
    assert "Cancel the session" not in client.get(
        f"/cohorts/{cohort.slug}/sessions/{session.id}").get_data(as_text=True)


def test_another_cohorts_member_gets_404(client, login_as) -> None:
    login_as(Role.LEARNER)
    other = make_cohort(members=[make_user()])
    session = make_session(other)
    for url in (f"/cohorts/{other.slug}/sessions", f"/cohorts/{other.slug}/calendar.ics",
                f"/cohorts/{other.slug}/sessions/{session.id}",
                f"/cohorts/{other.slug}/sessions/{session.id}.ics"):
        assert client.get(url).status_code == 404, url


def test_a_session_of_another_cohort_is_not_found_through_mine(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    mine = make_cohort(members=[learner])
    theirs = make_session(make_cohort())
    assert client.get(f"/cohorts/{mine.slug}/sessions/{theirs.id}").status_code == 404
    assert client.get(f"/cohorts/{mine.slug}/sessions/{theirs.id}.ics").status_code == 404


def test_upcoming_sessions_show_on_the_cohort_page_and_home(client, login_as) -> None:
    learner = login_as(Role.LEARNER, timezone="America/Bogota")
    cohort = make_cohort(members=[learner])
    make_session(cohort, title="Next week's call")
    cancelled = make_session(cohort, title="Called off")
    from lms.live import services

    services.cancel(cohort, cancelled)
    show = client.get(f"/cohorts/{cohort.slug}/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    for text in (show, home):
        assert "Next week&#39;s call" in text and "America/Bogota" in text
        assert "Called off" not in text
