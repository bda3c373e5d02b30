"""The admins' view of background work (`/admin/jobs`): the queue's health, counts by state,
failed mail and jobs with Retry and Discard, mail sent by day, and the latest messages."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from lms.access import ADMIN, requires
from lms.db import utcnow
from lms.jobs import bp, services
from lms.jobs.models import DISCARDED, DONE, FAILED, QUEUED, RUNNING, SENT
from lms.jobs.services import Work

# Kinds of email, as the page names them; a kind not listed here is shown as stored.
KIND_LABELS = {
    "account": _l("Account"),
    "invitation": _l("Invitation"),
    "reminder": _l("Reminder"),
    "digest": _l("Weekly digest"),
    "certificate": _l("Certificate notice"),
    "alumni_message": _l("Alumni message"),
    "capstone": _l("Reform project"),
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
    from lms.xapi import services as xapi  # the xAPI area builds on this one

    now = utcnow()
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "jobs/index.html", now=now, health=services.queue_health(now),
        mail_counts=services.mail_counts(now), job_counts=services.job_counts(now),
        xapi_counts=xapi.state_counts(now),
        failed_mail=services.failed_mail(now), failed_jobs=services.failed_jobs(),
        sent=services.sent_by_day(now.date()), recent=services.recent_mail(now, page),
        kind_labels=KIND_LABELS, state_labels=STATE_LABELS,
        stuck_minutes=int(services.STUCK_AFTER.total_seconds() // 60))


def _act(action: Callable[[int], Work], work_id: int,
         done: Callable[[Work], str]) -> ResponseReturnValue:
    """Retry or discard a failed email or job, then back to the page with what happened; an
    unknown one is a 404, one no longer failed (someone else acted first) says so."""
    try:
        work = action(work_id)
    except services.NotFound:
        abort(404)
    except services.NotFailed as error:
        flash(gettext("Nothing was changed: it is no longer failed (now: %(state)s). The page "
                      "below is up to date.", state=STATE_LABELS.get(error.status, error.status)),
              "error")
    else:
        flash(done(work), "success")
    return redirect(url_for("jobs.index"), code=303)


@bp.route("/mail/<int:message_id>/retry", methods=["POST"])
@requires(ADMIN)
def retry_mail(message_id: int) -> ResponseReturnValue:
    """Put a failed email back in the outbox."""
    return _act(services.retry_mail, message_id, lambda message: gettext(
        "The email to %(recipient)s is back in the outbox: a worker sends it shortly.",
        recipient=message.recipient))


@bp.route("/mail/<int:message_id>/discard", methods=["POST"])
@requires(ADMIN)
def discard_mail(message_id: int) -> ResponseReturnValue:
    """Give up on a failed email."""
    return _act(services.discard_mail, message_id, lambda message: gettext(
        "The email to %(recipient)s is discarded: it will not be sent.",
        recipient=message.recipient))


@bp.route("/<int:job_id>/retry", methods=["POST"])
@requires(ADMIN)
def retry_job(job_id: int) -> ResponseReturnValue:
    """Put a failed job back in the queue."""
    return _act(services.retry_job, job_id, lambda job: gettext(
        "The job %(name)s is back in the queue: a worker runs it shortly.", name=job.name))


@bp.route("/<int:job_id>/discard", methods=["POST"])
@requires(ADMIN)
def discard_job(job_id: int) -> ResponseReturnValue:
    """Give up on a failed job."""
    return _act(services.discard_job, job_id, lambda job: gettext(
        "The job %(name)s is discarded: it will not run.", name=job.name))
