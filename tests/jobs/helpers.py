"""Outbox rows and failures for the background-jobs tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from lxml import html
from sqlalchemy import select

from lms import mail
from lms.extensions import db
from lms.jobs.models import SENT, OutboxMessage

_numbers = itertools.count(1)


def queue_email(to: str = "ana@example.org", *, subject: str = "Hello", kind: str = "account",
                user_id: int | None = None) -> OutboxMessage:
    """An email queued as the platform queues one (committed)."""
    mail.queue(mail.compose(to, subject, "The body"), kind=kind, user_id=user_id)
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first() \
        or OutboxMessage()


def sent_row(kind: str, sent_at: datetime) -> OutboxMessage:
    """A message delivered at `sent_at` (only its counts matter)."""
    number = next(_numbers)
    row = OutboxMessage(message_id=f"<sent{number}@localhost>", kind=kind,
                        recipient=f"sent{number}@example.org", subject="Sent", raw="", draft={},
                        status=SENT, attempts=1, created_at=sent_at, next_attempt_at=sent_at,
                        sent_at=sent_at)
    db.session.add(row)
    db.session.commit()
    return row


def fail_everything_due(app: Flask, run_jobs: Callable[[], None]) -> None:
    """Run what is due with the mail server down and one attempt each: all of it fails."""
    app.config.update(LMS_MAIL_URL="smtp://127.0.0.1:1", LMS_MAX_ATTEMPTS=1,
                      LMS_MAIL_TIMEOUT=2)
    run_jobs()
    app.config.update(LMS_MAIL_URL="", LMS_MAX_ATTEMPTS=8)


def row_cells(page: str, table_id: str, row_header: str) -> dict[str, str]:
    """The cells of one row of a table (under the heading with `table_id`), by their label."""
    tree = html.fromstring(page)
    [region] = tree.xpath(f'//div[@aria-labelledby="{table_id}"]')
    for row in region.xpath(".//tbody/tr"):
        if row.xpath("string(./th)").strip() == row_header:
            return {cell.get("data-label"): " ".join(cell.text_content().split())
                    for cell in row.xpath("./td")}
    raise AssertionError(f"no row {row_header!r} in #{table_id}")
