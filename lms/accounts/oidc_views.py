"""Single sign-on routes: start a sign-in (or a link) at a provider, and its callback."""

from __future__ import annotations

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user
from joserfc.errors import JoseError

from lms.access import SIGNED_IN, public, requires
from lms.accounts import bp, oidc
from lms.accounts.account import _account_page as account_page
from lms.accounts.forms import LinkPasswordForm
from lms.accounts.models import User
from lms.accounts.services import AccountError
from lms.accounts.views import _signin_limit, login_page, sign_in_browser
from lms.config import OIDCProvider
from lms.extensions import db, limiter
from lms.forms import render_form, safe_next

# What the browser carries between the start of a sign-in and its end (Authlib keeps its own
# state, nonce and PKCE verifier under its own keys).
NEXT = "oidc_next"
LINK_TO = "oidc_link_to"  # the signed-in account a provider is being linked to
PENDING = "oidc_pending"  # an identity waiting for the password of the account with its email
# Kept for the sign-out: which provider signed this browser in, and the ID token it gave.
SIGNED_IN_WITH = "oidc_provider"
ID_TOKEN = "oidc_id_token"  # noqa: S105 - a session key, not a secret


def _provider(name: str) -> OIDCProvider:
    provider = oidc.providers().get(name)
    if provider is None:
        abort(404)
    return provider


def unreachable(provider: OIDCProvider) -> str:
    """The message for a provider that does not answer."""
    if oidc.password_login():
        message: str = gettext("%(provider)s cannot be reached just now; try again in a few "
                               "minutes, or sign in with your password.",
                               provider=provider.label)
    else:
        message = gettext("%(provider)s cannot be reached just now; try again in a few "
                          "minutes.", provider=provider.label)
    return message


def _start(provider: OIDCProvider) -> ResponseReturnValue:
    """Send the browser to the provider (Authlib keeps the state, nonce and PKCE verifier)."""
    try:
        response: ResponseReturnValue = oidc.client(provider.name).authorize_redirect(
            url_for("accounts.oidc_callback", provider=provider.name, _external=True))
        return response
    except requests.RequestException as error:
        current_app.logger.warning("provider %s unreachable: %s", provider.name, error)
        return login_page(unreachable(provider), 503)


@bp.route("/login/oidc/<provider>", methods=["POST"])
@public
@limiter.limit(_signin_limit)
def oidc_start(provider: str) -> ResponseReturnValue:
    """Start signing in with a provider (a POST with a CSRF token: nobody can start it for you)."""
    chosen = _provider(provider)
    session.pop(LINK_TO, None)
    session.pop(PENDING, None)
    session[NEXT] = safe_next(request.args.get("next"), url_for("pages.home"))
    return _start(chosen)


@bp.route("/account/oidc/<provider>/link", methods=["POST"])
@requires(SIGNED_IN)
def oidc_link_start(provider: str) -> ResponseReturnValue:
    """Link a provider to your account: sign in with it once."""
    chosen = _provider(provider)
    session[LINK_TO] = current_user.id
    session[NEXT] = url_for("accounts.account", _anchor="providers")
    return _start(chosen)


def _verified_claims(provider: OIDCProvider) -> tuple[dict[str, Any], str | None]:
    """The claims of the ID token Authlib checked (completed by userinfo if it lacks email)."""
    authlib_client = oidc.client(provider.name)
    token = authlib_client.authorize_access_token()
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise oidc.ProviderError(gettext("%(provider)s did not sign you in.",
                                         provider=provider.label))
    if "email" not in claims:
        userinfo = authlib_client.userinfo(token=token)
        if userinfo.get("sub") == claims.get("sub"):
            claims.update({key: userinfo[key] for key in ("email", "name",
                                                          provider.email_verified_claim)
                           if key in userinfo})
    return claims, token.get("id_token")


