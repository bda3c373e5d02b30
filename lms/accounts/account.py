"""The signed-in user's own account page: details, password, emails, where they are signed in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, refresh
from flask_login import current_user

from lms.access import SIGNED_IN, requires
from lms.accounts import bp, oidc, preferences, services, sessions
from lms.accounts.forms import ChangePasswordForm, EmailChoicesForm, EndSessionForm, ProfileForm
from lms.accounts.views import has_remember_cookie, sign_in_browser, sign_out_browser
from lms.extensions import db


def _account_page(form: ProfileForm | None = None,
                  password_form: ChangePasswordForm | None = None,
                  sessions_error: str | None = None, providers_error: str | None = None,
                  status: int = 200) -> ResponseReturnValue:
    """The account page with its parts; a part given with errors shows them."""
    linked = oidc.linked_providers(current_user.id)
    linked_names = {link.provider for link in linked}
    return render_template(
        "accounts/account.html",
        form=form or ProfileForm(obj=current_user, formdata=None),
        password_form=password_form or ChangePasswordForm(formdata=None),
        emails_form=EmailChoicesForm(obj=current_user, formdata=None),
        may_choose_digest=preferences.may_choose_digest(current_user),
        end_form=EndSessionForm(formdata=None), sessions_error=sessions_error,
        sign_ins=sessions.active(current_user.id, current_user.sign_in_id),
        linked_providers=linked, providers_error=providers_error,
        providers_to_link=[provider for name, provider in oidc.providers().items()
                           if name not in linked_names],
    ), status


@bp.route("/account", methods=["GET", "POST"])
@requires(SIGNED_IN)
def account() -> ResponseReturnValue:
    """See and change your own details."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, country=form.country.data,
                                organisation=form.organisation.data or "",
                                locale=form.locale.data, timezone=form.timezone.data or None)
        session["lang"] = form.locale.data
        refresh()  # the confirmation is shown in the language just chosen
        flash(gettext("Your details are saved."), "success")
        return redirect(url_for("accounts.account"))
    return _account_page(form=form, status=400 if request.method == "POST" else 200)


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
            # Every sign-in ended with the change; this device gets a new one, remembered
            # if it was before.
            sign_in_browser(current_user._get_current_object(), remember=has_remember_cookie())
            flash(gettext("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=password_form, status=400)


@bp.route("/account/emails", methods=["POST"])
@requires(SIGNED_IN)
def email_choices() -> ResponseReturnValue:
    """Choose which of the emails one may switch off one receives."""
    form = EmailChoicesForm()
    if not form.validate_on_submit():  # only the CSRF token can be wrong: the form expired
        flash(gettext("This form has expired. Please send it again."), "error")
        return redirect(url_for("accounts.account", _anchor="emails"), code=303)
    preferences.save_email_choices(current_user, reminders=form.email_reminders.data,
                                   digest=form.email_digest.data,
                                   sessions=form.email_sessions.data)
    flash(gettext("Your email choices are saved."), "success")
    return redirect(url_for("accounts.account", _anchor="emails"), code=303)


@bp.route("/account/sessions/end", methods=["POST"])
@requires(SIGNED_IN)
def end_session() -> ResponseReturnValue:
    """Sign out one of your devices."""
    form = EndSessionForm()
    if not form.validate_on_submit() or not sessions.end_own(current_user.id, form.handle.data):
        return _account_page(status=400, sessions_error=gettext(
            "That device is already signed out. The list below is up to date."))
    if form.handle.data == sessions.handle_of(current_user.sign_in_id or ""):
        sign_out_browser()
        flash(gettext("You are signed out."), "success")
        return redirect(url_for("pages.home"))
    flash(gettext("That device is signed out."), "success")
    return redirect(url_for("accounts.account", _anchor="devices"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@requires(SIGNED_IN)
def end_all_sessions() -> ResponseReturnValue:
    """Sign out everywhere, this device included (the form is only a button; CSRFProtect has
    checked its token before this runs)."""
    sessions.end_all(current_user.id)
    db.session.commit()
    sign_out_browser()
    flash(gettext("You are signed out on every device, this one included."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/oidc/<int:link_id>/remove", methods=["POST"])
@requires(SIGNED_IN)
def oidc_unlink(link_id: int) -> ResponseReturnValue:
    """Remove a sign-in provider from your account (never your last way to sign in)."""
    try:
        label = oidc.unlink(current_user, link_id)
    except oidc.LinkNotFound as error:
        return _account_page(providers_error=str(error), status=404)
    except services.AccountError as error:
        return _account_page(providers_error=str(error), status=409)
    flash(gettext("%(provider)s is no longer linked to your account.", provider=label),
          "success")
    return redirect(url_for("accounts.account", _anchor="providers"), code=303)
