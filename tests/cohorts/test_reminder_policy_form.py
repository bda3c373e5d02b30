"""The reminder policy on the schedule page: saved, refused with clear errors, shown on the
reminders page; the manual reminders' limits that now count every cohort."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import Role
from lms.cohorts import services
from lms.cohorts.models import Cohort, Reminder
from lms.extensions import db
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


def schedule_data(cohort: Cohort, **policy: str) -> dict[str, str]:
    """The schedule form as the page sends it: the dates as they are, and the policy."""
    due = {f"due_{lesson.replace('-', '_')}": day.isoformat()
           for lesson, day in services.schedule(cohort).items()}
    return {**due, "timezone": "UTC", "remind_before_days": "", "remind_after_days": "",
            "remind_inactive_days": "", **policy}


def test_facilitator_turns_automatic_reminders_on(client: FlaskClient, login_as) -> None:
    cohort = make_cohort(facilitators=[login_as(Role.FACILITATOR)], slug="wb")
    page = client.get("/cohorts/wb/schedule").text
    assert '<option selected value="UTC">UTC</option>' in page
    assert "at most one reminder per learner per day" in page
    response = client.post("/cohorts/wb/schedule", data=schedule_data(
        cohort, timezone="America/Lima", remind_before_days="2", remind_after_days=" 3 ",
        remind_inactive_days=""))
    assert response.status_code == 303
    db.session.refresh(cohort)
    assert (cohort.timezone, cohort.remind_before_days, cohort.remind_after_days,
            cohort.remind_inactive_days) == ("America/Lima", 2, 3, None)
    page = client.get("/cohorts/wb/schedule").text
    assert 'value="2"' in page and '<option selected value="America/Lima">' in page
    reminders_page = client.get("/cohorts/wb/reminders").text
    assert "2 days before a lesson&#39;s due date, if it is not done" in reminders_page
    assert "3 days after a missed due date" in reminders_page
    assert "America/Lima" in reminders_page and 'href="/cohorts/wb/schedule#reminders"' in \
        reminders_page


@pytest.mark.parametrize(("field", "value"), [
    ("remind_before_days", "0"), ("remind_after_days", "99"), ("remind_before_days", "two"),
    ("remind_inactive_days", "2"), ("remind_after_days", "1.5"),
])
def test_bad_numbers_are_refused_on_the_field(client: FlaskClient, login_as, field: str,
                                               value: str) -> None:
    cohort = make_cohort(facilitators=[login_as(Role.FACILITATOR)], slug="wb")
    response = client.post("/cohorts/wb/schedule", data=schedule_data(cohort, **{field: value}))
    assert response.status_code == 400
    assert "Enter a whole number of days from" in response.text
    assert f'id="{field}-error"' in response.text
    db.session.refresh(cohort)
    assert getattr(cohort, field) is None


def test_an_unknown_time_zone_is_refused_in_french(client: FlaskClient, login_as) -> None:
    cohort = make_cohort(facilitators=[login_as(Role.FACILITATOR, locale="fr")], slug="wb")
    response = client.post("/cohorts/wb/schedule", data=schedule_data(
        cohort, timezone="Mars/Olympus", remind_before_days="2", remind_after_days="0"))
    assert response.status_code == 400
    assert "Choisissez un fuseau horaire dans la liste." in response.text
    assert "Saisissez un nombre entier de jours de 1 à 14" in response.text
    db.session.refresh(cohort)
    assert (cohort.timezone, cohort.remind_before_days) == ("UTC", None)  # nothing saved


def test_a_bad_date_keeps_the_policy_unsaved_too(client: FlaskClient, login_as) -> None:
    cohort = make_cohort(facilitators=[login_as(Role.FACILITATOR)], slug="wb")
    data = schedule_data(cohort, remind_before_days="2")
    data["due_civic_space"] = "2001-01-01"
    assert client.post("/cohorts/wb/schedule", data=data).status_code == 400
    db.session.refresh(cohort)
    assert cohort.remind_before_days is None


def test_a_facilitator_of_another_cohort_cannot_change_it(client: FlaskClient,
                                                          login_as) -> None:
    login_as(Role.FACILITATOR)
    theirs = make_cohort(slug="theirs")
    response = client.post("/cohorts/theirs/schedule",
                           data=schedule_data(theirs, remind_before_days="2"))
    assert response.status_code == 403
    db.session.refresh(theirs)
    assert theirs.remind_before_days is None


def test_manual_reminders_count_other_cohorts_and_skip_opted_out(client: FlaskClient,
                                                                 login_as, outbox) -> None:
    facilitator = login_as(Role.FACILITATOR)
    reminded = make_user(name="Rita Reminded")
    quiet = make_user(name="Quinn Quiet", email_reminders=False)
    ready = make_user(name="Rey Ready", email="rey@example.org")
    make_cohort(facilitators=[facilitator], members=[reminded, quiet, ready], slug="wb")
    other = make_cohort(members=[reminded], slug="other")
    db.session.add(Reminder(cohort_id=other.id, learner_id=reminded.id, sender_id=None,
                            rule="inactive", subject="Elsewhere", body="Elsewhere"))
    db.session.commit()
    page = client.get("/cohorts/wb/reminders").text
    assert "from this cohort or another, automatic or not" in page
    assert "reminders off" in page and "reminded recently" in page
    response = client.post("/cohorts/wb/reminders", data={
        "learners": [reminded.id, quiet.id, ready.id], "subject": "Hi", "body": "Hi"},
        follow_redirects=True)
    assert "Reminder sent to 1 learners." in response.text
    assert "1 were already reminded in the last 24 hours" in response.text
    assert "1 has switched reminder emails off and was skipped." in response.text
    assert [message.split("\n")[0] for message in outbox()] == ["To: rey@example.org"]


def test_the_learner_page_lists_automatic_reminders_with_their_rule(client: FlaskClient,
                                                                     login_as) -> None:
    from datetime import UTC, datetime, time, timedelta

    facilitator = login_as(Role.FACILITATOR, name="Jelena")
    learner = make_user()
    cohort = make_cohort(facilitators=[facilitator], members=[learner], slug="wb")
    due = services.schedule(cohort)["civic-space"]
    sent = datetime.combine(due - timedelta(days=2), time(9), UTC)
    db.session.add_all([
        Reminder(cohort_id=cohort.id, learner_id=learner.id, sender_id=None, rule="before_due",
                 lesson_id="civic-space", subject="Civic space is due", body="...",
                 sent_at=sent),
        Reminder(cohort_id=cohort.id, learner_id=learner.id, sender_id=facilitator.id,
                 subject="A nudge from me", body="...")])
    db.session.commit()
    page = client.get(f"/cohorts/wb/learners/{learner.id}").text
    assert "automatic: 2 days before the due date" in page and "Civic space is due" in page
    assert "A nudge from me" in page and "Jelena" in page
    assert db.session.scalar(select(Reminder.rule).where(Reminder.sender_id.is_(None))) == \
        "before_due"
