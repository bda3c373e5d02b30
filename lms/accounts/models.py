"""People who use the platform, and what they may do."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import db


class Role(enum.StrEnum):
    """A user's role; each one may do what the roles before it may."""

    LEARNER = "learner"
    FACILITATOR = "facilitator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


def new_session_token() -> str:
    """A random value that, once replaced, signs the user out everywhere and voids old links."""
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
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

    def get_id(self) -> str:
        """The session carries the token too, so a password change ends other sessions."""
        return f"{self.id}:{self.session_token}"

    def has_role(self, role: str) -> bool:
        """True when the user's role is `role` or a higher one."""
        return self.role.rank >= Role(role).rank

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
