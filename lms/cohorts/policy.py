"""A cohort's reminder policy: its time zone and the automatic reminder rules, each off until a
facilitator sets it; validated here, put into words for the pages that show it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, ngettext

from lms import timezones as lms_timezones
from lms.cohorts.models import Cohort
from lms.cohorts.services import CohortError
from lms.extensions import db

MANUAL = "manual"
BEFORE_DUE = "before_due"
AFTER_MISSED = "after_missed"
INACTIVE = "inactive"
AUTOMATIC_RULES = (BEFORE_DUE, AFTER_MISSED, INACTIVE)

# The days each rule accepts: a week or two around a due date; inactivity is worth a
# reminder after a few days, and past two months a reminder no longer helps.
LIMITS = {BEFORE_DUE: (1, 14), AFTER_MISSED: (1, 14), INACTIVE: (3, 60)}
FIELDS = {BEFORE_DUE: "remind_before_days", AFTER_MISSED: "remind_after_days",
          INACTIVE: "remind_inactive_days"}
SEND_HOUR = 8  # local time: nobody is woken by a reminder at 3 am


class PolicyInvalid(CohortError):
    """Some of the policy's values are wrong: one message per form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors


@dataclass(frozen=True)
class Policy:
    timezone: str
    before_days: int | None
    after_days: int | None
    inactive_days: int | None


def timezones() -> tuple[str, ...]:
    """The time zones a cohort may choose."""
    return lms_timezones.names()


zone = lms_timezones.zone


def of(cohort: Cohort) -> Policy:
    """The cohort's current policy."""
    return Policy(cohort.timezone, cohort.remind_before_days, cohort.remind_after_days,
                  cohort.remind_inactive_days)


def _days(text: str | None, rule: str) -> int | None:
    """A whole number of days within the rule's limits, None for empty; ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    low, high = LIMITS[rule]
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(text)
    return int(text)


def _days_error(rule: str) -> str:
    low, high = LIMITS[rule]
    return str(gettext("Enter a whole number of days from %(low)d to %(high)d, or leave it empty "
                   "to switch this reminder off.", low=low, high=high))


def check(timezone: str, before: str | None, after: str | None,
          inactive: str | None) -> Policy:
    """The policy these form values describe, or PolicyInvalid naming each wrong field."""
    errors: dict[str, str] = {}
    if timezone not in timezones():
        errors["timezone"] = gettext("Choose a time zone from the list.")
    values: dict[str, int | None] = {}
    for rule, text in ((BEFORE_DUE, before), (AFTER_MISSED, after), (INACTIVE, inactive)):
        try:
            values[rule] = _days(text, rule)
        except ValueError:
            errors[FIELDS[rule]] = _days_error(rule)
    if errors:
        raise PolicyInvalid(errors)
    return Policy(timezone, values[BEFORE_DUE], values[AFTER_MISSED], values[INACTIVE])


def save(cohort: Cohort, policy: Policy) -> None:
    """Store the cohort's policy (the caller commits, with the schedule)."""
    cohort.timezone = policy.timezone
    cohort.remind_before_days = policy.before_days
    cohort.remind_after_days = policy.after_days
    cohort.remind_inactive_days = policy.inactive_days
    db.session.add(cohort)


def is_on(cohort: Cohort) -> bool:
    """Whether any automatic reminder is switched on."""
    return any(days is not None for days in (cohort.remind_before_days,
                                             cohort.remind_after_days,
                                             cohort.remind_inactive_days))


def rule_sentence(rule: str, days: int) -> str:
    """One rule in words: "2 days before a lesson's due date"."""
    if rule == BEFORE_DUE:
        return str(ngettext("%(num)d day before a lesson's due date, if it is not done",
                        "%(num)d days before a lesson's due date, if it is not done", days))
    if rule == AFTER_MISSED:
        return str(ngettext("%(num)d day after a missed due date, if the lesson is still not done",
                        "%(num)d days after a missed due date, if the lesson is still not done",
                        days))
    return str(ngettext("after %(num)d day without any activity in the course",
                    "after %(num)d days without any activity in the course", days))


def describe(cohort: Cohort) -> list[str]:
    """The rules switched on, each in words (empty when automatic reminders are off)."""
    days = {BEFORE_DUE: cohort.remind_before_days, AFTER_MISSED: cohort.remind_after_days,
            INACTIVE: cohort.remind_inactive_days}
    return [rule_sentence(rule, value) for rule, value in days.items() if value is not None]


def history_label(rule: str, days: int | None) -> str:
    """How a sent reminder is named in its history: who or what sent it."""
    if rule == INACTIVE:
        return str(gettext("automatic: no activity for a while"))
    if rule == BEFORE_DUE and days is not None:
        return str(ngettext("automatic: %(num)d day before the due date",
                        "automatic: %(num)d days before the due date", days))
    if rule == AFTER_MISSED and days is not None:
        return str(ngettext("automatic: %(num)d day after the missed due date",
                        "automatic: %(num)d days after the missed due date", days))
    if rule in AUTOMATIC_RULES:
        return str(gettext("automatic"))
    return str(gettext("sent by a facilitator"))
