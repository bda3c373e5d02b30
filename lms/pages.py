"""Pages that belong to no single area: home, health check, language switcher."""

from __future__ import annotations

import threading

from cachetools import LRUCache
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms import desk
from lms.access import public
from lms.accounts.forms import LanguageForm
from lms.accounts.models import Role
from lms.cohorts import services as cohort_services
from lms.cohorts.focus import focus_label
from lms.courses import services as course_services
from lms.db import utcnow
from lms.extensions import db
from lms.forms import safe_next
from lms.jobs import services as job_services
from lms.live import services as live_services
from lms.web import may_open_alumni

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def home() -> ResponseReturnValue:
    """Visitors: what the programme is, the catalogue, the way in. Signed in: one's desk."""
    language = str(get_locale())
    if not current_user.is_authenticated:
        courses = course_services.list_courses()
        return render_template("home.html", courses=courses, progress={}, language=language)
    return _desk_page(language)


def _desk_page(language: str) -> str:
    """The signed-in home page, rendered once per day, language, address and state of what it
    shows, then served from memory. Everything it shows is someone's records, so the key holds
    the person's records version and, for a facilitator, their cohorts' stamp (`lms.records`):
    a change anywhere is seen at once, by every process. A page with a one-time message is
    never cached."""
    generate_csrf()  # the invitation forms' token is part of the page, so of the key
    today = cohort_services.today()
    inactive_days = current_app.config["LMS_INACTIVE_DAYS"]
    cacheable = "_flashes" not in session
    key = (course_services.catalogue().version, language, request.full_path,
           session.get("csrf_token"), current_user.id, current_user.records_version,
           current_user.name, current_user.role, may_open_alumni(), today, inactive_days,
           desk.facilitator_stamp(current_user),
           # Live sessions: shown on the person's clock, and gone once they ended.
           current_user.timezone, utcnow().strftime("%Y-%m-%dT%H"))
    cache = current_app.extensions["lms.desk_html"]
    if cacheable:
        with _cache_lock:
            cached: str | None = cache.get(key)
        if cached is not None:
            return cached
    learner = desk.learner_desk(current_user, language, today)
    cohorts = desk.facilitator_desk(current_user, language, today, inactive_days)
    offer_courses = learner.empty and not cohorts and not current_user.has_role(Role.ADMIN)
    courses = course_services.list_courses() if offer_courses else []
    page = render_template("desk.html", learner=learner, cohorts=cohorts, courses=courses,
                           progress={}, language=language, today=today,
                           focus_label=focus_label,
                           upcoming_sessions=live_services.upcoming_for(current_user))
    if cacheable:
        with _cache_lock:
            cache[key] = page
    return page


_cache_lock = threading.Lock()


@bp.record_once
def _create_cache(setup: BlueprintSetupState) -> None:
    setup.app.extensions["lms.desk_html"] = LRUCache(
        maxsize=setup.app.config.get("LMS_LESSON_CACHE_SIZE", 512))


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """200 when the database answers, 503 when it does not (for load balancers and monitors).
    A stuck queue (due work waiting, nothing finishing) is "degraded" with its reason, still
    200: the web is serving, and taking it out of the load balancer would not start a worker."""
    try:
        db.session.execute(text("SELECT 1"))
        queue = job_services.queue_health(utcnow())
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "degraded" if queue.stuck else "ok", "database": "ok",
            "queue": queue.as_json()}, 200


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
