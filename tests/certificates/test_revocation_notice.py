"""After a revocation the holder is told, once, with the public reason; the PDF comes only
after a notice that it was revoked; and the certificate is not issued again by itself."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from lms.accounts.models import Role
from lms.certificates import codes, services
from lms.certificates.models import Certificate
from lms.courses import services as courses
from lms.extensions import db
from tests.certificates.helpers import COURSE, complete
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user, sign_in_id


def revoke_as_admin(app, certificate: Certificate, reason: str = "Issued in error"):  # type: ignore[no-untyped-def]
    admin = app.test_client()
    with admin.session_transaction() as session:
        session["_user_id"] = sign_in_id(make_user(Role.ADMIN))
    return admin.post(f"/admin/certificates/{certificate.code}", data={
        "action": "revoke", "reason": reason, "note": "Ticket 42"})


@pytest.fixture
def revoked(app, login_as) -> Certificate:  # type: ignore[no-untyped-def]
    learner = login_as(locale="en")
    complete(learner)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert revoke_as_admin(app, certificate).status_code == 303
    db.session.expire_all()
    return certificate


def test_the_course_page_says_the_certificate_was_revoked_and_why(client: FlaskClient,
                                                                  revoked) -> None:
    page = client.get(f"/courses/{COURSE}/").text
    section = page.split('id="certificate-title"', 1)[1].split("</section>", 1)[0]
    day = revoked.revoked_at.date()
    assert f"Your certificate for this course was revoked on {day:%B} {day.day}, {day.year}." \
        in section
    assert "Reason: Issued in error" in section
    assert "You have met every condition" not in section and "Ticket 42" not in section


def test_the_holder_gets_one_email_in_their_language(app, login_as, outbox) -> None:
    learner = login_as(locale="fr", email="ana@example.org")
    complete(learner)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert revoke_as_admin(app, certificate, "Délivré par erreur").status_code == 303
    again = revoke_as_admin(app, certificate, "Délivré par erreur")  # a double click
    assert again.status_code == 400
    [message] = outbox()
    assert "To: ana@example.org" in message
    assert "Subject: Votre certificat « Gouvernement ouvert 101 » a été révoqué" in message
    assert "Motif : Délivré par erreur" in message and "Ticket 42" not in message
    assert codes.display(certificate.code) in message


def test_a_revocation_racing_another_sends_nothing(app, login_as) -> None:
    learner = make_user()
    complete(learner)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    admin = make_user(Role.ADMIN)
    # Another request revoked it after this one loaded the certificate.
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id)
                       .values(status="revoked"), execution_options={
                           "synchronize_session": False})
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, admin, "Issued in error", "")


def test_the_pdf_of_a_revoked_certificate_comes_after_a_notice(client: FlaskClient,
                                                               revoked) -> None:
    url = f"/certificates/{codes.display(revoked.code)}.pdf"
    notice = client.get(url)
    assert notice.status_code == 410 and notice.mimetype == "text/html"
    assert "This certificate was revoked on" in notice.text
    assert "Issued in error" in notice.text
    assert f'href="{url}?revoked=1"' in notice.text
    document = client.get(f"{url}?revoked=1")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert "revoked" in document.headers["Content-Disposition"]


def test_a_revoked_certificate_is_not_issued_again_by_itself(client: FlaskClient,
                                                             revoked) -> None:
    course = courses.get_course(COURSE)
    courses.mark_done(revoked.user_id, course, course.lessons[-1])  # says the standing changed
    assert db.session.scalar(select(Certificate).where(
        Certificate.user_id == revoked.user_id, Certificate.status == "active")) is None


def test_issuing_for_the_cohort_does_not_undo_a_revocation(app, login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    learner = make_user(name="Revoked Learner")
    make_cohort(facilitators=[facilitator], members=[learner], slug="wb")
    complete(learner)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert revoke_as_admin(app, certificate, "Issued in error").status_code == 303
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(facilitator)
    page = client.get("/cohorts/wb/certificates").text
    day = db.session.get(Certificate, certificate.id).revoked_at.date()
    assert f"Revoked on {day:%B} {day.day}, {day.year}: Issued in error" in page
    assert "0 learners can receive a certificate now." in page
    assert "Will receive one" not in page
    response = client.post("/cohorts/wb/certificates", follow_redirects=True)
    assert "0 certificates issued" in response.text
    assert db.session.scalar(select(Certificate).where(
        Certificate.user_id == learner.id, Certificate.status == "active")) is None


def test_the_pdf_of_a_replaced_certificate_comes_after_a_notice(client: FlaskClient,
                                                                login_as) -> None:
    learner = login_as(name="Ana Lim")
    complete(learner)
    old = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    new = services.reissue(old, make_user(Role.ADMIN), "Ana Lima")
    db.session.commit()
    url = f"/certificates/{codes.display(old.code)}.pdf"
    notice = client.get(url)
    assert notice.status_code == 410 and notice.mimetype == "text/html"
    assert "This certificate was replaced" in notice.text
    assert f'href="/certificates/{codes.display(new.code)}.pdf"' in notice.text
    document = client.get(f"{url}?replaced=1")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert "replaced" in document.headers["Content-Disposition"]
    assert client.get(f"/certificates/{codes.display(new.code)}.pdf").status_code == 200
