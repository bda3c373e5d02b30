"""Forms for the reform project. Their fields follow the course's template and rubric, so the
classes are made per course; the services check every value (lms.capstone.services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, RadioField, StringField, TextAreaField

from lms.capstone.models import APPROVE, ASK_CHANGES
from lms.courses.capstone_content import CapstoneSpec
from lms.forms import choices


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


class _Base(FlaskForm):
    def fields_by_name(self) -> dict[str, Field]:
        return {name: field for name, field in self._fields.items() if name != "csrf_token"}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put the services' messages on their fields (a message for no field on the form)."""
        for name, message in errors.items():
            if name in self._fields:
                self._fields[name].errors = [message]
            else:
                self.form_errors.append(message)


def draft_form(spec: CapstoneSpec, language: str, values: dict[str, str] | None = None,
               **kwargs: object) -> _Base:
    """The template's fields, filled with `values` when the page is first shown."""
    class DraftForm(_Base):
        pass

    for item in spec.fields:
        kind = StringField if item.one_line else TextAreaField
        setattr(DraftForm, item.field_id, kind(
            spec.label(item.labels, language), description=spec.label(item.helps, language)
            if item.helps else "", filters=[_text],
            render_kw={"maxlength": item.max_length} if item.one_line else {"rows": 6}))
    return DraftForm(data=values or {}, **kwargs)


def draft_values(form: _Base, spec: CapstoneSpec) -> dict[str, str]:
    return {item.field_id: _text(form[item.field_id].data) for item in spec.fields}


def scoring_form(spec: CapstoneSpec, language: str, *, facilitator: bool) -> _Base:
    """A score and a comment for each criterion, an overall comment; for facilitators, the
    decision too."""
    class ScoringForm(_Base):
        overall = TextAreaField(
            _l("Your feedback to the learner") if facilitator else _l("Overall comment"),
            filters=[_text], render_kw={"rows": 5},
            description=_l("Needed when you ask for changes: say what to change and why.")
            if facilitator else _l("Optional: what is strongest, and the one thing to improve."))

    for criterion in spec.rubric:
        setattr(ScoringForm, f"score-{criterion.criterion_id}", RadioField(
            spec.label(criterion.labels, language), validate_choice=False,
            choices=choices((str(level.score), f"{level.score} – "
                             f"{spec.label(level.labels, language)}")
                            for level in criterion.levels)))
        setattr(ScoringForm, f"comment-{criterion.criterion_id}", TextAreaField(
            _l("Comment on “%(criterion)s”", criterion=spec.label(criterion.labels, language)),
            filters=[_text], render_kw={"rows": 3}))
    if facilitator:
        ScoringForm.decision = RadioField(
            _l("Your decision"), validate_choice=False,
            choices=choices([(APPROVE, _l("Approve the project")),
                             (ASK_CHANGES, _l("Ask for changes"))]))
    return ScoringForm()


class ProfileChoiceForm(FlaskForm):
    show_on_profile = BooleanField(_l("Show my approved reform project on my alumni profile"))


class AnonymityForm(FlaskForm):
    anonymous = BooleanField(_l("Keep peer reviewers anonymous: authors do not see who reviewed "
                                "their project"))
