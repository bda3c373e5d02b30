"""Reform project pages: the learner's draft and its reviews, the reviews assigned to me, and
the facilitators' list and decision pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user

from lms.access import FACILITATOR, SIGNED_IN, requires
from lms.alumni.text import render_bio
from lms.capstone import bp, overview, services
from lms.capstone.forms import (
    AnonymityForm,
    ProfileChoiceForm,
    draft_form,
    draft_values,
    scoring_form,
)
from lms.capstone.models import APPROVED, CHANGES_REQUESTED, DRAFT, SUBMITTED
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.forms import render_form
from lms.web import guarded


def language() -> str:
    return str(get_locale())



def _scoring(form: object, spec: object) -> services.Scoring:
    fields = form.fields_by_name()  # type: ignore[attr-defined]
    return services.Scoring(
        scores={name.removeprefix("score-"): str(field.data or "")
                for name, field in fields.items() if name.startswith("score-")},
        comments={name.removeprefix("comment-"): field.data or ""
                  for name, field in fields.items() if name.startswith("comment-")},
        overall=fields["overall"].data or "")


# --- the learner ----------------------------------------------------------------------------

@bp.route("/courses/<course_id>/capstone", methods=["GET", "POST"])
@requires(SIGNED_IN)
def mine(course_id: str) -> ResponseReturnValue:
    """My reform project: the draft (save or submit), its state, reviews and versions."""
    course, spec = guarded(lambda: services.spec_of(course_id))
    capstone = services.capstone_of(current_user.id, course_id)
    editable = capstone is None or capstone.state in (DRAFT, CHANGES_REQUESTED)
    form = draft_form(spec, language(), dict(capstone.draft) if capstone else None)
    if request.method == "POST":
        if not editable:
            flash(gettext("This version is with its reviewers: you can edit it again if changes "
                          "are asked for."), "error")
            return redirect(url_for("capstone.mine", course_id=course_id), code=303)
        if form.validate_on_submit():
            submitting = request.form.get("action") == "submit"
            try:
                if submitting:
                    services.submit(current_user, course_id, draft_values(form, spec))
                else:
                    services.save_draft(current_user, course_id, draft_values(form, spec))
            except services.FieldErrors as error:
                form.show_errors(error.errors)
            except services.CapstoneError as error:
                form.form_errors.append(str(error))
            else:
                flash(gettext("Your project is submitted.") if submitting
                      else gettext("Draft saved."), "success")
                return redirect(url_for("capstone.mine", course_id=course_id), code=303)
    in_cohort = capstone is not None and capstone.cohort_id is not None \
        or services.current_cohort(current_user.id, course_id) is not None
    return render_form(
        "capstone/mine.html", form, course=course, spec=spec, language=language(),
        capstone=capstone, editable=editable, in_cohort=in_cohort,
        versions=services.versions_of(capstone) if capstone else [],
        reviews=services.reviews_of(capstone, for_author=True) if capstone else [],
        profile_form=ProfileChoiceForm(show_on_profile=capstone.show_on_profile)
        if capstone is not None and capstone.state == APPROVED else None,
        assigned=services.my_assignments(current_user, course_id))


@bp.route("/courses/<course_id>/capstone/profile", methods=["POST"])
@requires(SIGNED_IN)
def show_on_profile(course_id: str) -> ResponseReturnValue:
    """Show (or hide) my approved project on my alumni profile."""
    guarded(lambda: services.spec_of(course_id))
    form = ProfileChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_show_on_profile(current_user, course_id, bool(form.show_on_profile.data))
    except services.CapstoneError as error:
        flash(str(error), "error")
        return redirect(url_for("capstone.mine", course_id=course_id), code=303)
    flash(gettext("Your project is shown on your alumni profile.") if form.show_on_profile.data
          else gettext("Your project is hidden from your alumni profile."), "success")
    return redirect(url_for("capstone.mine", course_id=course_id), code=303)


# --- peer reviewers -------------------------------------------------------------------------

@bp.route("/courses/<course_id>/capstone/reviews")
@requires(SIGNED_IN)
def my_reviews(course_id: str) -> ResponseReturnValue:
    """The peers' projects I am asked to review."""
    course, spec = guarded(lambda: services.spec_of(course_id))
    return render_template("capstone/reviews.html", course=course, spec=spec,
                           language=language(),
                           assigned=services.my_assignments(current_user, course_id))


