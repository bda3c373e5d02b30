"""Running a cohort: creating and editing it (admins), its schedule, invitations, CSV import,
join link and reminders (its facilitators), and closing it (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from lms import mail
from lms.access import ADMIN, FACILITATOR, requires
from lms.cohorts import bp, dashboard, imports, invitations, policy, reminders, services
from lms.cohorts.focus import focus_label
from lms.cohorts.forms import (
    ActionForm,
    AddMemberForm,
    CohortForm,
    ConfirmImportForm,
    ImportForm,
    ReminderForm,
    schedule_form,
)
from lms.cohorts.models import Cohort
from lms.cohorts.views import build_dashboard, cohort_for_facilitator, language
from lms.courses import services as courses
from lms.extensions import db
from lms.forms import render_form
from lms.web import guarded


def _cohort_form(cohort: Cohort | None = None) -> CohortForm:
    form = CohortForm(
        obj=cohort,
        courses=[(course.course_id, course.title(language())) for course in courses.list_courses()],
        facilitators=[(user.id, f"{user.name} ({user.email})")
                      for user in services.facilitator_candidates()])
    if cohort is not None and not form.is_submitted():
        form.facilitator_ids.data = services.facilitator_ids(cohort)
    return form


def _details(form: CohortForm) -> services.CohortDetails:
    return services.CohortDetails(
        name=form.name.data or "", slug=form.slug.data or "", focus=form.focus.data or "",
        course_id=form.course_id.data or "", starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, requires_signoff=bool(form.requires_signoff.data),
        facilitator_ids=list(form.facilitator_ids.data or []))


def _field_error(form: object, error: services.CohortError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))  # type: ignore[attr-defined]


@bp.route("/new", methods=["GET", "POST"])
@requires(ADMIN)
def create() -> ResponseReturnValue:
    """Create a cohort; its schedule starts evenly spread and can be adjusted next."""
    form = _cohort_form()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(_details(form))
        except services.CohortError as error:
            _field_error(form, error)
        else:
            flash(gettext("Cohort created. Check the schedule, then add members."), "success")
            return redirect(url_for("cohorts.edit_schedule", slug=cohort.slug), code=303)
    return render_form("cohorts/form.html", form, cohort=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires(ADMIN)
def edit(slug: str) -> ResponseReturnValue:
    """Change a cohort's details."""
    cohort = guarded(lambda: services.get_cohort(slug))
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        try:
            services.update_cohort(cohort, _details(form))
        except services.CohortError as error:
            _field_error(form, error)
        else:
            flash(gettext("Cohort saved."), "success")
            return redirect(url_for("cohorts.show", slug=cohort.slug), code=303)
    return render_form("cohorts/form.html", form, cohort=cohort,
                       close_form=ActionForm(formdata=None))


@bp.route("/<slug>/close", methods=["POST"])
@requires(ADMIN)
def close(slug: str) -> ResponseReturnValue:
    """Close the cohort: those who completed the course become its graduates."""
    cohort = guarded(lambda: services.get_cohort(slug))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        graduates = services.close_cohort(cohort)
    except services.CohortError as error:
        flash(str(error), "error")
    else:
        flash(gettext("Cohort closed: %(count)d graduates.", count=graduates), "success")
    return redirect(url_for("cohorts.show", slug=cohort.slug), code=303)


@bp.route("/<slug>/schedule", methods=["GET", "POST"])
@requires(FACILITATOR)
def edit_schedule(slug: str) -> ResponseReturnValue:
    """Set each lesson's due date (evenly spread by default), the cohort's time zone and its
    automatic reminders."""
    cohort = cohort_for_facilitator(slug)
    course = courses.get_course(cohort.course_id)
    titles = [(lesson.lesson_id, lesson.version(language())[0].title) for lesson in course.lessons]
    current = services.schedule(cohort)
    form = schedule_form(titles, current)
    _policy_choices(form, cohort)
    if form.is_submitted():
        dates_valid = form.validate()
        due = {lesson_id: form[f"due_{lesson_id.replace('-', '_')}"].data
               for lesson_id, _ in titles}
        try:
            # The policy is checked even when a date is wrong: every error shows at once.
            checked = _checked_policy(form, cohort)
            if dates_valid:
                policy.save(cohort, checked)
                services.set_schedule(cohort, due)
        except services.CohortError as error:
            db.session.rollback()
            _schedule_errors(form, error)
        else:
            if dates_valid:
                flash(gettext("Schedule saved."), "success")
                return redirect(url_for("cohorts.show", slug=cohort.slug), code=303)
    return render_form("cohorts/schedule.html", form, cohort=cohort,
                       default=services.default_schedule(course, cohort.starts_on,
                                                         cohort.ends_on),
                       send_hour=policy.SEND_HOUR)


