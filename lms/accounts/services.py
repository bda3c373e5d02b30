"""Accounts: registration, sign-in, password reset, invitations and roles, as plain functions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import mail, paging, timezones
from lms.accounts import sessions
from lms.accounts.models import Role, User, new_session_token
from lms.db import utcnow
from lms.extensions import db
from lms.i18n import fold
from lms.jobs import queue as jobs

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
# Checked against when the email is unknown, so both answers take as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(Exception):
    """A request about an account that cannot be carried out; the message is shown to the user."""


class InvalidToken(AccountError):
    """A link from an email that is forged, expired or already used."""


class SignInError(AccountError):
    """Wrong email or password, or an email address not confirmed yet."""


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return paging.page_count(self.total, self.per_page)


def normalise_email(email: str) -> str:
    """Emails are compared and stored trimmed and in lower case."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account registered with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def hash_password(password: str) -> str:
    """Hash with Werkzeug's scrypt."""
    return generate_password_hash(password, method="scrypt")


# --- links sent by email -------------------------------------------------------------------------

_PURPOSES = {
    "confirm": "LMS_INVITATION_MAX_AGE",
    "reset": "LMS_PASSWORD_RESET_MAX_AGE",
    "invite": "LMS_INVITATION_MAX_AGE",
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"lms-{purpose}")


def _fingerprint(user: User) -> str:
    """Changes whenever the password or session token does: a used link stops working."""
    material = f"{user.password_hash or ''}|{user.session_token}|{user.email_confirmed_at or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def make_token(user: User, purpose: str) -> str:
    """A signed, expiring link token for one purpose, valid until the account changes."""
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_token(token: str, purpose: str) -> User:
    """The account a link was made for, or InvalidToken."""
    max_age = current_app.config[_PURPOSES[purpose]]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidToken(gettext("This link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise InvalidToken(gettext("This link is not valid. Ask for a new one.")) from error
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or payload.get("f") != _fingerprint(user):
        raise InvalidToken(gettext("This link has already been used. Ask for a new one."))
    return user


def _compose_for(user: User, subject: object, template: str,
                 **context: object) -> mail.Draft:
    """`templates/email/<template>.txt` in the user's own language (subject: a lazy string)."""
    with force_locale(user.locale):
        body = render_template(f"email/{template}.txt", user=user, **context)
        return mail.compose(user.email, str(subject), body)


def _email_user(user: User, subject: object, template: str, **context: object) -> None:
    """Queue `templates/email/<template>.txt` for the user, in the current transaction."""
    mail.queue(_compose_for(user, subject, template, **context), kind="account",
               user_id=user.id)


# --- registration and sign-in --------------------------------------------------------------------

def registration_open() -> bool:
    """False when the site is invitation-only (LMS_REGISTRATION=invite)."""
    return current_app.config["LMS_REGISTRATION"] == "open"


def register(
    *, name: str, email: str, password: str, country: str, organisation: str, locale: str
) -> None:
    """Create an unconfirmed account and queue the email with its confirmation link.

    If the email is taken, the email is a note to its owner instead; the person registering
    sees the same answer either way (both paths queue one email and commit; the worker sends
    it, so a mail failure cannot show either), and the form does not reveal who has an account.
    """
    if not registration_open():
        raise AccountError(gettext("Registration is by invitation only."))
    password_hash = hash_password(password)  # always, so both paths take as long
    existing = find_user_by_email(email)
    if existing is not None:
        _email_user(existing, _l("You already have an account"), "already_registered",
                    sign_in_url=mail.link("accounts.login"),
                    reset_url=mail.link("accounts.reset_request"))
        db.session.commit()
        return
    user = User(
        name=name.strip(), email=normalise_email(email), password_hash=password_hash,
        country=country, organisation=organisation.strip(), locale=locale, role=Role.LEARNER,
    )
    db.session.add(user)
    db.session.flush()
    confirm_url = mail.link("accounts.confirm_email", token=make_token(user, "confirm"))
    _email_user(user, _l("Confirm your email address"), "confirm_email",
                confirm_url=confirm_url)
    db.session.commit()


def confirm_email(token: str) -> User:
    """Mark the account's email as confirmed; the link then stops working."""
    user = user_for_token(token, "confirm")
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """The account for these credentials, or SignInError with a message that reveals nothing."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        raise SignInError(gettext("The email address or password is not right."))
    if not check_password_hash(user.password_hash, password):
        raise SignInError(gettext("The email address or password is not right."))
    if user.email_confirmed_at is None:
        raise SignInError(gettext(
            "Please confirm your email address first: follow the link we sent you. "
            "If you cannot find it, reset your password to get a new link."
        ))
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


def adopt_browser_timezone(user: User, offered: str | None) -> bool:
    """Keep the time zone the browser offered at sign-in as the person's own, when they have
    not chosen one and it is one we list; say whether it was kept. Anything else is ignored:
    the field is filled by a script, so a wrong value is not the person's mistake."""
    if user.timezone or not offered or offered not in timezones.names():
        return False
    user.timezone = offered
    db.session.commit()
    return True


# --- password reset and invitations --------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Queue a job that emails a reset link if the address has an account. The request does
    the same for any address (one job, one commit), so neither its answer, nor its time, nor
    a mail failure tells whether the address has an account: the worker finds out."""
    jobs.enqueue("accounts.password_reset", email=normalise_email(email))
    db.session.commit()


def email_password_reset(email: str) -> None:
    """Queue the reset email for the account with this address, if there is one (in a
    worker, in its transaction)."""
    user = find_user_by_email(email)
    if user is None:
        return
    reset_url = mail.link("accounts.reset_password", token=make_token(user, "reset"))
    minutes = current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 60
    _email_user(user, _l("Reset your password"), "password_reset", reset_url=reset_url,
                minutes=minutes)


def set_password(user: User, password: str) -> None:
    """Set a new password, end every sign-in of the account and void every emailed link."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    sessions.end_all(user.id)
    # Following an emailed link proves the address is theirs.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.commit()


def reset_password(token: str, password: str, purpose: str = "reset") -> User:
    """Use a reset or invitation link once to set a password."""
    user = user_for_token(token, purpose)
    set_password(user, password)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password after checking the current one."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current_password):
        raise AccountError(gettext("Your current password is not right."))
    set_password(user, new_password)


def invite(*, email: str, name: str, role: Role, locale: str, invited_by: User | None) -> User:
    """Create an account without a password and email a link to choose one."""
    if find_user_by_email(email) is not None:
        raise AccountError(gettext("There is already an account with this email address."))
    user = new_invited_user(email=email, name=name, role=role, locale=locale)
    send_invitation(user, invited_by)
    db.session.commit()
    return user


def new_invited_user(*, email: str, name: str, role: Role, locale: str,
                     country: str | None = None, organisation: str = "") -> User:
    """Add (not commit) an account with no password yet, for an invitation."""
    user = User(email=normalise_email(email), name=name.strip(), role=role, locale=locale,
                country=country, organisation=organisation.strip(), password_hash=None)
    db.session.add(user)
    db.session.flush()
    return user


def send_invitation(user: User, invited_by: User | None) -> None:
    """Queue the email with the link to choose a password, for an invited account (flushed);
    on a site without passwords, the link to sign in with the organisation's account."""
    passwords = bool(current_app.config["LMS_PASSWORD_LOGIN"])
    invite_url = (mail.link("accounts.accept_invitation", token=make_token(user, "invite"))
                  if passwords else mail.link("accounts.login"))
    days = current_app.config["LMS_INVITATION_MAX_AGE"] // 86400
    _email_user(user, _l("You are invited to Open Government Learning"), "invitation",
                invite_url=invite_url, days=days, passwords=passwords,
                inviter=invited_by.name if invited_by else None)


def create_admin(*, email: str, password: str, name: str) -> User:
    """Make an admin account, or raise an existing account to admin with this password."""
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), name=name, locale="en")
        db.session.add(user)
    user.role = Role.ADMIN
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    set_password(user, password)
    return user


