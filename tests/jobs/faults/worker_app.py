"""The app a test worker runs when a test needs its own job handler and periodic duty:
`python -m flask --app tests.jobs.faults.worker_app lms worker`.

It is the production app (`wsgi.app`, the same factory, the same worker command) with two
registrations added, in this module only, so that no other test's in-process tick runs them:
the `tests.note` job handler, and an hourly duty whose clock is a file the test writes
(LMS_TEST_CLOCK_FILE), so the test moves to the next period without waiting an hour.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from lms import mail
from lms.jobs import periodic
from tests.jobs.faults import handlers  # noqa: F401  (registers tests.note)
from wsgi import app

HOURLY = "tests.hourly"
_clock_file = Path(os.environ["LMS_TEST_CLOCK_FILE"]) if "LMS_TEST_CLOCK_FILE" in os.environ \
    else None


def _test_clock() -> datetime:
    assert _clock_file is not None
    return datetime.fromisoformat(_clock_file.read_text().strip())


if _clock_file is not None:
    periodic.set_clock(_test_clock)

    @periodic.duty(HOURLY, every="hour")
    def hourly(now: datetime) -> None:
        """Queue one email naming the period: a run is a row committed with the claim."""
        period = now.strftime("%Y-%m-%dT%H")
        mail.queue(mail.compose("duty@example.org", f"hourly run {period} by {os.getpid()}",
                                f"Period {period}."), kind="test")


__all__ = ["app"]
