"""Every route declares who may use it, and users without the right never get the page."""

from __future__ import annotations

from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from lms import access
from lms.accounts.models import Role
from tests.factories import make_user, sign_in_id

# A value for each kind of URL argument, so that every rule can be built.
PLACEHOLDERS: dict[str, object] = {}
CHECKED_METHODS = ("GET", "POST")


def _url(app: Flask, rule: Rule) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint,
                       **{name: PLACEHOLDERS.get(name, 1) for name in rule.arguments})


def _protected_rules(app: Flask) -> list[tuple[Rule, str]]:
    rules = []
    for rule in app.url_map.iter_rules():
        level = access.access_level(app, rule.endpoint)
        if level not in (None, access.ANYONE):
            rules.append((rule, level))
    return rules


def _sign_in(client: FlaskClient, role: Role) -> None:
    user = make_user(role=role)
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    undeclared = sorted(rule.rule for rule in app.url_map.iter_rules()
                        if access.access_level(app, rule.endpoint) is None)
    assert undeclared == [], f"routes without @public or @requires(...): {undeclared}"


def test_the_policy_covers_protected_routes_of_every_kind(app: Flask) -> None:
    levels = {level for _, level in _protected_rules(app)}
    assert {access.SIGNED_IN, access.ADMIN} <= levels


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    for rule, _ in _protected_rules(app):
        for method in CHECKED_METHODS:
            if method not in rule.methods:
                continue
            response = client.open(_url(app, rule), method=method)
            assert response.status_code == 302, f"{method} {rule.rule}"
            assert response.headers["Location"].startswith("/login?next="), f"{method} {rule.rule}"


def test_users_without_the_role_are_refused(app: Flask) -> None:
    for weaker, levels in ((Role.LEARNER, (access.FACILITATOR, access.ADMIN)),
                           (Role.FACILITATOR, (access.ADMIN,))):
        client = app.test_client()
        _sign_in(client, weaker)
        for rule, level in _protected_rules(app):
            if level not in levels:
                continue
            for method in CHECKED_METHODS:
                if method in rule.methods:
                    response = client.open(_url(app, rule), method=method)
                    assert response.status_code == 403, f"{weaker} {method} {rule.rule}"
                    assert "You do not have access to this page" in response.text


def test_a_route_without_a_declaration_is_refused(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret page")
    assert access.access_level(app, "forgotten") is None
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert "secret page" not in response.text


def test_admin_pages_open_for_admins(app: Flask, client: FlaskClient) -> None:
    _sign_in(client, Role.ADMIN)
    response = client.get("/admin/users")
    assert response.status_code == 200
    assert "<h1>Users</h1>" in response.text
