"""The in-memory filter index of each app process: patched after every change, it always
equals one built from scratch, so counts never lag behind the directory."""

from __future__ import annotations

import random
import string
import tracemalloc

from lms.alumni import search, services
from lms.alumni.models import DirectoryState
from lms.extensions import db
from tests.alumni.helpers import graduate, make_graduate
from tests.alumni.test_directory_search import names
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


def test_unknown_filter_values_from_the_query_string_are_never_kept(app, client,
                                                                     login_as) -> None:
    cohort = make_cohort(name="Known cohort")
    make_graduate(cohort, name="Ana Justice", themes=["justice"], country="SN")
    make_graduate(cohort, name="Ben Climate", themes=["climate-action"], country="KE")
    login_as("facilitator")
    assert "Ana Justice" in client.get("/alumni/?theme=justice").text
    index = search.facet_index()
    held = index.entries()
    keys = set(index.bitmaps)

    # 12,000 random filter values (1,715 pages, each naming one per filter), as a scraper or
    # a fuzzer would send them: none is in the data.
    rng = random.Random(12)
    alphabet = string.ascii_letters + string.digits + "-é²"
    values = ["".join(rng.choices(alphabet, k=rng.randint(8, 80))) for _ in range(12_000)]
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for start in range(0, len(values), len(search.FACETS)):
            chunk = values[start:start + len(search.FACETS)]
            response = client.get("/alumni/", query_string=dict(zip(search.FACETS, chunk,
                                                                     strict=False)))
            assert response.status_code == 200
            assert "Ana Justice" not in response.text and "Ben Climate" not in response.text
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert set(index.bitmaps) == keys and index.entries() == held
    assert grown < 2_000_000  # the unbounded index grew by some 27 MB
    # Known values still find the right people, and counts stay exact.
    page = client.get("/alumni/?theme=climate-action").text
    assert "Ben Climate" in page and "Ana Justice" not in page
    results = search.search("", search.Filters(country="SN"))
    assert names(results) == ["Ana Justice"]
    assert results.counts["theme"] == {"justice": 1}


def test_a_value_nobody_holds_any_more_loses_its_bitmap(app) -> None:
    person = make_graduate(name="Only Justice", themes=["justice"])
    index = fresh()
    assert ("theme", "justice") in index.bitmaps

    services.my_profile(person).themes = ["climate-action"]
    db.session.commit()
    index.sync()

    assert ("theme", "justice") not in index.bitmaps
    assert index.number(("theme", "justice")) == 0 and ("theme", "justice") not in index._numbers
    assert index.number(("theme", "climate-action")) == 1 << person.id
    assert snapshot(index) == snapshot(fresh())
