"""Alumni profiles (the owner's own data), the directory built from the listed ones, and the
messages alumni send one another.

A profile belongs to its owner and is hidden until they list it. The directory tables
(`alumni_listings`, `alumni_facets` and the full-text index) hold listed alumni only: every page
and export about other people reads them, so a hidden profile cannot leak through a forgotten
filter. They are rebuilt from the profile by `lms.alumni.directory`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, utcnow
from lms.extensions import Model

HIDDEN = "hidden"
LISTED = "listed"
VISIBILITIES = (HIDDEN, LISTED)


class AlumniProfile(Model):
    __tablename__ = "alumni_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    headline: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    website: Mapped[str | None] = mapped_column(String(300))
    open_to_exchange: Mapped[bool] = mapped_column(Boolean, default=False)
    accepts_messages: Mapped[bool] = mapped_column(Boolean, default=True)
    visibility: Mapped[str] = mapped_column(String(20), default=HIDDEN)
    visibility_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlumniListing(Model):
    """A listed alumnus as the directory shows and searches them (derived, rebuilt on change)."""

    __tablename__ = "alumni_listings"
    __table_args__ = (Index("ix_alumni_listings_sort_name", "sort_name", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    sort_name: Mapped[str] = mapped_column(String(120))
    headline: Mapped[str] = mapped_column(String(160))
    organisation: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(60), index=True)
    graduation_year: Mapped[int] = mapped_column(Integer, index=True)
    open_to_exchange: Mapped[bool] = mapped_column(Boolean, index=True)
    # Names, organisation, headline, bio and expertise, lower-cased and without accents:
    # what the full-text index (FTS5 on SQLite, a tsvector index on PostgreSQL) reads.
    document: Mapped[str] = mapped_column(Text)
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlumniFacet(Model):
    """One filter value of a listed alumnus (a theme, a language, a cohort, the region...)."""

    __tablename__ = "alumni_facets"
    __table_args__ = (Index("ix_alumni_facets_user_id", "user_id"),)

    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("alumni_listings.user_id"),
                                         primary_key=True)


class DirectoryChange(Model):
    """Whose directory entry changed, by directory version: app processes read it to bring
    their in-memory search index up to date (lms/alumni/search.py)."""

    __tablename__ = "alumni_directory_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class DirectoryState(Model):
    """One row: the directory's current version, bumped by every change (writers queue on
    this row, so versions are committed in order)."""

    __tablename__ = "alumni_directory_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=0)


class AlumniMessage(Model):
    """A message from one user to a listed alumnus, delivered by email."""

    __tablename__ = "alumni_messages"
    __table_args__ = (Index("ix_alumni_messages_sender_sent", "sender_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- Full-text index --------------------------------------------------------------------------
# SQLite: an FTS5 table over alumni_listings.document, kept in step by triggers.
# PostgreSQL: a GIN index on the document's tsvector. Created with the table (tests, create_all)
# and by the migration; the migration check ignores them (lms.db.include_object).

SQLITE_FULL_TEXT = (
    "CREATE VIRTUAL TABLE alumni_search USING fts5(document, content='alumni_listings', "
    "content_rowid='user_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER alumni_listings_search_insert AFTER INSERT ON alumni_listings BEGIN "
    "INSERT INTO alumni_search(rowid, document) VALUES (new.user_id, new.document); END",
    "CREATE TRIGGER alumni_listings_search_delete AFTER DELETE ON alumni_listings BEGIN "
    "INSERT INTO alumni_search(alumni_search, rowid, document) "
    "VALUES ('delete', old.user_id, old.document); END",
    "CREATE TRIGGER alumni_listings_search_update AFTER UPDATE ON alumni_listings BEGIN "
    "INSERT INTO alumni_search(alumni_search, rowid, document) "
    "VALUES ('delete', old.user_id, old.document); "
    "INSERT INTO alumni_search(rowid, document) VALUES (new.user_id, new.document); END",
)
POSTGRES_FULL_TEXT = (
    "CREATE INDEX ix_alumni_listings_document ON alumni_listings "
    "USING gin (to_tsvector('simple'::regconfig, document))",
)
FULL_TEXT_OBJECTS = frozenset({"alumni_search", "ix_alumni_listings_document"})


def _create_full_text(target: object, connection: Connection, **kw: object) -> None:
    statements = {"sqlite": SQLITE_FULL_TEXT, "postgresql": POSTGRES_FULL_TEXT}
    for statement in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def _drop_full_text(target: object, connection: Connection, **kw: object) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TABLE IF EXISTS alumni_search")


event.listen(AlumniListing.__table__, "after_create", _create_full_text)
event.listen(AlumniListing.__table__, "before_drop", _drop_full_text)


PROGRAMME_ONLY = "programme"
ALUMNI_TOO = "alumni"
STORY_VISIBILITIES = (PROGRAMME_ONLY, ALUMNI_TOO)


class OutcomeStory(Model):
    """An outcome an alumnus contributed to (after outcome harvesting): what changed, who
    changed it, when, and the alumnus's part, with evidence. Private to the programme team
    unless its author shows it to other alumni."""

    __tablename__ = "outcome_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    what_changed: Mapped[str] = mapped_column(Text)
    who_changed: Mapped[str] = mapped_column(String(300))
    happened_on: Mapped[date] = mapped_column(Date)  # the month it happened (first day)
    contribution: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(60))
    country: Mapped[str] = mapped_column(String(2))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)  # http(s) links
    visibility: Mapped[str] = mapped_column(String(20), default=PROGRAMME_ONLY)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
