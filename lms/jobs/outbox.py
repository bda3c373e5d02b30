"""Delivering the outbox: claim a batch of due messages, send them on one SMTP connection
(or into the outbox folder), and mark each one sent as soon as the server has accepted it.

Exactly once: a message is marked sent in its own commit right after the server's reply; a
retry happens only for a message whose reply never came (refused, server down, or the worker
killed in between), and it carries the Message-ID fixed when it was queued, so the server and
the reader's mail program see the same message, never two different ones.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from lms import mail
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import queue
from lms.jobs.models import FAILED, QUEUED, RUNNING, SENT, OutboxMessage

log = logging.getLogger(__name__)
BATCH = 100


def claim_batch(size: int = BATCH) -> list[int]:
    """Claim up to `size` due messages for this worker (committed), oldest first."""
    now = utcnow()
    due = (select(OutboxMessage.id).where(or_(
        (OutboxMessage.status == QUEUED) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == RUNNING) & (OutboxMessage.claimed_until < now)))
        .order_by(OutboxMessage.id).limit(size).with_for_update(skip_locked=True))
    claimed = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(due.scalar_subquery()), or_(
            OutboxMessage.status == QUEUED,
            (OutboxMessage.status == RUNNING) & (OutboxMessage.claimed_until < now)))
        .values(status=RUNNING, claimed_until=queue.claim_until(),
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(claimed)


def deliver_due() -> int:
    """Deliver every due message, batch after batch; return how many were sent."""
    sent = 0
    while ids := claim_batch():
        sent += _deliver(ids)
    return sent


def _deliver(ids: list[int]) -> int:
    messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                       .order_by(OutboxMessage.id)))
    sent = 0
    try:
        sent = _send_batch(messages)
    finally:
        later = [message.next_attempt_at for message in messages if message.status == QUEUED]
        if later:
            _wake_at(min(later) - utcnow())
    return sent


def _send_batch(messages: list[OutboxMessage]) -> int:
    sent = 0
    try:
        with mail.transport() as send:
            for index, message in enumerate(messages):
                try:
                    send(message.recipient, message.raw.encode("utf-8"), message.id)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPSenderRefused) as refused:
                    # The server refused this message but still talks to us: go on.
                    _postpone(message, refused)
                    continue
                except (OSError, smtplib.SMTPException) as error:
                    # The connection is gone: this message and the rest of the batch wait.
                    for waiting in messages[index:]:
                        _postpone(waiting, error)
                    return sent
                message.status, message.sent_at = SENT, utcnow()
                message.claimed_until, message.last_error = None, ""
                db.session.commit()  # one commit per message: marked sent exactly once
                sent += 1
    except (OSError, smtplib.SMTPException) as error:  # could not even connect
        for waiting in messages:
            if waiting.status == RUNNING:
                _postpone(waiting, error)
    return sent


def _postpone(message: OutboxMessage, error: BaseException) -> None:
    """Release the claim and try again later (backoff), or give up after the last attempt."""
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.claimed_until = None
    if message.attempts >= queue.max_attempts():
        message.status = FAILED
        log.error("mail %s to %s failed for good: %s", message.id, message.recipient,
                  message.last_error)
    else:
        message.status = QUEUED
        message.next_attempt_at = utcnow() + queue.retry_delay(message.attempts)
        log.warning("mail %s to %s postponed (attempt %d): %s", message.id, message.recipient,
                    message.attempts, message.last_error)
    db.session.commit()


def _wake_at(delay: timedelta) -> None:
    """A wake-up for when the retry is due (the tick would find it too, a little later)."""
    try:
        task = current_app.extensions["lms.tasks"][queue.MAIL]
        task.schedule(delay=max(delay.total_seconds(), 0.0))
    except Exception:  # noqa: BLE001 - the tick picks it up
        log.debug("no scheduled wake-up for a retry", exc_info=True)


def retry(message: OutboxMessage) -> None:
    """An admin sends a failed message back, for a new round of attempts (same Message-ID)."""
    message.status, message.attempts, message.claimed_until = QUEUED, 0, None
    message.next_attempt_at = utcnow()
    queue.wake_after_commit(queue.MAIL)