def _signed_in(user: User, provider: OIDCProvider, id_token: str | None,
               next_url: str, linked: bool = False, created: bool = False) -> ResponseReturnValue:
    sign_in_browser(user)  # a fresh session: the sign-in recorded like a password one
    session[SIGNED_IN_WITH] = provider.name
    if id_token:
        session[ID_TOKEN] = id_token
    if linked:
        flash(gettext("%(provider)s is linked to your account.", provider=provider.label),
              "success")
    if created:
        flash(gettext("Welcome, %(name)s. Your account is ready: sign in with %(provider)s "
                      "each time you come back.", name=user.name, provider=provider.label),
              "success")
    else:
        flash(gettext("Welcome back, %(name)s.", name=user.name), "success")
    return redirect(next_url)


@bp.route("/login/oidc/<provider>/callback")
@public  # not rate-limited itself: each callback needs a start (limited) and its state
def oidc_callback(provider: str) -> ResponseReturnValue:
    """Where the provider sends the browser back: sign in, link, or ask for a password."""
    chosen = _provider(provider)
    next_url = safe_next(session.pop(NEXT, None), url_for("pages.home"))
    link_to = session.pop(LINK_TO, None)
    linking = link_to is not None and current_user.is_authenticated \
        and current_user.id == link_to

    def refused(message: str, status: int) -> ResponseReturnValue:
        # Someone linking stays on their account page; anyone else sees the sign-in page.
        if linking:
            return account_page(providers_error=message, status=status)
        return login_page(message, status)

    try:
        claims, id_token = _verified_claims(chosen)
        identity = oidc.identity_from_claims(chosen, claims)
    except requests.RequestException as error:
        current_app.logger.warning("provider %s unreachable: %s", chosen.name, error)
        return refused(unreachable(chosen), 503)
    except (AuthlibBaseError, JoseError) as error:
        current_app.logger.info("sign-in with %s refused: %r", chosen.name, error)
        return refused(gettext(
            "Signing in with %(provider)s did not complete, and nobody was signed in. "
            "Please try again.", provider=chosen.label), 400)
    except oidc.ProviderError as error:
        return refused(str(error), 403)
    if link_to is not None:
        if not linking:
            return login_page(gettext("Sign in again to link %(provider)s.",
                                      provider=chosen.label), 400)
        try:
            oidc.link(current_user, identity)
        except AccountError as error:
            return refused(str(error), 409)
        flash(gettext("%(provider)s is linked to your account.", provider=chosen.label),
              "success")
        return redirect(url_for("accounts.account", _anchor="providers"))
    try:
        user, created = oidc.sign_in_user(identity, locale=str(get_locale() or "en"))
    except oidc.ExistingAccount as existing:
        session[PENDING] = {"provider": chosen.name, "subject": identity.subject,
                            "email": identity.email, "name": identity.name,
                            "user_id": existing.user.id, "id_token": id_token,
                            "next": next_url}
        return redirect(url_for("accounts.oidc_link_existing"))
    except AccountError as error:
        return login_page(str(error), 403)
    return _signed_in(user, chosen, id_token, next_url, created=created)


@bp.route("/login/oidc/link", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def oidc_link_existing() -> ResponseReturnValue:
    """An account has the provider's email: its password links the provider to it."""
    pending = session.get(PENDING)
    chosen = oidc.providers().get(pending["provider"]) if pending else None
    if pending is None or chosen is None:
        return login_page(gettext("This sign-in has expired. Please start again."), 400)
    owner = db.session.get(User, pending["user_id"])
    has_password = owner is not None and owner.password_hash is not None \
        and oidc.password_login()
    form = LinkPasswordForm()
    if has_password and form.validate_on_submit():
        identity = oidc.Identity(provider=chosen.name, subject=pending["subject"],
                                 email=pending["email"], name=pending["name"])
        try:
            user = oidc.link_with_password(pending["user_id"], identity, form.password.data)
        except AccountError as error:
            form.password.errors = [str(error)]
        else:
            return _signed_in(user, chosen, pending.get("id_token"), pending["next"],
                              linked=True)
    if not has_password:
        status = 403 if request.method == "POST" else 200
        return render_template("accounts/oidc_link.html", form=LinkPasswordForm(formdata=None),
                               provider=chosen, email=pending["email"],
                               has_password=False), status
    return render_form("accounts/oidc_link.html", form, provider=chosen,
                       email=pending["email"], has_password=True)
