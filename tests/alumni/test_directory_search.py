"""Directory search: words without accents, filters and their counts, FTS syntax as plain
words, pagination; the index follows every change to a profile."""

from __future__ import annotations

import pytest

from lms.alumni import search, services
from lms.alumni.models import AlumniListing
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.cohorts.helpers import make_cohort

NOTHING = search.Filters()


def names(results: search.Results) -> list[str]:
    return [entry.name for entry in results.alumni]


def test_words_match_without_accents_both_ways(app) -> None:
    make_graduate(name="João Silva", organisation="Prefeitura de São Paulo", country="BR")
    make_graduate(name="Awa Koné", organisation="Cour des comptes", country="CI")
    make_graduate(name="Zoran Ilić", organisation="Ministry of Justice", country="RS")

    assert names(search.search("Sao Paulo", NOTHING)) == ["João Silva"]
    assert names(search.search("SÃO PAULO", NOTHING)) == ["João Silva"]
    assert names(search.search("cote d'ivoire", NOTHING)) == ["Awa Koné"]
    assert names(search.search("Côte d’Ivoire", NOTHING)) == ["Awa Koné"]
    assert names(search.search("ilic", NOTHING)) == ["Zoran Ilić"]
    # The last word is also a prefix: people search as they type.
    assert names(search.search("zoran ili", NOTHING)) == ["Zoran Ilić"]


def test_expertise_and_country_are_searchable_in_both_languages(app) -> None:
    make_graduate(name="Ana Climate", themes=["climate-action"], country="CL")
    make_graduate(name="Ben Other", themes=["justice"], country="KE")

    assert names(search.search("climate", NOTHING)) == ["Ana Climate"]
    assert names(search.search("climat", NOTHING)) == ["Ana Climate"]  # French label
    assert names(search.search("chili", NOTHING)) == ["Ana Climate"]  # French country name
    assert names(search.search("kenya justice", NOTHING)) == ["Ben Other"]


@pytest.mark.parametrize("query", [
    '"', '""', '"unbalanced', "*", "a*", "NEAR", "NEAR(a b)", "OR", "a OR", "AND NOT",
    "^start", "col:value", "(", ")", "-", "+", "'", "\\", "&", "|", "!", ":*", "\x00",
    "x" * 10_000, "word " * 3000, "'; DROP TABLE users; --", "%", "_",
])
def test_search_syntax_is_plain_words_and_never_fails(app, query: str) -> None:
    make_graduate(name="Near Ornot", headline="Near the border")

    results = search.search(query, NOTHING)

    assert results.total == len(results.alumni) <= 1


def test_search_syntax_words_find_people_who_use_them(app) -> None:
    make_graduate(name="Lina Near", headline="Works near the OR department")
    make_graduate(name="Other Person", headline="Finance")

    assert names(search.search('NEAR "OR', NOTHING)) == ["Lina Near"]


def test_filters_combine_and_counts_describe_the_results(app) -> None:
    balkans = make_cohort(name="Balkans 2025", focus="western-balkans")
    climate = make_cohort(name="Climate 2025", focus="climate-action")
    make_graduate(balkans, name="A One", country="RS", themes=["anti-corruption"],
                  languages=["sr", "en"], open_to_exchange=True)
    make_graduate(balkans, name="B Two", country="AL", themes=["anti-corruption", "justice"],
                  languages=["sq"], open_to_exchange=False)
    make_graduate(climate, name="C Three", country="SN", themes=["climate-action"],
                  languages=["fr"], open_to_exchange=True)

    everyone = search.search("", NOTHING)
    assert everyone.total == 3
    assert everyone.counts["region"] == {"western-balkans": 2, "francophone-africa": 1}
    assert everyone.counts["theme"] == {"anti-corruption": 2, "justice": 1, "climate-action": 1}
    assert everyone.counts["cohort"] == {str(balkans.id): 2, str(climate.id): 1}
    assert everyone.counts["exchange"] == {"yes": 2}
    assert everyone.counts["language"] == {"sr": 1, "en": 1, "sq": 1, "fr": 1}

    balkan_exchange = search.search("", search.Filters(region="western-balkans",
                                                             exchange="yes"))
    assert names(balkan_exchange) == ["A One"]
    assert balkan_exchange.counts["country"] == {"RS": 1}

    by_theme = search.search("", search.Filters(theme="anti-corruption", language="sq"))
    assert names(by_theme) == ["B Two"]
    by_cohort = search.search("", search.Filters(cohort=str(climate.id)))
    assert names(by_cohort) == ["C Three"]
    year = str(everyone.alumni[0].graduation_year)
    assert search.search("", search.Filters(year=year)).total == 3
    assert search.search("", search.Filters(year="1999")).total == 0
    assert search.search("", search.Filters(year="not-a-year")).total == 0
    assert search.search("two", search.Filters(country="AL")).total == 1
    assert search.search("two", search.Filters(country="RS")).total == 0


def test_pages_of_twenty_five_by_name(app) -> None:
    cohort = make_cohort()
    for number in range(30):
        make_graduate(cohort, name=f"Person {number:02d}")

    first = search.search("", NOTHING, page=1)
    second = search.search("", NOTHING, page=2)
    beyond = search.search("", NOTHING, page=99)

    assert (first.total, first.pages, len(first.alumni), len(second.alumni)) == (30, 2, 25, 5)
    assert names(first)[0] == "Person 00" and names(second)[-1] == "Person 29"
    assert beyond.page == 2


def test_the_index_follows_profile_name_and_visibility_changes(app) -> None:
    person = make_graduate(name="Old Name", organisation="Agency One")
    assert names(search.search("agency", NOTHING)) == ["Old Name"]

    profile = services.my_profile(person)
    profile.organisation = "Bureau Two"
    person.name = "New Name"
    db.session.commit()
    assert names(search.search("agency", NOTHING)) == []
    assert names(search.search("bureau", NOTHING)) == ["New Name"]
    assert names(search.search("old", NOTHING)) == []

    profile.visibility = "hidden"
    db.session.commit()
    assert search.search("bureau", NOTHING).total == 0
    assert db.session.get(AlumniListing, person.id) is None

    services.delete_profile(person)
    db.session.commit()
    assert search.search("", NOTHING).total == 0
