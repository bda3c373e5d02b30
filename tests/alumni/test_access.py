"""Who may use the alumni network: alumni, facilitators and admins; not other learners."""

from __future__ import annotations

import dataclasses

import pytest

from lms.accounts.models import Role
from lms.certificates import services as certificates
from lms.courses import services as courses
from tests.alumni.helpers import graduate, make_graduate
from tests.certificates.helpers import complete
from tests.cohorts.helpers import make_cohort
from tests.factories import sign_in_id

PAGES = ["/alumni/", "/alumni/me", "/alumni/me/export"]


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    person = make_graduate()
    for url in ["/alumni/", f"/alumni/{person.id}/", "/alumni/me", "/alumni/me/export"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_learners_who_are_not_alumni_get_403_with_a_reason(client, login_as) -> None:
    person = make_graduate(name="Listed Person")
    cohort = make_cohort()
    login_as(Role.LEARNER)

    for url in ["/alumni/", f"/alumni/{person.id}/", "/alumni/me",
                f"/cohorts/{cohort.slug}/alumni"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Listed Person" not in response.text
    assert "open to programme graduates" in client.get("/alumni/").text
    refused = client.post(f"/alumni/{person.id}/message", data={"body": "Hello"})
    assert refused.status_code == 403


def test_alumni_facilitators_and_admins_open_the_directory(client, login_as) -> None:
    make_graduate(name="Listed Person")
    for role in (Role.FACILITATOR, Role.ADMIN):
        login_as(role)
        page = client.get("/alumni/")
        assert page.status_code == 200 and "Listed Person" in page.text
    alumnus = make_graduate(name="Another Graduate")
    login_as_user(client, alumnus)
    assert "Listed Person" in client.get("/alumni/").text


def login_as_user(client, user) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)


def test_a_learner_becomes_an_alumnus_on_graduating(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    assert client.get("/alumni/me").status_code == 403
    graduate(learner, make_cohort())
    assert client.get("/alumni/me").status_code == 200


def test_a_valid_certificate_of_a_programme_course_makes_an_alumnus(
        app, client, login_as, monkeypatch: pytest.MonkeyPatch) -> None:
    learner = login_as(Role.LEARNER)
    complete(learner)
    certificate = certificates.active_certificate(learner.id, "open-government-101")
    assert certificate is not None
    # Open Government 101 is not a programme course: its certificate alone is not enough.
    assert client.get("/alumni/").status_code == 403

    course = courses.get_course("open-government-101")
    monkeypatch.setattr(course, "certificate", dataclasses.replace(course.certificate,
                                                                   alumni=True))
    assert client.get("/alumni/").status_code == 200

    certificates.revoke(certificate, learner, "Issued in error.", "test")
    assert client.get("/alumni/").status_code == 403


def _menu(page: str) -> str:
    return page.split('<nav class="wrap site-nav"', 1)[1].split("</nav>", 1)[0]


def test_the_menu_offers_alumni_only_to_those_who_may_open_it(client, login_as) -> None:
    learner = login_as(Role.LEARNER)
    assert 'href="/alumni/"' not in _menu(client.get("/").text)
    assert 'href="/alumni/"' not in _menu(client.get("/courses/").text)
    graduate(learner, make_cohort())
    assert 'href="/alumni/"' in _menu(client.get("/").text)
    for role in (Role.FACILITATOR, Role.ADMIN):
        login_as(role)
        assert 'href="/alumni/"' in _menu(client.get("/").text)


def test_the_refusal_says_how_one_becomes_an_alumnus(client, login_as) -> None:
    login_as(Role.LEARNER)
    page = client.get("/alumni/")
    assert page.status_code == 403
    assert "You become an alumnus when you graduate from a cohort" in page.text
    client.post("/language", data={"lang": "fr", "next": "/"})
    page = client.get("/alumni/")
    assert page.status_code == 403
    assert "Vous devenez membre du réseau" in page.text
