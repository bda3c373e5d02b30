"""Programme insights: the dashboard of enrolments, completion, self-assessment shifts and
outcome stories for admins and facilitators, its CSV files, and the cohort report (PDF)."""

from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/insights")

from lms.insights import views  # noqa: E402,F401 - routes register on bp
