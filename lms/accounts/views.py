"""Sign-in, registration, password reset and the user's own account page."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user, login_user, logout_user

from lms.access import public
from lms.accounts import bp, oidc, services, sessions
from lms.accounts.forms import (
    LoginForm,
    RegisterForm,
    ResetRequestForm,
    SetPasswordForm,
)
from lms.accounts.models import User
from lms.extensions import limiter
from lms.forms import render_form, safe_next


def _signin_limit() -> str:
    return current_app.config["LMS_SIGNIN_LIMIT"]


def _fresh_session() -> None:
    """Empty the session (nothing carries over between people) but keep the language chosen."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def has_remember_cookie() -> bool:
    """True when this browser sent a "keep me signed in" cookie."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def sign_in_browser(user: User, remember: bool = False) -> None:
    """Sign in with a fresh session, recorded on the server as a new sign-in; a sign-in this
    browser had (someone else's, from a reset link) is ended, not just forgotten."""
    if current_user.is_authenticated:
        sessions.end(current_user.sign_in_id)
    had_remember_cookie = has_remember_cookie()
    _fresh_session()
    sessions.start(user, request.user_agent.string)
    login_user(user, remember=remember)
    if not remember and had_remember_cookie:
        session["_remember"] = "clear"  # an older sign-in's cookie must not outlive this one


def sign_out_browser() -> None:
    """Sign this browser out: end its sign-in on the server (so no copy of its cookies works
    again), empty its session and delete its remember-me cookie."""
    if current_user.is_authenticated:
        sessions.end(current_user.sign_in_id)
    logout_user()
    _fresh_session()
    # After the session is emptied (emptying it would drop Flask-Login's own "clear"), so the
    # response deletes the cookie whether or not this request sent it.
    session["_remember"] = "clear"


def login_page(error: str | None = None, status: int = 200,
               form: LoginForm | None = None) -> ResponseReturnValue:
    """The sign-in page: the password form (unless switched off) and a button per provider."""
    return render_template("accounts/login.html", form=form or LoginForm(formdata=None),
                           sso_error=error, providers=list(oidc.providers().values()),
                           password_login=oidc.password_login(),
                           next=safe_next(request.args.get("next"), "") or None), status


def passwords_off() -> ResponseReturnValue | None:
    """With LMS_PASSWORD_LOGIN=off, the page that says passwords are not used here."""
    if oidc.password_login():
        return None
    status = 403 if request.method == "POST" else 200
    return render_template("accounts/passwords_off.html",
                           providers=list(oidc.providers().values())), status


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    if not oidc.password_login():
        if request.method == "POST":
            return login_page(gettext("Passwords are not used to sign in here: use one of the "
                                      "buttons below."), 403)
        return login_page()
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInError as error:
            form.form_errors.append(str(error))
        else:
            sign_in_browser(user, remember=form.remember.data)
            services.adopt_browser_timezone(user, form.browser_timezone.data)
            flash(gettext("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    return login_page(form=form, status=400 if request.method == "POST" and form.errors else 200)


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout() -> ResponseReturnValue:
    """Sign out (POST); GET shows a button, since a link must not change state."""
    if request.method == "POST":
        signed_in = current_user.is_authenticated
        provider, id_token = session.get("oidc_provider"), session.get("oidc_id_token")
        sign_out_browser()
        if signed_in:
            flash(gettext("You are signed out."), "success")
        if signed_in and provider and id_token:
            end_session = oidc.end_session_url(provider, id_token,
                                               url_for("pages.home", _external=True))
            if end_session:
                return redirect(end_session)
        return redirect(url_for("pages.home"))
    return render_template("accounts/logout.html")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    """Create a learner account; the email address is confirmed by a link."""
    if (off := passwords_off()) is not None:
        return off
    if not services.registration_open():
        status = 403 if request.method == "POST" else 200
        return render_template("accounts/register_closed.html"), status
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    if request.method == "GET":
        # The page's own language: the switcher's choice, else the browser's ("es-CO": es).
        form.locale.data = str(request.args.get("lang") or get_locale())
    if form.validate_on_submit():
        services.register(
            name=form.name.data, email=form.email.data, password=form.password.data,
            country=form.country.data, organisation=form.organisation.data or "",
            locale=form.locale.data,
        )
        return render_template("accounts/check_email.html", email=form.email.data,
                               purpose="register")
    return render_form("accounts/register.html", form)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str) -> ResponseReturnValue:
    """Follow the link from the confirmation email; someone signed in as another person is
    asked first (GET changes nothing for them; the POST signs them out and continues)."""
    try:
        owner = services.user_for_token(token, "confirm")
    except services.InvalidToken as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 400
    signed_in_as_other = current_user.is_authenticated and current_user.id != owner.id
    if signed_in_as_other and request.method == "GET":
        return render_template("accounts/confirm_switch.html", owner=owner, token=token)
    user = services.confirm_email(token)
    if not (current_user.is_authenticated and current_user.id == user.id):
        sign_in_browser(user)  # which ends the other person's sign-in first
    flash(gettext("Your email address is confirmed. Welcome, %(name)s.", name=user.name),
          "success")
    return redirect(url_for("pages.home"))


@bp.route("/password/reset", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    """Ask for a password reset link by email."""
    if (off := passwords_off()) is not None:
        return off
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/check_email.html", email=form.email.data,
                               purpose="reset")
    return render_form("accounts/reset_request.html", form)


def _set_password_page(token: str, purpose: str) -> ResponseReturnValue:
    if (off := passwords_off()) is not None:
        return off
    try:
        user = services.user_for_token(token, purpose)
    except services.InvalidToken as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        sign_in_browser(user)
        flash(gettext("Your password is set. You are signed in."), "success")
        return redirect(url_for("pages.home"))
    return render_form("accounts/set_password.html", form, purpose=purpose, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from the emailed link (usable once)."""
    return _set_password_page(token, "reset")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    """Choose a password for an account someone invited you to."""
    return _set_password_page(token, "invite")
