"""The facilitators' part of the discussion: pinning, locking, hiding posts (with a reason the
author sees) and settling reports; and each reader's email choice for the cohort."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from lms.access import FACILITATOR, SIGNED_IN, requires
from lms.cohorts.forms import ActionForm
from lms.cohorts.models import Cohort
from lms.discussion import bp, notify, services
from lms.discussion.forms import HideForm, NotificationsForm
from lms.discussion.models import CHOICES, EVERY_POST, NOTHING, Topic
from lms.discussion.views import reader_context, refused, topic_url
from lms.forms import render_form
from lms.web import guarded


def moderated(slug: str) -> Cohort:
    """The cohort, if the signed-in user reads it (404) and facilitates it (403)."""
    cohort, _ = reader_context(slug)
    guarded(lambda: services.ensure_moderates(current_user, cohort))
    return cohort


def _topic(slug: str, topic_id: int) -> tuple[Cohort, Topic]:
    """The cohort the signed-in user moderates, and one of its topics."""
    cohort = moderated(slug)
    return cohort, guarded(lambda: services.topic_in(cohort, topic_id, current_user, True))


def _switch() -> bool:
    """The button's value: "1" to switch on, anything else to switch off."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return request.form.get("on") == "1"


@bp.route("/<slug>/discussion/<int:topic_id>/pin", methods=["POST"])
@requires(FACILITATOR)
def pin(slug: str, topic_id: int) -> ResponseReturnValue:
    """Pin a topic to the top of the list, or unpin it."""
    cohort, topic = _topic(slug, topic_id)
    pinned = _switch()
    services.set_pinned(topic, pinned)
    flash(gettext("The topic is pinned.") if pinned else gettext("The topic is unpinned."),
          "success")
    return redirect(topic_url(cohort, topic.id), code=303)


@bp.route("/<slug>/discussion/<int:topic_id>/lock", methods=["POST"])
@requires(FACILITATOR)
def lock(slug: str, topic_id: int) -> ResponseReturnValue:
    """Lock a topic (no more replies), or open it again."""
    cohort, topic = _topic(slug, topic_id)
    locked = _switch()
    services.set_locked(topic, locked)
    flash(gettext("The topic is locked.") if locked else gettext("The topic is open again."),
          "success")
    return redirect(topic_url(cohort, topic.id), code=303)


@bp.route("/<slug>/discussion/posts/<int:post_id>/hide", methods=["GET", "POST"])
@requires(FACILITATOR)
def hide(slug: str, post_id: int) -> ResponseReturnValue:
    """Hide a post, saying why: its author sees the reason, nobody else sees the post."""
    cohort = moderated(slug)
    post = guarded(lambda: services.post_in(cohort, post_id, current_user, True))
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide(post, current_user, form.reason.data or "")
        except services.DiscussionError as error:
            refused(form, error)
        else:
            flash(gettext("The post is hidden."), "success")
            return redirect(topic_url(cohort, post.topic_id, post.id), code=303)
    return render_form("discussion/reason.html", form, cohort=cohort, post=post,
                       purpose="hide")


@bp.route("/<slug>/discussion/posts/<int:post_id>/unhide", methods=["POST"])
@requires(FACILITATOR)
def unhide(slug: str, post_id: int) -> ResponseReturnValue:
    """Show a hidden post again."""
    cohort = moderated(slug)
    post = guarded(lambda: services.post_in(cohort, post_id, current_user, True))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unhide(post)
    flash(gettext("The post is shown again."), "success")
    return redirect(topic_url(cohort, post.topic_id, post.id), code=303)


@bp.route("/<slug>/discussion/reports/<int:report_id>/dismiss", methods=["POST"])
@requires(FACILITATOR)
def dismiss(slug: str, report_id: int) -> ResponseReturnValue:
    """Close a report, leaving the post as it is."""
    cohort = moderated(slug)
    found = guarded(lambda: services.report_in(cohort, report_id))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.dismiss(found, current_user)
    flash(gettext("The report is dismissed."), "success")
    return redirect(url_for("discussion.index", slug=cohort.slug, _anchor="reports"), code=303)


@bp.route("/<slug>/discussion/notifications", methods=["POST"])
@requires(SIGNED_IN)
def notifications(slug: str) -> ResponseReturnValue:
    """Save the reader's email choice for this cohort's discussion."""
    cohort, _ = reader_context(slug)
    form = NotificationsForm()
    # Only a tampered form sends a choice that is not one of the page's buttons.
    if not form.validate_on_submit() or form.choice.data not in CHOICES:
        abort(400)
    notify.set_choice(current_user.id, cohort.id, form.choice.data)
    flash({EVERY_POST: gettext("You will receive an email for every post."),
           NOTHING: gettext("You will receive no emails about this discussion.")}.get(
        form.choice.data, gettext("You will receive a daily digest of new posts.")), "success")
    return redirect(url_for("discussion.index", slug=cohort.slug, _anchor="notifications"),
                    code=303)
