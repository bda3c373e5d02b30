"""Forms for the discussion. The rules on what may be written (lengths, characters, lessons)
live in the services, which say which field a refusal belongs to; these only carry fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField

from lms.discussion.models import DAILY_DIGEST, EVERY_POST, NOTHING
from lms.forms import choices

MARKDOWN_HINT = _l("You can use Markdown: *emphasis*, lists and [links](https://example.org).")


class TopicForm(FlaskForm):
    title = StringField(_l("Title"))
    lesson_id = SelectField(_l("Lesson (optional)"), validate_choice=False)
    body = TextAreaField(_l("Your message"), description=MARKDOWN_HINT, render_kw={"rows": 8})


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), description=MARKDOWN_HINT, render_kw={"rows": 6})


class EditForm(FlaskForm):
    body = TextAreaField(_l("Your message"), description=MARKDOWN_HINT, render_kw={"rows": 8})


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 3}, description=_l(
        "The author sees this reason beside their post; nobody else sees the post."))


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with this post?"), render_kw={"rows": 3},
                           description=_l(
        "Only the cohort's facilitators see your report."))


class NotificationsForm(FlaskForm):
    choice = RadioField(_l("Email me"), choices=choices([
        (EVERY_POST, _l("Every post")),
        (DAILY_DIGEST, _l("A daily digest")),
        (NOTHING, _l("Nothing"))]), default=DAILY_DIGEST, validate_choice=False)
