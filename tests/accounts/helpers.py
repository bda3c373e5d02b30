"""Helpers for tests that follow links from emails."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lms.accounts.models import User, UserSession
from lms.extensions import db


def link_in(message: str) -> str:
    """The path of the first link in an email's text."""
    match = re.search(r"https?://\S+", message)
    assert match, f"no link in:\n{message}"
    return urlsplit(match.group(0)).path


def page_without_tokens(text: str) -> str:
    """A page's text without its CSRF tokens, which carry the second they were made in."""
    return re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', r'name="csrf_token"\1value=""',
                  text)


def make_user_session(user: User) -> str:
    """A new sign-in of this user (as on another device); returns the id its cookies carry."""
    sign_in = UserSession(user_id=user.id)
    db.session.add(sign_in)
    db.session.commit()
    return sign_in.id
