"""Single sign-on with OpenID Connect providers: Authlib's registry, and linked identities.

Authlib does the protocol (discovery, the code flow with PKCE, state and nonce, the ID token's
signature and its iss/aud/exp); this module decides what a verified identity means here:
sign in the account it is linked to, ask for the password of an account with its email, or
create an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, has_app_context
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from lms.accounts.models import LinkedIdentity, Role, User
from lms.accounts.services import (
    _DUMMY_HASH,
    AccountError,
    find_user_by_email,
    normalise_email,
    registration_open,
)
from lms.config import OIDCProvider
from lms.db import utcnow
from lms.extensions import db

SCOPE = "openid email profile"


class ProviderError(AccountError):
    """The provider's answer cannot sign anyone in; the message is shown to the user."""


class LinkNotFound(AccountError):
    """No such link on this account (another account's links are never found)."""


class ExistingAccount(AccountError):
    """A verified identity whose email belongs to an account it is not linked to yet."""

    def __init__(self, user: User) -> None:
        super().__init__(user.email)
        self.user = user


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, from the ID token (and userinfo) it signed."""

    provider: str
    subject: str
    email: str
    name: str


@dataclass(frozen=True)
class LinkedProvider:
    """A provider linked to an account, as the account page lists it."""

    id: int
    provider: str
    label: str
    email: str
    created_at: datetime


# --- Authlib's registry --------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    """Register each configured provider with Authlib (discovery happens on first use)."""
    oauth = OAuth(app)
    for provider in app.config["LMS_OIDC_PROVIDERS"].values():
        oauth.register(
            name=provider.name, client_id=provider.client_id,
            client_secret=provider.client_secret, server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                           # a provider that is down must not hold a request (or a worker)
                           "default_timeout": app.config["LMS_OIDC_TIMEOUT"]})
    app.extensions["lms.oidc"] = oauth


def providers() -> dict[str, OIDCProvider]:
    """The configured providers by name, in the configured order."""
    configured: dict[str, OIDCProvider] = current_app.config["LMS_OIDC_PROVIDERS"]
    return configured


def client(name: str) -> Any:
    """Authlib's client for one configured provider (a FlaskOAuth2App)."""
    return current_app.extensions["lms.oidc"].create_client(name)


def form_action_sources() -> list[str]:
    """The origins our forms may lead to through a provider: its issuer's, and those of its
    authorization and end-session endpoints once its metadata is known."""
    if not has_app_context() or not current_app.config.get("LMS_OIDC_PROVIDERS"):
        return []
    registry = current_app.extensions.get("lms.oidc")
    origins: set[str] = set()
    for provider in providers().values():
        urls = [provider.issuer]
        if registry is not None:
            metadata = registry.create_client(provider.name).server_metadata
            urls += [str(metadata.get(key) or "")
                     for key in ("authorization_endpoint", "end_session_endpoint")]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def password_login() -> bool:
    """False when the site signs in through its providers only (LMS_PASSWORD_LOGIN=off)."""
    return bool(current_app.config["LMS_PASSWORD_LOGIN"])


