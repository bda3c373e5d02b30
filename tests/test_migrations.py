"""Migrations: the head matches the models, and every revision upgrades and downgrades."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from lms import create_app
from lms.config import ROOT, TestConfig
from lms.db import include_object
from lms.extensions import db


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


def _revisions() -> list[str]:
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    script = ScriptDirectory.from_config(config)
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


def test_migration_files_are_named_by_date() -> None:
    import re

    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        assert re.match(r"\d{4}_\d{2}_\d{2}_\d{4}_[0-9a-f]+_\w+\.py$", path.name), path.name
