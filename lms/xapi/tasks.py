"""Learning records' background work: the delivery job and the hourly sweep."""

from __future__ import annotations

import logging
from datetime import datetime

from lms.extensions import db
from lms.jobs import periodic, queue
from lms.xapi import delivery, services

log = logging.getLogger(__name__)


@queue.handler(services.DELIVER_JOB)
def deliver() -> None:
    """Send the due statements; if the LRS is away, come back when the first is due again."""
    sent, retry_at = delivery.deliver_due()
    if sent:
        log.info("xAPI: %d statements sent", sent)
    if retry_at is not None:
        queue.enqueue(services.DELIVER_JOB, delay=delivery.delay_until(retry_at))


@periodic.duty("xapi.sweep", every="hour")
def sweep(now: datetime) -> None:
    """Queue a delivery when statements are due and no job was (a lost wake-up, a job that
    failed for good, a worker killed holding a claim): nothing waits longer than an hour."""
    if services.enabled() and db.session.scalar(delivery.due().limit(1)) is not None:
        services.queue_delivery()
