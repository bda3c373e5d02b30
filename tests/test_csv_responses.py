"""Every CSV the platform serves says what it is once: `text/csv; charset=utf-8`."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import Role
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

# One address for each CSV route; a new CSV route fails the test until it is added here.
SAMPLE_URLS = {
    "/cohorts/<slug>/progress.csv": "/cohorts/wb/progress.csv",
    "/insights/<chart>.csv": "/insights/cohorts.csv",
}


def test_every_csv_route_sends_one_charset(app: Flask, client: FlaskClient, login_as) -> None:
    csv_rules = sorted(rule.rule for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv"))
    assert csv_rules == sorted(SAMPLE_URLS)
    admin = login_as(Role.ADMIN)
    make_cohort(facilitators=[admin], members=[make_user()], slug="wb")
    for url in SAMPLE_URLS.values():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url
        assert response.headers["Content-Disposition"].startswith("attachment; filename="), url
