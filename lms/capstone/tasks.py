"""The reform project's periodic duty: peer reviews past their due date go to another peer."""

from __future__ import annotations

import logging
from datetime import datetime

from lms.capstone import assignment
from lms.jobs import periodic

log = logging.getLogger(__name__)


@periodic.duty("capstone.reassign_overdue", every="hour")
def reassign_overdue(now: datetime) -> None:
    """Hand overdue peer reviews to another peer of the same cohort."""
    log.info("overdue peer reviews handed on: %d", assignment.reassign_overdue(now))
