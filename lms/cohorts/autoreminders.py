"""Automatic reminders: each open cohort's rules applied to each member, by the learner's clock.

Run every hour (lms.cohorts.tasks) with the duty's time. A learner's day is the one in their
own time zone (else the cohort's); nothing goes out before 08:00 there. A reminder is never
sent twice: a (learner, cohort, rule, lesson) already in `reminders` is done (an inactivity
reminder: once per stretch of inactivity), and a learner gets at most one reminder a local day,
whoever sent it (their facilitator by hand, or any of their cohorts' rules).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from lms import mail
from lms.accounts.models import User
from lms.cohorts import dashboard, policy, reminder_mail
from lms.cohorts.models import Cohort, CohortFacilitator, Reminder
from lms.cohorts.reminder_mail import Nudge
from lms.courses import services as courses
from lms.extensions import db
from lms.i18n import name_key

SentKey = tuple[int, int, str, str | None]  # learner, cohort, rule, lesson


@dataclass
class Ledger:
    """What was sent before: rule-lesson pairs per learner and cohort, the last inactivity
    reminder, and each learner's latest reminder of any kind."""

    sent: set[SentKey]
    last_inactive: dict[tuple[int, int], datetime]
    latest: dict[int, list[datetime]]

    def reminded_on(self, learner_id: int, start: datetime, end: datetime) -> bool:
        """Whether the learner received any reminder between these two moments."""
        return any(start <= moment < end for moment in self.latest.get(learner_id, []))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def open_cohorts(now: datetime) -> list[Cohort]:
    """Cohorts not closed, with a rule on, whose dates include today where they meet."""
    day = now.date()
    candidates = db.session.scalars(select(Cohort).where(
        Cohort.closed_at.is_(None), Cohort.starts_on <= day + timedelta(days=1),
        Cohort.ends_on >= day - timedelta(days=1)).order_by(Cohort.id))
    return [cohort for cohort in candidates if policy.is_on(cohort)
            and cohort.starts_on <= now.astimezone(policy.zone(cohort.timezone)).date()
            <= cohort.ends_on]


def _ledger(cohort_ids: list[int], learner_ids: list[int], now: datetime) -> Ledger:
    """Read what was already sent to these learners, in two queries."""
    sent: set[SentKey] = set()
    last_inactive: dict[tuple[int, int], datetime] = {}
    for learner_id, cohort_id, rule, lesson_id, sent_at in db.session.execute(
            select(Reminder.learner_id, Reminder.cohort_id, Reminder.rule, Reminder.lesson_id,
                   Reminder.sent_at)
            .where(Reminder.cohort_id.in_(cohort_ids), Reminder.rule != policy.MANUAL)):
        sent.add((learner_id, cohort_id, rule, lesson_id))
        if rule == policy.INACTIVE:
            key = (learner_id, cohort_id)
            last_inactive[key] = max(_aware(sent_at), last_inactive.get(key, _aware(sent_at)))
    latest: dict[int, list[datetime]] = defaultdict(list)
    for learner_id, sent_at in db.session.execute(
            select(Reminder.learner_id, Reminder.sent_at).where(
                Reminder.learner_id.in_(learner_ids),
                Reminder.sent_at > now - timedelta(days=2))):
        latest[learner_id].append(_aware(sent_at))
    return Ledger(sent, last_inactive, latest)


def _first_facilitators(cohort_ids: list[int]) -> dict[int, User]:
    """Each cohort's first facilitator by name (as its page lists them): replies go there."""
    found: dict[int, list[User]] = defaultdict(list)
    for cohort_id, user in db.session.execute(
            select(CohortFacilitator.cohort_id, User)
            .join(User, User.id == CohortFacilitator.user_id)
            .where(CohortFacilitator.cohort_id.in_(cohort_ids))):
        found[cohort_id].append(user)
    return {cohort_id: min(users, key=lambda user: name_key(user.name))
            for cohort_id, users in found.items()}


def _due_rule(rule: str, days: int | None, board: dashboard.Dashboard,
              row: dashboard.LearnerRow, local_date: date,
              ledger: Ledger) -> Nudge | None:
    """A before-due or after-missed reminder due today for lessons not done, if any."""
    if days is None:
        return None
    offset = -days if rule == policy.BEFORE_DUE else days
    lessons = tuple(column.lesson_id for column, cell in zip(board.lessons, row.cells, strict=True)
                    if cell != dashboard.CELL_DONE and column.due_on is not None
                    and column.due_on + timedelta(days=offset) == local_date
                    and (row.user_id, board.cohort.id, rule, column.lesson_id) not in ledger.sent)
    if not lessons:
        return None
    due_on = next(column.due_on for column in board.lessons if column.lesson_id == lessons[0])
    return Nudge(rule, lessons, due_on, local_date, days)


