"""Forms on lesson pages. Choices are read by the service, which knows the quiz."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from lms.forms import choices


class AnswerForm(FlaskForm):
    attempt = HiddenField()


class ReflectionForm(FlaskForm):
    text = TextAreaField()


class CompleteForm(FlaskForm):
    """Mark a lesson done: only the CSRF token."""


SCALE_LABELS = {1: _l("1 – not at all"), 2: _l("2 – a little"), 3: _l("3 – somewhat"),
                4: _l("4 – mostly"), 5: _l("5 – fully")}


def self_assessment_form(statements: list[tuple[str, str]], question: str) -> FlaskForm:
    """A form with one 1-5 choice per (statement id, text) and the open question."""

    class SelfAssessmentForm(FlaskForm):
        open_answer = TextAreaField(question, validators=[
            Optional(), Length(max=2000, message=_l("Keep your answer under 2,000 characters."))])

    for position, (_statement_id, text) in enumerate(statements):
        setattr(SelfAssessmentForm, f"statement_{position}", RadioField(
            text, coerce=int, choices=choices(SCALE_LABELS.items()),
            validators=[InputRequired(_l("Choose how far this is true for you."))]))
    return SelfAssessmentForm()
