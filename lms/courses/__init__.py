"""Courses: content loading and checking, catalogue, lessons, knowledge checks and progress."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")

from lms.courses import views  # noqa: E402,F401 - routes register on bp