def _policy_choices(form: FlaskForm, cohort: Cohort) -> None:
    """The time zone list, and the current policy in the fields of a form not yet sent."""
    form.timezone.choices = [(name, name) for name in policy.timezones()]
    if not form.is_submitted():
        form.timezone.data = cohort.timezone
        for name in policy.FIELDS.values():  # named as the cohort's columns
            days = getattr(cohort, name)
            form[name].data = "" if days is None else str(days)


def _checked_policy(form: FlaskForm, cohort: Cohort) -> policy.Policy:
    """The policy the form describes, or PolicyInvalid."""
    # A form from before the time zone existed keeps the cohort's.
    timezone = form.timezone.data if "timezone" in request.form else cohort.timezone
    return policy.check(timezone or "", form.remind_before_days.data,
                        form.remind_after_days.data, form.remind_inactive_days.data)


def _schedule_errors(form: FlaskForm, error: services.CohortError) -> None:
    """Put a refusal on the field it is about: a policy field or a lesson's date."""
    if isinstance(error, policy.PolicyInvalid):
        for name, message in error.errors.items():
            form[name].errors = [*form[name].errors, message]
        return
    form[f"due_{(error.field or '').replace('-', '_')}"].errors.append(str(error))


@bp.route("/<slug>/members", methods=["GET", "POST"])
@requires(FACILITATOR)
def members(slug: str) -> ResponseReturnValue:
    """Members: invite one by one, pending invitations, the join link, and the CSV import."""
    cohort = cohort_for_facilitator(slug)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            address = invitations.invite_one(cohort, email=form.email.data,
                                             name=form.name.data or "", inviter=current_user,
                                             locale=language())
        except services.CohortError as error:
            _field_error(form, error)
        else:
            # The same words whether or not the address has an account.
            flash(gettext("Invitation sent to %(email)s.", email=address), "success")
            return redirect(url_for("cohorts.members", slug=slug), code=303)
    board = build_dashboard(cohort)
    return render_form("cohorts/members.html", form, cohort=cohort,
                       rows=dashboard.select_rows(board), action_form=ActionForm(formdata=None),
                       invitations=invitations.pending(cohort),
                       join_url=mail.link("cohorts.join", code=cohort.join_code)
                       if cohort.join_code else None,
                       focus_label=focus_label)


