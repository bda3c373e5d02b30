"""A durable job handler for the tests: imported by the tests (to queue it) and by the
worker's test app (to run it). It queues an email naming its argument, so a run is a row in
the outbox, committed with the job's outcome, and a message at the SMTP server."""

from __future__ import annotations

from lms import mail
from lms.jobs import queue

NOTE = "tests.note"


@queue.handler(NOTE)
def note(text: str) -> None:
    """Email the text to a fixed address (the run is visible in the outbox and at the server)."""
    mail.queue(mail.compose("jobs@example.org", f"job ran: {text}", text), kind="test")
