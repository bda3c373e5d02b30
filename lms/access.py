"""How a route declares who may use it, and the one place that enforces it.

Every view is marked with `@public` or `@requires(...)` next to its route. The mark is only an
attribute; `enforce()` runs before every request (ahead of the CSRF check, so an intruder gets
a sign-in redirect or a 403, not a form error) and refuses any endpoint that carries no mark.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.extensions import login_manager

ANYONE = "anyone"
SIGNED_IN = "signed-in"
FACILITATOR = "facilitator"
ADMIN = "admin"
LEVELS = (ANYONE, SIGNED_IN, FACILITATOR, ADMIN)
# Framework endpoints that serve nothing private.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])
_ATTRIBUTE = "lms_access"


def public(view: View) -> View:
    """Mark a view as open to anyone, signed in or not."""
    setattr(view, _ATTRIBUTE, ANYONE)
    return view


def requires(level: str) -> Callable[[View], View]:
    """Mark a view as open to signed-in users, facilitators (and admins) or admins only."""
    if level not in LEVELS or level == ANYONE:
        raise ValueError(f"unknown access level {level!r}")

    def mark(view: View) -> View:
        setattr(view, _ATTRIBUTE, level)
        return view

    return mark


def access_level(app: Flask, endpoint: str) -> str | None:
    """The level an endpoint declared, or None when it declared nothing."""
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return ANYONE
    view = app.view_functions.get(endpoint)
    return getattr(view, _ATTRIBUTE, None)


def enforce() -> ResponseReturnValue | None:
    """Before each request: let the user through, send them to sign in, or refuse with 403."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    level = access_level(current_app, request.endpoint)
    if level is None:
        current_app.logger.error("route %s declares no access level", request.endpoint)
        abort(403)
    if level == ANYONE:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if level != SIGNED_IN and not current_user.has_role(level):
        abort(403)
    return None
