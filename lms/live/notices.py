"""Emails about sessions, each in the recipient's language and time zone: the reminder the day
before (an hourly duty, switchable off: kind "session"), and the notice to members that a
session moved or was cancelled.

Notices of a change always go, whatever the reminder setting: someone who turned reminders
off would otherwise go to a meeting that no longer takes place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from babel import dates as babel_dates
from flask_babel import force_locale, gettext
from sqlalchemy import select

from lms import mail
from lms.accounts.models import User
from lms.cohorts.models import Cohort, Membership
from lms.extensions import db
from lms.live.models import LiveSession, SessionReminder
from lms.live.services import is_web_address, local, zone_name_for

MOVED, CANCELLED = "moved", "cancelled"
REMINDER_KIND = "session"  # lms.mail.OPTIONAL_KINDS: User.email_sessions
NOTICE_KIND = "session_change"
REMIND_AHEAD = timedelta(hours=24)


def when(session: LiveSession, cohort: Cohort, user: User, locale: str) -> str:
    """"Thursday 10 December 2026, 18:00–19:30 (Europe/Belgrade)" on the person's clock."""
    zone_name = zone_name_for(user, cohort)
    starts, ends = local(session.starts_at, zone_name), local(session.ends_at, zone_name)
    day = babel_dates.format_date(starts.date(), "full", locale=locale)
    start = babel_dates.format_time(starts, "short", locale=locale)
    end = babel_dates.format_time(ends, "short", locale=locale)
    return f"{day}, {start}–{end} ({zone_name.replace('_', ' ')})"


def _details(session: LiveSession, cohort: Cohort, user: User, locale: str) -> str:
    lines = [gettext("When: %(when)s", when=when(session, cohort, user, locale))]
    if session.location:
        lines.append(gettext("Where: %(place)s", place=session.location))
    lines.append(gettext("Details and calendar file: %(link)s", link=mail.link(
        "live.session_page", slug=cohort.slug, session_id=session.id)))
    return "\n".join(lines)


def reminder(session: LiveSession, cohort: Cohort, user: User) -> mail.Draft:
    """The reminder before a session, in the person's language, with its unsubscribe line."""
    with force_locale(user.locale):
        subject = gettext("%(cohort)s: “%(title)s” is coming up", cohort=cohort.name,
                          title=session.title)
        parts = [gettext("Hello %(name)s,", name=user.name),
                 gettext("A live session of %(cohort)s is coming up:", cohort=cohort.name),
                 f"{session.title}\n{_details(session, cohort, user, user.locale)}"]
        if is_web_address(session.location):
            parts.append(gettext("Open the link a few minutes early to check your sound."))
        body = mail.with_unsubscribe("\n\n".join(parts), user.id, REMINDER_KIND)
        return mail.compose(user.email, subject[:200], body)


def change_notice(session: LiveSession, cohort: Cohort, user: User, change: str) -> mail.Draft:
    """The notice that a session moved or was cancelled, in the person's language."""
    with force_locale(user.locale):
        if change == CANCELLED:
            subject = gettext("%(cohort)s: “%(title)s” is cancelled", cohort=cohort.name,
                              title=session.title)
            news = gettext("The live session “%(title)s” of %(cohort)s is cancelled. It was "
                           "planned for %(when)s.", title=session.title, cohort=cohort.name,
                           when=when(session, cohort, user, user.locale))
            parts = [gettext("Hello %(name)s,", name=user.name), news,
                     gettext("Calendars that subscribed to your cohort show it as cancelled.")]
        else:
            subject = gettext("%(cohort)s: “%(title)s” has changed", cohort=cohort.name,
                              title=session.title)
            parts = [gettext("Hello %(name)s,", name=user.name),
                     gettext("The live session “%(title)s” of %(cohort)s has changed. Here is "
                             "when and where it now takes place:", title=session.title,
                             cohort=cohort.name),
                     _details(session, cohort, user, user.locale)]
        return mail.compose(user.email, subject[:200], "\n\n".join(parts))


def notify_members(cohort: Cohort, session: LiveSession, change: str) -> int:
    """Queue the notice to every member, in the caller's transaction; returns how many."""
    members = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                 .where(Membership.cohort_id == cohort.id)
                                 .order_by(User.id)).all()
    for user in members:
        mail.queue(change_notice(session, cohort, user, change), kind=NOTICE_KIND,
                   user_id=user.id)
    return len(members)


def send_reminders(now: datetime) -> int:
    """Remind every member who wants it of each session starting within a day, once per
    person and session (recorded with the email, in the duty's transaction)."""
    upcoming = db.session.execute(
        select(LiveSession, Cohort).join(Cohort, Cohort.id == LiveSession.cohort_id)
        .where(LiveSession.cancelled_at.is_(None), LiveSession.starts_at > now,
               LiveSession.starts_at <= now + REMIND_AHEAD, Cohort.closed_at.is_(None))
        .order_by(LiveSession.starts_at)).all()
    if not upcoming:
        return 0
    ids = [session.id for session, _ in upcoming]
    done = {(session_id, user_id) for session_id, user_id in db.session.execute(
        select(SessionReminder.session_id, SessionReminder.user_id)
        .where(SessionReminder.session_id.in_(ids)))}
    members: dict[int, list[User]] = {}
    for cohort_id, user in db.session.execute(
            select(Membership.cohort_id, User).join(User, User.id == Membership.user_id)
            .where(Membership.cohort_id.in_({cohort.id for _, cohort in upcoming}),
                   User.email_sessions.is_(True)).order_by(User.id)):
        members.setdefault(cohort_id, []).append(user)
    sent = 0
    for session, cohort in upcoming:
        for user in members.get(cohort.id, []):
            if (session.id, user.id) in done:
                continue
            mail.queue(reminder(session, cohort, user), kind=REMINDER_KIND, user_id=user.id)
            db.session.add(SessionReminder(session_id=session.id, user_id=user.id,
                                           sent_at=now))
            sent += 1
    return sent
