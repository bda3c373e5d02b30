"""Two learners of a cohort talk in its discussion: one starts a topic, the other sees it
marked new, replies, and the first sees the reply marked new; a facilitator hides a post with
a reason its author then reads. Every page passes axe, at laptop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.accounts.models import Role
from tests.browser.conftest import check_page, signed_in
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]



def _overflow(page) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_two_learners_post_reply_and_see_what_is_new(browser, live_server,  # type: ignore[no-untyped-def]
                                                     width: int) -> None:
    ana = make_user(email="ana@example.org", name="Ana Learner")
    ben = make_user(email="ben@example.org", name="Ben Learner")
    facilitator = make_user(Role.FACILITATOR, email="fatou@example.org", name="Fatou")
    make_cohort(facilitators=[facilitator], members=[ana, ben], name="Western Balkans 2026",
                slug="wb")
    _, first = signed_in(browser, live_server, "ana@example.org", width=width)
    first.set_default_timeout(20_000)
    first.goto("/cohorts/wb/")
    first.get_by_role("link", name="The cohort's discussion").click()
    check_page(first, "discussion-empty")
    first.get_by_label("Title", exact=True).fill("Open budgets in the Balkans")
    first.get_by_label("Lesson (optional)").select_option(label="What open government means")
    first.get_by_label("Your message").fill("Who has **published** a citizen's budget?")
    first.get_by_role("button", name="Post the topic").click()
    expect(first.get_by_text("Your topic is posted.")).to_be_visible()
    expect(first.locator(".post__body strong")).to_have_text("published")
    check_page(first, "discussion-topic")
    assert _overflow(first) <= 0

    _, second = signed_in(browser, live_server, "ben@example.org", width=width)
    second.set_default_timeout(20_000)
    second.goto("/cohorts/wb/discussion")
    row = second.locator(".topic-item", has_text="Open budgets in the Balkans")
    expect(row.get_by_text("New", exact=True)).to_be_visible()
    check_page(second, "discussion-list-new")
    row.get_by_role("link", name="Open budgets in the Balkans").click()
    second.get_by_label("Your reply").fill("We did, in 2024: [our budget](https://example.org)")
    second.get_by_role("button", name="Post the reply").click()
    expect(second.get_by_text("Your reply is posted.")).to_be_visible()
    expect(second.get_by_role("link", name="our budget")).to_have_attribute("rel", "nofollow ugc")
    second.goto("/cohorts/wb/discussion")
    expect(second.locator(".topic-item").get_by_text("New", exact=True)).to_have_count(0)

    first.goto("/cohorts/wb/discussion")
    expect(first.locator(".topic-item").get_by_text("New", exact=True)).to_be_visible()
    first.get_by_role("link", name="Open budgets in the Balkans").click()
    expect(first.get_by_text("First unread post")).to_be_visible()
    expect(first.locator("#unread + .post__meta, #unread ~ .post__meta").first).to_contain_text(
        "Ben Learner")

    _, moderator = signed_in(browser, live_server, "fatou@example.org", width=width)
    moderator.set_default_timeout(20_000)
    moderator.goto("/cohorts/wb/discussion")
    moderator.get_by_role("link", name="Open budgets in the Balkans").click()
    moderator.locator("article", has_text="We did, in 2024").get_by_role(
        "link", name="Hide").click()
    check_page(moderator, "discussion-hide")
    moderator.get_by_label("Reason").fill("Please link to the official page instead.")
    moderator.get_by_role("button", name="Hide the post").click()
    expect(moderator.get_by_text("The post is hidden.")).to_be_visible()
    check_page(moderator, "discussion-topic-facilitator")
    second.goto("/cohorts/wb/discussion")
    second.get_by_role("link", name="Open budgets in the Balkans").click()
    expect(second.get_by_text("Hidden by a facilitator: Please link to the official page "
                              "instead.")).to_be_visible()
    first.reload()
    expect(first.get_by_text("We did, in 2024")).to_have_count(0)
