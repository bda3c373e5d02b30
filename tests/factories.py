"""Factory functions with sensible defaults; each commits what it makes."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from lms.accounts import sessions
from lms.accounts.models import Role, User
from lms.db import utcnow
from lms.extensions import db

PASSWORD = "correct-horse-battery"
# Hashing once keeps the suite fast; each account still gets a real scrypt hash.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
_numbers = itertools.count(1)


def make_user(role: Role = Role.LEARNER, *, confirmed: bool = True, **fields: object) -> User:
    """A confirmed account whose password is PASSWORD."""
    number = next(_numbers)
    values: dict[str, object] = {
        "email": f"person{number}@example.org",
        "name": f"Person {number}",
        "country": "FR",
        "organisation": "Ministry of Public Service",
        "locale": "en",
        "role": role,
        "password_hash": _PASSWORD_HASH,
        "email_confirmed_at": utcnow() if confirmed else None,
    }
    values.update(fields)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def sign_in_id(user: User) -> str:
    """Start a sign-in for `user` as the sign-in form does; the session cookie carries its id."""
    return sessions.start(user, "pytest")


def tampered(token: str) -> str:
    """A signed token with one character of its signature changed.

    The fifth character from the end always carries six signature bits (the last ones of a
    base64 signature may carry padding bits that decoding ignores), so the result never
    decodes to the same signature."""
    changed = "A" if token[-5] != "A" else "B"
    return token[:-5] + changed + token[-4:]
