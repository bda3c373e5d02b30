"""Alumni pages: the directory, profiles and messages, my profile, my data, a cohort's alumni."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from lms.access import SIGNED_IN, requires
from lms.alumni import bp, directory, outcomes, search, services
from lms.alumni.forms import DeleteProfileForm, MessageForm, ProfileForm
from lms.alumni.text import render_bio
from lms.capstone.profile import shown_reforms
from lms.cohorts import services as cohorts
from lms.cohorts.focus import REGIONS, THEMES
from lms.cohorts.models import Cohort
from lms.extensions import db
from lms.forms import render_form
from lms.i18n import country_name, spoken_language_name
from lms.web import MAX_ID, error_page

T = TypeVar("T")
_STATUS = {services.NotAllowed: 403, services.NotFound: 404, services.MessagesOff: 409,
           services.TooManyMessages: 429}


def guarded(action: Callable[[], T]) -> T:
    """Run a service call; a refusal becomes our error page with the service's message."""
    try:
        return action()
    except (services.NotAllowed, services.NotFound) as error:
        abort(make_response(error_page(_STATUS[type(error)], str(error))))


def directory_user() -> None:
    guarded(lambda: services.ensure_directory_access(current_user))


def _labels() -> dict[str, Callable[[str], str]]:
    return {
        "region": lambda code: str(REGIONS.get(code, code)),
        "country": country_name,
        "theme": lambda code: str(THEMES.get(code, code)),
        "language": spoken_language_name,
        "year": str,
        "exchange": lambda value: gettext("Open to peer exchange"),
    }


def _cohort_names(ids: list[str]) -> dict[str, str]:
    # Only ids (a typed filter may hold "²", which isdigit() accepts and int() refuses, or a
    # number too large for the id column).
    numbers = [int(value) for value in ids
               if value.isascii() and value.isdigit() and int(value) <= MAX_ID]
    if not numbers:
        return {}
    return {str(cohort_id): name for cohort_id, name in db.session.execute(
        select(Cohort.id, Cohort.name).where(Cohort.id.in_(numbers)))}


def filter_options(counts: dict[str, dict[str, int]],
                   chosen: dict[str, str]) -> dict[str, list[tuple[str, str, int]]]:
    """Each filter's options as (value, label, count), sorted by label; a chosen value stays
    listed even when no result has it."""
    labels = _labels()
    cohort_names = _cohort_names(list(counts["cohort"]) + [chosen.get("cohort", "")])
    labels["cohort"] = lambda value: cohort_names.get(value, value)
    options = {}
    for facet in search.FACETS:
        values = dict(counts[facet])
        if facet in chosen and chosen[facet] not in values:
            values[chosen[facet]] = 0
        rows = [(value, labels[facet](value), number) for value, number in values.items()]
        if facet == "year":
            rows.sort(key=lambda row: row[0], reverse=True)
        else:
            rows.sort(key=lambda row: row[1].casefold())
        options[facet] = rows
    return options


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1


@bp.route("/alumni/")
@requires(SIGNED_IN)
def index() -> ResponseReturnValue:
    """The directory: search listed alumni by words and filters, 25 a page."""
    directory_user()
    query = request.args.get("q", "")[:2000]
    filters = search.Filters(**{facet: request.args.get(facet, "")[:80] or None
                                   for facet in search.FACETS})
    results = search.search(query, filters, _page_number())
    chosen = filters.active()
    return render_template(
        "alumni/index.html", query=query, results=results, chosen=chosen,
        options=filter_options(results.counts, chosen),
        facets=directory.facets_of([entry.user_id for entry in results.alumni]),
        theme_label=lambda code: str(THEMES.get(code, code)),
        page_args={key: value for key, value in [("q", query), *chosen.items()] if value})


@bp.route("/alumni/<int:user_id>/")
@requires(SIGNED_IN)
def profile(user_id: int) -> ResponseReturnValue:
    """A listed alumnus's profile, with a form to send them a message."""
    directory_user()
    person = guarded(lambda: services.public_profile(user_id))
    return render_profile(person, MessageForm())


def render_profile(person: services.PublicProfile, form: MessageForm,
                   status: int = 200, problem: str | None = None) -> ResponseReturnValue:
    return render_template(
        "alumni/profile.html", person=person, form=form, problem=problem,
        bio=render_bio(person.bio), own=person.user_id == current_user.id,
        stories=outcomes.shown_stories(person.user_id),
        reforms=shown_reforms(person.user_id), markdown=render_bio,
        sent_today=services.messages_sent_today(current_user.id),
        limit=services.MESSAGES_PER_DAY, theme_label=lambda code: str(THEMES.get(code, code)),
        language_name=spoken_language_name), status


