"""Cohort pages: my cohorts, a cohort's page, joining by link, the dashboard and its export,
and a learner's page for facilitators (reflections, notes, sign-off)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user

from lms.access import FACILITATOR, SIGNED_IN, requires
from lms.cohorts import bp, dashboard, invitations, reminders, services
from lms.cohorts.focus import focus_label
from lms.cohorts.forms import ActionForm, NoteForm
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.extensions import limiter
from lms.forms import render_form
from lms.live import attendance as live_attendance
from lms.live import services as live
from lms.web import csv_download, guarded


def language() -> str:
    return str(get_locale())



def cohort_for_facilitator(slug: str) -> Cohort:
    """The cohort, if the signed-in user runs it (403 otherwise, 404 if there is none)."""
    cohort = guarded(lambda: services.get_cohort(slug))
    guarded(lambda: services.ensure_facilitates(current_user, cohort))
    return cohort


def state_labels() -> dict[str, str]:
    return {dashboard.ON_TRACK: gettext("On track"), dashboard.BEHIND: gettext("Behind"),
            dashboard.INACTIVE: gettext("Inactive"), dashboard.COMPLETED: gettext("Completed")}


@bp.route("/")
@requires(SIGNED_IN)
def index() -> ResponseReturnValue:
    """The cohorts I run or belong to."""
    return render_template("cohorts/index.html", cohorts=services.my_cohorts(current_user),
                           focus_label=focus_label)


@bp.route("/<slug>/")
@requires(SIGNED_IN)
def show(slug: str) -> ResponseReturnValue:
    """A cohort's page: the schedule with my status, its facilitators, how many peers."""
    cohort = guarded(lambda: services.get_cohort(slug))
    guarded(lambda: services.ensure_can_view(current_user, cohort))
    course = courses.get_course(cohort.course_id)
    member = services.is_member(current_user.id, cohort)
    progress = courses.course_progress(current_user.id, course) if member else None
    return render_template(
        "cohorts/show.html", cohort=cohort, course=course, language=language(),
        schedule=services.schedule(cohort), progress=progress, today=services.today(),
        facilitators=services.facilitators_of(cohort), members=services.member_count(cohort),
        runs_it=services.facilitates(current_user, cohort), focus_label=focus_label,
        upcoming_sessions=live.upcoming_in(cohort, current_user))


def _join_limit() -> str:
    return current_app.config["LMS_JOIN_LIMIT"]


def _join_key() -> str:
    """Join links are tried per account: a guesser is slowed down, an office is not."""
    return f"account:{current_user.id}"


@bp.route("/join/<code>", methods=["GET", "POST"])
@requires(SIGNED_IN)
@limiter.limit(_join_limit, key_func=_join_key)
def join(code: str) -> ResponseReturnValue:
    """Join a cohort by its link (a button, so that following a link changes nothing)."""
    cohort = guarded(lambda: services.cohort_for_code(code))
    form = ActionForm()
    if form.validate_on_submit():
        if services.join(cohort, current_user):
            flash(gettext("Welcome to %(cohort)s.", cohort=cohort.name), "success")
        return redirect(url_for("cohorts.show", slug=cohort.slug), code=303)
    return render_template("cohorts/join.html", cohort=cohort, focus_label=focus_label,
                           member=services.is_member(current_user.id, cohort))


@bp.route("/<slug>/invitation/accept", methods=["POST"])
@requires(SIGNED_IN)
def accept_invitation(slug: str) -> ResponseReturnValue:
    """Accept one's own invitation to a cohort: one becomes a member."""
    if not ActionForm().validate_on_submit():
        abort(400)
    cohort = guarded(lambda: invitations.accept(slug, current_user))
    flash(gettext("Welcome to %(cohort)s.", cohort=cohort.name), "success")
    return redirect(url_for("cohorts.show", slug=cohort.slug), code=303)


@bp.route("/<slug>/invitation/decline", methods=["POST"])
@requires(SIGNED_IN)
def decline_invitation(slug: str) -> ResponseReturnValue:
    """Decline one's own invitation to a cohort: nothing of one is shared with it."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if guarded(lambda: invitations.decline(slug, current_user)):
        flash(gettext("Invitation declined. You are not a member of this cohort."), "success")
    else:
        flash(gettext("There is no invitation to answer."), "error")
    return redirect(url_for("pages.home"), code=303)


def build_dashboard(cohort: Cohort) -> dashboard.Dashboard:
    course = courses.get_course(cohort.course_id)
    return dashboard.build(cohort, course, language(), today=services.today(),
                           inactive_days=current_app.config["LMS_INACTIVE_DAYS"])


@bp.route("/<slug>/progress")
@requires(FACILITATOR)
def progress(slug: str) -> ResponseReturnValue:
    """The facilitator's dashboard: who is on track, behind, inactive or done."""
    cohort = cohort_for_facilitator(slug)
    board = build_dashboard(cohort)
    state = request.args.get("state", "")
    country = request.args.get("country", "")
    sort = request.args.get("sort", "name")
    rows = dashboard.select_rows(board, state=state if state in dashboard.STATES else "",
                                 country=country, sort=sort)
    return render_template("cohorts/progress.html", cohort=cohort, board=board, rows=rows,
                           state=state, country=country, sort=sort, states=state_labels(),
                           focus_label=focus_label,
                           attendance=live_attendance.tallies_in(cohort),
                           capstones=_capstones(cohort))


