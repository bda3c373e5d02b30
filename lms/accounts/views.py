"""Sign-in, registration, password reset and the user's own account page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, refresh
from flask_login import current_user, login_user, logout_user

from lms.access import SIGNED_IN, public, requires
from lms.accounts import bp, services
from lms.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
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


def _start_session(user: User, remember: bool = False) -> None:
    """Sign in with a fresh session."""
    _fresh_session()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInError as error:
            form.form_errors.append(str(error))
        else:
            _start_session(user, remember=form.remember.data)
            flash(gettext("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    return render_form("accounts/login.html", form)


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout() -> ResponseReturnValue:
    """Sign out (POST); GET shows a button, since a link must not change state."""
    if request.method == "POST":
        if current_user.is_authenticated:
            logout_user()
            _fresh_session()
            flash(gettext("You are signed out."), "success")
        return redirect(url_for("pages.home"))
    return render_template("accounts/logout.html")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    """Create a learner account; the email address is confirmed by a link."""
    if not services.registration_open():
        status = 403 if request.method == "POST" else 200
        return render_template("accounts/register_closed.html"), status
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = str(request.args.get("lang") or session.get("lang") or "en")
    if form.validate_on_submit():
        services.register(
            name=form.name.data, email=form.email.data, password=form.password.data,
            country=form.country.data, organisation=form.organisation.data or "",
            locale=form.locale.data,
        )
        return render_template("accounts/check_email.html", email=form.email.data,
                               purpose="register")
    return render_form("accounts/register.html", form)


@bp.route("/register/confirm/<token>")
@public
def confirm_email(token: str) -> ResponseReturnValue:
    """Follow the link from the confirmation email."""
    try:
        user = services.confirm_email(token)
    except services.InvalidToken as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 400
    _start_session(user)
    flash(gettext("Your email address is confirmed. Welcome, %(name)s.", name=user.name),
          "success")
    return redirect(url_for("pages.home"))


@bp.route("/password/reset", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    """Ask for a password reset link by email."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/check_email.html", email=form.email.data,
                               purpose="reset")
    return render_form("accounts/reset_request.html", form)


def _set_password_page(token: str, purpose: str) -> ResponseReturnValue:
    try:
        user = services.user_for_token(token, purpose)
    except services.InvalidToken as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        _start_session(user)
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


@bp.route("/account", methods=["GET", "POST"])
@requires(SIGNED_IN)
def account() -> ResponseReturnValue:
    """See and change your own details."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, country=form.country.data,
                                organisation=form.organisation.data or "",
                                locale=form.locale.data)
        session["lang"] = form.locale.data
        refresh()  # the confirmation is shown in the language just chosen
        flash(gettext("Your details are saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_form("accounts/account.html", form, password_form=ChangePasswordForm())


@bp.route("/account/password", methods=["POST"])
@requires(SIGNED_IN)
def change_password() -> ResponseReturnValue:
    """Change your password; other devices are signed out."""
    password_form = ChangePasswordForm()
    if password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current_password.data,
                                     password_form.password.data)
        except services.AccountError as error:
            password_form.current_password.errors = [str(error)]
        else:
            _start_session(current_user._get_current_object())
            flash(gettext("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.account"))
    form = ProfileForm(obj=current_user, formdata=None)
    return render_template("accounts/account.html", form=form,
                           password_form=password_form), 400
