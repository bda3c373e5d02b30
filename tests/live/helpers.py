"""Sessions for tests, scheduled through the services as a facilitator's form would."""

from __future__ import annotations

from datetime import date, time, timedelta

from icalendar import Calendar

from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.live import services
from lms.live.models import LiveSession


def details(*, title: str = "Kick-off call", day: date | None = None, starts: str = "18:00",
            ends: str = "19:30", location: str = "https://meet.example.org/ogp",
            agenda: str = "1. Introductions\n2. *The action plan*",
            recording_url: str = "") -> services.SessionDetails:
    """What a facilitator types in the form (times in the cohort's time zone)."""
    return services.SessionDetails(
        title=title, day=day or (utcnow().date() + timedelta(days=7)),
        starts=time.fromisoformat(starts), ends=time.fromisoformat(ends), location=location,
        agenda=agenda, recording_url=recording_url)


def make_session(cohort: Cohort, **fields: object) -> LiveSession:
    return services.schedule(cohort, details(**fields))  # type: ignore[arg-type]


def make_past_session(cohort: Cohort, *, days_ago: int = 3, **fields: object) -> LiveSession:
    """A session that already took place (scheduled, then its dates put in the past)."""
    session = make_session(cohort, **fields)
    session.starts_at = utcnow() - timedelta(days=days_ago, hours=2)
    session.ends_at = session.starts_at + timedelta(hours=1)
    from lms.extensions import db

    db.session.commit()
    return session


def form(day: date | str | None = None, **fields: str) -> dict[str, str]:
    """The scheduling form's fields as a browser sends them."""
    day = day or utcnow().date() + timedelta(days=10)
    values = {"title": "Peer review clinic",
              "day": day.isoformat() if isinstance(day, date) else day,
              "starts": "18:00", "ends": "19:00", "location": "https://meet.example.org/x",
              "agenda": "Bring your draft.", "recording_url": ""}
    values.update(fields)
    return values


def events(body: bytes) -> dict[str, dict[str, object]]:
    """The VEVENTs of a calendar parsed with icalendar, by UID."""
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}