def end_session_url(name: str, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to end the browser's session at the provider too (RP-initiated logout), or None
    when it offers none, is no longer configured or cannot be reached."""
    if name not in providers():
        return None
    authlib_client = client(name)
    try:
        metadata = authlib_client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        current_app.logger.warning("provider %s unreachable at sign-out: %s", name, error)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    url: str = authlib_client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token,
        client_id=authlib_client.client_id)["url"]
    return url


# --- what a verified identity means --------------------------------------------------------------

def identity_from_claims(provider: OIDCProvider, claims: dict[str, Any]) -> Identity:
    """The identity in verified claims, or ProviderError when it cannot sign in here: no
    verified email, or an email outside the provider's allowed domains."""
    email = normalise_email(str(claims.get("email") or ""))
    # Some providers send the flag as a string; nothing else counts as verified.
    verified = claims.get(provider.email_verified_claim) in (True, "true")
    if not email or "@" not in email or not verified:
        raise ProviderError(gettext(
            "%(provider)s did not give us a verified email address, so we cannot sign you in. "
            "Confirm your email address with %(provider)s, then try again.",
            provider=provider.label))
    domain = email.rsplit("@", 1)[1]
    if provider.allowed_domains and domain not in provider.allowed_domains:
        raise ProviderError(gettext(
            "Accounts at %(domain)s cannot sign in with %(provider)s here.",
            domain=domain, provider=provider.label))
    name = str(claims.get("name") or "").strip() or email.split("@", 1)[0]
    return Identity(provider=provider.name, subject=str(claims["sub"]), email=email,
                    name=name[:120])


def _linked(identity: Identity) -> LinkedIdentity | None:
    return db.session.scalar(select(LinkedIdentity).where(
        LinkedIdentity.provider == identity.provider,
        LinkedIdentity.subject == identity.subject))


def _mark_used(link: LinkedIdentity, user: User) -> None:
    now = utcnow()
    link.last_used_at = now
    user.last_sign_in_at = now


def has_links(user_id: int) -> bool:
    """Whether the account signs in with at least one provider."""
    return db.session.scalar(select(LinkedIdentity.id).where(
        LinkedIdentity.user_id == user_id).limit(1)) is not None


def sign_in_user(identity: Identity, *, locale: str) -> tuple[User, bool]:
    """The account this identity signs in to (the linked one, else a new one) and whether it
    was created just now. An account that already has this email and a password (or another
    provider) raises ExistingAccount: its owner must prove it is theirs first."""
    link = _linked(identity)
    if link is not None:
        user = db.session.get_one(User, link.user_id)
        _mark_used(link, user)
        db.session.commit()
        return user, False
    existing = find_user_by_email(identity.email)
    if existing is not None:
        if existing.password_hash is not None or has_links(existing.id):
            raise ExistingAccount(existing)
        # Nothing but its email opens this account (an invitation not taken up yet, or a site
        # without passwords): the provider has just verified that address, as the emailed
        # link would have. Linked, and signed in.
        now = utcnow()
        existing.email_confirmed_at = existing.email_confirmed_at or now
        link = LinkedIdentity(user_id=existing.id, provider=identity.provider,
                              subject=identity.subject, email=identity.email, created_at=now)
        db.session.add(link)
        _mark_used(link, existing)
        db.session.commit()
        return existing, False
    provider = providers()[identity.provider]
    # An invitation-only site lets a provider create accounts only when it is limited to the
    # deployment's own domains (its directory decides who may come in).
    if not registration_open() and not provider.allowed_domains:
        raise ProviderError(gettext(
            "This site is by invitation only, and there is no account for %(email)s. "
            "Ask the programme team for an invitation.", email=identity.email))
    now = utcnow()
    user = User(email=identity.email, name=identity.name, password_hash=None, locale=locale,
                role=Role.LEARNER, email_confirmed_at=now, last_sign_in_at=now)
    try:
        db.session.add(user)
        db.session.flush()
        db.session.add(LinkedIdentity(user_id=user.id, provider=identity.provider,
                                      subject=identity.subject, email=identity.email,
                                      created_at=now, last_used_at=now))
        db.session.commit()
    except IntegrityError:
        # The same person's other tab (a double click) created the account first: theirs.
        db.session.rollback()
        if _linked(identity) is None:
            existing = find_user_by_email(identity.email)
            if existing is None:
                raise
            raise ExistingAccount(existing) from None
        return sign_in_user(identity, locale=locale)[0], False
    return user, True


def link(user: User, identity: Identity) -> LinkedIdentity:
    """Link a provider's identity to this account; refused if it signs in to another one."""
    existing = _linked(identity)
    if existing is not None:
        if existing.user_id != user.id:
            raise ProviderError(gettext(
                "This %(provider)s account is already linked to another account here.",
                provider=providers()[identity.provider].label))
        return existing
    now = utcnow()
    linked = LinkedIdentity(user_id=user.id, provider=identity.provider,
                            subject=identity.subject, email=identity.email, created_at=now,
                            last_used_at=now)
    db.session.add(linked)
    db.session.commit()
    return linked


def link_with_password(user_id: int, identity: Identity, password: str) -> User:
    """Link a pending identity to an existing account once its password is given; a wrong
    password links nothing."""
    user = db.session.get(User, user_id)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        raise AccountError(gettext("The password is not right."))
    if not check_password_hash(user.password_hash, password):
        raise AccountError(gettext("The password is not right."))
    linked = link(user, identity)
    if user.email_confirmed_at is None:  # the provider vouched for the address
        user.email_confirmed_at = utcnow()
    _mark_used(linked, user)
    db.session.commit()
    return user


def linked_providers(user_id: int) -> list[LinkedProvider]:
    """The account's linked providers, oldest first (one whose settings went away included)."""
    configured = providers()
    links = db.session.scalars(select(LinkedIdentity).where(LinkedIdentity.user_id == user_id)
                               .order_by(LinkedIdentity.created_at, LinkedIdentity.id))
    return [LinkedProvider(id=link.id, provider=link.provider, email=link.email,
                           label=configured[link.provider].label
                           if link.provider in configured else link.provider,
                           created_at=link.created_at)
            for link in links]


def unlink(user: User, link_id: int) -> str:
    """Remove one of the account's own links; refused when it is the last way to sign in.
    Returns the provider's label."""
    linked = db.session.get(LinkedIdentity, link_id)
    if linked is None or linked.user_id != user.id:  # another account's link is never found
        raise LinkNotFound(gettext("This provider is not linked to your account."))
    others = db.session.scalar(select(func.count()).select_from(LinkedIdentity).where(
        LinkedIdentity.user_id == user.id, LinkedIdentity.id != linked.id)) or 0
    has_password = user.password_hash is not None and password_login()
    if not others and not has_password:
        if password_login():
            raise AccountError(gettext(
                "This is the only way you can sign in, so it cannot be removed. Link another "
                "provider first, or get a password with \"Forgot your password?\" on the "
                "sign-in page."))
        raise AccountError(gettext("This is the only way you can sign in, so it cannot be "
                                   "removed. Link another provider first."))
    configured = providers()
    label = configured[linked.provider].label if linked.provider in configured \
        else linked.provider
    db.session.delete(linked)
    db.session.commit()
    return label
