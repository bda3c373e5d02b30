"""Live session pages: a cohort's sessions (and scheduling), one session (editing, cancelling,
attendance), the calendars, and the secret address of one's own calendar."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user

from lms.access import FACILITATOR, SIGNED_IN, public, requires
from lms.cohorts.focus import focus_label
from lms.cohorts.forms import ActionForm
from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.extensions import limiter
from lms.forms import render_form
from lms.live import attendance, bp, calendars, services
from lms.live.forms import MinAttendanceForm, SessionForm, attendance_form, field_name
from lms.live.models import LiveSession
from lms.live.text import render_agenda
from lms.web import guarded


def _readable(slug: str) -> Cohort:
    return guarded(lambda: services.cohort_to_read(current_user, slug))


def _runnable(slug: str) -> Cohort:
    return guarded(lambda: services.cohort_to_run(current_user, slug))


def _session(cohort: Cohort, session_id: int) -> LiveSession:
    return guarded(lambda: services.session_in(cohort, session_id))


def _put_error(form: SessionForm | MinAttendanceForm, error: services.LiveError) -> None:
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors = [str(error)]
    else:
        form.form_errors.append(str(error))


def _list_page(cohort: Cohort, form: SessionForm | None,
               rule_form: MinAttendanceForm | None) -> ResponseReturnValue:
    runs_it = services.may_run(current_user, cohort)
    upcoming, past = services.split(services.sessions_of(cohort, current_user), utcnow())
    tally = attendance.tallies_in(cohort).get(current_user.id)
    status = 400 if request.method == "POST" and (
        (form is not None and form.errors) or (rule_form is not None and rule_form.errors)) \
        else 200
    return render_template(
        "live/sessions.html", cohort=cohort, upcoming=upcoming, past=past, runs_it=runs_it,
        form=form if runs_it else None,
        rule_form=rule_form or (MinAttendanceForm(
            formdata=None, data={"min_attendance": cohort.min_attendance or ""})
            if runs_it else None),
        tally=tally, zone_name=services.zone_name_for(current_user, cohort),
        focus_label=focus_label), status


@bp.route("/cohorts/<slug>/sessions", methods=["GET", "POST"])
@requires(SIGNED_IN)
def sessions(slug: str) -> ResponseReturnValue:
    """A cohort's sessions, upcoming and past; its facilitators schedule new ones here."""
    cohort = _readable(slug)
    if request.method == "POST":
        guarded(lambda: services.cohort_to_run(current_user, slug))
    form = SessionForm() if services.may_run(current_user, cohort) else None
    if form is not None and form.validate_on_submit():
        try:
            session = services.schedule(cohort, form.details())
        except services.LiveError as error:
            _put_error(form, error)
        else:
            flash(gettext("Session scheduled."), "success")
            return redirect(url_for("live.session_page", slug=slug, session_id=session.id),
                            code=303)
    return _list_page(cohort, form, None)


@bp.route("/cohorts/<slug>/sessions/attendance-rule", methods=["POST"])
@requires(FACILITATOR)
def attendance_rule(slug: str) -> ResponseReturnValue:
    """Set the minimum attendance a cohort's certificate needs."""
    cohort = _runnable(slug)
    rule_form = MinAttendanceForm()
    if rule_form.validate_on_submit():
        try:
            services.set_min_attendance(cohort, rule_form.min_attendance.data)
        except services.LiveError as error:
            _put_error(rule_form, error)
        else:
            flash(gettext("The attendance condition is saved."), "success")
            return redirect(url_for("live.sessions", slug=slug, _anchor="attendance-rule"),
                            code=303)
    return _list_page(cohort, SessionForm(formdata=None), rule_form)


def _session_page(cohort: Cohort, session: LiveSession,
                  marks: object = None) -> ResponseReturnValue:
    runs_it = services.may_run(current_user, cohort)
    roster = attendance.roster(cohort, session) if runs_it else []
    form = None
    if runs_it and attendance.may_mark(session):
        form = marks or attendance_form([(line.user_id, line.name, line.status)
                                         for line in roster], formdata=None)
    status = 400 if request.method == "POST" and getattr(form, "errors", None) else 200
    return render_template(
        "live/session.html", cohort=cohort, item=services.line(session, cohort, current_user),
        agenda=render_agenda(session.agenda), runs_it=runs_it, roster=roster,
        attendance_form=form, field_name=field_name, action_form=ActionForm(),
        now=utcnow(), focus_label=focus_label), status