def _safe_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's list: a leading tab or carriage
    return is read as one too)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@bp.route("/<slug>/progress.csv")
@requires(FACILITATOR)
def progress_csv(slug: str) -> ResponseReturnValue:
    """The dashboard's data as a spreadsheet-friendly CSV (UTF-8 with BOM, ISO dates)."""
    cohort = cohort_for_facilitator(slug)
    board = build_dashboard(cohort)
    labels = state_labels()
    projects = _capstones(cohort)
    cell_labels = {dashboard.CELL_DONE: gettext("done"), dashboard.CELL_STARTED: gettext("started"),
                   dashboard.CELL_OVERDUE: gettext("overdue"),
                   dashboard.CELL_TODO: gettext("not started")}
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow([gettext("Name"), gettext("Email address"), gettext("Country"),
                     gettext("Organisation"), gettext("State"), gettext("Lessons done"),
                     gettext("Lessons"), gettext("Knowledge checks passed"),
                     gettext("Knowledge checks"), gettext("Attempts"), gettext("Last activity"),
                     gettext("Signed off")] + [column.title for column in board.lessons]
                    + [gettext("Attendance")]
                    + (_capstone_headers() if projects is not None else []))
    attendance = live_attendance.tallies_in(cohort)
    for row in dashboard.select_rows(board, sort="name"):
        writer.writerow([_safe_cell(value) for value in [
            row.name, row.email, row.country, row.organisation, labels[row.state], row.done,
            row.total, row.checks_passed, row.checks_total, row.attempts,
            row.last_activity.date().isoformat() if row.last_activity else "",
            gettext("yes") if row.signed_off else gettext("no"),
            *[cell_labels[cell] for cell in row.cells],
            str(attendance[row.user_id]) if row.user_id in attendance else "",
            *(_capstone_cells(projects, row.user_id) if projects is not None else [])]])
    filename = f"{cohort.slug}-progress-{services.today().isoformat()}.csv"
    return csv_download(output.getvalue(), filename)


def _capstones(cohort: Cohort) -> dict[int, Any] | None:
    """Members' reform projects (one query), when the course asks for one."""
    # Imported here: the capstone area's pages build on the cohorts' ones.
    from lms.capstone import overview

    return overview.for_dashboard(cohort.id, cohort.course_id)


def _capstone_headers() -> list[str]:
    return [gettext("Reform project"), gettext("Peer reviews done"),
            gettext("Peer reviews assigned"), gettext("Peer reviews overdue")]


def _capstone_cells(projects: dict[int, Any], learner_id: int) -> list[object]:
    from lms.capstone import overview

    status = projects.get(learner_id, overview.NONE)
    return [status.label, status.reviews_done, status.reviews_assigned, status.overdue]


@bp.route("/<slug>/learners/<int:learner_id>", methods=["GET", "POST"])
@requires(FACILITATOR)
def learner(slug: str, learner_id: int) -> ResponseReturnValue:
    """One learner, for the cohort's facilitators: progress, reflections, notes, sign-off and
    the reminders they received."""
    cohort = cohort_for_facilitator(slug)
    person = guarded(lambda: services.ensure_learner_in(cohort, learner_id))
    course = courses.get_course(cohort.course_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(cohort, learner_id, current_user, form.text.data or "")
        except services.CohortError as error:
            form.text.errors = [str(error)]
        else:
            flash(gettext("Note saved."), "success")
            return redirect(url_for("cohorts.learner", slug=slug, learner_id=learner_id),
                            code=303)
    return render_form(
        "cohorts/learner.html", form, cohort=cohort, person=person, course=course,
        language=language(), progress=courses.course_progress(learner_id, course),
        reflections=(courses.shared_reflections_of(learner_id, course)
                     if services.reads_shared_reflections(current_user, cohort) else None),
        notes=services.notes_about(cohort, learner_id),
        reminders=reminders.history(cohort, person),
        membership=services.membership_of(cohort, learner_id), action_form=ActionForm())


@bp.route("/<slug>/learners/<int:learner_id>/signoff", methods=["POST"])
@requires(FACILITATOR)
def signoff(slug: str, learner_id: int) -> ResponseReturnValue:
    """Confirm (or withdraw the confirmation of) a learner's participation."""
    cohort = cohort_for_facilitator(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    confirmed = request.form.get("confirmed") == "1"
    guarded(lambda: services.sign_off(cohort, learner_id, current_user, confirmed))
    flash(gettext("Participation confirmed.") if confirmed
          else gettext("Confirmation withdrawn."), "success")
    return redirect(url_for("cohorts.learner", slug=slug, learner_id=learner_id), code=303)
