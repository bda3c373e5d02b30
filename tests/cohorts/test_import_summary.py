"""The CSV import's pages read well: counts in the right number (English and French), and the
example file reachable from the keyboard."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from lms.accounts.models import Role
from lms.cohorts import services
from tests.cohorts.helpers import make_cohort
from tests.cohorts.test_members import upload
from tests.factories import make_user

ONE_OF_EACH = ("email,name,country,organisation\n"
               "new.person@example.org,New Person,SN,Ministry\n"
               "ana@example.org,Ana Existing,RS,Ministry\n"
               "not-an-address,Broken,RS,Ministry\n")
TWO_OF_EACH = ONE_OF_EACH + ("other.person@example.org,Other Person,SN,Ministry\n"
                             "bo@example.org,Bo Existing,RS,Ministry\n"
                             "also broken,Broken Too,RS,Ministry\n")


@pytest.fixture
def cohort(login_as):  # type: ignore[no-untyped-def]
    cohort = make_cohort(facilitators=[login_as(Role.FACILITATOR)], slug="wb")
    for email, name in (("ana@example.org", "Ana Existing"), ("bo@example.org", "Bo Existing")):
        services.add_member(cohort, make_user(email=email, name=name).id)
    return cohort


def test_the_summary_counts_in_the_singular_and_the_plural(client: FlaskClient,
                                                           cohort) -> None:
    page = upload(client, ONE_OF_EACH.encode()).text
    assert ("1 person to invite, 1 already a member, 1 line with a problem (it will be "
            "skipped).") in page
    page = upload(client, TWO_OF_EACH.encode()).text
    assert ("2 people to invite, 2 already members, 2 lines with a problem (they will be "
            "skipped).") in page
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = upload(client, ONE_OF_EACH.encode()).text
    assert ("1 personne à inviter, 1 déjà membre, 1 ligne avec un problème (elle sera "
            "ignorée).") in page
    page = upload(client, TWO_OF_EACH.encode()).text
    assert ("2 personnes à inviter, 2 déjà membres, 2 lignes avec un problème (elles seront "
            "ignorées).") in page


def test_the_example_file_can_be_scrolled_from_the_keyboard(client: FlaskClient,
                                                            cohort) -> None:
    page = client.get("/cohorts/wb/members/import").text
    example = page.split('<pre class="example"', 1)[1].split(">", 1)[0]
    assert 'tabindex="0"' in example and 'role="region"' in example
    assert 'aria-label="Example of the expected columns"' in example
