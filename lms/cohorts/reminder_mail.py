"""The text of an automatic reminder, in the learner's language (lms.cohorts.autoreminders
decides who gets one and when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale, get_locale, gettext, ngettext

from lms import mail
from lms.accounts.models import User
from lms.cohorts import policy
from lms.cohorts.models import Cohort
from lms.courses.content import Course
from lms.deadlines import Deadline


@dataclass(frozen=True)
class Nudge:
    """One automatic reminder to send: which rule, about which lessons (the first is the one
    recorded), on which local day."""

    rule: str
    lesson_ids: tuple[str, ...]
    due_on: date | None
    local_date: date
    days: int  # the rule's N: days before, days after, days inactive


def _lesson_lines(course: Course, lesson_ids: tuple[str, ...], language: str,
                  due: dict[str, date] | None = None, today: date | None = None) -> str:
    """One line per lesson, in the learner's language, with its link (and due date)."""
    lines = []
    for lesson_id in lesson_ids:
        lesson = course.lesson(lesson_id)
        title = lesson.version(language)[0].title if lesson else lesson_id
        link = mail.link("courses.lesson", course_id=course.course_id, lesson_id=lesson_id)
        if due and today and lesson_id in due:
            when = Deadline(due[lesson_id], today).date_text()
            lines.append(gettext("- %(title)s (due %(date)s): %(link)s", title=title,
                                 date=when, link=link))
        else:
            lines.append(f"- {title}: {link}")
    return "\n".join(lines)


def _first_title(course: Course, nudge: Nudge, language: str) -> str:
    lesson = course.lesson(nudge.lesson_ids[0]) if nudge.lesson_ids else None
    return lesson.version(language)[0].title if lesson else ""


def _subject(cohort: Cohort, course: Course, nudge: Nudge, language: str) -> str:
    """The subject line: the cohort, and the lesson or what the reminder is about."""
    title = _first_title(course, nudge, language)
    if nudge.rule == policy.BEFORE_DUE and nudge.due_on is not None:
        when = Deadline(nudge.due_on, nudge.local_date).relative()
        return str(gettext("%(cohort)s: “%(lesson)s” is due %(when)s", cohort=cohort.name,
                       lesson=title, when=when))
    if nudge.rule == policy.AFTER_MISSED and nudge.due_on is not None:
        when = Deadline(nudge.due_on, nudge.local_date).date_text()
        return str(gettext("%(cohort)s: “%(lesson)s” was due on %(date)s", cohort=cohort.name,
                       lesson=title, date=when))
    return str(gettext("%(cohort)s: your course is waiting for you", cohort=cohort.name))


def _opening(course: Course, nudge: Nudge, cohort: Cohort, language: str) -> str:
    """The paragraph that says why this reminder comes today."""
    if nudge.rule == policy.BEFORE_DUE and nudge.due_on is not None:
        deadline = Deadline(nudge.due_on, nudge.local_date)
        return str(gettext("In %(cohort)s, this is due on %(date)s (%(when)s) and is not done yet:",
                       cohort=cohort.name, date=deadline.date_text(), when=deadline.relative()))
    if nudge.rule == policy.AFTER_MISSED and nudge.due_on is not None:
        return str(gettext("In %(cohort)s, this was due on %(date)s and is not done yet. It is not "
                       "too late: you can still complete it.", cohort=cohort.name,
                       date=Deadline(nudge.due_on, nudge.local_date).date_text()))
    return str(ngettext("We have not seen you in %(course)s for %(num)d day. Your cohort, "
                    "%(cohort)s, is moving on; here is what comes next for you:",
                    "We have not seen you in %(course)s for %(num)d days. Your cohort, "
                    "%(cohort)s, is moving on; here is what comes next for you:",
                    nudge.days, course=course.title(language), cohort=cohort.name))


def nudge_language() -> str:
    """The language forced for the email being written."""
    return str(get_locale())


def body(user: User, cohort: Cohort, course: Course, nudge: Nudge, *,
         facilitator: User | None, due: dict[str, date]) -> str:
    """The email's text, in the current (forced) language."""
    language = nudge_language()
    lessons = _lesson_lines(course, nudge.lesson_ids, language,
                            due if nudge.rule == policy.INACTIVE else None, nudge.local_date)
    reply = gettext("If something is in your way, reply to this email: it goes to your "
                    "facilitator, %(name)s.", name=facilitator.name) if facilitator else ""
    why = gettext("You receive this reminder because the facilitators of %(cohort)s switched "
                  "automatic reminders on.", cohort=cohort.name)
    hello = gettext("Hello %(name)s,", name=user.name)
    parts = [hello, _opening(course, nudge, cohort, language) + "\n" + lessons, reply, why]
    return "\n\n".join(part for part in parts if part)


def compose(user: User, cohort: Cohort, course: Course, nudge: Nudge, *,
            facilitator: User | None, due: dict[str, date]) -> tuple[mail.Draft, str]:
    """The reminder email and its text, in the learner's language, answered to the first
    facilitator."""
    with force_locale(user.locale):
        language = nudge_language()
        text = body(user, cohort, course, nudge, facilitator=facilitator, due=due)
        reply_to = mail.address(facilitator.name, facilitator.email) if facilitator else None
        message = mail.compose(user.email, _subject(cohort, course, nudge, language)[:200],
                               mail.with_unsubscribe(text, user.id, "reminder"),
                               reply_to=reply_to)
    return message, text