@bp.route("/alumni/<int:user_id>/message", methods=["POST"])
@requires(SIGNED_IN)
def send_message(user_id: int) -> ResponseReturnValue:
    """Send a message to a listed alumnus (by email; neither address is shown to the other)."""
    directory_user()
    person = guarded(lambda: services.public_profile(user_id))
    form = MessageForm()
    if not form.validate_on_submit():
        return render_profile(person, form, status=400)
    try:
        services.send_message(current_user, user_id, form.body.data)
    except (services.MessagesOff, services.TooManyMessages) as error:
        return render_profile(person, form, status=_STATUS[type(error)], problem=str(error))
    except services.AlumniError as error:
        return render_profile(person, form, status=400, problem=str(error))
    db.session.commit()
    flash(gettext("Your message was sent to %(name)s.", name=person.name), "success")
    return redirect(url_for("alumni.profile", user_id=user_id))


@bp.route("/alumni/messages/<int:message_id>")
@requires(SIGNED_IN)
def message(message_id: int) -> ResponseReturnValue:
    """A message I received, with the sender's address so that I can reply."""
    received, sender = guarded(lambda: services.message_for_recipient(current_user, message_id))
    return render_template("alumni/message.html", message=received, sender=sender)


@bp.route("/alumni/me", methods=["GET", "POST"])
@requires(SIGNED_IN)
def me() -> ResponseReturnValue:
    """My profile: what I list about myself, and whether anyone can see it."""
    guarded(lambda: services.ensure_alumnus(current_user))
    profile = services.my_profile(current_user)
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        services.save_profile(current_user, services.ProfileDetails(
            headline=form.headline.data.strip(), organisation=form.organisation.data.strip(),
            country=form.country.data or None, languages=list(form.languages.data or []),
            themes=list(form.themes.data or []), bio=form.bio.data.strip(),
            website=(form.website.data or "").strip() or None,
            open_to_exchange=form.open_to_exchange.data,
            accepts_messages=form.accepts_messages.data, visibility=form.visibility.data))
        db.session.commit()
        flash(gettext("Your profile is listed in the alumni directory.")
              if form.visibility.data == "listed"
              else gettext("Your profile is saved. It is hidden: nobody else can see it."),
              "success")
        return redirect(url_for("alumni.me"))
    return render_form("alumni/me.html", form, profile=profile,
                       delete_form=DeleteProfileForm())


@bp.route("/alumni/me/export")
@requires(SIGNED_IN)
def export() -> ResponseReturnValue:
    """Everything the platform holds about me, as a JSON file."""
    document = json.dumps(services.export(current_user), ensure_ascii=False, indent=2)
    return Response(document, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-data.json"',
        "Cache-Control": "no-store"})


@bp.route("/alumni/me/delete", methods=["POST"])
@requires(SIGNED_IN)
def delete() -> ResponseReturnValue:
    """Delete my profile and the messages I sent (learning records and certificates stay)."""
    guarded(lambda: services.ensure_alumnus(current_user))
    form = DeleteProfileForm()
    if not form.validate_on_submit():
        profile = services.my_profile(current_user)
        return render_form("alumni/me.html", ProfileForm(obj=profile), profile=profile,
                           delete_form=form)[0], 400
    services.delete_profile(current_user)
    db.session.commit()
    flash(gettext("Your profile and the messages you sent were deleted. Your learning records "
                  "and certificates remain."), "success")
    return redirect(url_for("alumni.me"))


@bp.route("/cohorts/<slug>/alumni")
@requires(SIGNED_IN)
def cohort_alumni(slug: str) -> ResponseReturnValue:
    """A cohort's graduates who listed their profile."""
    directory_user()
    cohort = guarded(lambda: _cohort(slug))
    graduates = directory.cohort_graduates(cohort.id)
    return render_template("alumni/cohort.html", cohort=cohort, graduates=graduates,
                           facets=directory.facets_of([entry.user_id for entry in graduates]),
                           theme_label=lambda code: str(THEMES.get(code, code)))


def _cohort(slug: str) -> Cohort:
    try:
        return cohorts.get_cohort(slug)
    except cohorts.NotFound:
        raise services.NotFound(gettext("There is no such cohort.")) from None
