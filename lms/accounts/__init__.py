"""Accounts: users, roles, sign-in, registration, password reset and user administration."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from lms.accounts import (  # noqa: E402,F401 - routes register on bp
    account,
    admin,
    oidc,
    oidc_views,
    unsubscribe,
    views,
)

# Authlib's registry, for the app the blueprint is registered on.
bp.record_once(lambda state: oidc.init_app(state.app))  # type: ignore[arg-type]
