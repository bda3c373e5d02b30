"""Imports every area's `tasks.py`, so their jobs and periodic duties are registered."""

from lms.accounts import tasks as accounts_tasks  # noqa: F401
from lms.capstone import tasks as capstone_tasks  # noqa: F401
from lms.certificates import tasks as certificates_tasks  # noqa: F401
from lms.cohorts import tasks as cohorts_tasks  # noqa: F401
from lms.discussion import tasks as discussion_tasks  # noqa: F401
from lms.live import tasks as live_tasks  # noqa: F401
from lms.xapi import tasks as xapi_tasks  # noqa: F401
