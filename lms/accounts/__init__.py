"""Accounts: users, roles, sign-in, registration, password reset and user administration."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from lms.accounts import account, admin, unsubscribe, views  # noqa: E402,F401 - routes register on bp
