"""Live sessions: who may read and run them, scheduling in the cohort's time zone, moving,
cancelling, and the lists the pages show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import or_, select

from lms import records, timezones
from lms.accounts.models import Role, User
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, CohortFacilitator, Membership
from lms.db import utcnow
from lms.events import course_standing_changed
from lms.extensions import db
from lms.i18n import format_date
from lms.live.models import LiveSession

MAX_AGENDA = 20_000
MAX_TITLE = 200
MAX_LOCATION = 500
# Anything that looks like "scheme:" followed by no space is read as an address.
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):(?!\s)")
_REFUSED_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "http", "https"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class LiveError(Exception):
    """A request about a session that cannot be carried out; the message is shown."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- who may do what (one function per rule) -----------------------------------------------------

def reads(user: User, cohort: Cohort) -> bool:
    """Members (alumni too, once the cohort closed), its facilitators and admins read its
    sessions."""
    return cohorts.is_member(user.id, cohort) or cohorts.facilitates(user, cohort)


def cohort_to_read(user: User, slug: str) -> Cohort:
    """The cohort, if the user may read its sessions; NotFound otherwise (an outsider does not
    learn that the cohort exists)."""
    cohort = cohorts.get_cohort(slug)
    if not reads(user, cohort):
        raise cohorts.NotFound(slug)
    return cohort


def cohort_to_run(user: User, slug: str) -> Cohort:
    """The cohort, if the user runs it: NotFound for an outsider, NotAllowed for a member."""
    cohort = cohort_to_read(user, slug)
    cohorts.ensure_facilitates(user, cohort)
    return cohort


def session_in(cohort: Cohort, session_id: int) -> LiveSession:
    """One of the cohort's sessions, or NotFound (another cohort's session included)."""
    session = db.session.get(LiveSession, session_id)
    if session is None or session.cohort_id != cohort.id:
        raise cohorts.NotFound(str(session_id))
    return session


# --- time zones ----------------------------------------------------------------------------------

def zone_name_for(user: User | None, cohort: Cohort) -> str:
    """The time zone a person reads a cohort's sessions in: their own, else the cohort's."""
    if user is not None and user.timezone and user.timezone in timezones.names():
        return user.timezone
    return cohort.timezone or "UTC"


def to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """A wall-clock time in a time zone as an aware UTC moment (a time skipped by a change to
    summer time is read as the time it would have been, as most calendars do)."""
    local = datetime.combine(day, clock.replace(second=0, microsecond=0), ZoneInfo(zone_name))
    return local.astimezone(UTC)


def local(moment: datetime, zone_name: str) -> datetime:
    """A moment as the clock reads it in a time zone."""
    return moment.astimezone(timezones.zone(zone_name))


# --- scheduling ----------------------------------------------------------------------------------

@dataclass
class SessionDetails:
    """What a facilitator enters: the day and times are in the cohort's time zone."""

    title: str
    day: date
    starts: time
    ends: time
    location: str
    agenda: str
    recording_url: str


def has_control_characters(text: str) -> bool:
    """Whether the text holds characters nobody types (tabs and line breaks are fine)."""
    return bool(_CONTROL.search(text))


