"""Forms on lesson pages. Choices are read by the service, which knows the quiz."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField


def new_submission_token() -> str:
    """A one-time token per rendered form: sending the same form twice stores one answer."""
    return secrets.token_urlsafe(16)


class AnswerForm(FlaskForm):
    submission = HiddenField()


class ReflectionForm(FlaskForm):
    text = TextAreaField()


class CompleteForm(FlaskForm):
    """Mark a lesson done: only the CSRF token."""
