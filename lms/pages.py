"""Pages that belong to no single area: home, health check, language switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms import desk
from lms.access import public
from lms.accounts.forms import LanguageForm
from lms.accounts.models import Role
from lms.cohorts import services as cohort_services
from lms.cohorts.focus import focus_label
from lms.courses import services as course_services
from lms.extensions import db
from lms.forms import safe_next

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def home() -> ResponseReturnValue:
    """Visitors: what the programme is, the catalogue, the way in. Signed in: one's desk."""
    language = str(get_locale())
    if not current_user.is_authenticated:
        courses = course_services.list_courses()
        return render_template("home.html", courses=courses, progress={}, language=language)
    today = cohort_services.today()
    learner = desk.learner_desk(current_user, language, today)
    cohorts = desk.facilitator_desk(current_user, language, today,
                                    current_app.config["LMS_INACTIVE_DAYS"])
    offer_courses = learner.empty and not cohorts and not current_user.has_role(Role.ADMIN)
    courses = course_services.list_courses() if offer_courses else []
    return render_template("desk.html", learner=learner, cohorts=cohorts, courses=courses,
                           progress={}, language=language, today=today,
                           focus_label=focus_label)


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
