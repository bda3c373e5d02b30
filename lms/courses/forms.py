"""Forms on lesson pages. Choices are read by the service, which knows the quiz."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField


class AnswerForm(FlaskForm):
    attempt = HiddenField()


class ReflectionForm(FlaskForm):
    text = TextAreaField()


class CompleteForm(FlaskForm):
    """Mark a lesson done: only the CSRF token."""
