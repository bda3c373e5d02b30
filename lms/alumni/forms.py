"""Forms for the alumni network: my profile, a message, deleting my profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.alumni.models import HIDDEN, LISTED
from lms.cohorts.focus import THEMES
from lms.forms import MultiCheckboxField, choices
from lms.i18n import SPOKEN_LANGUAGES, country_choices, is_country, spoken_language_choices

BIO_MAX_LENGTH = 2000


class ProfileForm(FlaskForm):
    visibility = RadioField(
        _l("Who can see your profile?"),
        choices=choices([(HIDDEN, _l("Nobody: my profile is hidden")),
                         (LISTED, _l("Alumni, facilitators and the programme team"))]),
        validators=[InputRequired(_l("Choose who can see your profile."))], default=HIDDEN)
    headline = StringField(_l("Job title"), validators=[Optional(), Length(max=160)],
                           description=_l("For example: Head of the open data unit"))
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages you speak"))
    themes = MultiCheckboxField(_l("Themes of expertise"))
    bio = TextAreaField(
        _l("About you"), validators=[Optional(), Length(max=BIO_MAX_LENGTH)],
        description=_l("A few lines on your work and the reforms you care about. You can use "
                       "Markdown: *emphasis*, lists and [links](https://example.org)."))
    website = StringField(
        _l("LinkedIn or personal web page"), validators=[Optional(), Length(max=300)],
        description=_l("An address starting with https://"))
    open_to_exchange = BooleanField(_l("I am open to peer exchange"))
    accepts_messages = BooleanField(_l("Other alumni may send me messages"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = choices([("", _l("Not given")), *country_choices()])
        self.languages.choices = choices(spoken_language_choices())
        self.themes.choices = choices(THEMES.items())

    def validate_country(self, field: SelectField) -> None:
        if field.data and not is_country(field.data):
            raise ValidationError(_l("Choose a country from the list."))

    def validate_languages(self, field: MultiCheckboxField) -> None:
        if any(code not in SPOKEN_LANGUAGES for code in field.data or []):
            raise ValidationError(_l("Choose languages from the list."))

    def validate_themes(self, field: MultiCheckboxField) -> None:
        if any(code not in THEMES for code in field.data or []):
            raise ValidationError(_l("Choose themes from the list."))

    def validate_website(self, field: StringField) -> None:
        if not field.data:
            return
        parts = urlsplit(field.data.strip())
        if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname \
                or any(char.isspace() for char in field.data.strip()):
            raise ValidationError(_l("Enter a web address that starts with https://, such as "
                                     "https://www.linkedin.com/in/your-name"))


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"), filters=[lambda text: (text or "").strip()],
                         validators=[
        DataRequired(_l("Write your message.")),
        Length(max=4000, message=_l("Keep your message under 4,000 characters."))])


class DeleteProfileForm(FlaskForm):
    confirm = BooleanField(_l("I understand that my profile and the messages I sent will be "
                              "deleted"), validators=[InputRequired(_l(
                                  "Tick the box to confirm that you want to delete your "
                                  "profile."))])
