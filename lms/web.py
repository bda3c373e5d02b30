"""What every response shares: security headers, error pages and template helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from lms import errors
from lms.accounts.forms import ROLE_LABELS
from lms.extensions import db, login_manager
from lms.i18n import LANGUAGE_NAMES, country_name, format_date, format_datetime

T = TypeVar("T")


def guarded(action: Callable[[], T]) -> T:
    """Run a service call, turning its refusals into our 403 and 404 pages."""
    try:
        return action()
    except errors.NotAllowed:
        abort(403)
    except errors.NotFound:
        abort(404)


# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _content_security_policy() -> str:
    """The policy; with sign-in providers, forms may also lead to them (the sign-in and
    sign-out buttons POST here, then redirect there, and browsers check form-action on that
    redirect too)."""
    from lms.accounts.oidc import form_action_sources

    sources = form_action_sources()
    if not sources:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'",
                                           " ".join(["form-action 'self'", *sources]))


def security_headers(response: Response) -> Response:
    """Add the headers every page carries."""
    response.headers.setdefault("Content-Security-Policy", _content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


_MESSAGES: dict[int, tuple[Callable[[], str], Callable[[], str]]] = {
    400: (lambda: gettext("Something in the request was not right"),
          lambda: gettext("Please go back and try again.")),
    403: (lambda: gettext("You do not have access to this page"),
          lambda: gettext("If you think you should, ask your facilitator or the programme team.")),
    404: (lambda: gettext("Page not found"),
          lambda: gettext("Check the address, or start again from the home page.")),
    405: (lambda: gettext("This action is not possible here"),
          lambda: gettext("Go back and use the page's own buttons.")),
    413: (lambda: gettext("The file is too large"),
          lambda: gettext("Files sent to the platform can be at most 2 MB.")),
    429: (lambda: gettext("Too many attempts"),
          lambda: gettext("Please wait a few minutes before you try again.")),
    500: (lambda: gettext("Something went wrong on our side"),
          lambda: gettext("The error is logged. Please try again in a few minutes.")),
    503: (lambda: gettext("The service is briefly unavailable"),
          lambda: gettext("We could not reach the database. Please try again in a minute.")),
}


def error_page(status: int, detail: str | None = None) -> tuple[str, int]:
    """Our own page for an error status, in the user's language."""
    title, advice = _MESSAGES.get(status, _MESSAGES[400])
    return render_template("error.html", status=status, title=title(),
                           advice=detail or advice()), status


def csv_download(text: str, filename: str) -> Response:
    """A CSV file to download. Werkzeug adds the charset to a text/* type itself: naming it
    in the mimetype as well would send it twice."""
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if status not in _MESSAGES:
        return error
    return error_page(status)


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    return error_page(400, gettext(
        "This form has expired or was sent from another site. Reload the page and send it again."
    ))


def _database_down(error: OperationalError) -> ResponseReturnValue:
    # Logged (one line, no traceback): operators must see an outage or "database is locked".
    current_app.logger.warning("database unavailable, answered 503: %s",
                               str(error.orig or error).splitlines()[0])
    db.session.rollback()
    # The page itself must not query the database again (its language and header would load
    # the signed-in user, expired by the rollback): it is shown as to a signed-out visitor.
    g._login_user = login_manager.anonymous_user()
    return error_page(503)


def may_open_alumni() -> bool:
    """Whether the menu offers the alumni network: the directory's own access rule, worked out
    once a request (it reads the user's graduations and certificates)."""
    if not current_user.is_authenticated:
        return False
    if "may_open_alumni" not in g:
        from lms.alumni.services import can_use_directory  # the alumni area imports this module

        g.may_open_alumni = can_use_directory(current_user)
    return bool(g.may_open_alumni)


def _template_globals() -> dict[str, object]:
    return {
        "current_language": str(get_locale()),
        "language_names": LANGUAGE_NAMES,
        "role_labels": ROLE_LABELS,
        "country_name": country_name,
        "may_open_alumni": may_open_alumni,
        # LMS_PASSWORD_LOGIN=off: no password accounts to create (the providers make them).
        "password_login": current_app.config.get("LMS_PASSWORD_LOGIN", True),
    }


# Ids are INTEGER columns: a larger number in an address matches no route (404) instead of
# reaching the database, which refuses it (PostgreSQL) or cannot even be sent it (SQLite).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: digits that fit an id column."""

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def _has_nul(text: str | None) -> bool:
    return text is not None and "\x00" in text  # a multipart part may come without a name


def refuse_unreadable_input() -> None:
    """Before each request (after the access check), refuse with 400 what no page of ours
    sends, so that no view ever reads it. Only a forged request carries either:

    - a NUL character in the address, the query or a form field: no text on the platform may
      hold one (PostgreSQL refuses it, SQLite would store it), on both databases alike;
    - a JSON body: every form is an HTML form, but Flask-WTF would read JSON as form data,
      with numbers, lists and objects where the fields expect text.
    """
    if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS"):
        abort(400)
    if _has_nul(request.path) or any(
            _has_nul(key) or _has_nul(value)
            for values in (request.args, request.form)
            for key, value in values.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    """Register headers, error pages and template helpers on the app (before the blueprints:
    their routes use the id converter)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unreadable_input)
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _database_down)
    app.context_processor(_template_globals)
    # Dates for people to read; machine-readable ones (<time datetime>, CSV, JSON) stay ISO.
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(format_datetime, "format_datetime")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
