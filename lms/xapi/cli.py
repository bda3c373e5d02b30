"""`flask --app wsgi lms xapi-backfill --since DATE`: send the learning records of the past."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.xapi import backfill, services


@click.command("xapi-backfill")
@click.option("--since", "since", required=True, metavar="DATE",
              help="Record what happened from this day on (YYYY-MM-DD, UTC).")
@with_appcontext
def xapi_backfill(since: str) -> None:
    """Record the xAPI statements of past activity (lessons and courses completed, checks
    answered, sessions attended, certificates earned and revoked, reform projects approved)
    and queue them for the LRS. Run it again safely: what is recorded is not recorded twice."""
    if not services.enabled():
        raise click.UsageError("LMS_XAPI_ENDPOINT is not set: there is no LRS to send to. Set "
                               "LMS_XAPI_ENDPOINT, LMS_XAPI_USERNAME and LMS_XAPI_PASSWORD.")
    try:
        day = date.fromisoformat(since)
    except ValueError as error:
        raise click.BadParameter(f"{since!r} is not a date like 2026-09-01.",
                                 param_hint="--since") from error
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    new, existing = backfill.backfill(start)
    endpoint = current_app.config["LMS_XAPI_ENDPOINT"]
    click.echo(f"{new} new statements queued for {endpoint}; {existing} already recorded.")
