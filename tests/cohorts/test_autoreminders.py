"""Automatic reminders: each rule on the right local day, not before 08:00, never twice, at
most one reminder a learner a day whoever sends it, opt-out respected, in the learner's
language, recorded with the rule that sent it."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select, update

from lms.accounts.models import Role
from lms.cohorts import autoreminders
from lms.cohorts.models import Reminder
from lms.courses.models import LessonProgress
from lms.extensions import db
from lms.jobs import periodic
from tests.cohorts.helpers import COURSE
from tests.cohorts.reminder_setup import AUCKLAND, LESSON, LIMA, at, due_day, policy_cohort
from tests.factories import make_user


def recipients(outbox) -> list[str]:  # type: ignore[no-untyped-def]
    """Who the delivered emails went to, oldest first."""
    return [message.split("\n", 1)[0].removeprefix("To: ") for message in outbox()]


def rows() -> list[tuple[int, str, str | None, int | None]]:
    return [tuple(row) for row in db.session.execute(
        select(Reminder.learner_id, Reminder.rule, Reminder.lesson_id, Reminder.sender_id)
        .order_by(Reminder.id))]


def test_before_due_fires_on_each_learners_own_day(clock, outbox) -> None:
    kiri = make_user(name="Kiri", email="kiri@example.org", timezone="Pacific/Auckland")
    rosa = make_user(name="Rosa", email="rosa@example.org", timezone="America/Lima")
    policy_cohort([kiri, rosa], before=2)
    day = due_day() - timedelta(days=2)
    # 07:00 in Auckland on the day: too early there; still the day before in Lima.
    clock(at(day, 7, AUCKLAND, 30))
    periodic.run_due()
    assert outbox() == []
    clock(at(day, 8, AUCKLAND, 5))
    assert "cohorts.reminders" in periodic.run_due()
    assert recipients(outbox) == ["kiri@example.org"]
    # The same hour again: the duty has run; and the rule itself sends nothing new.
    clock(at(day, 8, AUCKLAND, 50))
    assert periodic.run_due() == []
    assert autoreminders.run(at(day, 8, AUCKLAND, 50)) == 0
    # Lima reaches that day 18 hours later; at 07:00 there, still nothing.
    clock(at(day, 7, LIMA))
    periodic.run_due()
    assert recipients(outbox) == ["kiri@example.org"]
    clock(at(day, 8, LIMA))
    periodic.run_due()
    assert recipients(outbox) == ["kiri@example.org", "rosa@example.org"]
    assert rows() == [(kiri.id, "before_due", LESSON, None), (rosa.id, "before_due", LESSON, None)]


def test_a_lesson_is_reminded_once_even_if_the_rule_changes(clock, outbox) -> None:
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    cohort = policy_cohort([rosa], before=2)
    clock(at(due_day() - timedelta(days=2), 9, LIMA))
    periodic.run_due()
    cohort.remind_before_days = 1  # the next day now matches the rule: still not twice
    db.session.commit()
    clock(at(due_day() - timedelta(days=1), 9, LIMA))
    periodic.run_due()
    assert autoreminders.run(at(due_day() - timedelta(days=1), 10, LIMA)) == 0
    assert len(outbox()) == 1


def test_a_done_lesson_is_not_reminded(clock, outbox) -> None:
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    policy_cohort([rosa], before=2)
    db.session.add(LessonProgress(user_id=rosa.id, course_id=COURSE, lesson_id=LESSON,
                                  completed_at=at(due_day() - timedelta(days=5), 9, LIMA)))
    db.session.commit()
    assert autoreminders.run(at(due_day() - timedelta(days=2), 9, LIMA)) == 0
    assert outbox() == []


def test_after_missed_uses_the_cohorts_time_zone_by_default(clock, outbox) -> None:
    rosa = make_user(email="rosa@example.org", locale="fr")
    cohort = policy_cohort([rosa], after=3)
    cohort.timezone = "America/Lima"
    db.session.commit()
    day = due_day() + timedelta(days=3)
    clock(at(day, 7, LIMA))  # 12:00 UTC on the day: a UTC clock would have sent it
    periodic.run_due()
    assert outbox() == []
    clock(at(day, 8, LIMA))
    periodic.run_due()
    [message] = outbox()
    assert "Comment fonctionne le Partenariat pour un gouvernement ouvert" in message
    assert f"/courses/{COURSE}/{LESSON}/" in message
    assert "Il n’est pas trop tard" in message
    assert rows() == [(rosa.id, "after_missed", LESSON, None)]


def test_email_is_in_the_learners_language_with_the_date_in_words(clock, outbox) -> None:
    french = make_user(name="Aminata", email="aminata@example.org", locale="fr",
                       timezone="America/Lima")
    cohort = policy_cohort([french], before=2)
    periodic_day = due_day() - timedelta(days=2)
    clock(at(periodic_day, 9, LIMA))
    periodic.run_due()
    [message] = outbox()
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]
    assert f"Subject: {cohort.name} : « Comment fonctionne" in message
    assert "est à terminer dans 2 jours" in message and "Bonjour Aminata" in message
    assert months[due_day().month - 1] in message


def test_inactive_once_per_stretch_of_inactivity(clock, outbox) -> None:
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    policy_cohort([rosa], inactive=5)
    start = at(due_day() - timedelta(days=20), 9, LIMA)  # today, where nobody has done anything
    assert autoreminders.run(start + timedelta(days=4)) == 0
    clock(start + timedelta(days=5))
    periodic.run_due()
    assert len(outbox()) == 1
    clock(start + timedelta(days=6))
    periodic.run_due()
    assert len(outbox()) == 1  # the same stretch
    db.session.add(LessonProgress(user_id=rosa.id, course_id=COURSE, lesson_id=LESSON,
                                  started_at=start + timedelta(days=7)))
    db.session.commit()
    assert autoreminders.run(start + timedelta(days=11)) == 0
    clock(start + timedelta(days=12))
    periodic.run_due()
    assert len(outbox()) == 2
    assert [rule for _, rule, _, _ in rows()] == ["inactive", "inactive"]


def test_a_manual_reminder_earlier_that_day_blocks_an_automatic_one(
        client: FlaskClient, login_as, clock, outbox) -> None:
    facilitator = login_as(Role.FACILITATOR, email_digest=False)
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    cohort = policy_cohort([rosa], before=2, facilitator=facilitator)
    client.post(f"/cohorts/{cohort.slug}/reminders", data={
        "learners": [rosa.id], "subject": "A nudge", "body": "Keep going"})
    day = due_day() - timedelta(days=2)
    # As if the facilitator had sent it that morning, at 08:30 in Lima.
    db.session.execute(update(Reminder).values(sent_at=at(day, 8, LIMA, 30)))
    db.session.commit()
    clock(at(day, 10, LIMA))
    periodic.run_due()
    assert [rule for _, rule, _, _ in rows()] == ["manual"]
    assert len(outbox()) == 1


def test_one_reminder_a_day_across_cohorts(clock, outbox) -> None:
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    policy_cohort([rosa], before=2)
    policy_cohort([rosa], before=2)
    clock(at(due_day() - timedelta(days=2), 9, LIMA))
    periodic.run_due()
    assert len(outbox()) == 1 and len(rows()) == 1


def test_learners_who_switched_reminders_off_get_none(clock, outbox) -> None:
    quiet = make_user(email="quiet@example.org", timezone="America/Lima",
                      email_reminders=False)
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    policy_cohort([quiet, rosa], before=2, inactive=3)
    clock(at(due_day() - timedelta(days=2), 9, LIMA))
    periodic.run_due()
    assert recipients(outbox) == ["rosa@example.org"]


def test_nothing_when_the_policy_is_off_or_the_cohort_closed(clock, outbox) -> None:
    rosa = make_user(email="rosa@example.org", timezone="America/Lima")
    policy_cohort([rosa])
    closed = policy_cohort([make_user(timezone="America/Lima")], before=2)
    closed.closed_at = at(due_day() - timedelta(days=15), 9, LIMA)
    db.session.commit()
    assert autoreminders.run(at(due_day() - timedelta(days=2), 9, LIMA)) == 0
    assert outbox() == []
