"""Cohorts' periodic duties: automatic reminders every hour, the facilitators' weekly digest."""

from __future__ import annotations

import logging
from datetime import datetime

from lms.cohorts import autoreminders, digest
from lms.jobs import periodic

log = logging.getLogger(__name__)


@periodic.duty("cohorts.reminders", every="hour")
def send_reminders(now: datetime) -> None:
    """Send the automatic reminders due this hour, by each learner's clock."""
    log.info("automatic reminders: %d queued", autoreminders.run(now))


@periodic.duty("cohorts.digest", every="week")
def send_digests(now: datetime) -> None:
    """Email each facilitator who wants it the week in their open cohorts."""
    log.info("facilitator digests: %d queued", digest.run(now))
