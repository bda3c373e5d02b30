"""Dates as people write them in the page language, never ISO or with microseconds; the
certificate history names its events in the page language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import update

from lms.accounts.models import Role, User
from lms.certificates import codes
from lms.certificates import services as certificates
from lms.certificates.models import Certificate, CertificateEvent
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.extensions import db
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user

MOMENT = datetime(2026, 12, 2, 14, 3, 5, 123456, tzinfo=UTC)


def text_of(page: str) -> str:
    """The page's text, one space between elements (a term and its definition stay apart)."""
    return " ".join(" ".join(html.document_fromstring(page).itertext()).split())


def a_revoked_and_a_reissued_certificate(admin: User) -> tuple[Certificate, Certificate]:
    """Two certificates with a history, every event stamped at MOMENT."""
    course = courses.get_course(COURSE)
    revoked = certificates.issue(make_user(name="Rosa Revoked"), course, cohort=None,
                                 actor_id=None)
    certificates.revoke(revoked, admin, "Issued in error.", "")
    renamed = certificates.issue(make_user(name="Nguyen Thi Anh"), course, cohort=None,
                                 actor_id=None)
    certificates.reissue(renamed, admin, "Nguyễn Thị Anh")
    db.session.execute(update(CertificateEvent).values(at=MOMENT))
    db.session.execute(update(Certificate).values(issued_at=MOMENT))
    db.session.commit()
    return revoked, renamed


def test_french_pages_write_dates_in_words(client: FlaskClient, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR, locale="fr")
    cohort = make_cohort(facilitators=[facilitator], slug="fr-dates")
    db.session.execute(update(Cohort).where(Cohort.id == cohort.id).values(
        starts_on=date(2026, 12, 2), ends_on=date(2027, 2, 19)))
    page = text_of(client.get("/cohorts/fr-dates/").text)
    assert "2 décembre 2026 – 19 février 2027" in page
    assert "2026-12-02" not in page


def test_french_certificate_history_names_events_without_microseconds(
        client: FlaskClient, login_as) -> None:
    admin = login_as(Role.ADMIN, locale="fr")
    revoked, renamed = a_revoked_and_a_reissued_certificate(admin)
    page = text_of(client.get(f"/admin/certificates/{codes.display(revoked.code)}").text)
    assert "Délivré le 2 déc. 2026, 14:03" in page
    assert "2 déc. 2026, 14:03 · Délivré" in page
    assert "2 déc. 2026, 14:03 · Révoqué · Issued in error." in page
    page = text_of(client.get(f"/admin/certificates/{codes.display(renamed.code)}").text)
    assert "2 déc. 2026, 14:03 · Réémis · Nguyen Thi Anh -> Nguyễn Thị Anh" in page
    assert "123456" not in page and "14:03:05" not in page and "2026-12-02" not in page


def test_admin_history_in_english_has_no_microseconds(client: FlaskClient, login_as) -> None:
    admin = login_as(Role.ADMIN, locale="en")
    revoked, _ = a_revoked_and_a_reissued_certificate(admin)
    page = client.get(f"/admin/certificates/{codes.display(revoked.code)}").text
    text = text_of(page)
    assert "Dec 2, 2026, 2:03 PM · Issued" in text
    assert "Dec 2, 2026, 2:03 PM · Revoked · Issued in error." in text
    assert ".123456" not in page and "14:03:05.123" not in page
    # The machine-readable moment stays ISO, to the second.
    assert '<time datetime="2026-12-02T14:03:05+00:00">' in page


def test_french_verification_page_writes_the_issue_date_in_words(
        client: FlaskClient, login_as) -> None:
    admin = make_user(Role.ADMIN)
    revoked, _ = a_revoked_and_a_reissued_certificate(admin)
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = text_of(client.get(f"/verify/{codes.display(revoked.code)}").text)
    assert "2 décembre 2026" in page and "2026-12-02" not in page


def test_spanish_pages_write_dates_in_words(client: FlaskClient, login_as) -> None:
    admin = login_as(Role.ADMIN, locale="es")
    cohort = make_cohort(facilitators=[admin], slug="es-dates")
    db.session.execute(update(Cohort).where(Cohort.id == cohort.id).values(
        starts_on=date(2026, 12, 2), ends_on=date(2027, 2, 19)))
    page = text_of(client.get("/cohorts/es-dates/").text)
    assert "2 de diciembre de 2026 – 19 de febrero de 2027" in page
    revoked, _ = a_revoked_and_a_reissued_certificate(admin)
    page = text_of(client.get(f"/admin/certificates/{codes.display(revoked.code)}").text)
    assert "2 dic 2026, 14:03" in page
    page = text_of(client.get(f"/verify/{codes.display(revoked.code)}").text)
    assert "2 de diciembre de 2026" in page
    assert "2026-12-02" not in page and "December" not in page and "décembre" not in page
