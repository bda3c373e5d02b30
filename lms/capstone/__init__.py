"""The reform project (capstone): drafting, peer review, the facilitator's decision."""

from flask import Blueprint

bp = Blueprint("capstone", __name__)

from lms.capstone import views  # noqa: E402,F401 - routes register on bp
