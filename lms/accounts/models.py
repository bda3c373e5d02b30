"""People who use the platform, and what they may do."""

from __future__ import annotations

import enum
import secrets
import typing
import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model


class Role(enum.StrEnum):
    """A user's role; each one may do what the roles before it may."""

    LEARNER = "learner"
    FACILITATOR = "facilitator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


def new_xapi_id() -> str:
    """A random, stable name for the person in learning records (lms.xapi): never the email,
    and nothing that can be derived from the user id."""
    return uuid.uuid4().hex


def new_session_token() -> str:
    """A random value that, once replaced, voids every link emailed to the user before."""
    return secrets.token_hex(16)


def new_sign_in_id() -> str:
    """The unguessable id of one sign-in, carried by its session and remember-me cookies."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=True, length=20, name="role",
             values_callable=lambda roles: [role.value for role in roles]),
        default=Role.LEARNER,
    )
    country: Mapped[str | None] = mapped_column(String(2))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5), default="en")
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by every change to the user's learning records (progress, answers, reflections):
    # cached pages about those records are keyed by it, so a change is seen at once.
    records_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # An IANA time zone ("Europe/Belgrade"); None: the time zone of the person's cohort.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Emails a person may switch off (account page, or the link in each such email).
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    email_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Live sessions (lms.live): reminders the day before and notices of changes; the secret
    # of the person's calendar feed address (None until they first ask for it).
    email_sessions: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # The person's account name in xAPI statements (lms.xapi): random, never changes.
    xapi_id: Mapped[str] = mapped_column(String(32), unique=True, index=True,
                                         default=new_xapi_id)

    # The sign-in this object was loaded for (set by the user loader or at sign-in); not a column.
    # (Not annotated: the declarative base would take an annotation for a column.)
    sign_in_id = typing.cast("str | None", None)

    def get_id(self) -> str:
        """What the session and remember-me cookies carry: the id of a sign-in, never the user's
        own id, so that one sign-in can be ended on the server (sign-out, another device)."""
        if self.sign_in_id is None:
            raise RuntimeError("start a sign-in with lms.accounts.sessions.start() first")
        return self.sign_in_id

    # Flask-Login's mixin compares users by get_id(), which names a sign-in: compare accounts.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    def has_role(self, role: str) -> bool:
        """True when the user's role is `role` or a higher one."""
        return self.role.rank >= Role(role).rank

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class UserSession(Model):
    """One sign-in on one device: its cookies carry the id, and ending it refuses them after."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_sign_in_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Updated at most every few minutes (see LAST_SEEN_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A short description such as "Firefox, Windows", never the full user-agent string.
    device: Mapped[str] = mapped_column(String(80), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<UserSession of user {self.user_id}{' revoked' if self.revoked_at else ''}>"


class LinkedIdentity(Model):
    """An account at an OpenID Connect provider (its `sub`) that signs in to one of ours."""

    __tablename__ = "linked_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),
                      Index("ix_linked_identities_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provider: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254))  # as the provider gave it when linked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<LinkedIdentity {self.provider} of user {self.user_id}>"
