"""Forms for live sessions: scheduling and editing, attendance, the minimum attendance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from lms.forms import choices
from lms.live import services
from lms.live.models import ABSENT, EXCUSED, PRESENT


def _no_control_characters(form: FlaskForm, field: StringField) -> None:
    if field.data and services.has_control_characters(field.data):
        raise ValidationError(_l("This holds characters that cannot be shown; remove them."))


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[
        InputRequired(_l("Enter the session's title.")),
        Length(max=services.MAX_TITLE, message=_l("Keep the title under 200 characters.")),
        _no_control_characters])
    day = DateField(_l("Date"), format="%Y-%m-%d",
                    validators=[InputRequired(_l("Enter the date of the session."))])
    starts = TimeField(_l("Starts at"), format="%H:%M",
                       validators=[InputRequired(_l("Enter when the session starts, such as "
                                                    "18:00."))])
    ends = TimeField(_l("Ends at"), format="%H:%M",
                     validators=[InputRequired(_l("Enter when the session ends, such as "
                                                  "19:30."))])
    location = StringField(
        _l("Where"), validators=[
            InputRequired(_l("Enter a video-call link or a place.")),
            Length(max=services.MAX_LOCATION,
                   message=_l("Keep the place or link under 500 characters.")),
            _no_control_characters],
        description=_l("A video-call link starting with https://, or a place such as "
                       "“City Hall, room 3”."))
    agenda = TextAreaField(
        _l("Agenda"), validators=[
            Optional(), Length(max=services.MAX_AGENDA,
                               message=_l("Keep the agenda under 20,000 characters."))],
        description=_l("Optional. Markdown: *emphasis*, lists and [links](https://example.org)."),
        render_kw={"rows": 6})
    recording_url = StringField(
        _l("Recording or notes"), validators=[
            Optional(), Length(max=services.MAX_LOCATION,
                               message=_l("Keep the link under 500 characters."))],
        description=_l("Optional, after the session: a link starting with https://."))

    def validate_ends(self, field: TimeField) -> None:
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The session must end after it starts."))

    def validate_location(self, field: StringField) -> None:
        try:
            services.check_location(field.data or "")
        except services.LiveError as error:
            raise ValidationError(str(error)) from error

    def validate_recording_url(self, field: StringField) -> None:
        if field.data and field.data.strip() and not services.is_web_address(field.data):
            raise ValidationError(_l("Enter a link that starts with https:// or http://."))

    def validate_agenda(self, field: TextAreaField) -> None:
        if field.data and services.has_control_characters(field.data):
            raise ValidationError(_l("The agenda holds characters that cannot be shown; "
                                     "remove them."))

    def details(self) -> services.SessionDetails:
        """The form's values for the services (validated first)."""
        return services.SessionDetails(
            title=self.title.data or "", day=self.day.data, starts=self.starts.data,
            ends=self.ends.data, location=self.location.data or "",
            agenda=self.agenda.data or "", recording_url=self.recording_url.data or "")


class MinAttendanceForm(FlaskForm):
    min_attendance = StringField(
        _l("Sessions to attend for the certificate"),
        validators=[Length(max=10, message=_l("Enter a whole number of sessions."))],
        description=_l("Leave empty for no condition. Sessions marked “present” count."),
        render_kw={"inputmode": "numeric"})


def status_labels() -> dict[str, str]:
    return {PRESENT: str(_l("Present")), EXCUSED: str(_l("Excused")),
            ABSENT: str(_l("Absent"))}


def field_name(user_id: int) -> str:
    return f"member_{user_id}"


def attendance_form(members: list[tuple[int, str, str | None]],
                    formdata: object = None) -> FlaskForm:
    """One radio group per member (present, excused, absent), named after their id."""

    class AttendanceForm(FlaskForm):
        pass

    labels = status_labels()
    for user_id, name, _ in members:
        setattr(AttendanceForm, field_name(user_id), RadioField(
            name, choices=choices(labels.items()), validators=[Optional()],
            validate_choice=True))
    form = AttendanceForm(formdata=formdata) if formdata is not None else AttendanceForm()
    if formdata is None and not form.is_submitted():
        for user_id, _, status in members:
            getattr(form, field_name(user_id)).data = status
    return form
