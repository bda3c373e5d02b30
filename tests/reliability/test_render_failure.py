"""A certificate that cannot be rendered or issued leaves nothing half-written behind.

Rendering is simulated to fail the way a broken deployment makes it fail: the bundled fonts
are missing, so WeasyPrint's fetch of `lms-font:...` is refused.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.certificates import codes, credentials, pdf, services
from lms.certificates.models import Certificate, CertificateEvent, CertificatePdf
from lms.courses import services as courses
from lms.extensions import db
from tests.certificates.helpers import COURSE, complete
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user


@pytest.fixture
def fonts_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The bundled fonts are gone (the font set-up is cached per process: drop it too)."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setattr(pdf, "FONT_DIR", empty)
    pdf._stylesheet.cache_clear()
    yield
    monkeypatch.undo()
    pdf._stylesheet.cache_clear()


def _state(certificate_id: int) -> tuple[int, str | None, list[str]]:
    """PDF rows, the stored hash, and the history of a certificate, as committed."""
    db.session.expire_all()
    pdfs = db.session.scalar(select(func.count()).select_from(CertificatePdf).where(
        CertificatePdf.certificate_id == certificate_id))
    sha = db.session.scalar(select(Certificate.pdf_sha256).where(
        Certificate.id == certificate_id))
    kinds = list(db.session.scalars(select(CertificateEvent.kind).where(
        CertificateEvent.certificate_id == certificate_id).order_by(CertificateEvent.id)))
    return pdfs or 0, sha, kinds


@pytest.mark.parametrize(("locale", "message"), [
    ("en", "Your certificate is safely recorded, but its PDF could not be made just now."),
    ("fr", "Votre certificat est bien enregistré, mais son PDF n’a pas pu être créé pour "
           "l’instant."),
])
def test_a_pdf_that_fails_to_render_gives_a_clear_page_and_stores_nothing(
        app: Flask, client: FlaskClient, login_as, fonts_missing: None,
        monkeypatch: pytest.MonkeyPatch, locale: str, message: str) -> None:
    learner = login_as(locale=locale)
    complete(learner)
    [certificate] = db.session.scalars(select(Certificate).where(
        Certificate.user_id == learner.id)).all()
    url = f"/certificates/{codes.display(certificate.code)}.pdf"

    response = client.get(url)

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert message in response.text
    assert "Traceback" not in response.text and "CertificateRenderError" not in response.text
    assert _state(certificate.id) == (0, None, ["issued"])

    # Once the fonts are back, the same link works, with no restart.
    monkeypatch.undo()
    pdf._stylesheet.cache_clear()
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdfs, sha, kinds = _state(certificate.id)
    assert (pdfs, kinds) == (1, ["issued", "downloaded"])
    assert sha is not None and len(sha) == 64


def test_checking_an_upload_when_rendering_fails_is_our_page_too(
        app: Flask, client: FlaskClient, fonts_missing: None) -> None:
    learner = make_user()
    complete(learner)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    code = codes.display(certificate.code)

    response = client.post(f"/verify/{code}", data={"file": (io.BytesIO(b"%PDF-1.7"),
                                                             "certificate.pdf")})

    assert response.status_code == 500
    assert "its PDF could not be made just now" in response.text
    assert _state(certificate.id) == (0, None, ["issued"])


def test_a_failure_while_issuing_leaves_no_certificate(app: Flask,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    learner = make_user()
    complete(learner, 6)

    def broken_signature(*args: object, **kwargs: object) -> None:
        # Fails after the certificate row has been written (it needs its id to be signed).
        raise RuntimeError("signing failed")

    monkeypatch.setattr(credentials, "sign", broken_signature)
    with pytest.raises(RuntimeError):
        services.issue(learner, courses.get_course(COURSE), cohort=None, actor_id=None)
    db.session.commit()  # even a caller that commits afterwards keeps no part of it

    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert db.session.scalar(select(func.count()).select_from(CertificateEvent)) == 0


def test_issuing_for_a_cohort_is_one_transaction(app: Flask, client: FlaskClient, login_as,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    facilitator = login_as(Role.FACILITATOR)
    learners = [make_user(name=f"Learner {number}") for number in range(3)]
    cohort = make_cohort(facilitators=[facilitator], members=learners, requires_signoff=True)
    for learner in learners:
        complete(learner)  # they wait for the sign-off the facilitator gives by issuing
    from lms.cohorts.models import Membership

    db.session.execute(Membership.__table__.update().values(signed_off_at=courses.utcnow()))
    db.session.commit()
    real_sign, calls = credentials.sign, []

    def sign_twice_then_fail(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("signing failed")
        return real_sign(*args, **kwargs)

    monkeypatch.setattr(credentials, "sign", sign_twice_then_fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: our 500 page

    response = client.post(f"/cohorts/{cohort.slug}/certificates")

    assert response.status_code == 500 and "Something went wrong on our side" in response.text
    assert len(calls) == 3
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert db.session.scalar(select(func.count()).select_from(CertificateEvent)) == 0
