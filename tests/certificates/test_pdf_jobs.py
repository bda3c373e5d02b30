"""Certificate PDFs made by a worker right after issuing; a download before then makes it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import event, select, update

from lms.accounts.models import Role
from lms.certificates import codes, services
from lms.certificates.models import Certificate, CertificatePdf
from lms.certificates.pdf import CertificateRenderError
from lms.cohorts.models import Membership
from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import DONE, QUEUED, Job
from tests.certificates.helpers import complete
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user, sign_in_id

PREPARING = "PDF being prepared"


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The holder names of every certificate rendered during the test, in order."""
    rendered: list[str] = []
    real = services.render_certificate

    def counting(view, credential_json):  # type: ignore[no-untyped-def]
        rendered.append(view.holder_name)
        return real(view, credential_json)

    monkeypatch.setattr(services, "render_certificate", counting)
    yield rendered


def render_jobs() -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.name == "certificates.render_pdf")
                                   .order_by(Job.id)))


def stored(certificate: Certificate) -> bytes | None:
    db.session.expire_all()
    row = db.session.get(CertificatePdf, certificate.id)
    return row.pdf if row else None


def page_and_queries(client: FlaskClient, path: str) -> tuple[str, int]:
    """A page's text, and how many SQL statements making it took."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return client.get(path).text, len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_issuing_queues_the_render_and_a_worker_stores_the_pdf(
        app: Flask, run_jobs: Callable[[], None], renders: list[str]) -> None:
    learner = make_user(name="Amina Diallo")
    complete(learner)
    certificate = db.session.scalars(select(Certificate)).one()
    [job] = render_jobs()
    assert (job.status, job.arguments) == (QUEUED, {"certificate_id": certificate.id})
    assert stored(certificate) is None and renders == []

    run_jobs()

    document = stored(certificate)
    assert document is not None and renders == ["Amina Diallo"]
    assert "Amina Diallo" in PdfReader(io.BytesIO(document)).pages[0].extract_text()
    db.session.refresh(job)
    assert job.status == DONE and job.attempts == 1


def test_the_download_serves_the_stored_pdf_without_rendering_again(
        client: FlaskClient, login_as, run_jobs: Callable[[], None],  # type: ignore[no-untyped-def]
        renders: list[str]) -> None:
    learner = login_as(name="Stored Holder")
    complete(learner)
    run_jobs()
    certificate = db.session.scalars(select(Certificate)).one()
    document = stored(certificate)
    assert renders == ["Stored Holder"]

    response = client.get(f"/certificates/{codes.display(certificate.code)}.pdf")

    assert response.status_code == 200 and response.data == document
    assert renders == ["Stored Holder"]  # served from the store, not made again


def test_a_download_before_the_job_ran_renders_at_once_and_the_job_then_does_nothing(
        client: FlaskClient, login_as, run_jobs: Callable[[], None],  # type: ignore[no-untyped-def]
        renders: list[str]) -> None:
    learner = login_as(name="Impatient Holder")
    complete(learner)
    certificate = db.session.scalars(select(Certificate)).one()

    response = client.get(f"/certificates/{codes.display(certificate.code)}.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Impatient Holder" in page and codes.display(certificate.code) in page
    assert stored(certificate) == response.data and renders == ["Impatient Holder"]
    run_jobs()
    assert [job.status for job in render_jobs()] == [DONE]
    assert renders == ["Impatient Holder"] and stored(certificate) == response.data


def test_my_certificates_says_the_pdf_is_being_prepared_until_the_job_ran(
        client: FlaskClient, login_as, run_jobs: Callable[[], None]) -> None:  # type: ignore[no-untyped-def]
    learner = login_as()
    complete(learner)
    page = client.get("/certificates/").text
    assert PREPARING in page and "Download the PDF" in page  # it can be had at once anyway
    run_jobs()
    page = client.get("/certificates/").text
    assert PREPARING not in page and "Download the PDF" in page


def test_my_certificates_costs_the_same_queries_for_one_or_three_certificates(
        app: Flask) -> None:
    counts = []
    admin = make_user(Role.ADMIN)
    for reissues in (0, 2):
        learner = make_user()
        complete(learner)
        certificate = db.session.scalars(select(Certificate).where(
            Certificate.user_id == learner.id)).one()
        for number in range(reissues):
            certificate = services.reissue(certificate, admin, f"Corrected Name {number}")
        assert len(services.preparing([certificate.id])) == 1
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = sign_in_id(learner)
        client.get("/certificates/")  # the session's first request records the sign-in's use
        page, statements = page_and_queries(client, "/certificates/")
        assert page.count(PREPARING) == 1  # the replaced ones' PDFs are not offered
        counts.append(statements)
    assert counts[0] == counts[1]


def test_issuing_for_a_cohort_queues_one_job_per_certificate(
        client: FlaskClient, login_as, run_jobs: Callable[[], None],  # type: ignore[no-untyped-def]
        renders: list[str]) -> None:
    facilitator = login_as(Role.FACILITATOR)
    learners = [make_user(name=f"Learner {number}") for number in range(3)]
    cohort = make_cohort(facilitators=[facilitator], members=learners, slug="batch",
                         requires_signoff=True)
    for learner in learners:
        complete(learner)
    db.session.execute(update(Membership).where(Membership.cohort_id == cohort.id)
                       .values(signed_off_at=utcnow()))
    db.session.commit()
    assert render_jobs() == []

    response = client.post("/cohorts/batch/certificates", follow_redirects=True)

    assert "3 certificates issued. Their PDFs are being prepared." in response.text
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    jobs = render_jobs()
    assert [job.arguments["certificate_id"] for job in jobs] == [c.id for c in certificates]
    run_jobs()
    assert sorted(renders) == ["Learner 0", "Learner 1", "Learner 2"]
    assert all(stored(certificate) for certificate in certificates)


def test_a_reissue_queues_the_replacement_s_pdf(app: Flask, run_jobs: Callable[[], None],
                                                renders: list[str]) -> None:
    learner = make_user(name="Wrong Name")
    complete(learner)
    run_jobs()
    original = db.session.scalars(select(Certificate)).one()
    replacement = services.reissue(original, make_user(Role.ADMIN), "Right Name")
    assert render_jobs()[-1].arguments == {"certificate_id": replacement.id}
    run_jobs()
    assert renders == ["Wrong Name", "Right Name"] and stored(replacement)


def test_a_failing_render_is_retried_with_its_error_recorded(
        app: Flask, run_jobs: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    learner = make_user()
    complete(learner)
    certificate = db.session.scalars(select(Certificate)).one()

    def broken(view, credential_json):  # type: ignore[no-untyped-def]
        raise CertificateRenderError("the bundled font is missing")

    with monkeypatch.context() as patch:
        patch.setattr(services, "render_certificate", broken)
        run_jobs()
    [job] = render_jobs()
    assert job.status == QUEUED and job.attempts == 1
    assert "the bundled font is missing" in job.last_error
    assert job.run_after > utcnow() + timedelta(seconds=20)  # after the backoff
    assert stored(certificate) is None

    job.run_after = utcnow()  # its time comes
    run_jobs()
    db.session.refresh(job)
    assert job.status == DONE and job.attempts == 2 and job.last_error == ""
    assert stored(certificate) is not None


def test_the_command_renders_what_no_worker_has_yet(
        app: Flask, runner, run_jobs: Callable[[], None], database_url: str,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    learner = make_user()
    complete(learner)
    certificate = db.session.scalars(select(Certificate)).one()
    db.session.commit()
    # The command's processes build their app from the environment, as in production.
    for name, value in {"LMS_DATABASE_URL": database_url,
                        "LMS_INSTANCE_PATH": str(tmp_path / "pool"),
                        "LMS_SIGNING_KEY_PATH": str(app.config["LMS_SIGNING_KEY_PATH"]),
                        "LMS_BASE_URL": app.config["LMS_BASE_URL"]}.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(args=["lms", "render-certificates", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "1 certificate PDFs rendered." in result.output
    document = stored(certificate)
    assert document is not None and document == services.render(certificate)
    run_jobs()  # the job still queued finds it stored
    assert [job.status for job in render_jobs()] == [DONE]


def test_a_download_and_a_worker_storing_at_the_same_moment_keep_one_pdf(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    learner = make_user(name="Raced Holder")
    complete(learner)
    certificate = db.session.scalars(select(Certificate)).one()
    db.session.commit()
    real = services.render

    def render_while_a_worker_stores(certificate: Certificate) -> bytes:
        document = real(certificate)
        with db.engine.begin() as other:  # the worker's transaction commits first
            other.execute(CertificatePdf.__table__.insert().values(
                certificate_id=certificate.id, pdf=document, rendered_at=utcnow()))
        return document

    monkeypatch.setattr(services, "render", render_while_a_worker_stores)
    document = services.pdf(certificate, learner)

    assert document == stored(certificate)
    assert db.session.scalars(select(CertificatePdf.certificate_id)).all() == [certificate.id]