@bp.route("/cohorts/<slug>/sessions/<int:session_id>")
@requires(SIGNED_IN)
def session_page(slug: str, session_id: int) -> ResponseReturnValue:
    """One session: when (on the reader's clock), where, the agenda, Add to calendar."""
    cohort = _readable(slug)
    return _session_page(cohort, _session(cohort, session_id))


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(FACILITATOR)
def edit_session(slug: str, session_id: int) -> ResponseReturnValue:
    """Change a session; moving it tells the members."""
    cohort = _runnable(slug)
    session = _session(cohort, session_id)
    if session.cancelled:
        abort(404)
    form = SessionForm(data=vars(services.details_of(session, cohort))) \
        if request.method == "GET" else SessionForm()
    if form.validate_on_submit():
        try:
            moved = services.update(cohort, session, form.details())
        except services.LiveError as error:
            _put_error(form, error)
        else:
            flash(gettext("Session changed. Members are told of the new time or place.")
                  if moved else gettext("Session changed."), "success")
            return redirect(url_for("live.session_page", slug=slug, session_id=session_id),
                            code=303)
    return render_form("live/edit.html", form, cohort=cohort, session=session,
                       focus_label=focus_label)


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/cancel", methods=["POST"])
@requires(FACILITATOR)
def cancel_session(slug: str, session_id: int) -> ResponseReturnValue:
    """Cancel a session (a button): it stays in calendars as cancelled; members are told."""
    cohort = _runnable(slug)
    session = _session(cohort, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel(cohort, session)
    except services.LiveError as error:
        flash(str(error), "error")
    else:
        flash(gettext("Session cancelled. Members are told."), "success")
    return redirect(url_for("live.session_page", slug=slug, session_id=session_id), code=303)


@bp.route("/cohorts/<slug>/sessions/<int:session_id>/attendance", methods=["POST"])
@requires(FACILITATOR)
def mark_attendance(slug: str, session_id: int) -> ResponseReturnValue:
    """Record who attended, from the list of members."""
    cohort = _runnable(slug)
    session = _session(cohort, session_id)
    roster = attendance.roster(cohort, session)
    form = attendance_form([(line.user_id, line.name, line.status) for line in roster],
                           formdata=request.form)
    if not attendance.may_mark(session):
        abort(409)
    if form.validate_on_submit():
        statuses = {line.user_id: getattr(form, field_name(line.user_id)).data or None
                    for line in roster}
        try:
            attendance.mark(cohort, session, statuses, current_user)
        except services.LiveError as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Attendance saved."), "success")
            return redirect(url_for("live.session_page", slug=slug, session_id=session_id,
                                    _anchor="attendance"), code=303)
    return _session_page(cohort, session, form)


def _calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=calendars.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/cohorts/<slug>/sessions/<int:session_id>.ics")
@requires(SIGNED_IN)
def session_ics(slug: str, session_id: int) -> ResponseReturnValue:
    """One session as a calendar file ("Add to calendar")."""
    cohort = _readable(slug)
    session = _session(cohort, session_id)
    return _calendar_response(calendars.single_session(session, cohort),
                              f"{cohort.slug}-session-{session.id}.ics")


@bp.route("/cohorts/<slug>/calendar.ics")
@requires(SIGNED_IN)
def cohort_ics(slug: str) -> ResponseReturnValue:
    """The cohort's sessions and due dates, for its members and facilitators."""
    cohort = _readable(slug)
    return _calendar_response(calendars.cohort_calendar(cohort, str(get_locale())),
                              f"{cohort.slug}.ics")


def _feed_key() -> str:
    """Per feed, not per address: a calendar service fetches many people's feeds from few
    addresses. (Guessing a token is hopeless: 256 random bits.)"""
    return f"calendar:{(request.view_args or {}).get('token', '')}"


@bp.route("/calendar/<token>.ics")
@public
@limiter.limit("30 per minute", key_func=_feed_key)
def personal_feed(token: str) -> ResponseReturnValue:
    """A person's calendar: whoever holds the secret address reads it (calendar programs
    fetch it without signing in)."""
    try:
        owner = calendars.feed_owner(token)
    except LookupError:
        abort(404)
    return _calendar_response(calendars.personal_feed(owner), "my-cohorts.ics")


@bp.route("/account/calendar", methods=["POST"])
@requires(SIGNED_IN)
def reset_feed() -> ResponseReturnValue:
    """Make (or replace) the secret address of one's calendar: the old one stops working."""
    if not ActionForm().validate_on_submit():
        abort(400)
    had_one = current_user.calendar_token is not None
    calendars.reset_token(current_user)
    flash(gettext("Your calendar has a new address. The old one no longer works.") if had_one
          else gettext("Your calendar address is ready."), "success")
    return redirect(url_for("accounts.account", _anchor="calendar"), code=303)


@bp.app_template_global("calendar_feed_url")
def calendar_feed_url(token: str) -> str:
    """The full address of a personal calendar feed, for the account page."""
    return calendars.feed_url(token)
