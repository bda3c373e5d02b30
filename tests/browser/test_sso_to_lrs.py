"""From single sign-on to the learning record store, in a real browser: a new person signs in
with the OpenID provider (panva's oidc-provider, tests/accounts/oidc_provider.py), takes the
first lesson of Open Government 101, and the statements it makes arrive in a real LRS (Ralph,
tests/xapi/lrs.py), exactly, valid by Ralph's own models, with no email in them; then the LRS's
own statements page shows them in the browser."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts import oidc
from lms.accounts.models import User
from lms.courses import services as courses
from lms.extensions import db
from lms.jobs import queue
from lms.xapi import statements as V
from tests.accounts.oidc_provider import Provider, needs_node
from tests.browser.conftest import LiveServer, check_page
from tests.xapi import lrs as ralph_fixtures
from tests.xapi.lrs import LRS, VERSION_HEADER

pytestmark = [pytest.mark.browser, needs_node, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

# Ralph, a fresh one for the test (tests/xapi/conftest.py offers them to the xAPI tests only).
lrs = ralph_fixtures.lrs
ralph_python = ralph_fixtures.ralph_python

COURSE = "open-government-101"
EMAIL = "amina.diallo@example.org"


@pytest.fixture
def app_settings(lrs: LRS) -> dict[str, object]:
    """The app records statements for this Ralph (LMS_XAPI_*) from its first request."""
    return lrs.settings


@pytest.fixture
def provider(app: Flask, live_server: LiveServer) -> Iterator[Provider]:
    """A provider that knows the served app's address, and the app pointed at it. The app's
    public address is the served one, so that activity ids are the pages' own addresses."""
    running = Provider(redirect_uris=[f"{live_server.url}/login/oidc/test/callback"],
                       post_logout_redirect_uris=[f"{live_server.url}/"]).start()
    app.config.update(running.settings(label="Test ID"), LMS_BASE_URL=live_server.url)
    oidc.init_app(app)
    yield running
    running.stop()


def _answer(page, quiz, right: bool) -> None:  # type: ignore[no-untyped-def]
    """Answer a knowledge check on the page, right or wrong, and wait for the verdict."""
    section = page.locator(f"#quiz-{quiz.quiz_id}")
    if quiz.kind == "text":
        section.get_by_label("Your answer").fill(quiz.quiz.answers[0] if right else "nothing")
    else:
        correct = set(quiz.quiz.correct_positions)
        choices = section.locator("input[name=choice]")
        first_wrong = min(set(range(choices.count())) - correct)
        for position in range(choices.count()):
            if (position in correct) if right else position == first_wrong:
                choices.nth(position).check()
            elif quiz.kind == "multiple":
                choices.nth(position).uncheck()
    section.get_by_role("button").click()
    expect(section).to_contain_text("Correct." if right else "Not quite")


def _seen(found: list[dict[str, Any]]) -> Counter[tuple[str, str, bool | None]]:
    return Counter((statement["verb"]["id"], statement["object"]["id"],
                    (statement.get("result") or {}).get("success")) for statement in found)


def test_sign_in_with_a_provider_take_a_lesson_and_see_the_statements_in_the_lrs(  # type: ignore[no-untyped-def]
        app: Flask, browser, page, live_server: LiveServer, provider: Provider,
        lrs: LRS) -> None:
    course = courses.get_course(COURSE)
    first, second = course.lessons[0], course.lessons[1]
    checks = list(first.versions["en"].quizzes.values())

    # A new person signs in with the provider and lands on our site, signed in.
    page.goto("/login")
    page.get_by_role("button", name="Sign in with Test ID").click()
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer)))
    page.locator("input[name=login]").fill(EMAIL)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Amina Diallo").first).to_be_visible()
    main_menu = page.get_by_role("navigation", name="Main")
    expect(main_menu.get_by_role("link", name="Sign in", exact=True)).to_have_count(0)
    check_page(page, "home-signed-in-with-provider")
    user = db.session.scalar(select(User).where(User.email == EMAIL))
    assert user is not None, "signing in with the provider made no account"

    # The first lesson of Open Government 101, as test_course_flow takes it (no cohort needed).
    main_menu.get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Open Government 101").click()
    page.get_by_role("link", name=re.compile("Start the course")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.versions["en"].title)
    lesson_url = f"{live_server.url}/courses/{COURSE}/{first.lesson_id}/"
    assert page.url.split("#", 1)[0] == lesson_url
    check_page(page, "lesson")
    # The first check wrong, then right; the lesson's other checks right (all are needed
    # before the lesson can be marked done).
    _answer(page, checks[0], right=False)
    for check in checks:
        _answer(page, check, right=True)
    check_page(page, "lesson-answered")
    page.get_by_role("button", name="Mark as done").click()
    # Marked done, the browser goes on to the next lesson: that one is launched too.
    expect(page.get_by_role("heading", level=1)).to_have_text(second.versions["en"].title)
    expect(page.get_by_text("1 of 10 lessons done")).to_be_visible()
    check_page(page, "next-lesson")

    # What a worker does: deliver the statements to Ralph.
    db.session.commit()
    queue.drain(app)
    db.session.refresh(user)
    base = app.config["LMS_BASE_URL"]
    assert base == live_server.url
    agent = {"objectType": "Agent", "account": {"homePage": base, "name": user.xapi_id}}
    found = lrs.statements(agent=agent)

    expected: Counter[tuple[str, str, bool | None]] = Counter({
        (V.LAUNCHED, lesson_url, None): 1,
        (V.ANSWERED, f"{lesson_url}#{checks[0].quiz_id}", False): 1,
        **{(V.ANSWERED, f"{lesson_url}#{check.quiz_id}", True): 1 for check in checks},
        (V.COMPLETED, lesson_url, None): 1,
        (V.LAUNCHED, f"{live_server.url}/courses/{COURSE}/{second.lesson_id}/", None): 1,
    })
    assert _seen(found) == expected
    assert len({statement["id"] for statement in found}) == len(found)
    assert lrs.problems(found) == []
    assert EMAIL not in json.dumps(found)
    assert all(statement["actor"] == agent for statement in found)
    assert {statement["context"]["language"] for statement in found} == {"en"}

    # See them in the LRS: Ralph's own statements page, in the browser.
    ralph = browser.new_context(http_credentials={"username": lrs.username,
                                                  "password": lrs.password},
                                extra_http_headers=VERSION_HEADER)
    try:
        store = ralph.new_page()
        answer = store.goto(f"{lrs.base}/xAPI/statements?{urlencode({'agent': json.dumps(agent)})}")
        assert answer is not None and answer.status == 200
        shown = store.locator("body")
        for verb in (V.LAUNCHED, V.ANSWERED, V.COMPLETED):
            expect(shown).to_contain_text(verb)
        listed = json.loads(shown.inner_text())["statements"]
        assert _seen(listed) == expected
    finally:
        ralph.close()
