"""The cohort's discussion: topics and replies among its members and facilitators."""

from flask import Blueprint

bp = Blueprint("discussion", __name__, url_prefix="/cohorts")

from lms.discussion import moderation, views  # noqa: E402,F401 - routes register on bp
