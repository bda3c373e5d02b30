"""Forms for cohorts: details, schedule, members, CSV import, reminders, notes."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from lms.cohorts.focus import REGIONS, THEMES
from lms.forms import EmailAddress, MultiCheckboxField, choices

RESERVED_SLUGS = {"new", "join"}


def _date_field(label: object) -> DateField:
    return DateField(label, validators=[InputRequired(_l("Enter a date."))],
                     format="%Y-%m-%d")


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the cohort's name.")),
                                               Length(max=160)],
                       description=_l("For example: Western Balkans 2027, spring."))
    slug = StringField(
        _l("Address"),
        validators=[InputRequired(_l("Enter a short address.")), Length(min=2, max=80),
                    Regexp(r"^[a-z0-9][a-z0-9-]*$",
                           message=_l("Use lower-case letters, digits and hyphens."))],
        description=_l("Lower-case letters, digits and hyphens: the cohort's page will be at "
                       "/cohorts/<address>/."))
    focus = SelectField(_l("Region or theme"),
                        validators=[InputRequired(_l("Choose a region or a theme."))])
    course_id = SelectField(_l("Course"), validators=[InputRequired(_l("Choose a course."))])
    starts_on = _date_field(_l("Start date"))
    ends_on = _date_field(_l("End date"))
    facilitator_ids = MultiCheckboxField(_l("Facilitators"), coerce=int)
    requires_signoff = BooleanField(_l("Certificates need the facilitator's sign-off"))

    def __init__(self, *args: object, courses: list[tuple[str, str]],
                 facilitators: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.focus.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(code, label, optgroup=str(_l("Regions")))
            for code, label in REGIONS.items()] + [
            SelectChoice(code, label, optgroup=str(_l("Themes")))
            for code, label in THEMES.items()]
        self.course_id.choices = choices(courses)
        self.facilitator_ids.choices = choices(facilitators)

    def validate_slug(self, field: StringField) -> None:
        if field.data in RESERVED_SLUGS:
            raise ValidationError(_l("This address is reserved; choose another."))

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


def schedule_form(lesson_titles: list[tuple[str, str]], due: dict[str, date],
                  formdata: object = None) -> FlaskForm:
    """A form with one date per lesson, named after the lesson's id."""

    class ScheduleForm(ReminderPolicyFields):
        pass

    for lesson_id, title in lesson_titles:
        setattr(ScheduleForm, f"due_{lesson_id.replace('-', '_')}", _date_field(title))
    form = ScheduleForm(formdata=formdata) if formdata is not None else ScheduleForm()
    if formdata is None and not form.is_submitted():
        for lesson_id, _ in lesson_titles:
            form[f"due_{lesson_id.replace('-', '_')}"].data = due.get(lesson_id)
    return form


def _days_field(label: object, description: object) -> StringField:
    # Text, not a number input: the service checks it and says what is wrong in words.
    return StringField(label, description=description,
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 3})


class ReminderPolicyFields(FlaskForm):
    """The cohort's time zone and automatic reminders (checked by lms.cohorts.policy)."""

    timezone = SelectField(_l("Time zone"), validate_choice=False,
                           description=_l("Where the cohort meets. Reminders go out by each "
                                          "learner's own time zone when they set one, by this "
                                          "one otherwise."))
    remind_before_days = _days_field(_l("Days before a lesson's due date"),
                                     _l("From 1 to 14. Empty: off."))
    remind_after_days = _days_field(_l("Days after a missed due date"),
                                    _l("From 1 to 14. Empty: off."))
    remind_inactive_days = _days_field(_l("Days without any activity"),
                                       _l("From 3 to 60. Empty: off."))


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        InputRequired(_l("Enter the person's email address.")),
        EmailAddress(_l("Enter an email address like name@example.org.")), Length(max=254)])
    # Asked for every address, so that the form never hints whether one has an account.
    name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter the person's name.")),
                                                    Length(max=120)],
                       description=_l("Used in the invitation email if the person has no "
                                      "account yet."))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("Columns: email,name,country,organisation. UTF-8, commas or "
                                    "semicolons. Country as a two-letter code, like SN."))


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[InputRequired()])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("New note"), validators=[InputRequired(_l("Write the note.")),
                                                     Length(max=5000)])


class ReminderForm(FlaskForm):
    learners = MultiCheckboxField(_l("Send to"), coerce=int)
    subject = StringField(_l("Subject"), validators=[InputRequired(_l("Write a subject.")),
                                                     Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[InputRequired(_l("Write a message.")),
                                                    Length(max=5000)],
                         description=_l("{name}, {cohort}, {course}, {lessons} (the lessons due "
                                        "and not done) and {link} are filled in for each "
                                        "learner."))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