def update_profile(user: User, *, name: str, country: str, organisation: str, locale: str,
                   timezone: str | None = None) -> None:
    """Save the details a user may change about themselves (no time zone: their cohort's)."""
    user.name = name.strip()
    user.country = country
    user.organisation = organisation.strip()
    user.locale = locale
    user.timezone = timezone or None
    db.session.commit()


# --- administration ------------------------------------------------------------------------------

USERS_PER_PAGE = 25


def list_users(query: str = "", role: Role | None = None, page: int = 1,
               per_page: int = USERS_PER_PAGE) -> UserPage:
    """A page of accounts, filtered by name/email/organisation (any case, any accents) and
    role, newest first; past the last page, the last."""
    newest_first = (User.created_at.desc(), User.id.desc())
    in_role = [User.role == role] if role is not None else []
    words = fold(query).split()
    if not words:
        total = db.session.scalar(select(func.count()).select_from(User).where(*in_role)) or 0
        page = paging.within(page, total, per_page)
        users = list(db.session.scalars(select(User).where(*in_role).order_by(*newest_first)
                                        .limit(per_page).offset((page - 1) * per_page)))
        return UserPage(users=users, total=total, page=page, per_page=per_page)
    # Matched in Python: neither database folds "Ł" or "é" in LIKE (SQLite lowers ASCII only),
    # and three short columns of every account weigh little next to rendering the page.
    rows = db.session.execute(select(User.id, User.name, User.email, User.organisation)
                              .where(*in_role).order_by(*newest_first))
    ids = [row.id for row in rows
           if all(word in fold(f"{row.name} {row.email} {row.organisation}") for word in words)]
    page = paging.within(page, len(ids), per_page)
    chosen = ids[(page - 1) * per_page:page * per_page]
    found = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(chosen)))}
    return UserPage(users=[found[user_id] for user_id in chosen], total=len(ids), page=page,
                    per_page=per_page)


def set_role(actor: User, user_id: int, role: Role) -> User:
    """Change a user's role; an admin cannot remove their own admin role (no lock-out)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError(gettext("This account does not exist."))
    if user.id == actor.id and role != Role.ADMIN:
        raise AccountError(gettext("You cannot remove your own admin role."))
    user.role = role
    db.session.commit()
    return user
