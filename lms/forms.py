"""Helpers every area's views use with Flask-WTF forms."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, request
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, usable without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def email_address(text: str) -> str:
    """`text` as a normalized email address, or EmailNotValidError. Outside production the
    reserved `.test` domain is an address too: the demo's accounts use it."""
    test_domains = current_app.config.get("LMS_ENV") != "production"
    return validate_email(text, check_deliverability=False,
                          test_environment=test_domains).normalized


class EmailAddress:
    """A form validator: the field holds an email address (see `email_address`)."""

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        try:
            email_address(field.data or "")
        except EmailNotValidError as error:
            raise ValidationError(str(self.message)) from error


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def render_form(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    """Render a form page; a submitted form with errors answers 400 so clients can tell."""
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None, default: str) -> str:
    """A same-site path to go to after a form, never another host (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    # A control character (a line break above all) cannot go into the Location header.
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return default
    return target
