"""Live sessions' periodic duty: the reminder the day before each session, every hour."""

from __future__ import annotations

import logging
from datetime import datetime

from lms.jobs import periodic
from lms.live import notices

log = logging.getLogger(__name__)


@periodic.duty("live.reminders", every="hour")
def send_session_reminders(now: datetime) -> None:
    """Remind members of the sessions starting within a day."""
    log.info("session reminders: %d queued", notices.send_reminders(now))
