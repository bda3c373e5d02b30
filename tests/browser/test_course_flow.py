"""A learner takes a lesson in a real browser, with accessibility checks on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.courses import services
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

COURSE = "open-government-101"
REFLECTION = "In my ministry, budget data is <not> public yet."


def _answer(page, quiz, right: bool) -> None:  # type: ignore[no-untyped-def]
    section = page.locator(f"#quiz-{quiz.quiz_id}")
    if quiz.kind == "text":
        section.get_by_label("Your answer").fill(quiz.quiz.answers[0] if right else "nothing")
    else:
        correct = set(quiz.quiz.correct_positions)
        choices = section.locator("input[name=choice]")
        first_wrong = min(set(range(choices.count())) - correct)
        for position in range(choices.count()):
            wanted = position in correct if right else position == first_wrong
            if wanted:
                choices.nth(position).check()
            elif quiz.kind == "multiple":
                choices.nth(position).uncheck()
    section.get_by_role("button").click()


def test_learner_takes_a_lesson_and_keeps_progress_in_french(page) -> None:  # type: ignore[no-untyped-def]
    make_user(email="learner@example.org", name="Fatou Sow")
    course = services.get_course(COURSE)
    first = course.lessons[0]
    quizzes = list(first.versions["en"].quizzes.values())

    page.goto("/login")
    page.get_by_label("Email address").fill("learner@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    check_page(page, "courses-catalogue")
    page.get_by_role("link", name="Open Government 101").click()
    expect(page.get_by_text("0 of 10 lessons done")).to_be_visible()
    check_page(page, "course")

    page.get_by_role("link", name=re.compile("Start the course")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.versions["en"].title)
    check_page(page, "lesson")

    _answer(page, quizzes[0], right=False)
    expect(page.locator(f"#quiz-{quizzes[0].quiz_id}")).to_contain_text("Not quite")
    check_page(page, "lesson-wrong-answer")
    # Marking it done too soon opens on what is missing, with links down to it.
    page.get_by_role("button", name="Mark as done").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text(f"{len(quizzes)} knowledge checks still need")
    check_page(page, "lesson-not-done")
    summary.get_by_role("link", name=f"Knowledge check 1 of {len(quizzes)}").click()
    expect(page.locator(f"#quiz-{quizzes[0].quiz_id}")).to_be_in_viewport()
    _answer(page, quizzes[0], right=True)
    expect(page.locator(f"#quiz-{quizzes[0].quiz_id}")).to_contain_text("Correct.")
    for quiz in quizzes[1:]:
        _answer(page, quiz, right=True)
        expect(page.locator(f"#quiz-{quiz.quiz_id}")).to_contain_text("Correct.")

    reflection = page.locator(".reflection")
    reflection.get_by_label("Your reflection").fill(REFLECTION)
    reflection.get_by_role("button", name="Save my reflection").click()
    expect(page.locator(".reflection textarea")).to_have_value(REFLECTION)
    check_page(page, "lesson-answered")

    page.get_by_role("button", name="Mark as done").click()
    second_title = course.lessons[1].versions["en"].title
    expect(page.get_by_role("heading", level=1)).to_have_text(second_title)
    expect(page.locator(".flash--success")).to_have_text(
        f"“{first.versions['en'].title}” is marked as done. Next: lesson 2 of 10, "
        f"“{second_title}”.")
    expect(page.get_by_text("1 of 10 lessons done")).to_be_visible()

    page.get_by_role("link", name="Open Government 101").first.click()
    expect(page.locator("#course-progress")).to_have_attribute("value", "1")
    expect(page.get_by_text("1 of 10 lessons done")).to_be_visible()

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#course-progress")).to_have_attribute("value", "1")
    check_page(page, "course-fr")
    page.get_by_role("link", name=first.versions["fr"].title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.versions["fr"].title)
    for quiz in quizzes:
        expect(page.locator(f"#quiz-{quiz.quiz_id}")).to_have_class(re.compile("quiz--passed"))
    expect(page.locator(".reflection textarea")).to_have_value(REFLECTION)
    check_page(page, "lesson-fr")
