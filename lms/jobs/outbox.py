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
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Update, or_, select, update

from lms import mail
from lms.database import rowcount
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import queue
from lms.jobs.models import FAILED, QUEUED, RUNNING, SENT, OutboxMessage

log = logging.getLogger(__name__)
BATCH = 100


@dataclass
class Claim:
    """A batch in this worker's hands: its rows carry `until` as their claimed_until, a mark
    no other worker's rows share, so each write below touches only rows still ours."""

    ids: list[int]
    until: datetime


def claim_batch(size: int = BATCH) -> Claim:
    """Claim up to `size` due messages for this worker (committed), oldest first."""
    now = utcnow()
    until = queue.claim_until()
    # A message whose worker died with it in hand on its last attempt is not taken again
    # (one that kills its worker each time must not be retried for ever): it fails, for an
    # admin to look at.
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.status == RUNNING,
                                    OutboxMessage.claimed_until < now,
                                    OutboxMessage.attempts >= queue.max_attempts())
        .values(status=FAILED, claimed_until=None, last_error=queue.ABANDONED)
        .execution_options(synchronize_session=False))
    due = (select(OutboxMessage.id).where(or_(
        (OutboxMessage.status == QUEUED) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == RUNNING) & (OutboxMessage.claimed_until < now)))
        .order_by(OutboxMessage.id).limit(size).with_for_update(skip_locked=True))
    claimed = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(due.scalar_subquery()), or_(
            OutboxMessage.status == QUEUED,
            (OutboxMessage.status == RUNNING) & (OutboxMessage.claimed_until < now)))
        .values(status=RUNNING, claimed_until=until, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)).all()
    db.session.commit()
    return Claim(sorted(claimed), until)


def deliver_due() -> int:
    """Deliver every due message, batch after batch; return how many were sent."""
    sent = 0
    while (claim := claim_batch()).ids:
        sent += _deliver(claim)
    return sent


@dataclass(frozen=True)
class _Message:
    id: int
    recipient: str
    raw: bytes
    attempts: int


def _deliver(claim: Claim) -> int:
    # Plain values, read once: no ORM objects to be refreshed (a query each) after every
    # commit below.
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.raw,
               OutboxMessage.draft, OutboxMessage.attempts)
        .where(OutboxMessage.id.in_(claim.ids)).order_by(OutboxMessage.id)).all()
    made = {row.id: mail.Draft(**row.draft).as_bytes().decode("utf-8")
            for row in rows if row.raw is None}
    if made:  # first attempt: the message is made once, and every retry sends these bytes
        db.session.execute(update(OutboxMessage),
                           [{"id": outbox_id, "raw": raw} for outbox_id, raw in made.items()])
        db.session.commit()
    messages = [_Message(row.id, row.recipient, (row.raw or made[row.id]).encode("utf-8"),
                         row.attempts) for row in rows]
    db.session.rollback()  # no transaction held open while the SMTP server takes its time
    retries: list[datetime] = []
    try:
        return _send_batch(claim, messages, retries)
    finally:
        if retries:
            _wake_at(min(retries) - utcnow())


def _send_batch(claim: Claim, messages: list[_Message], retries: list[datetime]) -> int:
    sent = 0
    waiting = list(messages)  # in hand: neither sent nor postponed yet
    try:
        with mail.transport() as send:
            while waiting:
                if not _renew(claim, waiting):
                    continue  # what was left was no longer ours (see _renew)
                message = waiting.pop(0)
                try:
                    send(message.recipient, message.raw, message.id)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPSenderRefused) as refused:
                    # The server refused this message but still talks to us: go on.
                    _postpone(claim, message, refused, retries)
                    continue
                except (OSError, smtplib.SMTPException) as error:
                    # The connection is gone: this message and the rest of the batch wait.
                    for later in [message, *waiting]:
                        _postpone(claim, later, error, retries)
                    waiting.clear()
                    return sent
                except Exception as error:  # noqa: BLE001 - a bug: kept on the row, retried
                    log.exception("mail %s could not be sent", message.id)
                    _postpone(claim, message, error, retries)
                    continue
                marked = db.session.execute(
                    _ours(claim, message.id)
                    .values(status=SENT, sent_at=utcnow(), claimed_until=None, last_error=""))
                db.session.commit()  # one commit per message: marked sent exactly once
                if rowcount(marked) != 1:
                    log.error("mail %s was sent after its claim had lapsed", message.id)
                sent += 1
    except (OSError, smtplib.SMTPException) as error:  # could not even connect (or QUIT)
        for later in waiting:
            _postpone(claim, later, error, retries)
    return sent


def _ours(claim: Claim, *ids: int) -> Update:
    """An UPDATE of these messages, if this worker's claim on them still holds."""
    return (update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == RUNNING,
                   OutboxMessage.claimed_until == claim.until)
            .execution_options(synchronize_session=False))


def _renew(claim: Claim, waiting: list[_Message]) -> bool:
    """Extend the claim on the messages still in hand once half its time has gone.

    A slow server (up to LMS_MAIL_TIMEOUT per command) can make a batch outlast its claim;
    another worker would then take the messages still waiting here and both would send them.
    Renewed in time, they stay ours; any that are not (this worker stalled past the claim and
    another took them) are dropped from this batch. False if none is left."""
    length = queue.claim_until() - utcnow()
    if claim.until - utcnow() > length / 2:
        return True
    until = queue.claim_until()
    renewed = set(db.session.scalars(
        _ours(claim, *(message.id for message in waiting)).values(claimed_until=until)
        .returning(OutboxMessage.id)).all())
    db.session.commit()
    claim.until = until
    lost = [message.id for message in waiting if message.id not in renewed]
    if lost:
        log.warning("mail %s no longer claimed by this worker: left to the one that took it",
                    lost)
    waiting[:] = [message for message in waiting if message.id in renewed]
    return bool(waiting)


def _postpone(claim: Claim, message: _Message, error: BaseException,
              retries: list[datetime]) -> None:
    """Release the claim and try again later (backoff), or give up after the last attempt."""
    last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= queue.max_attempts():
        db.session.execute(_ours(claim, message.id).values(
            status=FAILED, claimed_until=None, last_error=last_error))
        log.error("mail %s to %s failed for good: %s", message.id, message.recipient,
                  last_error)
    else:
        next_attempt = utcnow() + queue.retry_delay(message.attempts)
        db.session.execute(_ours(claim, message.id).values(
            status=QUEUED, claimed_until=None, last_error=last_error,
            next_attempt_at=next_attempt))
        retries.append(next_attempt)
        log.warning("mail %s to %s postponed (attempt %d): %s", message.id, message.recipient,
                    message.attempts, last_error)
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
