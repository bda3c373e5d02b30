"""An admin opens the programme dashboard, reads a chart's table and downloads its CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, check_page
from tests.factories import PASSWORD
from tests.insights.helpers import make_programme

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_admin_reads_the_dashboard_and_downloads_a_csv(page) -> None:  # type: ignore[no-untyped-def]
    programme = make_programme()
    page.goto("/login")
    page.get_by_label("Email address").fill(programme.admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Programme insights")
    summary = page.get_by_role("list", name="At a glance")
    # 17 enrolments, 10 of them completed (58.8%): published to the nearest 5 and 10 points.
    expect(summary).to_contain_text("15 Enrolments")
    expect(summary).to_contain_text("60% Completion rate")
    expect(page.get_by_text("Every count is rounded to the nearest 5, totals too")).to_be_visible()
    expect(page.get_by_role("img", name="By cohort")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Self-assessment before and after"))) \
        .to_be_visible()
    check_page(page, "insights-dashboard")

    page.get_by_text("The numbers: By cohort").click()
    table = page.get_by_role("table", name="By cohort")
    expect(table.get_by_role("row", name=re.compile("Justice 2025"))) \
        .to_contain_text("fewer than 5")
    expect(table.get_by_role("row", name=re.compile("Western Balkans 2025"))) \
        .to_contain_text("60%")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV: By cohort").click()
    download = download_info.value
    assert re.fullmatch(r"insights-cohorts-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = download.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    assert rows["justice-2025"][2] == "fewer than 5"
    assert rows["wb-2025"][2:] == ["10", "fewer than 5", "60.0", "20.0"]

    page.get_by_label("Cohort", exact=True).select_option("wb-2025")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Cohort: Western Balkans 2025.")).to_be_visible()
    expect(page.get_by_role("list", name="At a glance")).to_contain_text("10 Enrolments")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/insights/")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "insights-dashboard-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
