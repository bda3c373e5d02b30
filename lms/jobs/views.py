"""The admins' view of background work (`/admin/jobs`): the queue's health, counts by state,
failed mail and jobs with Retry and Discard, mail sent by day, and the latest messages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from lms.access import ADMIN, requires
from lms.db import utcnow
from lms.jobs import bp, services
from lms.jobs.models import DISCARDED, DONE, FAILED, QUEUED, RUNNING, SENT

# Kinds of email, as the page names them; a kind not listed here is shown as stored.
KIND_LABELS = {
    "account": _l("Account"),
    "invitation": _l("Invitation"),
    "reminder": _l("Reminder"),
    "digest": _l("Weekly digest"),
    "certificate": _l("Certificate notice"),
    "alumni_message": _l("Alumni message"),
}
STATE_LABELS = {
    QUEUED: _l("Queued"),
    services.SCHEDULED: _l("Scheduled"),
    RUNNING: _l("Running"),
    SENT: _l("Sent"),
    DONE: _l("Done"),
    FAILED: _l("Failed"),
    DISCARDED: _l("Discarded"),
}


@bp.route("")
@requires(ADMIN)
def index() -> ResponseReturnValue:
    """Background work at a glance, with what failed and the latest messages."""
    now = utcnow()
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "jobs/index.html", now=now, health=services.queue_health(now),
        mail_counts=services.mail_counts(now), job_counts=services.job_counts(now),
        failed_mail=services.failed_mail(now), failed_jobs=services.failed_jobs(),
        sent=services.sent_by_day(now.date()), recent=services.recent_mail(now, page),
        kind_labels=KIND_LABELS, state_labels=STATE_LABELS,
        stuck_minutes=int(services.STUCK_AFTER.total_seconds() // 60))


def _refused(error: services.NotFailed) -> ResponseReturnValue:
    """Back to the page, saying why nothing was done (someone else acted first)."""
    flash(gettext("Nothing was changed: it is no longer failed (now: %(state)s). The page "
                  "below is up to date.", state=STATE_LABELS.get(error.status, error.status)),
          "error")
    return redirect(url_for("jobs.index"), code=303)


@bp.route("/mail/<int:message_id>/retry", methods=["POST"])
@requires(ADMIN)
def retry_mail(message_id: int) -> ResponseReturnValue:
    """Put a failed email back in the outbox."""
    try:
        message = services.retry_mail(message_id)
    except services.NotFound:
        abort(404)
    except services.NotFailed as error:
        return _refused(error)
    flash(gettext("The email to %(recipient)s is back in the outbox: a worker sends it shortly.",
                  recipient=message.recipient), "success")
    return redirect(url_for("jobs.index"), code=303)


@bp.route("/mail/<int:message_id>/discard", methods=["POST"])
@requires(ADMIN)
def discard_mail(message_id: int) -> ResponseReturnValue:
    """Give up on a failed email."""
    try:
        message = services.discard_mail(message_id)
    except services.NotFound:
        abort(404)
    except services.NotFailed as error:
        return _refused(error)
    flash(gettext("The email to %(recipient)s is discarded: it will not be sent.",
                  recipient=message.recipient), "success")
    return redirect(url_for("jobs.index"), code=303)


@bp.route("/<int:job_id>/retry", methods=["POST"])
@requires(ADMIN)
def retry_job(job_id: int) -> ResponseReturnValue:
    """Put a failed job back in the queue."""
    try:
        job = services.retry_job(job_id)
    except services.NotFound:
        abort(404)
    except services.NotFailed as error:
        return _refused(error)
    flash(gettext("The job %(name)s is back in the queue: a worker runs it shortly.",
                  name=job.name), "success")
    return redirect(url_for("jobs.index"), code=303)


@bp.route("/<int:job_id>/discard", methods=["POST"])
@requires(ADMIN)
def discard_job(job_id: int) -> ResponseReturnValue:
    """Give up on a failed job."""
    try:
        job = services.discard_job(job_id)
    except services.NotFound:
        abort(404)
    except services.NotFailed as error:
        return _refused(error)
    flash(gettext("The job %(name)s is discarded: it will not run.", name=job.name), "success")
    return redirect(url_for("jobs.index"), code=303)
