"""Sign-ins as server-side records: started at sign-in, checked on every request, ended for good.

The session cookie and the remember-me cookie carry only the id of a `UserSession`. Signing out
revokes that record, so a copy of either cookie is refused afterwards; a password change or
reset, or "sign out everywhere", revokes every record of the account.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts.models import User, UserSession
from lms.database import rowcount
from lms.db import utcnow
from lms.extensions import db

log = logging.getLogger(__name__)

# How stale `last_seen_at` may get before a request writes it: at most one write per sign-in
# in this time, so that a signed-in page costs one indexed read, not a write.
LAST_SEEN_EVERY = timedelta(minutes=5)
# A sign-in unused this long is refused (the remember-me cookie lasts 30 days) and pruned.
IDLE_LIMIT = timedelta(days=31)
# new_sign_in_id() makes 43 characters; anything much longer is not ours and is not looked up.
_MAX_ID_LENGTH = 64

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


@dataclass(frozen=True)
class ActiveSession:
    """One of a user's open sign-ins, as the account page lists it."""

    handle: str
    device: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def describe_device(user_agent: str) -> str:
    """A short, stored summary of a browser's user agent ("Firefox, Windows"), or ""."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    summary = ", ".join(part for part in (browser, system) if part)
    return re.sub(r"[^\w ,.-]", "", summary)[:80]


def handle_of(sign_in_id: str) -> str:
    """The name a page gives a sign-in: it identifies it but cannot be used as a cookie."""
    return hashlib.sha256(sign_in_id.encode()).hexdigest()[:20]


def start(user: User, user_agent: str) -> str:
    """Record a new sign-in for this user (and prune their ended ones); returns its id."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.revoked_at.is_not(None), UserSession.last_seen_at < now - IDLE_LIMIT)))
    sign_in = UserSession(user_id=user.id, created_at=now, last_seen_at=now,
                          device=describe_device(user_agent))
    db.session.add(sign_in)
    db.session.commit()
    user.sign_in_id = sign_in.id
    return sign_in.id


def load_user(sign_in_id: str) -> User | None:
    """Flask-Login's loader: the account of a live sign-in, in one indexed query; else None."""
    if not sign_in_id or len(sign_in_id) > _MAX_ID_LENGTH:
        return None
    now = utcnow()
    row = db.session.execute(
        select(User, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.id == sign_in_id, UserSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    user, last_seen_at = row
    if last_seen_at < now - IDLE_LIMIT:
        return None
    user.sign_in_id = sign_in_id
    if last_seen_at < now - LAST_SEEN_EVERY:
        _mark_seen(sign_in_id, now)
    return user


def _mark_seen(sign_in_id: str, now: datetime) -> None:
    # A failed write (a busy SQLite file) must not refuse the page: the next request retries.
    try:
        db.session.execute(update(UserSession).where(UserSession.id == sign_in_id)
                           .values(last_seen_at=now))
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("could not record when sign-in was last seen: %s", error)


def end(sign_in_id: str | None) -> None:
    """Sign out one sign-in for good: its cookies, and every copy of them, stop working."""
    if not sign_in_id:
        return
    db.session.execute(update(UserSession).where(UserSession.id == sign_in_id,
                                                 UserSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()


def end_all(user_id: int, keep: str | None = None) -> int:
    """End every sign-in of an account (but `keep`, if given); not committed. Returns how many."""
    statement = update(UserSession).where(UserSession.user_id == user_id,
                                          UserSession.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    return rowcount(db.session.execute(statement.values(revoked_at=utcnow())))


def end_own(user_id: int, handle: str) -> bool:
    """End one sign-in of this account, named by its handle; False if it has no such sign-in
    (another person's sign-in is never found: only the account's own are looked at)."""
    for sign_in_id in db.session.scalars(select(UserSession.id).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None))):
        if handle_of(sign_in_id) == handle:
            end(sign_in_id)
            return True
    return False


def active(user_id: int, current: str | None) -> list[ActiveSession]:
    """The account's open sign-ins, most recently seen first, the current one marked."""
    cutoff = utcnow() - IDLE_LIMIT
    sign_ins = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None),
               UserSession.last_seen_at >= cutoff)
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc()))
    return [ActiveSession(handle=handle_of(sign_in.id), device=sign_in.device,
                          created_at=sign_in.created_at, last_seen_at=sign_in.last_seen_at,
                          current=sign_in.id == current)
            for sign_in in sign_ins]
