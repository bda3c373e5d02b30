"""Forms for accounts and their administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from lms import timezones
from lms.accounts.models import Role
from lms.accounts.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from lms.forms import EmailAddress, choices
from lms.i18n import LANGUAGE_NAMES, country_choices


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _email_field(*, new: bool) -> EmailField:
    """An email field; only a new address is checked for syntax (existing ones just looked up)."""
    validators = [InputRequired(_l("Enter your email address.")), Length(max=254)]
    if new:
        validators.append(EmailAddress(_l("Enter an email address like name@example.org.")))
    return EmailField(
        _l("Email address"),
        filters=[_strip],
        validators=validators,
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _new_password_field(label: object) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(_l("Choose a password.")),
            Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH,
                   message=_l("Use between %(min)d and %(max)d characters.")),
        ],
        description=_l("At least %(min)d characters. A few unrelated words make a strong one.",
                       min=PASSWORD_MIN_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def _language_field(label: object) -> SelectField:
    return SelectField(label, choices=choices(LANGUAGE_NAMES.items()),
                       validators=[InputRequired()])


def _name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[InputRequired(_l("Enter your name.")), Length(max=120)],
        description=_l("As it should appear on your certificates."),
        render_kw={"autocomplete": "name"},
    )


def _country_field() -> SelectField:
    return SelectField(_l("Country"), validators=[InputRequired(_l("Choose your country."))])


def _organisation_field() -> StringField:
    return StringField(
        _l("Organisation"),
        validators=[Length(max=200)],
        description=_l("Ministry, agency, municipality or organisation you work for."),
        render_kw={"autocomplete": "organization"},
    )


class _CountryChoices:
    """Fills the country list in the page language when the form is made."""

    country: SelectField

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = choices([("", _l("Choose a country")), *country_choices()])

    def validate_country(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose your country."))


class RegisterForm(_CountryChoices, FlaskForm):
    # Declared in the order shown, so the error summary lists problems top to bottom.
    name = _name_field()
    email = _email_field(new=True)
    password = _new_password_field(_l("Password"))
    country = _country_field()
    organisation = _organisation_field()
    locale = _language_field(_l("Preferred language"))


class ProfileForm(_CountryChoices, FlaskForm):
    name = _name_field()
    country = _country_field()
    organisation = _organisation_field()
    locale = _language_field(_l("Preferred language"))
    timezone = SelectField(
        _l("Time zone"), validate_choice=False, render_kw={"data-browser-timezone": ""},
        description=_l("Reminders reach you at 8:00 in this time zone. Left on your cohort's, "
                       "they follow the time zone where your cohort meets."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices([("", _l("My cohort's time zone"))] + [
            (name, name.replace("_", " ")) for name in timezones.names()])
        if self.timezone.data is None:
            self.timezone.data = ""

    def validate_timezone(self, field: SelectField) -> None:
        if field.data and field.data not in timezones.names():
            raise ValidationError(_l("Choose a time zone from the list."))


class LoginForm(FlaskForm):
    email = _email_field(new=False)
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    # Filled by static/timezone.js: the time zone the browser offers, kept on the account at
    # sign-in when the person has not chosen one (lms.accounts.services.adopt_browser_timezone).
    browser_timezone = HiddenField(_l("Your browser's time zone"))


class LinkPasswordForm(FlaskForm):
    """The password of an existing account, to link a sign-in provider to it."""

    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ResetRequestForm(FlaskForm):
    email = _email_field(new=False)


class SetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field(_l("New password"))


class EmailChoicesForm(FlaskForm):
    """The emails a person may switch off (lms.mail.OPTIONAL_KINDS); the rest always go."""

    email_reminders = BooleanField(_l("Reminders about lessons due, automatic or from your "
                                      "facilitator"))
    email_digest = BooleanField(_l("A weekly digest of your cohorts' progress"))
    email_sessions = BooleanField(_l("Reminders of live sessions, the day before"))


class EndSessionForm(FlaskForm):
    """Sign out one device, named by its handle."""

    handle = HiddenField(_l("Device"), validators=[InputRequired(), Length(max=64)])


ROLE_LABELS = {Role.LEARNER: _l("Learner"), Role.FACILITATOR: _l("Facilitator"),
               Role.ADMIN: _l("Admin")}
_ROLE_CHOICES = choices((role.value, label) for role, label in ROLE_LABELS.items())


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_ROLE_CHOICES, validators=[InputRequired()])


class InviteForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter their name.")),
                                                    Length(max=120)])
    email = _email_field(new=True)
    role = SelectField(_l("Role"), choices=_ROLE_CHOICES, validators=[InputRequired()])
    locale = _language_field(_l("Language of the invitation"))


class LanguageForm(FlaskForm):
    """The language switcher in the page header: one button per other language."""

    lang = StringField(validators=[InputRequired(), AnyOf(list(LANGUAGE_NAMES))])
    next = StringField()