def is_web_address(text: str) -> bool:
    """An http(s) address with a host: the only kind of link a page or calendar offers."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in text.strip()


def check_location(text: str) -> str:
    """A place in words or an http(s) link; any other kind of address is refused."""
    text = " ".join(text.split())
    if is_web_address(text):
        return text
    scheme = _SCHEME.match(text)
    if "//" in text or (scheme and scheme.group(1).lower() in _REFUSED_SCHEMES):
        raise LiveError(gettext("Enter a place, or a link that starts with https:// or "
                                "http://."), "location")
    return text  # "Belgrade: City Hall" is a place, shown as text, never as a link


def check_details(details: SessionDetails, cohort: Cohort) -> tuple[datetime, datetime]:
    """The session's start and end in UTC, or LiveError naming the wrong field."""
    title = details.title.strip()
    if not title:
        raise LiveError(gettext("Enter the session's title."), "title")
    if len(title) > MAX_TITLE or has_control_characters(title):
        raise LiveError(gettext("Keep the title on one line, under 200 characters."), "title")
    earliest = cohort.starts_on - timedelta(days=365)
    latest = cohort.ends_on + timedelta(days=365)
    if not earliest <= details.day <= latest:
        raise LiveError(gettext("Choose a date within a year of the cohort's dates (%(start)s "
                                "to %(end)s).", start=format_date(cohort.starts_on),
                                end=format_date(cohort.ends_on)), "day")
    if details.ends <= details.starts:
        raise LiveError(gettext("The session must end after it starts."), "ends")
    if has_control_characters(details.location) or len(details.location) > MAX_LOCATION:
        raise LiveError(gettext("Keep the place or link under 500 characters."), "location")
    check_location(details.location)
    if len(details.agenda) > MAX_AGENDA:
        raise LiveError(gettext("Keep the agenda under 20,000 characters."), "agenda")
    if has_control_characters(details.agenda):
        raise LiveError(gettext("The agenda holds characters that cannot be shown; remove "
                                "them."), "agenda")
    recording = details.recording_url.strip()
    if recording and (not is_web_address(recording) or len(recording) > MAX_LOCATION):
        raise LiveError(gettext("Enter a link that starts with https:// or http://."),
                        "recording_url")
    zone_name = cohort.timezone if cohort.timezone in timezones.names() else "UTC"
    return (to_utc(details.day, details.starts, zone_name),
            to_utc(details.day, details.ends, zone_name))


def _apply(session: LiveSession, details: SessionDetails, starts_at: datetime,
           ends_at: datetime) -> None:
    session.title = details.title.strip()
    session.starts_at, session.ends_at = starts_at, ends_at
    session.location = check_location(details.location)
    session.agenda = details.agenda.strip()
    session.recording_url = details.recording_url.strip() or None


def schedule(cohort: Cohort, details: SessionDetails) -> LiveSession:
    """Add a session to the cohort's calendar."""
    starts_at, ends_at = check_details(details, cohort)
    session = LiveSession(cohort_id=cohort.id, sequence=0)
    _apply(session, details, starts_at, ends_at)
    db.session.add(session)
    db.session.flush()
    records.cohort_changed(cohort.id)  # members' home pages list it
    db.session.commit()
    return session


def details_of(session: LiveSession, cohort: Cohort) -> SessionDetails:
    """What the edit form starts from: the session as entered, in the cohort's time zone."""
    starts, ends = local(session.starts_at, cohort.timezone), local(session.ends_at,
                                                                     cohort.timezone)
    return SessionDetails(session.title, starts.date(), starts.time(), ends.time(),
                          session.location, session.agenda, session.recording_url or "")


def update(cohort: Cohort, session: LiveSession, details: SessionDetails) -> bool:
    """Change a session; True when it moved (its time or place changed), which members are
    told about (in the same transaction). Every change raises the calendar SEQUENCE."""
    from lms.live import notices  # notices build on the services

    if session.cancelled:
        raise LiveError(gettext("This session is cancelled: it can no longer be changed."))
    starts_at, ends_at = check_details(details, cohort)
    moved = (starts_at, ends_at) != (session.starts_at, session.ends_at) \
        or check_location(details.location) != session.location
    _apply(session, details, starts_at, ends_at)
    session.sequence += 1
    session.updated_at = utcnow()
    if moved and session.ends_at > utcnow():
        notices.notify_members(cohort, session, notices.MOVED)
    records.cohort_changed(cohort.id)
    db.session.commit()
    return moved


def cancel(cohort: Cohort, session: LiveSession) -> None:
    """Cancel a session: it stays in calendars, marked cancelled, and members are told."""
    from lms.live import notices

    if session.cancelled:
        raise LiveError(gettext("This session is already cancelled."))
    session.cancelled_at = session.updated_at = utcnow()
    session.sequence += 1
    if session.ends_at > utcnow():
        notices.notify_members(cohort, session, notices.CANCELLED)
    records.cohort_changed(cohort.id)
    db.session.commit()


