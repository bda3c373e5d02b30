"""Per-connection database settings."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.exc import OperationalError

from lms.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Foreign keys on, WAL for readers beside a writer, and wait for a lock instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (Session.execute types every result as a Result,
    but a DML statement's is a CursorResult)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def configure_engine(app: Flask) -> None:
    """Attach the SQLite settings to the app's engine (PostgreSQL needs none)."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
    # Registered after Flask-SQLAlchemy's teardown, so it runs first.
    app.teardown_appcontext(_end_session)


def _end_session(error: BaseException | None) -> None:
    """End the request's session, even on a connection the database has just cut.

    Ending a session rolls back, and on a connection cut by a database restart the rollback
    fails. Nothing is left to roll back then, and the response is made: the connection is
    thrown away (never back into the pool) rather than the response turned into a 500.
    """
    try:
        db.session.remove()
    except OperationalError:
        log.warning("database connection lost at the end of a request; discarded")
        db.session().invalidate()  # the same session: its close failed before it was dropped
        db.session.remove()


def begin_transaction() -> None:
    """Make sure the session's transaction has begun in the database itself.

    pysqlite sends BEGIN only before the first write, so a SAVEPOINT opened earlier would be
    the transaction: releasing it would commit everything at once. Call this before
    `begin_nested()` when the caller means to commit (or roll back) later, as one transaction.
    """
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN")


def insert_or_ignore(model: type[Any], values: dict[str, Any], keys: list[str]) -> bool:
    """INSERT unless a row with the same `keys` exists (a unique constraint); True if inserted.

    One statement on SQLite and PostgreSQL alike, so two requests at once never both insert.
    """
    statement = dialect_insert()(model).values(**values).on_conflict_do_nothing(
        index_elements=keys).returning(*model.__table__.primary_key.columns)
    # RETURNING, not rowcount: rowcount is not reliable for this statement on PostgreSQL.
    return db.session.execute(statement).first() is not None


def insert_or_update(model: type[Any], values: dict[str, Any], keys: list[str],
                     update: dict[str, Any]) -> None:
    """INSERT, or UPDATE the existing row with the same `keys` (`update` may use `excluded`)."""
    statement = dialect_insert()(model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: value(statement.excluded) if callable(value) else value
              for name, value in update.items()},
    )
    db.session.execute(statement)


def dialect_insert() -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
