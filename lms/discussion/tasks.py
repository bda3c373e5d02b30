"""The discussion's background work: an email per new post for those who want every post, and
the daily digest for the others."""

from __future__ import annotations

import logging
from datetime import datetime

from lms.discussion import notify
from lms.jobs import periodic, queue

log = logging.getLogger(__name__)


@queue.handler("discussion.new_post")
def new_post(post_id: int) -> None:
    """Email a new post to the cohort's readers who chose every post."""
    log.info("discussion post %d: %d emails queued", post_id, notify.new_post(post_id))


@periodic.duty("discussion.digest", every="day")
def send_digests(now: datetime) -> None:
    """Email each reader who chose the daily digest the new posts of their cohorts."""
    log.info("discussion digests: %d queued", notify.run_digest(now))
