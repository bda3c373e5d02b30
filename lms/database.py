"""Per-connection database settings."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Foreign keys on, WAL for readers beside a writer, and wait for a lock instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def configure_engine(app: Flask) -> None:
    """Attach the SQLite settings to the app's engine (PostgreSQL needs none)."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


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
