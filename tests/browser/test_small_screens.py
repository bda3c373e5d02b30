"""Pages read on a phone (390 px) and a laptop (1280 px): a header that leaves room for the
page, a user list and a progress dashboard that fit their column."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.accounts.models import Role
from tests.browser.conftest import check_page
from tests.certificates.helpers import complete
from tests.cohorts.helpers import make_cohort
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

PHONE, LAPTOP = 390, 1280


def _signed_in(browser, live_server, email: str, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": width,
                                                                      "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return context, page


def _header_height(page) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def test_the_menu_folds_away_on_a_phone_and_not_on_a_laptop(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    make_user(Role.ADMIN, email="admin@example.org", name="Amara Okafor")
    # The switcher's button, the menu's name and a link in it, in each language.
    names = {"en": ("English", "Main", "Users"),
             "fr": ("Français", "Menu principal", "Utilisateurs"),
             "es": ("Español", "Principal", "Usuarios")}
    for language, (button, main, users_link) in names.items():
        context, page = _signed_in(browser, live_server, "admin@example.org", PHONE)
        try:
            if language != "en":
                page.get_by_role("button", name=button).click()
            menu = page.get_by_role("navigation", name=main)
            users = menu.get_by_role("link", name=users_link)
            assert _header_height(page) <= 110, (language, _header_height(page))
            expect(users).to_be_hidden()
            page.locator(".site-menu summary").click()
            expect(users).to_be_visible()
            check_page(page, f"menu-open-phone-{language}")
            page.set_viewport_size({"width": LAPTOP, "height": 900})
            page.reload()
            expect(page.locator(".site-menu summary")).to_be_hidden()
            expect(users).to_be_visible()
            assert _header_height(page) <= 130
            # The skip link is still the first thing a keyboard reaches.
            page.keyboard.press("Tab")
            expect(page.locator(".skip-link")).to_be_focused()
        finally:
            context.close()


def test_the_user_list_fits_its_column(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    make_user(Role.ADMIN, email="admin@example.org", name="Amara Okafor")
    for number in range(30):
        make_user(name=f"Omar Al-Khatib {number}",
                  email=f"omar.al.khatib.{number}@alumni.example.org",
                  organisation="Office of the Minister of State for Administrative Reform")
    for width in (LAPTOP, PHONE):
        context, page = _signed_in(browser, live_server, "admin@example.org", width)
        try:
            page.goto("/admin/users")
            main = page.locator("main").bounding_box()
            buttons = page.get_by_role("button", name="Change")
            expect(buttons).to_have_count(25)
            for index in (0, 24):
                box = buttons.nth(index).bounding_box()
                assert box["x"] + box["width"] <= main["x"] + main["width"], width
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            check_page(page, f"admin-users-{width}")
            expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 1 of 2")
        finally:
            context.close()


def test_the_progress_dashboard_is_one_card_per_learner_on_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    facilitator = make_user(Role.FACILITATOR, email="jelena@example.org")
    learners = [make_user(name=name, organisation="Ministry of Local Government Administration")
                for name in ("Zoran Ilić", "Łukasz Nowak", "Ana Ñúñez")]
    complete(learners[0])
    make_cohort(facilitators=[facilitator], members=learners, slug="wb")
    context, page = _signed_in(browser, live_server, "jelena@example.org", PHONE)
    try:
        page.goto("/cohorts/wb/progress")
        cards = page.locator(".progress-table tbody tr")
        expect(cards).to_have_count(3)
        for index, name in enumerate(("Ana Ñúñez", "Łukasz Nowak", "Zoran Ilić")):
            expect(cards.nth(index)).to_contain_text(name)
            box = cards.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
        # Each card says what its figures are, and nothing scrolls sideways.
        label = cards.nth(2).locator("td[data-label]").first.evaluate(
            "cell => getComputedStyle(cell, '::before').content")
        assert label.startswith('"Lessons done: "'), label
        widths = page.evaluate("""() => [document.documentElement.scrollWidth,
            document.querySelector('.progress-table').scrollWidth]""")
        assert widths[0] <= PHONE and widths[1] <= PHONE - 32, widths
        expect(page.locator(".progress-table thead th").nth(1)).not_to_be_in_viewport()
        check_page(page, "progress-phone")
        page.set_viewport_size({"width": LAPTOP, "height": 900})
        page.reload()
        expect(page.get_by_role("columnheader", name="Learner")).to_be_visible()
        # On a laptop every lesson's column is in view, the course's last one included.
        last = page.locator(".progress-table thead th").last
        expect(last).to_contain_text("10")
        box = last.bounding_box()
        assert box["x"] + box["width"] <= LAPTOP, box
        assert page.evaluate("""() => document.querySelector('.progress-table').scrollWidth
            <= document.querySelector('.progress-table').parentElement.clientWidth""")
        check_page(page, "progress-laptop")
    finally:
        context.close()


def test_every_lesson_and_the_glossary_fit_a_phone_in_each_language(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    """Long source addresses, tables and the inline diagrams wrap or shrink to 390 px; the
    diagrams keep text a phone can read and are named for screen readers."""
    from lms.courses import services as courses

    make_user(email="ana@example.org", name="Ana")
    course = courses.get_course("open-government-101")
    buttons = {"fr": "Français", "es": "Español"}
    for language in ("en", "fr", "es"):
        context, page = _signed_in(browser, live_server, "ana@example.org", PHONE)
        try:
            if language in buttons:
                page.get_by_role("button", name=buttons[language]).click()
            paths = [f"/courses/{course.course_id}/{lesson.lesson_id}/"
                     for lesson in course.lessons] + [f"/courses/{course.course_id}/glossary"]
            for path in paths:
                page.goto(path)
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, \
                    (language, path)
            page.goto(f"/courses/{course.course_id}/co-creation-and-action-plans/")
            figure = page.locator("figure.diagram svg")
            expect(figure).to_have_attribute("role", "img")
            assert figure.bounding_box()["width"] <= PHONE
            # The smallest text of the diagram, as drawn on the phone, in CSS pixels.
            smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
                'figure.diagram text')].map(t => t.getBoundingClientRect().height))""")
            assert smallest >= 10, (language, smallest)
            title = page.locator("figure.diagram svg title").text_content()
            expected = {"en": "The OGP action-plan cycle"}
            if language in expected:
                assert title == expected[language]
            check_page(page, f"lesson-diagram-phone-{language}")
        finally:
            context.close()
