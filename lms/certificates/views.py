"""Certificates: my certificates and their PDFs, public verification, the issuer's keys and
revocation list, administration, and a cohort's certificates for its facilitators."""

from __future__ import annotations

import io
import json
import zipfile

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import or_, select
from wtforms import StringField, TextAreaField

from lms.access import ADMIN, FACILITATOR, SIGNED_IN, public, requires
from lms.certificates import bp, codes, services, verification
from lms.certificates.models import REVOKED, SUPERSEDED, Certificate, CertificateEvent
from lms.certificates.pdf import CertificateRenderError
from lms.cohorts.views import cohort_for_facilitator
from lms.extensions import db, limiter
from lms.web import error_page


def _verify_limit() -> str:
    return current_app.config["LMS_VERIFY_LIMIT"]


@bp.errorhandler(CertificateRenderError)
def _not_rendered(error: CertificateRenderError) -> ResponseReturnValue:
    """A PDF that cannot be made (say, a font is missing): our page; nothing was stored."""
    current_app.logger.exception("certificate PDF not rendered: %s", error)
    db.session.rollback()
    return error_page(500, gettext("Your certificate is safely recorded, but its PDF could not "
                                   "be made just now. The error is logged; please try again "
                                   "later."))


def _mine_or_404(code: str) -> Certificate:
    certificate = services.find(code)
    if certificate is None:
        abort(404)
    try:
        services.ensure_holder_or_admin(current_user, certificate)
    except services.CertificateError:
        abort(404)  # others may not even learn that it exists
    return certificate


@bp.route("/certificates/")
@requires(SIGNED_IN)
def mine() -> ResponseReturnValue:
    """My certificates."""
    certificates = db.session.scalars(select(Certificate).where(
        Certificate.user_id == current_user.id).order_by(Certificate.issued_at.desc())).all()
    return render_template("certificates/mine.html", certificates=certificates, codes=codes,
                           state=services.state,
                           preparing=services.preparing([item.id for item in certificates]))


@bp.route("/certificates/<code>.pdf")
@requires(SIGNED_IN)
def download(code: str) -> ResponseReturnValue:
    """The certificate's PDF, for its holder and admins; a revoked one only after a notice
    page (410: no longer valid, so that a script or a saved link never takes it for a valid
    one) whose link, with ?revoked=1, downloads it anyway; a replaced one (reissued with a
    corrected name) likewise, pointing to its replacement."""
    certificate = _mine_or_404(code)
    current = services.state(certificate)
    revoked = current == REVOKED
    if revoked and request.args.get("revoked") != "1":
        assert certificate.revoked_at is not None
        return render_template(
            "certificates/revoked.html", certificate=certificate, codes=codes,
            revoked_on=format_date(certificate.revoked_at.date(), "long")), 410
    replaced = current == SUPERSEDED
    if replaced and request.args.get("replaced") != "1":
        return render_template("certificates/replaced.html", certificate=certificate,
                               codes=codes, replacement=services.successor(certificate)), 410
    suffix = "-revoked" if revoked else "-replaced" if replaced else ""
    document = services.pdf(certificate, current_user)
    name = f"certificate-{codes.file_name(certificate.code)}{suffix}.pdf"
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, max-age=3600"})


# Labels as the templates show them: WTForms would otherwise make English ones from the names.
class VerifyForm(FlaskForm):
    code = StringField(_l("Verification code"))


class UploadForm(FlaskForm):
    file = FileField(_l("PDF file"))


@bp.route("/verify/", methods=["GET"])
@public
def verify_form() -> ResponseReturnValue:
    """Type a code to check a certificate."""
    typed = request.args.get("code", "").strip()
    if typed:
        return redirect(url_for("certificates.verify", code=typed[:40]), code=303)
    return render_template("certificates/verify_form.html")


@bp.route("/verify/<code>", methods=["GET", "POST"])
@public
@limiter.shared_limit(_verify_limit, scope="verify")
def verify(code: str) -> ResponseReturnValue:
    """Anyone checks a certificate: its state in words, and whether a PDF is the issued one."""
    certificate = services.find(code)
    state = services.state(certificate)
    upload = UploadForm()
    upload_result = None
    if request.method == "POST":
        if certificate is None or not upload.validate_on_submit() or not upload.file.data:
            upload_result = "missing"
        else:
            with upload.file.data.stream as stream:
                upload_result = "same" if services.same_pdf(certificate, stream.read(
                    4 * 1024 * 1024)) else "different"
    status = 404 if certificate is None else 200
    return render_template(
        "certificates/verify.html", certificate=certificate, state=state, typed=code[:40],
        codes=codes, successor=services.successor(certificate) if certificate else None,
        linkedin_url=verification.linkedin_url(certificate) if certificate else None,
        signature_valid=verification.credential_verifies(certificate.credential)
        if certificate else None,
        upload_result=upload_result, issuer_name=current_app.config["LMS_ISSUER_NAME"],
    ), status


