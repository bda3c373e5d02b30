"""Outcome story pages: mine (record, edit, delete) and the programme team's review."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from lms.access import FACILITATOR, SIGNED_IN, requires
from lms.alumni import bp, outcomes, services
from lms.alumni.forms import OutcomeForm
from lms.alumni.models import OutcomeStory
from lms.alumni.views import guarded
from lms.cohorts.focus import THEMES
from lms.extensions import db
from lms.forms import render_form


def _theme_label(code: str) -> str:
    return str(THEMES.get(code, code))


def _details(form: OutcomeForm) -> outcomes.StoryDetails:
    assert form.happened_on.data is not None  # a validated form: the month is required
    return outcomes.StoryDetails(
        what_changed=form.what_changed.data.strip(), who_changed=form.who_changed.data.strip(),
        happened_on=form.happened_on.data, contribution=form.contribution.data.strip(),
        theme=form.theme.data, country=form.country.data, evidence=form.evidence_links(),
        visibility=form.visibility.data)


@bp.route("/alumni/me/outcomes", methods=["GET", "POST"])
@requires(SIGNED_IN)
def my_outcomes() -> ResponseReturnValue:
    """My outcome stories, and a form to record a new one."""
    guarded(lambda: services.ensure_alumnus(current_user))
    form = OutcomeForm()
    if form.validate_on_submit():
        outcomes.save_story(current_user, _details(form))
        db.session.commit()
        flash(gettext("Your story is recorded."), "success")
        return redirect(url_for("alumni.my_outcomes"))
    return render_form("alumni/outcomes.html", form, stories=outcomes.my_stories(current_user),
                       theme_label=_theme_label)


@bp.route("/alumni/me/outcomes/<int:story_id>", methods=["GET", "POST"])
@requires(SIGNED_IN)
def edit_outcome(story_id: int) -> ResponseReturnValue:
    """Change one of my stories (a change needs verifying again)."""
    guarded(lambda: services.ensure_alumnus(current_user))
    story = guarded(lambda: outcomes.my_story(current_user, story_id))
    form = OutcomeForm(obj=story) if request.method == "GET" else OutcomeForm()
    if request.method == "GET":
        form.evidence.data = "\n".join(story.evidence or [])
    if form.validate_on_submit():
        outcomes.save_story(current_user, _details(form), story)
        db.session.commit()
        flash(gettext("Your story is saved."), "success")
        return redirect(url_for("alumni.my_outcomes"))
    return render_form("alumni/outcome_edit.html", form, story=story)


@bp.route("/alumni/me/outcomes/<int:story_id>/delete", methods=["POST"])
@requires(SIGNED_IN)
def delete_outcome(story_id: int) -> ResponseReturnValue:
    """Delete one of my stories."""
    guarded(lambda: outcomes.delete_story(current_user, story_id))
    db.session.commit()
    flash(gettext("Your story is deleted."), "success")
    return redirect(url_for("alumni.my_outcomes"))


@bp.route("/alumni/outcomes/")
@requires(FACILITATOR)
def review_outcomes() -> ResponseReturnValue:
    """Stories of the alumni I work with, to verify."""
    stories = guarded(lambda: outcomes.stories_to_review(current_user))
    return render_template("alumni/review.html", stories=stories, theme_label=_theme_label)


@bp.route("/alumni/outcomes/<int:story_id>/verify", methods=["POST"])
@requires(FACILITATOR)
def verify_outcome(story_id: int) -> ResponseReturnValue:
    """Mark a story verified, or withdraw the mark."""
    verified = request.form.get("verified") == "1"
    story: OutcomeStory = guarded(
        lambda: outcomes.set_verified(current_user, story_id, verified))
    db.session.commit()
    flash(gettext("The story is marked as verified.") if story.verified_at
          else gettext("The story is no longer marked as verified."), "success")
    return redirect(url_for("alumni.review_outcomes"))
