"""Which emails a person receives: their choices on the account page, and the unsubscribe link
in each email they may switch off (`lms.mail.OPTIONAL_KINDS` says which kinds those are)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update

from lms import mail
from lms.accounts.models import Role, User
from lms.extensions import db


def wants(user: User, kind: str) -> bool:
    """Whether this person receives emails of this kind (a kind nobody may stop: always)."""
    column = mail.OPTIONAL_KINDS.get(kind)
    return column is None or bool(getattr(user, column))


def may_choose_digest(user: User) -> bool:
    """The weekly digest is about one's cohorts: only facilitators (and admins) receive it."""
    return user.has_role(Role.FACILITATOR)


@dataclass(frozen=True)
class ScopedChoice:
    """How an area keeps a choice made one thing at a time (`mail.SCOPED_KINDS`), by person
    and thing: what its link stops (None when the thing is gone or not theirs), whether it is
    off, and switching it off."""

    stops: Callable[[int, int], str | None]
    is_off: Callable[[int, int], bool]
    switch_off: Callable[[int, int], None]
    # The page where the person makes that choice again (a thing's own page, not the account's).
    choose_again: Callable[[int], str]


# Filled by the areas that own such kinds (lms.discussion.notify registers "discussion").
SCOPED: dict[str, ScopedChoice] = {}


@dataclass(frozen=True)
class UnsubscribeLink:
    """What an unsubscribe link stops, for whom, and whether it is already stopped."""

    user_id: int
    kind: str
    already_off: bool
    scope: int | None = None
    stops: str | None = None  # said by the area, for a scoped kind
    choose_again: str | None = None  # the area's page for that choice, for a scoped kind


def read_unsubscribe_link(token: str) -> UnsubscribeLink:
    """What the token of an unsubscribe link names; InvalidUnsubscribeToken when it is not one
    of ours, or its account no longer exists."""
    user_id, kind, scope = mail.read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    if user is None:
        raise mail.InvalidUnsubscribeToken(token)
    if scope is None:
        return UnsubscribeLink(user_id, kind, already_off=not wants(user, kind))
    choice = SCOPED.get(kind)
    stops = choice.stops(user_id, scope) if choice else None
    if choice is None or stops is None:
        raise mail.InvalidUnsubscribeToken(token)
    return UnsubscribeLink(user_id, kind, choice.is_off(user_id, scope), scope, stops,
                           choice.choose_again(scope))


def switch_off(user_id: int, kind: str, scope: int | None = None) -> None:
    """Stop emails of this kind (about this thing) for this person (twice changes nothing)."""
    if scope is not None:
        SCOPED[kind].switch_off(user_id, scope)
        return
    db.session.execute(update(User).where(User.id == user_id)
                       .values({mail.OPTIONAL_KINDS[kind]: False}))
    db.session.commit()


def save_email_choices(user: User, *, reminders: bool, digest: bool,
                       sessions: bool = True) -> None:
    """Save the account page's email choices; the digest only for those who may receive it."""
    user.email_reminders = reminders
    user.email_sessions = sessions
    if may_choose_digest(user):
        user.email_digest = digest
    db.session.commit()
