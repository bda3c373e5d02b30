"""`flask lms backup` while learners are writing, and `flask lms restore` into an empty database.

The backup prints the row counts and a checksum of the certificate and progress tables as they
are in the backup's own snapshot (PostgreSQL: the snapshot pg_dump is given; SQLite: the copy
itself), and the restore prints the same for the restored database: a faithful restore prints
the same figures. That the snapshot is a single moment is checked on the rows themselves: every
certificate comes with its "issued" event (same transaction) and its holder's ten completed
lessons (committed before it was issued).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.alumni import search
from lms.certificates.models import Certificate, CertificateEvent
from lms.config import TestConfig
from lms.courses.models import LessonProgress
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.certificates.helpers import complete
from tests.factories import make_user

LESSONS = 10  # in Open Government 101
CHECKSUM = re.compile(r"^Checksum of [a-z_, ]+: ([0-9a-f]{64})$", re.M)
ROWS = re.compile(r"^Rows: (.+)$", re.M)


def reported(output: str) -> tuple[dict[str, int], str]:
    """The row counts and checksum a backup or restore printed."""
    rows, checksum = ROWS.search(output), CHECKSUM.search(output)
    assert rows and checksum, output
    counts = {name: int(count) for name, count in
              (item.rsplit(" ", 1) for item in rows[1].split(", "))}
    return counts, checksum[1]


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new database of the same kind as the test database, with nothing in it."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"lms_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def restored_app(empty_database: str, tmp_path: Path, signing_key_path: Path) -> Iterator[Flask]:
    """The app on the empty database (which it has connected to once, as a started app has).

    Tests enter its app context themselves, after using the test app's.
    """
    app = create_app(TestConfig(empty_database, tmp_path / "restored-instance",
                                LMS_SIGNING_KEY_PATH=signing_key_path,
                                LMS_BASE_URL="http://localhost"))
    with app.app_context():
        with db.engine.connect():
            pass
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


class Learners(threading.Thread):
    """Learners finishing the course one after another (each earns a certificate)."""

    def __init__(self, app: Flask) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.finished = 0
        self.progress = threading.Condition()
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stopping.is_set():
                    complete(make_user())
                    with self.progress:
                        self.finished += 1
                        self.progress.notify_all()
        except BaseException as error:  # re-raised in the test
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(
                lambda: self.finished >= count or self.error is not None, timeout=120)
        assert self.error is None, self.error

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)
        assert self.error is None, self.error


def certificates_are_whole() -> None:
    """Every certificate has its 'issued' event and its holder's completed lessons."""
    issued = dict(db.session.execute(
        select(CertificateEvent.certificate_id, func.count()).where(
            CertificateEvent.kind == "issued").group_by(CertificateEvent.certificate_id)).all())
    done = dict(db.session.execute(
        select(LessonProgress.user_id, func.count()).where(
            LessonProgress.completed_at.is_not(None)).group_by(LessonProgress.user_id)).all())
    certificates = db.session.execute(select(Certificate.id, Certificate.user_id)).all()
    assert certificates
    for certificate_id, user_id in certificates:
        assert issued.get(certificate_id) == 1, certificate_id
        assert done.get(user_id) == LESSONS, user_id


def test_a_backup_taken_during_writes_restores_the_same_rows(
        app: Flask, runner, restored_app: Flask, tmp_path: Path) -> None:
    graduate_id = make_graduate(name="Amina Diallo", headline="Ombudsman for open contracting").id
    learners = Learners(app)
    learners.start()
    path = tmp_path / "lms.backup"
    try:
        learners.wait_for(2)
        result = runner.invoke(args=["lms", "backup", str(path)])
        at_backup = learners.finished
        learners.wait_for(at_backup + 2)  # and the writes went on
    finally:
        learners.stop()
    assert result.exit_code == 0, result.output
    assert f"Backup written to {path}" in result.output
    assert path.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
    assert [item.name for item in tmp_path.iterdir() if item.name.endswith(".partial")] == []
    counts, checksum = reported(result.output)
    live = db.session.scalar(select(func.count()).select_from(Certificate))
    assert 2 <= counts["certificates"] < live  # taken while certificates were being issued

    with restored_app.app_context():
        restore = restored_app.test_cli_runner().invoke(args=["lms", "restore", str(path)])

        assert restore.exit_code == 0, restore.output
        assert reported(restore.output) == (counts, checksum)
        certificates_are_whole()
        # The directory's full-text index came back with the rows (FTS5 table or GIN index).
        found = search.search("ombudsman", search.Filters())
        assert [listing.user_id for listing in found.alumni] == [graduate_id]
        if db.engine.dialect.name == "postgresql":
            indexes = {index["name"]
                       for index in inspect(db.engine).get_indexes("alumni_listings")}
            assert "ix_alumni_listings_document" in indexes
        # The restored site goes on: ids carry on after the restored ones.
        complete(make_user())
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == \
            counts["certificates"] + 1
        db.session.remove()


def test_restore_refuses_a_database_that_is_not_empty(app: Flask, runner,
                                                      tmp_path: Path) -> None:
    complete(make_user())
    path = tmp_path / "lms.backup"
    assert runner.invoke(args=["lms", "backup", str(path)]).exit_code == 0

    result = runner.invoke(args=["lms", "restore", str(path)])

    assert result.exit_code == 1
    assert "Restore failed" in result.output and "is not empty" in result.output
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    certificates_are_whole()


def test_restore_refuses_what_is_not_a_backup(restored_app: Flask, tmp_path: Path) -> None:
    runner = restored_app.test_cli_runner()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup")
    other_kind = tmp_path / "other.backup"
    with restored_app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        other_kind.write_bytes(b"SQLite format 3\x00" if postgresql else b"PGDMP\x01\x0f")

        missing = runner.invoke(args=["lms", "restore", str(tmp_path / "absent.backup")])
        garbage = runner.invoke(args=["lms", "restore", str(text_file)])
        mismatched = runner.invoke(args=["lms", "restore", str(other_kind)])

        assert missing.exit_code == 1 and "There is no backup file at" in missing.output
        assert garbage.exit_code == 1 and "is not a backup made by `lms backup`" in \
            garbage.output
        assert mismatched.exit_code == 1 and "backup but the configured database is" in \
            mismatched.output
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []


def test_a_backup_that_cannot_be_written_leaves_nothing(app: Flask, runner,
                                                        tmp_path: Path) -> None:
    result = runner.invoke(args=["lms", "backup", str(tmp_path / "absent" / "lms.backup")])

    assert result.exit_code == 1
    assert f"Backup failed: The folder {tmp_path / 'absent'} does not exist." in result.output
    assert list(tmp_path.glob("**/*.backup*")) == []


def test_the_checksum_changes_with_the_certificate_and_progress_tables(app: Flask) -> None:
    from lms.backup import summary_of_app_database

    complete(make_user())
    before = summary_of_app_database()
    db.session.execute(text("UPDATE lesson_progress SET completed_at = NULL WHERE id = "
                            "(SELECT min(id) FROM lesson_progress)"))
    db.session.commit()
    after = summary_of_app_database()
    assert after.counts == before.counts and after.checksum != before.checksum
