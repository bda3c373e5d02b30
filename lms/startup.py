"""What a web or worker process does once, when it starts, so that no user waits for it."""

from __future__ import annotations

import logging
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from lms.extensions import db

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> None:
    """Build the alumni directory's index now rather than on the first search. A database
    without tables yet (before `db upgrade`) is no error: the index builds on first use."""
    from lms.alumni.search import facet_index

    started = time.perf_counter()
    with app.app_context():
        try:
            facet_index().sync()
        except SQLAlchemyError:
            db.session.rollback()
            log.info("alumni index not built at start-up: the database is not ready yet")
            return
        finally:
            db.session.remove()
            # No connection kept in the pool: gunicorn --preload forks its workers from this
            # process, and two processes must never share one database connection.
            db.engine.dispose()
    log.info("alumni index built in %.0f ms", (time.perf_counter() - started) * 1000)
