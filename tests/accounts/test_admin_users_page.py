"""The user list at /admin/users: 25 a page, searched by name, email or organisation with any
case and accents, and only for admins."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from lms.accounts.models import Role
from tests.factories import make_user


def _names(page: str) -> list[str]:
    """The names in the table, in order (each row is headed by the person's name)."""
    return [re.sub(r"\s*<span.*", "", name, flags=re.S).strip()
            for name in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)]


def test_the_list_is_paged_25_at_a_time(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, name="Amara Okafor")
    for number in range(30):
        make_user(name=f"Learner {number:02d}")
    first = client.get("/admin/users").text
    assert "31 accounts" in first and "Page 1 of 2" in first
    assert len(_names(first)) == 25
    assert 'href="/admin/users?page=2" rel="next"' in first
    second = client.get("/admin/users?page=2").text
    assert "Page 2 of 2" in second and 'href="/admin/users?page=1" rel="prev"' in second
    assert len(_names(second)) == 6
    assert set(_names(first)).isdisjoint(_names(second))
    assert set(_names(first)) | set(_names(second)) == {
        "Amara Okafor", *(f"Learner {number:02d}" for number in range(30))}
    # A page past the last, or not a number, shows a page that exists.
    assert "Page 2 of 2" in client.get("/admin/users?page=99").text
    assert "Page 1 of 2" in client.get("/admin/users?page=x").text


def test_search_ignores_case_and_accents(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, name="Amara Okafor")
    make_user(name="Łukasz Nowak", email="lukasz.nowak@example.org", organisation="Kancelaria")
    make_user(name="Jelena Marković", email="jelena@example.org", organisation="RESPA")
    make_user(name="Kouadio Yao", email="kouadio@example.org", organisation="Haute Autorité")
    for query, found in (("łukasz", "Łukasz Nowak"), ("LUKASZ", "Łukasz Nowak"),
                         ("ŁUKASZ NOWAK", "Łukasz Nowak"), ("markovic", "Jelena Marković"),
                         ("MARKOVIĆ", "Jelena Marković"), ("JELENA@EXAMPLE", "Jelena Marković"),
                         ("haute autorite", "Kouadio Yao"), ("respa", "Jelena Marković")):
        page = client.get("/admin/users", query_string={"q": query}).text
        assert _names(page) == [found], query
        assert "1 account" in page
    assert _names(client.get("/admin/users?q=nobody").text) == []


def test_search_results_are_paged_and_keep_the_search(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, name="Amara Okafor")
    for number in range(27):
        make_user(name=f"Élodie {number:02d}", role=Role.FACILITATOR)
    make_user(name="Élodie Learner")
    page = client.get("/admin/users?q=elodie&role=facilitator").text
    assert "27 accounts" in page and len(_names(page)) == 25
    assert 'href="/admin/users?q=elodie&amp;role=facilitator&amp;page=2" rel="next"' in page
    second = client.get("/admin/users?q=elodie&role=facilitator&page=2").text
    assert len(_names(second)) == 2 and "Élodie Learner" not in second
    # Changing a role returns to the same search and page.
    form_action = re.search(r'action="(/admin/users/\d+/role[^"]*)"', second)
    assert form_action is not None
    assert "q=elodie" in form_action.group(1) and "page=2" in form_action.group(1)


def test_the_table_stacks_on_a_phone(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, name="Amara Okafor")
    page = client.get("/admin/users").text
    assert '<table class="table--stack">' in page
    assert 'data-label="Email address"' in page and 'data-label="Role"' in page


@pytest.mark.parametrize("role", [None, Role.LEARNER, Role.FACILITATOR])
def test_only_admins_open_the_list(client: FlaskClient, login_as, role: Role | None) -> None:
    make_user(name="Jelena Marković")
    if role is not None:
        login_as(role)
    for url in ("/admin/users", "/admin/users?page=2", "/admin/users?q=jelena"):
        response = client.get(url)
        assert "Jelena Marković" not in response.text
        assert response.status_code == (302 if role is None else 403)
