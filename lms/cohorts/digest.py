"""The facilitators' weekly digest: for each of their open cohorts, how many learners, who fell
behind this week and who finished the course this week. Run once a week (lms.cohorts.tasks)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select

from lms import mail
from lms.accounts.models import Role, User
from lms.cohorts import dashboard
from lms.cohorts.models import Cohort, CohortFacilitator, Membership
from lms.courses import services as courses
from lms.courses.models import LessonProgress
from lms.extensions import db
from lms.i18n import name_key

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class CohortWeek:
    """One cohort's week, as the digest tells it."""

    cohort: Cohort
    learners: int
    fell_behind: list[str]
    finished: list[str]


def open_cohorts(today: date) -> list[Cohort]:
    """Cohorts not closed whose dates include today."""
    return list(db.session.scalars(select(Cohort).where(
        Cohort.closed_at.is_(None), Cohort.starts_on <= today, Cohort.ends_on >= today)
        .order_by(Cohort.name)))


def _finished_at(cohorts: list[Cohort]) -> dict[tuple[int, str], datetime]:
    """When each member completed their last lesson, by (learner, course): one query."""
    members = select(Membership.user_id).where(
        Membership.cohort_id.in_([cohort.id for cohort in cohorts])).scalar_subquery()
    return {(user_id, course_id): at if at.tzinfo else at.replace(tzinfo=UTC)
            for user_id, course_id, at in db.session.execute(
                select(LessonProgress.user_id, LessonProgress.course_id,
                       func.max(LessonProgress.completed_at))
                .where(LessonProgress.user_id.in_(members),
                       LessonProgress.completed_at.is_not(None))
                .group_by(LessonProgress.user_id, LessonProgress.course_id))
            if at is not None}


def _week(board: dashboard.Dashboard, finished_at: dict[tuple[int, str], datetime],
          now: datetime) -> CohortWeek:
    """Who fell behind (a due date missed in the last 7 days, still not done) and who
    finished every lesson in the last 7 days."""
    recent = {index for index, column in enumerate(board.lessons)
              if column.due_on is not None and board.today - WEEK <= column.due_on < board.today}
    behind = [row.name for row in board.rows
              if any(row.cells[index] == dashboard.CELL_OVERDUE for index in recent)]
    course_id = board.cohort.course_id
    finished = [row.name for row in board.rows if row.done == row.total
                and finished_at.get((row.user_id, course_id), now - 2 * WEEK) >= now - WEEK]
    return CohortWeek(board.cohort, len(board.rows), sorted(behind, key=name_key),
                      sorted(finished, key=name_key))


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else gettext("nobody")


def compose(facilitator: User, weeks: list[CohortWeek]) -> tuple[str, str]:
    """The digest's subject and text, in the current (forced) language."""
    parts = [gettext("Hello %(name)s,", name=facilitator.name),
             gettext("Here is the past week in your cohorts.")]
    for week in weeks:
        parts.append("\n".join([
            ngettext("%(cohort)s: %(num)d learner", "%(cohort)s: %(num)d learners",
                     week.learners, cohort=week.cohort.name),
            gettext("Fell behind this week: %(names)s", names=_names(week.fell_behind)),
            gettext("Finished the course this week: %(names)s", names=_names(week.finished)),
            gettext("Progress: %(link)s",
                    link=mail.link("cohorts.progress", slug=week.cohort.slug))]))
    parts.append(gettext("You receive this summary once a week because you facilitate these "
                         "cohorts."))
    return gettext("Your cohorts this week"), "\n\n".join(parts)


def _facilitators(cohort_ids: list[int]) -> dict[User, list[int]]:
    """Facilitators (and admins) assigned to these cohorts who want the digest."""
    found: dict[User, list[int]] = defaultdict(list)
    for cohort_id, user in db.session.execute(
            select(CohortFacilitator.cohort_id, User)
            .join(User, User.id == CohortFacilitator.user_id)
            .where(CohortFacilitator.cohort_id.in_(cohort_ids),
                   User.role.in_([Role.FACILITATOR, Role.ADMIN]),
                   User.email_digest.is_(True))):
        found[user].append(cohort_id)
    return found


def run(now: datetime) -> int:
    """Queue one digest per facilitator with an open cohort; return how many. The caller
    (the periodic duty) commits."""
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    cohorts = open_cohorts(now.date())
    if not cohorts:
        return 0
    boards = dashboard.build_many(
        cohorts, {cohort.course_id: courses.get_course(cohort.course_id) for cohort in cohorts},
        "en", today=now.date(), inactive_days=current_app.config["LMS_INACTIVE_DAYS"],
        with_checks=False)
    finished_at = _finished_at(cohorts)
    weeks = {cohort.id: _week(boards[cohort.id], finished_at, now) for cohort in cohorts}
    order = [cohort.id for cohort in cohorts]
    facilitators = _facilitators(order)
    for facilitator, cohort_ids in facilitators.items():
        with force_locale(facilitator.locale):
            subject, text = compose(facilitator, [weeks[cohort_id] for cohort_id in order
                                                  if cohort_id in cohort_ids])
            message = mail.compose(facilitator.email, subject,
                                   mail.with_unsubscribe(text, facilitator.id, "digest"))
        mail.queue(message, kind="digest", user_id=facilitator.id)
    return len(facilitators)
