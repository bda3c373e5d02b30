"""Start-up work: the alumni directory's index is built when a process starts (web or worker),
so the first search finds it ready; a database without tables yet is no error."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from lms import create_app, startup
from lms.alumni import search
from lms.alumni.models import DirectoryState
from lms.config import TestConfig
from lms.extensions import db
from tests.alumni.helpers import make_graduate


def test_warm_up_builds_the_alumni_index_before_any_search(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    graduate = make_graduate(name="Ready Graduate", themes=["justice"])
    version = db.session.get(DirectoryState, 1).version
    assert version > 0
    # As in a process that has just started: no index, no transaction open.
    app.extensions.pop("lms.alumni_index", None)
    db.session.commit()

    startup.warm_up(app)

    index = search.facet_index()
    assert index.version == version
    assert index.number(("theme", "justice")) == 1 << graduate.id

    def rebuild(self: search.FacetIndex, version: int) -> None:
        raise AssertionError("the first search rebuilt the index")

    monkeypatch.setattr(search.FacetIndex, "_rebuild", rebuild)
    results = search.search("", search.Filters(theme="justice"))
    assert [listing.user_id for listing in results.alumni] == [graduate.id]


def test_warm_up_on_a_database_without_tables_leaves_the_index_to_the_first_search(
        tmp_path: Path) -> None:
    empty = create_app(TestConfig(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path))

    startup.warm_up(empty)  # as `python -m flask db upgrade` does before migrating

    with empty.app_context():
        assert search.facet_index().version == -1
        db.engine.dispose()
