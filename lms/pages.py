"""Pages that belong to no single area: home, health check, language switcher."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms.access import public
from lms.accounts.forms import LanguageForm
from lms.cohorts import invitations as cohort_invitations
from lms.courses import services as course_services
from lms.extensions import db
from lms.forms import safe_next

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def home() -> ResponseReturnValue:
    """What the programme is, the catalogue, the way in, and one's invitations to cohorts."""
    courses = course_services.list_courses()
    progress = course_services.progress_by_course(
        current_user.id if current_user.is_authenticated else None, courses)
    invitations = cohort_invitations.invitations_for(current_user.id, str(get_locale())) \
        if current_user.is_authenticated else []
    return render_template("home.html", courses=courses, progress=progress,
                           language=str(get_locale()), invitations=invitations)


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.route("/language", methods=["POST"])
@public
def set_language() -> ResponseReturnValue:
    """Switch the interface language, remembered in the session and on the account."""
    form = LanguageForm()
    destination = safe_next(form.next.data, url_for("pages.home"))
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated and current_user.locale != form.lang.data:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(destination, code=303)