def _inactive_rule(board: dashboard.Dashboard, row: dashboard.LearnerRow, local_date: date,
                   tz_name: str, ledger: Ledger) -> Nudge | None:
    """An inactivity reminder, once per stretch without activity, for a course not finished."""
    days = board.cohort.remind_inactive_days
    if days is None or row.done == row.total:
        return None
    zone = policy.zone(tz_name, board.cohort.timezone)
    cohort_start = datetime.combine(board.cohort.starts_on, time(), zone)
    since = max(_aware(row.last_activity or row.joined_at), cohort_start)
    if (local_date - since.astimezone(zone).date()).days < days:
        return None
    previous = ledger.last_inactive.get((row.user_id, board.cohort.id))
    if previous is not None and previous >= since:
        return None
    upcoming = tuple(column.lesson_id for column, cell in zip(board.lessons, row.cells,
                                                               strict=True)
                     if cell != dashboard.CELL_DONE)[:3]
    return Nudge(policy.INACTIVE, upcoming, None, local_date, days)


def choose(board: dashboard.Dashboard, row: dashboard.LearnerRow, user: User, now: datetime,
           ledger: Ledger) -> Nudge | None:
    """The one reminder this learner should get from this cohort now, if any: a missed lesson
    first, then one coming due, then inactivity."""
    tz_name = user.timezone or board.cohort.timezone
    local = now.astimezone(policy.zone(tz_name, board.cohort.timezone))
    if local.hour < policy.SEND_HOUR:
        return None
    midnight = datetime.combine(local.date(), time(), local.tzinfo)
    if ledger.reminded_on(user.id, midnight, midnight + timedelta(days=1)):
        return None
    cohort = board.cohort
    return (_due_rule(policy.AFTER_MISSED, cohort.remind_after_days, board, row, local.date(),
                      ledger)
            or _due_rule(policy.BEFORE_DUE, cohort.remind_before_days, board, row,
                         local.date(), ledger)
            or _inactive_rule(board, row, local.date(), tz_name, ledger))


def _record(user: User, board: dashboard.Dashboard, nudge: Nudge, facilitator: User | None,
            now: datetime) -> None:
    """Queue the email and record the reminder, in the caller's transaction."""
    cohort = board.cohort
    course = courses.get_course(cohort.course_id)
    due = {column.lesson_id: column.due_on for column in board.lessons
           if column.due_on is not None}
    message, text = reminder_mail.compose(user, cohort, course, nudge,
                                          facilitator=facilitator, due=due)
    mail.queue(message, kind="reminder", user_id=user.id)
    db.session.add(Reminder(
        cohort_id=cohort.id, learner_id=user.id, sender_id=None, rule=nudge.rule,
        lesson_id=nudge.lesson_ids[0] if nudge.rule != policy.INACTIVE else None,
        subject=message.subject[:200], body=text,
        sent_at=now))


def run(now: datetime) -> int:
    """Send every automatic reminder due at this moment; return how many. The caller (the
    periodic duty) commits: the emails and their records go together."""
    now = _aware(now)
    cohorts = open_cohorts(now)
    if not cohorts:
        return 0
    course_map = {cohort.course_id: courses.get_course(cohort.course_id) for cohort in cohorts}
    boards = dashboard.build_many(cohorts, course_map, "en", today=now.date(),
                                  inactive_days=current_app.config["LMS_INACTIVE_DAYS"],
                                  with_checks=False)
    learner_ids = sorted({row.user_id for board in boards.values() for row in board.rows})
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(learner_ids), User.email_reminders.is_(True)))}
    ledger = _ledger([cohort.id for cohort in cohorts], learner_ids, now)
    facilitators = _first_facilitators([cohort.id for cohort in cohorts])
    sent = 0
    for cohort in cohorts:
        for row in boards[cohort.id].rows:
            user = users.get(row.user_id)
            nudge = choose(boards[cohort.id], row, user, now, ledger) if user else None
            if user is None or nudge is None:
                continue
            _record(user, boards[cohort.id], nudge, facilitators.get(cohort.id), now)
            ledger.latest[user.id].append(now)  # one a day, across this run's cohorts too
            sent += 1
    return sent
