"""Background work: the task queue (Huey), the mail outbox, durable jobs and periodic duties.

Areas declare their own jobs and duties in a `tasks.py` (`queue.handler`, `periodic.duty`).
"""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")

from lms.jobs import views  # noqa: E402,F401  (routes register on the blueprint)
