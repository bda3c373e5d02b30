"""The facilitators' weekly digest: who fell behind and who finished this week, per open
cohort, in the facilitator's language; once a week, not for those who switched it off."""

from __future__ import annotations

from datetime import timedelta

from lms.accounts.models import Role, User
from lms.cohorts import services
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.courses.models import LessonProgress
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import periodic
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user


def lessons() -> list[str]:
    return [lesson.lesson_id for lesson in courses.get_course(COURSE).lessons]


def done(user: User, lesson_ids: list[str], days_ago: int) -> None:
    at = utcnow() - timedelta(days=days_ago)
    for lesson_id in lesson_ids:
        db.session.add(LessonProgress(user_id=user.id, course_id=COURSE, lesson_id=lesson_id,
                                      started_at=at, completed_at=at))
    db.session.commit()


def week_cohort(facilitators: list[User], **fields: object) -> Cohort:
    """Five learners: one fell behind this week, one behind since long ago, one finished this
    week, one finished earlier, one on track."""
    people = {name: make_user(name=name) for name in
              ("Bo Behind", "Olga Old", "Fina Finished", "Eli Earlier", "Tom Track")}
    cohort = make_cohort(facilitators=facilitators, members=list(people.values()),
                         starts_days_ago=30, length_days=60, **fields)
    today = services.today()
    ids = lessons()
    due = {lesson_id: cohort.ends_on for lesson_id in ids}
    services.set_schedule(cohort, {**due, ids[0]: today - timedelta(days=20),
                                   ids[1]: today - timedelta(days=3)})
    done(people["Bo Behind"], ids[:1], 15)
    done(people["Olga Old"], ids[1:2], 15)
    done(people["Fina Finished"], ids[:6], 10)
    done(people["Fina Finished"], ids[6:], 2)
    done(people["Eli Earlier"], ids, 10)
    done(people["Tom Track"], ids[:2], 5)
    return cohort


def digests(outbox) -> list[str]:  # type: ignore[no-untyped-def]
    return [message for message in outbox() if "this week" in message or "semaine" in message]


def test_digest_tells_who_fell_behind_and_who_finished(clock, outbox) -> None:
    jelena = make_user(Role.FACILITATOR, name="Jelena", email="jelena@example.org")
    week_cohort([jelena], name="Western Balkans", slug="wb")
    clock(utcnow())
    assert "cohorts.digest" in periodic.run_due()
    [message] = digests(outbox)
    assert "To: jelena@example.org" in message and "Subject: Your cohorts this week" in message
    assert "Western Balkans: 5 learners" in message
    assert "Fell behind this week: Bo Behind\r\n" in message
    assert "Finished the course this week: Fina Finished\r\n" in message
    assert "http://localhost/cohorts/wb/progress" in message


def test_digest_in_french_and_once_a_week(clock, outbox) -> None:
    camille = make_user(Role.FACILITATOR, name="Camille", email="camille@example.org",
                        locale="fr")
    admin = make_user(Role.ADMIN, email="admin@example.org")
    week_cohort([camille, admin], name="Afrique", slug="af")
    week_cohort([admin], name="Balkans", slug="wb")
    now = clock(utcnow())
    periodic.run_due()
    clock(now + timedelta(minutes=5))
    periodic.run_due()
    sent = digests(outbox)
    assert sorted(message.split("\n")[0] for message in sent) == [
        "To: admin@example.org", "To: camille@example.org"]
    [french] = [message for message in sent if "camille" in message]
    assert "Subject: Vos cohortes cette semaine" in french
    assert "Afrique : 5 apprenant·es" in french and "Balkans" not in french
    assert "En retard depuis cette semaine : Bo Behind" in french
    [both] = [message for message in sent if "admin@" in message]
    assert "Afrique: 5 learners" in both and "Balkans: 5 learners" in both
    # The worker was down for three weeks: one more digest each, not three.
    clock(now + timedelta(weeks=3))
    periodic.run_due()
    periodic.run_due()
    assert len(digests(outbox)) == 4


def test_no_digest_when_switched_off_or_no_open_cohort(clock, outbox) -> None:
    quiet = make_user(Role.FACILITATOR, email="quiet@example.org", email_digest=False)
    idle = make_user(Role.FACILITATOR, email="idle@example.org")
    week_cohort([quiet], slug="wb")
    closed = make_cohort(facilitators=[idle], slug="closed", starts_days_ago=100,
                         length_days=30)
    closed.closed_at = utcnow()
    db.session.commit()
    clock(utcnow())
    assert "cohorts.digest" in periodic.run_due()
    assert digests(outbox) == []
