"""Backups while the site runs, and restoring one into an empty database.

A backup is one file:

- SQLite: a copy made with SQLite's online backup API in a single step, so it is the database
  as it was at one instant, while other connections go on writing (WAL mode). The alumni
  full-text index (the FTS5 table `alumni_search` and its triggers) is part of the file.
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`. The dump runs in a
  snapshot exported by our own transaction, so the row counts and checksum printed with it
  describe exactly what the file holds. The full-text GIN index is in the dump and rebuilt on
  restore.

Each backup and restore reports the row count of every table and a SHA-256 checksum of what
learners cannot recreate (certificates, their history and PDFs, lesson progress and knowledge
check answers): a faithful restore prints the checksum its backup printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Table, create_engine, func, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from lms.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_BUSY_TIMEOUT_S = 30
# The tables whose content the checksum covers, in this order.
CHECKSUM_TABLES = ("certificates", "certificate_events", "certificate_pdfs", "lesson_progress",
                   "quiz_attempts")


class BackupError(Exception):
    """A backup or restore that cannot be carried out; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a database (or a backup of it) holds: rows per table, and the checksum."""

    counts: dict[str, int]
    checksum: str
    revision: str | None


@dataclass(frozen=True)
class Report:
    """The outcome of a backup or a restore."""

    path: Path
    method: str
    size: int
    summary: Summary


# --- what a database holds ---------------------------------------------------------------------

def _canonical(value: object) -> object:
    """A JSON-friendly value that reads back the same from the same database kind."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def summarise(connection: Connection) -> Summary:
    """Row counts of every table and the checksum, read through `connection` (one snapshot
    when the caller holds one transaction)."""
    present = set(inspect(connection).get_table_names())
    tables: dict[str, Table] = {table.name: table for table in db.metadata.sorted_tables
                                if table.name in present}
    counts = {name: connection.scalar(select(func.count()).select_from(table)) or 0
              for name, table in sorted(tables.items())}
    digest = hashlib.sha256()
    for name in CHECKSUM_TABLES:
        table = tables.get(name)
        digest.update(f"table {name}\n".encode())
        if table is None:
            continue
        rows = connection.execute(select(table).order_by(*table.primary_key.columns))
        for row in rows:
            line = json.dumps([_canonical(value) for value in row], ensure_ascii=False,
                              sort_keys=True, default=str, separators=(",", ":"))
            digest.update(line.encode())
            digest.update(b"\n")
    revision = connection.scalar(text("SELECT version_num FROM alembic_version")) \
        if "alembic_version" in present else None
    return Summary(counts=counts, checksum=digest.hexdigest(), revision=revision)


def summary_of_app_database() -> Summary:
    """The summary of the app's database as it is now (for a check after a restore)."""
    with db.engine.connect() as connection:
        return summarise(connection)


# --- backup ------------------------------------------------------------------------------------

def backup(path: Path) -> Report:
    """Write a consistent backup of the app's database to `path` while the site runs.

    The file appears only when complete (written beside it, then renamed), readable by its
    owner only: it holds personal data and password hashes.
    """
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file to write.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            method, summary = "SQLite online backup", _backup_sqlite(partial)
        elif dialect == "postgresql":
            method, summary = "pg_dump, custom format", _backup_postgresql(partial)
        else:
            raise BackupError(f"Backups of {dialect} databases are not supported.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Report(path=path, method=method, size=path.stat().st_size, summary=summary)


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("The configured SQLite database is not a file: nothing to back up "
                          "or restore.")
    return Path(database)


def _backup_sqlite(partial: Path) -> Summary:
    database = _sqlite_path()
    if not database.is_file():
        raise BackupError(f"There is no database at {database}.")
    source = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_S)
    copy = sqlite3.connect(partial)
    try:
        # pages=-1: one step under one read lock, so the copy is a single moment of the
        # database; in WAL mode writers are not held up meanwhile.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if check != "ok":
        raise BackupError(f"The copy failed SQLite's integrity check: {check}")
    return _summary_of_sqlite_file(partial)


def _summary_of_sqlite_file(path: Path) -> Summary:
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return summarise(connection)
    finally:
        engine.dispose()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq address for pg_dump and pg_restore, with the password in the environment
    (not on a command line that `ps` shows)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools (the "
                          "server's major version or newer), e.g. apt-get install "
                          "postgresql-client.")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed (exit status {result.returncode}): "
                          f"{result.stderr.strip() or result.stdout.strip()}")


def _backup_postgresql(partial: Path) -> Summary:
    pg_dump = _tool("pg_dump")
    address, env = _libpq(db.engine.url)
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            # Our transaction's snapshot, shared with pg_dump: the summary and the file agree.
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            summary = summarise(connection)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
                  f"--dbname={address}"], env)
    return summary


# --- restore -----------------------------------------------------------------------------------

def restore(path: Path) -> Report:
    """Restore a backup made by `backup` into the app's database, which must be empty."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else \
        "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if kind is None:
        raise BackupError(f"{path} is not a backup made by `lms backup` (neither an SQLite "
                          "database nor a pg_dump custom-format file).")
    dialect = db.engine.dialect.name
    if kind != dialect:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(f"{path} is a {names[kind]} backup but the configured database is "
                          f"{names.get(dialect, dialect)}: restore it into a {names[kind]} "
                          "database.")
    db.session.remove()
    db.engine.dispose()  # no pooled connection sees the database change under it
    if kind == "sqlite":
        method = "SQLite online backup"
        _restore_sqlite(path)
    else:
        method = "pg_restore"
        _restore_postgresql(path)
    db.engine.dispose()
    return Report(path=path, method=method, size=path.stat().st_size,
                  summary=summary_of_app_database())


def _restore_sqlite(path: Path) -> None:
    target = _sqlite_path()
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{path} failed SQLite's integrity check: {check}")
        if target.exists():
            with _sqlite(target) as existing:
                tables = existing.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise BackupError(f"The database at {target} is not empty: restore only into an "
                                  "empty database (move this one away, or set DATABASE_URL to a "
                                  "new file).")
        target.parent.mkdir(parents=True, exist_ok=True)
        with _sqlite(target) as copy:
            source.backup(copy, pages=-1)
    finally:
        source.close()


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S)
    try:
        yield connection
    finally:
        connection.close()


def _postgresql_relations() -> int:
    with db.engine.connect() as connection:
        return connection.scalar(text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'")) or 0


def _restore_postgresql(path: Path) -> None:
    pg_restore = _tool("pg_restore")
    url = db.engine.url
    relations = _postgresql_relations()
    db.engine.dispose()
    if relations:
        raise BackupError(f"The database {url.database} is not empty ({relations} tables, "
                          "indexes or sequences): restore only into an empty database (e.g. "
                          f"createdb NEW_NAME, then set DATABASE_URL to it).")
    address, env = _libpq(url)
    # One transaction: a restore that fails part-way leaves the database empty, not half full.
    # Ownership and grants are the operator's to set on the new server.
    _run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={address}", str(path)], env)