@bp.route("/courses/<course_id>/capstone/reviews/<int:assignment_id>", methods=["GET", "POST"])
@requires(SIGNED_IN)
def review(course_id: str, assignment_id: int) -> ResponseReturnValue:
    """Read the version I was assigned and score it with the rubric (only its reviewer)."""
    course, spec = guarded(lambda: services.spec_of(course_id))
    assigned = guarded(lambda: services.ensure_assigned(current_user, course_id, assignment_id))
    version = services.version_of(assigned)
    form = scoring_form(spec, language(), facilitator=False)
    done = services.review_by(version.id, current_user.id)
    if request.method == "POST" and done is None and form.validate_on_submit():
        try:
            services.peer_review(current_user, assigned, _scoring(form, spec))
        except services.FieldErrors as error:
            form.show_errors(error.errors)
        except services.CapstoneError as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Thank you: your review is sent."), "success")
            return redirect(url_for("capstone.my_reviews", course_id=course_id), code=303)
    elif request.method == "POST" and done is not None:
        form.form_errors.append(gettext("You have already reviewed this project."))
    return render_form("capstone/review.html", form, course=course, spec=spec,
                       language=language(), assigned=assigned, version=version, done=done)


# --- facilitators ---------------------------------------------------------------------------

def _cohort(slug: str) -> Cohort:
    cohort = guarded(lambda: cohorts.get_cohort(slug))
    guarded(lambda: cohorts.ensure_facilitates(current_user, cohort))
    return cohort


@bp.route("/cohorts/<slug>/capstones")
@requires(FACILITATOR)
def cohort_capstones(slug: str) -> ResponseReturnValue:
    """A cohort's reform projects: who submitted, reviews done and overdue, approvals."""
    cohort = _cohort(slug)
    course, spec = guarded(lambda: services.spec_of(cohort.course_id))
    lines = overview.cohort_lines(cohort.id, cohort.course_id)
    return render_template(
        "capstone/cohort.html", cohort=cohort, course=course, spec=spec, lines=lines,
        language=language(), summary=overview.summary(lines), labels=overview.STATE_LABELS,
        anonymity_form=AnonymityForm(anonymous=services.is_anonymous(cohort.id)))


@bp.route("/cohorts/<slug>/capstones/settings", methods=["POST"])
@requires(FACILITATOR)
def cohort_settings(slug: str) -> ResponseReturnValue:
    """Whether the cohort's authors see who reviewed them."""
    cohort = _cohort(slug)
    guarded(lambda: services.spec_of(cohort.course_id))
    form = AnonymityForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_anonymous(cohort, bool(form.anonymous.data))
    flash(gettext("Peer reviewers are anonymous.") if form.anonymous.data
          else gettext("Authors now see their peer reviewers' names."), "success")
    return redirect(url_for("capstone.cohort_capstones", slug=slug), code=303)


@bp.route("/cohorts/<slug>/capstones/<int:capstone_id>", methods=["GET", "POST"])
@requires(FACILITATOR)
def cohort_capstone(slug: str, capstone_id: int) -> ResponseReturnValue:
    """One learner's project for the facilitator: versions, peers' reviews, and the decision."""
    cohort = _cohort(slug)
    course, spec = guarded(lambda: services.spec_of(cohort.course_id))
    capstone = guarded(lambda: services.ensure_in_cohort(cohort, capstone_id))
    form = scoring_form(spec, language(), facilitator=True)
    if request.method == "POST" and form.validate_on_submit():
        decision = str(form.decision.data or "")
        try:
            services.decide(current_user, cohort, capstone, _scoring(form, spec), decision)
        except services.FieldErrors as error:
            form.show_errors(error.errors)
        except services.CapstoneError as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Project approved.") if capstone.state == APPROVED
                  else gettext("Changes asked: the learner can revise and resubmit."), "success")
            return redirect(url_for("capstone.cohort_capstones", slug=slug), code=303)
    author = guarded(lambda: cohorts.ensure_learner_in(cohort, capstone.user_id))
    peers = services.peer_assignments_of(capstone)
    current = [row for row, _ in peers if row.replaced_at is None]
    reviewed = capstone.state == SUBMITTED and bool(current) \
        and all(row.done_at for row in current)
    return render_form(
        "capstone/decide.html", form, cohort=cohort, course=course, spec=spec,
        language=language(), capstone=capstone, author=author,
        versions=services.versions_of(capstone),
        reviews=services.reviews_of(capstone, for_author=False), peers=peers,
        state_label=overview.STATE_LABELS[overview.PEER_REVIEWED if reviewed
                                          else capstone.state])


@bp.context_processor
def _helpers() -> dict[str, object]:
    """Learners' Markdown, sanitised (nh3: http(s) and mailto links, rel="nofollow ugc")."""
    return {"learner_markdown": render_bio}


@bp.app_template_global()
def has_capstone(course_id: str) -> bool:
    """Whether a course asks for a reform project (the cohort menu links to it then)."""
    try:
        return services.spec_of(course_id) is not None
    except services.NotFound:
        return False
