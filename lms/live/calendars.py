"""Calendars (RFC 5545, made with the `icalendar` library): a cohort's, a person's secret feed of
all their cohorts, and one session's "Add to calendar" file.

Times are in UTC (no VTIMEZONE needed); due dates are all-day events. UIDs never change, so a
calendar that subscribed replaces an event when its SEQUENCE goes up, and shows it cancelled
when STATUS says so.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cachetools import LRUCache
from flask import current_app
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale, gettext
from icalendar import Calendar, Event
from sqlalchemy import select

from lms import mail
from lms.accounts.models import User
from lms.cohorts.models import Cohort, DueDate
from lms.courses import services as courses
from lms.extensions import db
from lms.live import bp
from lms.live.models import LiveSession
from lms.live.services import is_web_address, my_cohort_ids

CONTENT_TYPE = "text/calendar; charset=utf-8"


def host() -> str:
    """The domain in every UID: the site's public address, the same for every request."""
    return urlsplit(current_app.config["LMS_BASE_URL"]).hostname or "lms.local"


def session_uid(session: LiveSession) -> str:
    return f"session-{session.id}@{host()}"


def due_uid(cohort: Cohort, lesson_id: str) -> str:
    return f"due-{cohort.id}-{lesson_id}@{host()}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Open Government Partnership//Learning platform//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def session_event(session: LiveSession, cohort: Cohort) -> Event:
    """One session as an event, in the current language."""
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", session.updated_at)
    event.add("last-modified", session.updated_at)
    event.add("created", session.created_at)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.title} ({cohort.name})")
    if session.location:
        event.add("location", session.location)
    page = mail.link("live.session_page", slug=cohort.slug, session_id=session.id)
    event.add("url", page)
    lines = [session.agenda] if session.agenda else []
    if is_web_address(session.location):
        lines.append(gettext("Join: %(link)s", link=session.location))
    if session.recording_url:
        lines.append(gettext("Recording or notes: %(link)s", link=session.recording_url))
    lines.append(page)
    event.add("description", "\n\n".join(lines))
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    return event


def due_event(cohort: Cohort, lesson_id: str, title: str, due_on: object,
              stamp: datetime) -> Event:
    """A lesson's due date in a cohort, as an all-day event."""
    event = Event()
    event.add("uid", due_uid(cohort, lesson_id))
    event.add("sequence", 0)
    event.add("dtstamp", stamp)
    event.add("dtstart", due_on)
    event.add("dtend", due_on + timedelta(days=1))  # type: ignore[operator]
    event.add("summary", gettext("Due: %(lesson)s (%(cohort)s)", lesson=title,
                                 cohort=cohort.name))
    event.add("url", mail.link("cohorts.show", slug=cohort.slug))
    event.add("transp", "TRANSPARENT")  # a deadline does not make one busy
    return event


def _sessions(cohort_ids: list[int]) -> list[tuple[LiveSession, Cohort]]:
    return [(session, cohort) for session, cohort in db.session.execute(
        select(LiveSession, Cohort).join(Cohort, Cohort.id == LiveSession.cohort_id)
        .where(LiveSession.cohort_id.in_(cohort_ids))
        .order_by(LiveSession.starts_at, LiveSession.id))]


def _due_events(cohort_ids: list[int], language: str) -> list[Event]:
    found = db.session.execute(select(DueDate, Cohort).join(Cohort, Cohort.id == DueDate.cohort_id)
                               .where(DueDate.cohort_id.in_(cohort_ids))
                               .order_by(DueDate.due_on)).all()
    events = []
    for due, cohort in found:
        course = courses.get_course(cohort.course_id)
        lesson = course.lesson(due.lesson_id)
        title = lesson.version(language)[0].title if lesson else due.lesson_id
        events.append(due_event(cohort, due.lesson_id, title, due.due_on, cohort.created_at))
    return events


def cohort_calendar(cohort: Cohort, language: str) -> bytes:
    """A cohort's sessions and due dates."""
    calendar = _calendar(cohort.name)
    for session, _ in _sessions([cohort.id]):
        calendar.add_component(session_event(session, cohort))
    for event in _due_events([cohort.id], language):
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def single_session(session: LiveSession, cohort: Cohort) -> bytes:
    """One session, for "Add to calendar"."""
    calendar = _calendar(cohort.name)
    calendar.add_component(session_event(session, cohort))
    return bytes(calendar.to_ical())


def personal_calendar(user: User) -> bytes:
    """Everything of a person's cohorts, in their language: for their secret feed address."""
    with force_locale(user.locale):
        calendar = _calendar(gettext("My cohorts"))
        ids = my_cohort_ids(user)
        for session, cohort in _sessions(ids):
            calendar.add_component(session_event(session, cohort))
        for event in _due_events(ids, user.locale):
            calendar.add_component(event)
    return bytes(calendar.to_ical())


# Calendar programs poll a feed every few hours, and building one costs milliseconds per
# event (icalendar): each is kept, keyed by what it shows. A person's records version changes
# with every change to their cohorts' sessions, due dates, names or memberships
# (records.cohort_changed), and the catalogue's version with the lessons' titles.
_cache_lock = threading.Lock()


@bp.record_once
def _create_cache(setup: BlueprintSetupState) -> None:
    setup.app.extensions["lms.calendar_feeds"] = LRUCache(maxsize=512)


def personal_feed(user: User) -> bytes:
    """The person's calendar, from memory when nothing it shows has changed."""
    key = (user.id, user.records_version, user.locale, courses.catalogue().version,
           current_app.config["LMS_BASE_URL"])
    cache = current_app.extensions["lms.calendar_feeds"]
    with _cache_lock:
        cached: bytes | None = cache.get(key)
    if cached is None:
        cached = personal_calendar(user)
        with _cache_lock:
            cache[key] = cached
    return cached


# --- the secret feed address ---------------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_owner(token: str) -> User:
    """The person whose feed this is; LookupError for an unknown (or reset) token."""
    user: User | None = db.session.scalar(select(User).where(User.calendar_token == token)) \
        if 20 <= len(token) <= 64 else None
    if user is None:
        raise LookupError(token)
    return user


def reset_token(user: User) -> str:
    """A new secret address for the person's feed: the old one stops working at once."""
    user.calendar_token = new_token()
    db.session.commit()
    return user.calendar_token


def feed_url(token: str) -> str:
    """The feed's full address (on the site's public address)."""
    return mail.link("live.personal_feed", token=token)
