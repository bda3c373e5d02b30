"""Live sessions: a cohort's scheduled calls or meetings, their calendars, reminders and
attendance."""

from flask import Blueprint

bp = Blueprint("live", __name__)

from lms.live import text, views  # noqa: E402,F401 - routes and filters register on bp