@bp.route("/verify/<code>.json")
@public
@limiter.shared_limit(_verify_limit, scope="verify")  # one count for the page and the JSON
def verify_json(code: str) -> ResponseReturnValue:
    """The state and the signed credential, for machines."""
    certificate = services.find(code)
    state = services.state(certificate)
    if certificate is None:
        return {"state": state}, 404
    body: dict[str, object] = {
        "state": state, "code": codes.display(certificate.code),
        "signature_valid": verification.credential_verifies(certificate.credential),
        "credential": json.loads(certificate.credential)}
    if certificate.revoked_at:
        body["revoked_at"] = certificate.revoked_at.isoformat()
        body["revocation_reason"] = certificate.revocation_reason
    successor = services.successor(certificate)
    if successor is not None:
        body["superseded_by"] = codes.display(successor.code)
    return body


@bp.route("/issuer")
@public
def issuer() -> ResponseReturnValue:
    """The issuer profile with the public key that verifies our credentials."""
    try:
        return verification.issuer_document()
    except services.CertificateError:
        abort(503)


@bp.route("/issuer/keys/1")
@public
def issuer_key() -> ResponseReturnValue:
    """The public key (a Multikey verification method) that verifies our credentials."""
    try:
        return verification.verification_key()
    except services.CertificateError:
        abort(503)


@bp.route("/credentials/status/1")
@public
def status_list() -> ResponseReturnValue:
    """The signed revocation list every credential points to."""
    try:
        return Response(verification.status_list(), mimetype="application/vc+ld+json")
    except services.CertificateError:
        abort(503)


# --- administration ------------------------------------------------------------------------------

class RevokeForm(FlaskForm):
    reason = StringField(_l("Public reason"))
    note = TextAreaField(_l("Internal note"))


class ReissueForm(FlaskForm):
    holder_name = StringField(_l("Name as it should be printed"))


# The history's event kinds (CertificateEvent.kind), as the page names them.
EVENT_NAMES = {"issued": _l("Issued"), "downloaded": _l("Downloaded"), "revoked": _l("Revoked"),
               "reissued": _l("Reissued")}


@bp.route("/admin/certificates")
@requires(ADMIN)
def admin_list() -> ResponseReturnValue:
    """Find certificates by code or holder's name."""
    query = request.args.get("q", "").strip()[:100]
    statement = select(Certificate).order_by(Certificate.issued_at.desc()).limit(100)
    if query:
        code = codes.normalise(query)
        statement = statement.where(or_(Certificate.code == (code or "-"),
                                        Certificate.holder_name.ilike(f"%{query}%")))
    return render_template("certificates/admin_list.html", query=query, codes=codes,
                           certificates=db.session.scalars(statement).all(),
                           state=services.state)


@bp.route("/admin/certificates/<code>", methods=["GET", "POST"])
@requires(ADMIN)
def admin_show(code: str) -> ResponseReturnValue:
    """One certificate's record and history; revoke it, or reissue it under a corrected name."""
    certificate = services.find(code)
    if certificate is None:
        abort(404)
    revoke_form, reissue_form = RevokeForm(), ReissueForm()
    error = None
    if request.method == "POST" and revoke_form.validate_on_submit():
        try:
            if request.form.get("action") == "reissue":
                replacement = services.reissue(certificate, current_user,
                                               reissue_form.holder_name.data or "")
                flash(gettext("Reissued as %(code)s.", code=codes.display(replacement.code)),
                      "success")
                return redirect(url_for("certificates.admin_show",
                                        code=codes.display(replacement.code)), code=303)
            services.revoke(certificate, current_user, revoke_form.reason.data or "",
                            revoke_form.note.data or "")
            flash(gettext("Certificate revoked. Its holder is told by email, with the reason."),
                  "success")
            return redirect(url_for("certificates.admin_show",
                                    code=codes.display(certificate.code)), code=303)
        except services.CertificateError as problem:
            error = str(problem)
    events = db.session.scalars(select(CertificateEvent).where(
        CertificateEvent.certificate_id == certificate.id).order_by(CertificateEvent.id)).all()
    return render_template("certificates/admin_show.html", certificate=certificate,
                           events=events, event_names=EVENT_NAMES, codes=codes,
                           state=services.state(certificate), error=error), 400 if error else 200


# --- a cohort's certificates ---------------------------------------------------------------------

@bp.route("/cohorts/<slug>/certificates", methods=["GET", "POST"])
@requires(FACILITATOR)
def cohort_certificates(slug: str) -> ResponseReturnValue:
    """Who will get a certificate and who will not (and why); then issue them all at once."""
    cohort = cohort_for_facilitator(slug)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            issued = services.issue_for_cohort(cohort, current_user)
        except services.CertificateError as problem:
            flash(str(problem), "error")
        else:
            flash(gettext("%(count)d certificates issued. Their PDFs are being prepared.",
                          count=issued), "success")
        return redirect(url_for("certificates.cohort_certificates", slug=slug), code=303)
    return render_template("certificates/cohort.html", cohort=cohort, codes=codes,
                           lines=services.cohort_review(cohort))


@bp.route("/cohorts/<slug>/certificates.zip")
@requires(FACILITATOR)
def cohort_zip(slug: str) -> ResponseReturnValue:
    """Every active certificate of the cohort, as one ZIP of PDFs."""
    cohort = cohort_for_facilitator(slug)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for line in services.cohort_review(cohort):
            if line.certificate is not None:
                document = services.pdf(line.certificate, current_user)
                archive.writestr(f"{codes.display(line.certificate.code)}.pdf", document)
    return Response(buffer.getvalue(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{cohort.slug}-certificates.zip"'})