@bp.route("/<slug>/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(FACILITATOR)
def resend_invitation(slug: str, invitation_id: int) -> ResponseReturnValue:
    """Send a pending invitation again (still one invitation)."""
    cohort = cohort_for_facilitator(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    address = guarded(lambda: invitations.resend(cohort, invitation_id, current_user))
    flash(gettext("Invitation sent to %(email)s.", email=address), "success")
    return redirect(url_for("cohorts.members", slug=slug), code=303)


@bp.route("/<slug>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@requires(FACILITATOR)
def cancel_invitation(slug: str, invitation_id: int) -> ResponseReturnValue:
    """Withdraw a pending invitation."""
    cohort = cohort_for_facilitator(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    address = guarded(lambda: invitations.cancel(cohort, invitation_id))
    flash(gettext("The invitation to %(email)s is cancelled.", email=address), "success")
    return redirect(url_for("cohorts.members", slug=slug), code=303)


@bp.route("/<slug>/members/<int:learner_id>/remove", methods=["POST"])
@requires(FACILITATOR)
def remove_member(slug: str, learner_id: int) -> ResponseReturnValue:
    """Take a learner out of the cohort (their learning records stay)."""
    cohort = cohort_for_facilitator(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        guarded(lambda: services.remove_member(cohort, learner_id))
    except services.CohortError as error:
        flash(str(error), "error")
    else:
        flash(gettext("Member removed."), "success")
    return redirect(url_for("cohorts.members", slug=slug), code=303)


@bp.route("/<slug>/join-link", methods=["POST"])
@requires(FACILITATOR)
def join_link(slug: str) -> ResponseReturnValue:
    """Make a new join link (the old one stops working) or switch it off."""
    cohort = cohort_for_facilitator(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "disable":
        services.disable_join_code(cohort)
        flash(gettext("The join link is switched off."), "success")
    else:
        services.rotate_join_code(cohort)
        flash(gettext("A new join link is ready; the old one no longer works."), "success")
    return redirect(url_for("cohorts.members", slug=slug), code=303)


@bp.route("/<slug>/members/import", methods=["GET", "POST"])
@requires(FACILITATOR)
def import_members(slug: str) -> ResponseReturnValue:
    """Upload a CSV file and see what would happen to each line (nothing is written yet)."""
    cohort = cohort_for_facilitator(slug)
    form = ImportForm()
    if form.validate_on_submit():
        with form.file.data.stream as upload:
            data = upload.read(imports.MAX_BYTES + 1)
        try:
            rows = imports.preview(cohort, data)
        except services.CohortError as error:
            form.file.errors = [str(error)]
        else:
            return render_template("cohorts/import_preview.html", cohort=cohort, rows=rows,
                                   statuses=imports, token=imports.sign(cohort, rows),
                                   confirm_form=ConfirmImportForm(formdata=None))
    return render_form("cohorts/import.html", form, cohort=cohort)


@bp.route("/<slug>/members/import/confirm", methods=["POST"])
@requires(FACILITATOR)
def confirm_import(slug: str) -> ResponseReturnValue:
    """Invite every valid row of the preview, in one transaction."""
    cohort = cohort_for_facilitator(slug)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        invited = imports.confirm(cohort, form.token.data, current_user, language())
    except services.CohortError as error:
        flash(str(error), "error")
        return redirect(url_for("cohorts.import_members", slug=slug), code=303)
    flash(ngettext("Invitation sent to %(num)d person. They join the cohort once they accept.",
                   "Invitations sent to %(num)d people. They join the cohort once they accept.",
                   invited), "success")
    return redirect(url_for("cohorts.members", slug=slug), code=303)


@bp.route("/<slug>/reminders", methods=["GET", "POST"])
@requires(FACILITATOR)
def remind(slug: str) -> ResponseReturnValue:
    """Write and send a reminder to chosen learners, or to everyone behind."""
    cohort = cohort_for_facilitator(slug)
    board = build_dashboard(cohort)
    course = courses.get_course(cohort.course_id)
    form = ReminderForm()
    form.learners.choices = [(row.user_id, row.name) for row in dashboard.select_rows(board)]
    if request.method == "GET":
        subject, body = reminders.default_template()
        form.subject.data, form.body.data = subject, body
        wanted = {row.user_id for row in board.rows if row.state == dashboard.BEHIND} \
            if request.args.get("behind") else set(request.args.getlist("learner", type=int))
        form.learners.data = [row.user_id for row in board.rows if row.user_id in wanted]
    if form.validate_on_submit():
        chosen = [row for row in board.rows if row.user_id in set(form.learners.data or [])]
        due_titles = {row.user_id: [column.title for column, cell in zip(board.lessons, row.cells,
                                                                          strict=True)
                                    if cell == dashboard.CELL_OVERDUE] for row in chosen}
        try:
            result = reminders.send(
                cohort, current_user, chosen, subject=form.subject.data, body=form.body.data,
                course_title=course.title(language()), due_titles=due_titles,
                link=mail.link("courses.course", course_id=course.course_id))
        except services.CohortError as error:
            _field_error(form, error)
        else:
            message = gettext("Reminder sent to %(count)d learners.", count=len(result.to_send))
            if result.recently_reminded:
                message += " " + gettext("%(count)d were already reminded in the last 24 hours "
                                         "and were skipped.", count=len(result.recently_reminded))
            if result.opted_out:
                message += " " + ngettext(
                    "%(num)d has switched reminder emails off and was skipped.",
                    "%(num)d have switched reminder emails off and were skipped.",
                    len(result.opted_out))
            flash(message, "success")
            return redirect(url_for("cohorts.progress", slug=slug), code=303)
    split = reminders.recipients(cohort, board.rows)
    return render_form("cohorts/reminder.html", form, cohort=cohort,
                       recent={row.user_id for row in split.recently_reminded},
                       opted_out={row.user_id for row in split.opted_out},
                       rules=policy.describe(cohort), timezone=cohort.timezone,
                       send_hour=policy.SEND_HOUR)