# --- lists ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionLine:
    """A session with its cohort, its times on the reader's clock, and that clock's name."""

    session: LiveSession
    cohort: Cohort
    starts: datetime
    ends: datetime
    zone_name: str

    @property
    def link(self) -> str | None:
        return self.session.location if is_web_address(self.session.location) else None


def line(session: LiveSession, cohort: Cohort, reader: User | None) -> SessionLine:
    """The session as this reader sees it (in their time zone)."""
    zone_name = zone_name_for(reader, cohort)
    return SessionLine(session, cohort, local(session.starts_at, zone_name),
                       local(session.ends_at, zone_name), zone_name)


def sessions_of(cohort: Cohort, reader: User | None) -> list[SessionLine]:
    """Every session of the cohort, cancelled ones too, in order."""
    return [line(session, cohort, reader) for session in db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id == cohort.id)
        .order_by(LiveSession.starts_at, LiveSession.id))]


def split(lines: list[SessionLine], now: datetime) -> tuple[list[SessionLine],
                                                            list[SessionLine]]:
    """Upcoming (not ended yet) and past sessions, the latest past first."""
    upcoming = [item for item in lines if item.session.ends_at > now]
    past = [item for item in lines if item.session.ends_at <= now]
    return upcoming, past[::-1]


def upcoming_in(cohort: Cohort, reader: User, *, limit: int = 3) -> list[SessionLine]:
    """The cohort's next sessions not cancelled, for its page."""
    return [line(session, cohort, reader) for session in db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id == cohort.id,
                                  LiveSession.cancelled_at.is_(None),
                                  LiveSession.ends_at > utcnow())
        .order_by(LiveSession.starts_at, LiveSession.id).limit(limit))]


def my_cohort_ids(user: User) -> list[int]:
    """The cohorts whose sessions reach a person: those they belong to or facilitate (an
    admin's calendar holds the cohorts they are assigned to, not every cohort)."""
    return list(db.session.scalars(
        select(Cohort.id).where(or_(
            Cohort.id.in_(select(Membership.cohort_id).where(Membership.user_id == user.id)),
            Cohort.id.in_(select(CohortFacilitator.cohort_id)
                          .where(CohortFacilitator.user_id == user.id))))))


def upcoming_for(user: User, *, limit: int = 5,
                 within: timedelta = timedelta(days=60)) -> list[SessionLine]:
    """A person's next sessions across their cohorts, for the home page (two queries)."""
    ids = my_cohort_ids(user)
    if not ids:
        return []
    now = utcnow()
    found = db.session.execute(
        select(LiveSession, Cohort).join(Cohort, Cohort.id == LiveSession.cohort_id)
        .where(LiveSession.cohort_id.in_(ids), LiveSession.cancelled_at.is_(None),
               LiveSession.ends_at > now, LiveSession.starts_at < now + within)
        .order_by(LiveSession.starts_at, LiveSession.id).limit(limit)).all()
    return [line(session, cohort, user) for session, cohort in found]


def may_run(user: User, cohort: Cohort) -> bool:
    """Whether the page offers scheduling, editing and attendance to this user."""
    return user.has_role(Role.FACILITATOR) and cohorts.facilitates(user, cohort)


def set_min_attendance(cohort: Cohort, text: str | None) -> None:
    """Set (or clear, when empty) how many sessions a member must attend for the certificate."""
    text = (text or "").strip()
    if not text:
        cohort.min_attendance = None
    elif not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 100:
        raise LiveError(gettext("Enter a whole number of sessions from 1 to 100, or leave it "
                                "empty for no condition."), "min_attendance")
    else:
        cohort.min_attendance = int(text)
    records.cohort_changed(cohort.id)
    db.session.commit()
    for user_id in db.session.scalars(select(Membership.user_id)
                                      .where(Membership.cohort_id == cohort.id)):
        # A lower (or no) minimum may complete a certificate.
        course_standing_changed.send(None, user_id=user_id, course_id=cohort.course_id)
