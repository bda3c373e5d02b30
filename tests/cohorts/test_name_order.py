"""People are listed by name as a reader expects, whatever the letters: "Łukasz" among the Ls,
"Émile" among the Es, on every page and file that lists them, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from lms.accounts.models import Role
from lms.cohorts import services
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

NAMES = ["Zoran Ilić", "Łukasz Nowak", "Émile Traoré", "Ana Ñúñez", "Øystein Berg", "lena Ort"]
IN_ORDER = ["Ana Ñúñez", "Émile Traoré", "lena Ort", "Łukasz Nowak", "Øystein Berg", "Zoran Ilić"]


def _in_page_order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_member_lists_and_exports_sort_names_by_their_letters(client: FlaskClient,
                                                              login_as) -> None:
    facilitator = login_as(Role.FACILITATOR)
    members = [make_user(name=name) for name in NAMES]
    make_cohort(facilitators=[facilitator], members=members, slug="wb")
    for url in ("/cohorts/wb/progress", "/cohorts/wb/members", "/cohorts/wb/reminders",
                "/cohorts/wb/certificates"):
        page = client.get(url).text
        assert _in_page_order(page, NAMES) == IN_ORDER, url
    export = client.get("/cohorts/wb/progress.csv").data.decode("utf-8-sig")
    assert [line.split(",")[0] for line in export.splitlines()[1:]] == IN_ORDER


def test_facilitators_are_listed_by_their_letters(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    facilitators = [make_user(Role.FACILITATOR, name=name) for name in NAMES]
    cohort = make_cohort(facilitators=facilitators, slug="wb")
    assert [person.name for person in services.facilitators_of(cohort)] == IN_ORDER
    assert [person.name for person in services.facilitator_candidates()
            if person.name in NAMES] == IN_ORDER
    page = client.get("/cohorts/wb/").text
    facilitators_line = re.search(r"<dd>([^<]*Zoran[^<]*)</dd>", page)
    assert facilitators_line is not None
    assert facilitators_line.group(1).split(", ") == IN_ORDER
