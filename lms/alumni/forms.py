"""Forms for the alumni network: my profile, a message, deleting my profile."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MonthField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.alumni.models import ALUMNI_TOO, HIDDEN, LISTED, PROGRAMME_ONLY
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


EVIDENCE_MAX_LINKS = 5
MONTH_HINT = _l("Give the month and year, for example 2026-03.")


class _MonthField(MonthField):
    """A month (YYYY-MM) with a message that says what to type."""

    data: date | None

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(MONTH_HINT)) from None


class OutcomeForm(FlaskForm):
    what_changed = TextAreaField(
        _l("What changed?"), validators=[InputRequired(_l("Say what changed.")),
                                         Length(max=2000)],
        description=_l("A change in behaviour, a practice, a policy or a relationship, "
                       "described so that someone else could check it."))
    who_changed = StringField(
        _l("Who changed it?"), validators=[InputRequired(_l("Say who changed it.")),
                                          Length(max=300)],
        description=_l("The ministry, agency, council or group whose actions changed."))
    happened_on = _MonthField(_l("When?"), validators=[InputRequired(MONTH_HINT)],
                              format="%Y-%m", description=_l("Month and year"))
    contribution = TextAreaField(
        _l("Your contribution"), validators=[InputRequired(_l("Describe your part in it.")),
                                            Length(max=2000)],
        description=_l("What you did that helped the change happen."))
    theme = SelectField(_l("Theme"), validators=[InputRequired(_l("Choose a theme."))])
    country = SelectField(_l("Country"), validators=[InputRequired(_l("Choose a country."))])
    evidence = TextAreaField(
        _l("Evidence"), validators=[Optional(), Length(max=2000)],
        description=_l("Links to a decree, an article, a dataset or a report: one address "
                       "starting with https:// per line, up to 5."))
    visibility = RadioField(
        _l("Who can read this story?"),
        choices=choices([(PROGRAMME_ONLY, _l("The programme team only")),
                         (ALUMNI_TOO, _l("The programme team and other alumni, on my profile"))]),
        validators=[InputRequired(_l("Choose who can read this story."))],
        default=PROGRAMME_ONLY)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = choices([("", _l("Choose a theme")), *THEMES.items()])
        self.country.choices = choices([("", _l("Choose a country")), *country_choices()])

    def validate_theme(self, field: SelectField) -> None:
        if field.data not in THEMES:
            raise ValidationError(_l("Choose a theme."))

    def validate_country(self, field: SelectField) -> None:
        if not is_country(field.data or ""):
            raise ValidationError(_l("Choose a country."))

    def validate_happened_on(self, field: MonthField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("Record changes that have already happened: this month "
                                     "is in the future."))

    def evidence_links(self) -> list[str]:
        return [line.strip() for line in (self.evidence.data or "").splitlines()
                if line.strip()]

    def validate_evidence(self, field: TextAreaField) -> None:
        links = self.evidence_links()
        if len(links) > EVIDENCE_MAX_LINKS:
            raise ValidationError(_l("Give at most 5 links."))
        for link in links:
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or not parts.hostname \
                    or any(char.isspace() for char in link):
                raise ValidationError(_l("Each line must be one web address starting with "
                                         "https:// or http://."))
