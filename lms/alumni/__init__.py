"""Alumni network: profiles with consent, the directory, messages between alumni."""

from flask import Blueprint

# No URL prefix: the area also answers /cohorts/<slug>/alumni.
bp = Blueprint("alumni", __name__)

from lms.alumni import outcome_views, views  # noqa: E402,F401 - routes register on bp
