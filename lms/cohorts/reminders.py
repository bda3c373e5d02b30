"""Reminder emails from a facilitator to learners, each one recorded; at most one a day each,
counting every reminder the learner received (any cohort, automatic ones too)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from lms import mail
from lms.accounts.models import User
from lms.cohorts import policy
from lms.cohorts.dashboard import LearnerRow
from lms.cohorts.models import Cohort, DueDate, Reminder
from lms.cohorts.services import CohortError
from lms.db import utcnow
from lms.extensions import db

QUIET_PERIOD = timedelta(hours=24)
PLACEHOLDERS = ("name", "cohort", "course", "lessons", "link")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def default_template() -> tuple[str, str]:
    """The suggested subject and text, in the page language; the facilitator edits them."""
    return (
        gettext("{cohort}: your next lessons"),
        gettext("Hello {name},\n\nIn {cohort}, these lessons of {course} are due and not done "
                "yet:\n{lessons}\n\nYou can continue here: {link}\n\nIf something is in your "
                "way, reply to your facilitator: we are glad to help."),
    )


@dataclass
class Recipients:
    to_send: list[LearnerRow]
    recently_reminded: list[LearnerRow]
    # Learners who switched reminder emails off: a facilitator's are not sent to them either.
    opted_out: list[LearnerRow] = field(default_factory=list)


def reminded_since(learner_ids: list[int], since: datetime) -> set[int]:
    """Those of the learners who received any reminder since then, in any cohort, automatic
    or not: one reminder a day is the learner's limit, whoever sends it."""
    if not learner_ids:
        return set()
    return set(db.session.scalars(select(Reminder.learner_id).where(
        Reminder.sent_at > since, Reminder.learner_id.in_(learner_ids))))


def recipients(cohort: Cohort, rows: list[LearnerRow]) -> Recipients:
    """Split learners into those who can be reminded, those reminded (in any cohort) in the
    last 24 hours, and those who switched reminders off."""
    ids = [row.user_id for row in rows]
    recent = reminded_since(ids, utcnow() - QUIET_PERIOD)
    opted_out = set(db.session.scalars(select(User.id).where(
        User.id.in_(ids), User.email_reminders.is_(False)))) if ids else set()
    return Recipients([row for row in rows if row.user_id not in recent | opted_out],
                      [row for row in rows if row.user_id in recent],
                      [row for row in rows if row.user_id in opted_out - recent])


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the known {placeholders}; leave any other text, braces included, as written."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def send(cohort: Cohort, sender: User, rows: list[LearnerRow], *, subject: str, body: str,
         course_title: str, due_titles: dict[int, list[str]], link: str) -> Recipients:
    """Queue an email for each recipient not reminded in the last 24 hours (in any cohort) and
    not opted out of reminders, and record it."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise CohortError(gettext("Write a subject and a message."), "body")
    if len(subject) > 200 or len(body) > 5000:
        raise CohortError(gettext("Keep the subject under 200 characters and the message under "
                                  "5,000."), "body")
    if not rows:
        raise CohortError(gettext("Choose at least one learner to remind."), "learners")
    split = recipients(cohort, rows)
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_([row.user_id for row in split.to_send])))}
    for row in split.to_send:
        user = users[row.user_id]
        lessons = "\n".join(f"- {title}" for title in due_titles.get(row.user_id, [])) or "-"
        values = {"name": user.name, "cohort": cohort.name, "course": course_title,
                  "lessons": lessons, "link": link}
        with force_locale(user.locale):
            # The text asks learners to reply to their facilitator: the answer goes to them.
            message = mail.compose(
                user.email, fill(subject, values)[:200],
                mail.with_unsubscribe(fill(body, values), user.id, "reminder"),
                reply_to=mail.address(sender.name, sender.email))
        mail.queue(message, kind="reminder", user_id=user.id)
        db.session.add(Reminder(cohort_id=cohort.id, learner_id=user.id, sender_id=sender.id,
                                subject=message.subject, body=fill(body, values)))
    db.session.commit()  # every reminder with its email, in one transaction; a worker sends them
    return split


@dataclass(frozen=True)
class SentReminder:
    """A reminder in a learner's history: when, its subject, and who or what sent it."""

    sent_at: datetime
    subject: str
    sent_by: str


def _rule_days(reminder: Reminder, due: dict[str, date], zone_name: str) -> int | None:
    """The N of the rule that sent it: days between its local day and the lesson's due date."""
    if reminder.lesson_id not in due:
        return None
    local_day = reminder.sent_at.astimezone(policy.zone(zone_name)).date()
    return abs((due[reminder.lesson_id] - local_day).days)


def history(cohort: Cohort, learner: User) -> list[SentReminder]:
    """Every reminder the learner received in this cohort, newest first, manual or automatic."""
    due = dict(db.session.execute(select(DueDate.lesson_id, DueDate.due_on)
                                  .where(DueDate.cohort_id == cohort.id)).all())
    entries = []
    for reminder, sender in db.session.execute(
            select(Reminder, User.name).outerjoin(User, User.id == Reminder.sender_id)
            .where(Reminder.cohort_id == cohort.id, Reminder.learner_id == learner.id)
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())):
        if reminder.rule == policy.MANUAL:
            label = sender or policy.history_label(policy.MANUAL, None)
        else:
            days = _rule_days(reminder, due, learner.timezone or cohort.timezone)
            label = policy.history_label(reminder.rule, days)
        entries.append(SentReminder(reminder.sent_at, reminder.subject, label))
    return entries
