"""The glossary: its checks, its page in the reader's language, and links from lessons."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from lms.courses.content import check_and_load
from tests.courses.helpers import COURSE_YML, LESSON, LESSON_FR, write_course

GLOSSARY = """\
terms:
  - id: action-plan
    see: [commitment]
    en: {term: action plan, forms: [action plans], definition: "A set of *commitments*."}
    fr: {term: plan d'action, forms: [plans d'action], definition: "Un ensemble d'engagements."}
  - id: commitment
    en: {term: commitment, forms: [commitments], definition: "A promise with milestones."}
    fr: {term: engagement, forms: [engagements], definition: "Une promesse datée."}
  - id: irm
    see: [action-plan]
    en: {term: Independent Reporting Mechanism, forms: [IRM], definition: "It reviews plans."}
    fr: {term: Mécanisme de rapport indépendant, forms: [IRM], definition: "Il évalue."}
  - id: eligibility
    en: {term: eligibility, definition: "Who may join."}
    fr: {term: éligibilité, definition: "Qui peut adhérer."}
"""
PROSE = """\
## First section

Some text about the SECTION-SENTINEL topic. Each Action Plan holds commitments; the next
action plan too. [An action plan link](https://example.org) and `action plan` in code.

::: callout
The IRM reviews each commitment.
:::
"""
EN = LESSON.replace("## First section\n\nSome text about the SECTION-SENTINEL topic.\n", PROSE)
EN = EN.replace("- Learn a thing.", "- Learn what an action plan is.").replace(
    "Pick the right one.", "Pick the right action plan.")
FR = LESSON_FR.replace("## First section\n\nSome text about the SECTION-SENTINEL topic.\n",
                       "## Le plan d'action\n\nLe plan d’action réunit des engagements.\n")
PATH = "content/demo/glossary.yml"


def load(tmp_path: Path, glossary: str = GLOSSARY, **files: str):
    return check_and_load(write_course(tmp_path, {
        "glossary.yml": glossary, "en/first.md": EN, "fr/first.md": FR, **files}))


def html(version) -> str:  # type: ignore[no-untyped-def]
    return "".join(segment.html for segment in version.segments)


def test_first_occurrences_link_to_the_glossary(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    assert catalogue.problems == []
    version = catalogue.courses["demo"].lessons[0].versions["en"]
    page = html(version)
    href = "/courses/demo/glossary#"
    # Case-insensitive, the first occurrence only, in the text as written.
    assert f'Each <a class="term" href="{href}action-plan">Action Plan</a> holds ' \
           f'<a class="term" href="{href}commitment">commitments</a>; the next\naction plan' in page
    assert page.count(f'href="{href}action-plan"') == 1
    # Never in headings, links or code; blocks of prose link terms not yet linked.
    assert '<a href="https://example.org">An action plan link</a>' in page
    assert "<code>action plan</code>" in page
    assert f'The <a class="term" href="{href}irm">IRM</a> reviews each commitment.' in page
    # Objectives and quizzes are left alone.
    assert "Learn what an action plan is." in page
    assert "term" not in version.quizzes["pick"].question_html


def test_apostrophes_match_either_way_and_headings_are_skipped(tmp_path: Path) -> None:
    version = load(tmp_path).courses["demo"].lessons[0].versions["fr"]
    page = html(version)
    assert "<h2 id=\"le-plan-daction\">Le plan d'action</h2>" in page
    assert ('Le <a class="term" href="/courses/demo/glossary#action-plan">plan d’action</a> '
            'réunit des <a class="term" href="/courses/demo/glossary#commitment">engagements</a>'
            ) in page


def test_whole_words_only(tmp_path: Path) -> None:
    lesson = EN.replace("Each Action Plan holds commitments", "Each subcommitment, uncommitted")
    page = html(load(tmp_path, **{"en/first.md": lesson}).courses["demo"].lessons[0]
                .versions["en"])
    assert "subcommitment" in page and 'href="/courses/demo/glossary#commitment"' not in \
        page.split("uncommitted")[0]


def test_terms_sort_alphabetically_in_each_language(tmp_path: Path) -> None:
    glossary = load(tmp_path).courses["demo"].glossary
    assert glossary is not None
    assert [entry.term for _, entry in glossary.in_language("fr")] == [
        "éligibilité", "engagement", "Mécanisme de rapport indépendant", "plan d'action"]
    assert [entry.term for _, entry in glossary.in_language("en")] == [
        "action plan", "commitment", "eligibility", "Independent Reporting Mechanism"]


CASES = [
    ("missing language", GLOSSARY.replace(
        "    fr: {term: engagement, forms: [engagements], definition: \"Une promesse datée.\"}\n",
        ""), f"{PATH}:6: error [missing-language] term 'commitment' has no fr entry"),
    ("duplicate id", GLOSSARY.replace("id: eligibility", "id: irm"),
     f"{PATH}:13: error [duplicate-id] term id 'irm' is used twice"),
    ("invalid id", GLOSSARY.replace("id: eligibility", "id: Eligibility"),
     f"{PATH}:13: error [invalid-id] term id 'Eligibility' must use lower-case letters, digits "
     "and hyphens"),
    ("see an unknown term", GLOSSARY.replace("see: [commitment]", "see: [commitments]"),
     f"{PATH}:2: error [glossary] term 'action-plan' sees 'commitments', which is not a term "
     "(did you mean 'commitment'?)"),
    ("a form shared by two terms", GLOSSARY.replace("forms: [commitments]",
                                                    "forms: [Action plans]"),
     f"{PATH}:6: error [glossary] 'action plans' (en) is a form of both 'action-plan' and "
     "'commitment'"),
    ("empty definition", GLOSSARY.replace('definition: "Who may join."', 'definition: ""'),
     f"{PATH}:14: error [glossary] term 'eligibility' has an empty en definition"),
    ("unknown key in a term", GLOSSARY.replace("    see: [action-plan]\n",
                                               "    sea: [action-plan]\n"),
     f"{PATH}:10: error [unknown-key] unknown key 'sea' in term 'irm' (did you mean 'see'?)"),
    ("unknown key in an entry", GLOSSARY.replace("{term: eligibility,",
                                                 "{term: eligibility, form: [x],"),
     f"{PATH}:14: error [unknown-key] unknown key 'form' in term 'eligibility' (en) (did you "
     "mean 'forms'?)"),
    ("language the course does not have", GLOSSARY + "    es: {term: x, definition: y}\n",
     f"{PATH}:16: error [unknown-key] unknown key 'es' in term 'eligibility'"),
    ("unknown top-level key", GLOSSARY + "term: []\n",
     f"{PATH}:16: error [unknown-key] unknown key 'term' in glossary.yml (did you mean 'terms'?)"),
]


@pytest.mark.parametrize(("rule", "glossary", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_glossary_rule(tmp_path: Path, rule: str, glossary: str, expected: str) -> None:
    catalogue = load(tmp_path, glossary)
    found = [str(problem) for problem in catalogue.problems]
    assert expected in found, found
    assert "demo" not in catalogue.courses


@pytest.fixture
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("course")
    return {"LMS_CONTENT_PATH": write_course(root, {
        "glossary.yml": GLOSSARY, "en/first.md": EN, "fr/first.md": FR,
        "course.yml": COURSE_YML})}


def test_the_glossary_page_in_each_language(client: FlaskClient, login_as) -> None:
    login_as()
    page = client.get("/courses/demo/glossary").text
    assert '<article class="glossary" lang="en">' in page and "<h1>Glossary</h1>" in page
    assert '<dt id="action-plan">action plan</dt>' in page
    assert "<p>A set of <em>commitments</em>.</p>" in page
    assert 'See also: <a href="#commitment">commitment</a>' in page
    terms = [part.split(">", 1)[1].split("<", 1)[0] for part in page.split("<dt ")[1:]]
    assert terms == ["action plan", "commitment", "eligibility", "Independent Reporting Mechanism"]
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = client.get("/courses/demo/glossary").text
    assert "<h1>Glossaire</h1>" in page and '<dt id="commitment">engagement</dt>' in page
    assert 'Voir aussi\u00a0: <a href="#commitment">engagement</a>' in page


def test_the_glossary_is_for_signed_in_readers(client: FlaskClient) -> None:
    response = client.get("/courses/demo/glossary")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_course_and_lesson_pages_link_to_the_glossary(client: FlaskClient, login_as) -> None:
    login_as()
    link = '<a href="/courses/demo/glossary" lang="en">Glossary</a>'
    assert link in client.get("/courses/demo/").text
    assert link in client.get("/courses/demo/first/").text


def test_a_course_without_a_glossary_has_no_page(tmp_path: Path, client: FlaskClient,
                                                 login_as) -> None:
    login_as()
    assert client.get("/courses/nope/glossary").status_code == 404


def test_links_keep_the_text_escaped(tmp_path: Path) -> None:
    lesson = EN.replace("Each Action Plan holds commitments", "If a < b & c, an action plan")
    page = html(load(tmp_path, **{"en/first.md": lesson}).courses["demo"].lessons[0]
                .versions["en"])
    assert ('If a &lt; b &amp; c, an <a class="term" href="/courses/demo/glossary#action-plan">'
            "action plan</a>") in page
