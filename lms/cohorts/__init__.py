"""Cohorts: regional and thematic cohorts, membership, pacing, the facilitator's dashboard."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from lms.cohorts import manage, views  # noqa: E402,F401 - routes register on bp
