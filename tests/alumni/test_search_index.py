"""The in-memory filter index of each app process: patched after every change, it always
equals one built from scratch, so counts never lag behind the directory."""

from __future__ import annotations

from lms.alumni import search, services
from lms.alumni.models import DirectoryState
from lms.extensions import db
from tests.alumni.helpers import graduate, make_graduate
from tests.cohorts.helpers import make_cohort


def snapshot(index: search.FacetIndex) -> tuple[object, ...]:
    bitmaps = {key: index.number(key) for key in index.bitmaps if index.number(key)}
    return bitmaps, index.number(None), index.order


def fresh() -> search.FacetIndex:
    index = search.FacetIndex()
    index.sync()
    return index


def test_a_patched_index_equals_a_rebuilt_one(app) -> None:
    cohort = make_cohort()
    people = [make_graduate(cohort, name=f"Person {number}", themes=["justice"])
              for number in range(6)]
    index = fresh()
    assert index.number(("theme", "justice")).bit_count() == 6

    # Changes of every kind, committed one by one as different requests would.
    first = services.my_profile(people[0])
    first.themes = ["climate-action", "civic-space"]
    db.session.commit()
    people[1].name = "Aaron Renamed"
    db.session.commit()
    services.my_profile(people[2]).visibility = "hidden"
    db.session.commit()
    services.delete_profile(people[3])
    db.session.commit()
    newcomer = make_graduate(name="Newcomer", country="SN")
    graduate(people[4], make_cohort(name="Second cohort"))

    version = db.session.get(DirectoryState, 1).version
    index.sync()

    assert index.version == version
    assert snapshot(index) == snapshot(fresh())
    assert index.number(("theme", "justice")).bit_count() == 3
    assert index.order[0] == ("aaron renamed", people[1].id)
    assert index.number(("region", "francophone-africa")) == 1 << newcomer.id


def test_searches_see_changes_made_by_another_process(app) -> None:
    person = make_graduate(name="Changing Person", themes=["justice"])
    assert search.search("", search.Filters(theme="justice")).total == 1

    # Another process: a second index over the same database makes the change.
    other = fresh()
    services.my_profile(person).visibility = "hidden"
    db.session.commit()
    other.sync()

    assert other.number(None) == 0
    results = search.search("", search.Filters())
    assert (results.total, results.counts["theme"]) == (0, {})
