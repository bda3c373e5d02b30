"""Migrations: the head matches the models, every revision upgrades and downgrades, and the
latest one goes down and up again on a database full of (demo) data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Connection, create_engine, func, inspect, literal_column, select, text
from sqlalchemy import table as table_named
from sqlalchemy.engine import make_url

from lms import create_app
from lms.config import ROOT, TestConfig
from lms.db import include_object
from lms.extensions import db
from tests.factories import make_user


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"lms_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_head_matches_the_models(empty_database: str, tmp_path: Path) -> None:
    app = create_app(TestConfig(empty_database, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], "the models changed without a migration: flask db migrate"


def test_every_revision_upgrades_and_downgrades(empty_database: str, tmp_path: Path) -> None:
    revisions = _revisions()
    assert revisions, "no migrations found"
    app = create_app(TestConfig(empty_database, tmp_path))
    with app.app_context():
        for revision in revisions:
            upgrade(revision=revision)
        assert "users" in inspect(db.engine).get_table_names()
        for _ in revisions:
            downgrade(revision="-1")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        db.engine.dispose()


Contents = dict[str, list[dict[str, object]]]


def _contents(connection: Connection) -> Contents:
    """Every row of every model table the database has, as column -> value."""
    present = set(inspect(connection).get_table_names())
    contents: Contents = {}
    for table in db.metadata.sorted_tables:
        if table.name in present:
            result = connection.execute(
                select(literal_column("*")).select_from(table_named(table.name)))
            contents[table.name] = [dict(row._mapping) for row in result]
    return contents


def _same_rows(before: Contents, after: Contents) -> None:
    """The tables in both hold the same rows, compared on the columns both have."""
    for name in before.keys() & after.keys():
        if not (before[name] and after[name]):
            assert len(before[name]) == len(after[name]), name
            continue
        columns = sorted(before[name][0].keys() & after[name][0].keys())

        def rows(contents: Contents, table: str = name, kept: list[str] = columns) -> list[str]:
            return sorted(repr([row[column] for column in kept]) for row in contents[table])

        assert rows(before) == rows(after), f"rows of {name} changed"


def test_the_latest_revision_downgrades_and_upgrades_again_with_data(
        empty_database: str, tmp_path: Path, signing_key_path: Path) -> None:
    from lms.alumni import search
    from lms.demo import load_demo

    latest = ScriptDirectory.from_config(_alembic_config()).get_revision(_revisions()[-1])
    app = create_app(TestConfig(empty_database, tmp_path, LMS_SIGNING_KEY_PATH=signing_key_path,
                                LMS_BASE_URL="http://localhost"))
    with app.app_context():
        upgrade()
        load_demo()
        db.session.remove()
        with db.engine.connect() as connection:
            at_head = _contents(connection)
        filled = {name for name, rows in at_head.items() if rows}
        assert {"users", "lesson_progress", "quiz_attempts", "certificates", "memberships",
                "alumni_listings", "alumni_facets"} <= filled

        downgrade(revision="-1")
        with db.engine.connect() as connection:
            below = _contents(connection)
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == \
                latest.down_revision
        _same_rows(at_head, below)  # the tables it leaves keep every row

        upgrade()
        with db.engine.connect() as connection:
            again = _contents(connection)
            differences = compare_metadata(MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}),
                db.metadata)
        assert differences == []
        assert again.keys() == at_head.keys()
        _same_rows(below, again)
        # The site works on it: the alumni full-text index answers, new rows get new ids.
        found = search.search("open", search.Filters())
        assert found.total > 0
        last_id = db.session.scalar(select(func.max(db.metadata.tables["users"].c.id)))
        assert make_user().id > last_id
        db.session.remove()
        db.engine.dispose()


def test_migration_files_are_named_by_date() -> None:
    import re

    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        assert re.match(r"\d{4}_\d{2}_\d{2}_\d{4}_[0-9a-f]+_\w+\.py$", path.name), path.name
