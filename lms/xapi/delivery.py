"""Delivering statements to the LRS: claim a batch of due statements, POST them together, mark
them sent on the LRS's answer.

- 200 or 204 for a batch: all sent (204 is the LRS saying it already holds them, identical).
- No answer, 5xx, 401/403 (our credentials), 429: the LRS (or our access to it) is the
  problem, not the statements: they stay queued with backoff (lms.jobs.queue.retry_delay),
  for as long as it takes; a statement is never given up because the LRS was away.
- Any other 4xx for a batch: the statements go one by one, so a bad one is marked failed with
  the LRS's answer while the others are sent. A 409 for a single statement means the LRS holds
  a different statement under the same id (an identical one answers 204): marked failed with
  that explanation, for an admin to look at; nothing is overwritten.

Exactly once: ids are fixed when a statement is written, so a statement sent again (its worker
died before marking it, a claim lapsed) is one the LRS already holds and answers 204 for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import current_app
from sqlalchemy import Update, or_, select, update

from lms.database import rowcount
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import queue
from lms.xapi.models import FAILED, QUEUED, SENT, XapiStatement

log = logging.getLogger(__name__)
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}
# Answers about the LRS or our access to it, not about the statements: retried later.
RETRY_STATUSES = {401, 403, 408, 429}


class Unavailable(Exception):
    """The LRS did not take the statements for a reason of its own: try again later."""


@dataclass
class Claim:
    ids: list[str]
    until: datetime


def due() -> Any:
    """The statements a worker may take now (queued, due, not claimed by a live worker)."""
    now = utcnow()
    return select(XapiStatement.id).where(
        XapiStatement.status == QUEUED, XapiStatement.next_attempt_at <= now,
        or_(XapiStatement.claimed_until.is_(None), XapiStatement.claimed_until < now))


def claim_batch(size: int) -> Claim:
    """Claim up to `size` due statements for this worker (committed), oldest first."""
    now = utcnow()
    until = queue.claim_until()
    ids = due().order_by(XapiStatement.created_at, XapiStatement.id).limit(size) \
        .with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        update(XapiStatement).where(
            XapiStatement.id.in_(ids.scalar_subquery()), XapiStatement.status == QUEUED,
            or_(XapiStatement.claimed_until.is_(None), XapiStatement.claimed_until < now))
        .values(claimed_until=until, attempts=XapiStatement.attempts + 1)
        .returning(XapiStatement.id).execution_options(synchronize_session=False)).all()
    db.session.commit()
    return Claim(sorted(claimed), until)


def _ours(claim: Claim, *ids: str) -> Update:
    """An UPDATE of these statements, if this worker's claim on them still holds."""
    return (update(XapiStatement)
            .where(XapiStatement.id.in_(ids), XapiStatement.status == QUEUED,
                   XapiStatement.claimed_until == claim.until)
            .execution_options(synchronize_session=False))


def deliver_due() -> tuple[int, datetime | None]:
    """Send every due statement, batch after batch: how many were sent, and when the
    earliest postponed one is due again (None if none was postponed)."""
    sent, retry_at = 0, None
    if not current_app.config.get("LMS_XAPI_ENDPOINT"):
        return 0, None
    size = int(current_app.config.get("LMS_XAPI_BATCH") or 50)
    while (claim := claim_batch(size)).ids:
        try:
            sent += _deliver(claim)
        except Unavailable as error:
            retry_at = _postpone(claim, error)
            break  # the LRS is away: the rest waits for the next round too
    return sent, retry_at


def _post(payload: Any) -> requests.Response:
    config = current_app.config
    endpoint = str(config["LMS_XAPI_ENDPOINT"]).rstrip("/")
    try:
        answer = requests.post(
            f"{endpoint}/statements", json=payload, headers=VERSION_HEADER,
            auth=(str(config.get("LMS_XAPI_USERNAME") or ""),
                  str(config.get("LMS_XAPI_PASSWORD") or "")),
            timeout=(5.0, float(config.get("LMS_XAPI_TIMEOUT") or 30)))
    except requests.RequestException as error:
        raise Unavailable(f"{type(error).__name__}: {error}") from error
    if answer.status_code >= 500 or answer.status_code in RETRY_STATUSES:
        raise Unavailable(f"HTTP {answer.status_code}: {answer.text[:500]}")
    return answer


def _deliver(claim: Claim) -> int:
    rows = db.session.execute(select(XapiStatement.id, XapiStatement.payload)
                              .where(XapiStatement.id.in_(claim.ids))
                              .order_by(XapiStatement.created_at, XapiStatement.id)).all()
    db.session.rollback()  # no transaction held open while the LRS takes its time
    answer = _post([row.payload for row in rows])
    if answer.status_code in (200, 204):
        return _mark_sent(claim, [row.id for row in rows])
    log.warning("the LRS refused a batch of %d statements (HTTP %d): sending one by one",
                len(rows), answer.status_code)
    sent = 0
    for row in rows:  # Unavailable here: what is not marked yet is postponed by the caller
        single = _post(row.payload)
        if single.status_code in (200, 204):
            sent += _mark_sent(claim, [row.id])
            continue
        error = f"HTTP {single.status_code}: {single.text[:1500]}"
        if single.status_code == 409:
            error = ("The LRS holds a different statement with this id (409): " + error)
        db.session.execute(_ours(claim, row.id).values(
            status=FAILED, claimed_until=None, last_error=error))
        db.session.commit()
        log.error("xAPI statement %s refused by the LRS: %s", row.id, error)
    return sent


def _mark_sent(claim: Claim, ids: list[str]) -> int:
    marked = db.session.execute(_ours(claim, *ids).values(
        status=SENT, sent_at=utcnow(), claimed_until=None, last_error=""))
    db.session.commit()
    if rowcount(marked) != len(ids):
        log.warning("xAPI statements sent after their claim had lapsed (the LRS keeps one)")
    return len(ids)


def _postpone(claim: Claim, error: Unavailable) -> datetime:
    """Release the claim on what is left of the batch: due again after the backoff."""
    attempts = db.session.scalar(
        select(XapiStatement.attempts).where(XapiStatement.id.in_(claim.ids))
        .order_by(XapiStatement.attempts).limit(1)) or 1
    retry_at = utcnow() + queue.retry_delay(attempts)
    db.session.execute(_ours(claim, *claim.ids).values(
        claimed_until=None, next_attempt_at=retry_at, last_error=str(error)[:2000]))
    db.session.commit()
    log.warning("LRS unavailable, %d xAPI statements wait until %s: %s", len(claim.ids),
                retry_at.isoformat(), error)
    return retry_at


def delay_until(moment: datetime) -> timedelta:
    return max(moment - utcnow(), timedelta())
