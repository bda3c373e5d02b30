"""A learner submits a reform project, two peers review it, the facilitator asks for changes,
the learner resubmits and it is approved: the certificate follows. axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.accounts.models import Role
from lms.courses import services as courses
from tests.browser.conftest import check_page, signed_in
from tests.capstone.helpers import full_draft, submit
from tests.certificates.helpers import answer_checks
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]
CRITERIA = ("problem-clarity", "ambition", "co-creation", "feasibility", "measurement")
URL = f"/courses/{COURSE}/capstone"



def score(page, level: str, comment: str) -> None:  # type: ignore[no-untyped-def]
    for key in CRITERIA:
        page.locator(f'input[name="score-{key}"][value="{level}"]').check()
        field = page.locator(f'textarea[name="comment-{key}"]')
        if field.count():
            field.fill(comment)


def test_a_project_is_reviewed_revised_approved_and_certified(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    facilitator = make_user(Role.FACILITATOR, email="fiona@example.org", name="Fiona Facil")
    learner = make_user(email="lena@example.org", name="Lena Learner")
    peers = [make_user(email=f"peer{n}@example.org", name=f"Peer {n}") for n in (1, 2)]
    make_cohort(facilitators=[facilitator], members=[learner, *peers], slug="wb")
    for peer in peers:
        submit(peer, f"Project of {peer.name}")
    course = courses.get_course(COURSE)
    for lesson in course.lessons:  # every lesson done: only the project is missing
        answer_checks(learner, lesson)
        courses.mark_done(learner.id, course, lesson)

    author, page = signed_in(browser, live_server, "lena@example.org")
    page.goto(f"/courses/{COURSE}/")
    expect(page.get_by_text("an approved reform project remain before your certificate")) \
        .to_be_visible()
    page.get_by_role("link", name="Open my reform project").click()
    check_page(page, "capstone-draft")
    for name, text in full_draft("Open school budgets").items():
        page.locator(f'[name="{name}"]').fill(text)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your project is submitted.")).to_be_visible()
    check_page(page, "capstone-submitted")

    for number, peer in enumerate(peers, start=1):
        context, reviewer = signed_in(browser, live_server, peer.email)
        reviewer.goto(f"{URL}/reviews")
        check_page(reviewer, f"capstone-reviews-{number}")
        reviewer.get_by_role("link", name="Open school budgets").click()
        reviewer.get_by_role("button", name="Send my review").click()  # nothing chosen yet
        expect(reviewer.get_by_text("There is a problem")).to_be_visible()
        check_page(reviewer, f"capstone-review-errors-{number}")
        score(reviewer, "2", f"Comment from peer {number}: name the NGOs.")
        reviewer.get_by_role("button", name="Send my review").click()
        expect(reviewer.get_by_text("Thank you: your review is sent.")).to_be_visible()
        context.close()

    page.reload()
    expect(page.get_by_text("Comment from peer 2: name the NGOs.").first).to_be_visible()
    check_page(page, "capstone-peer-reviewed")

    staff, decider = signed_in(browser, live_server, "fiona@example.org")
    decider.goto("/cohorts/wb/capstones")
    check_page(decider, "capstone-cohort")
    decider.get_by_role("link", name="Lena Learner").click()
    check_page(decider, "capstone-decide")
    score(decider, "2", "")
    decider.get_by_label("Ask for changes").check()
    decider.get_by_label("Your feedback to the learner").fill(
        "Give each milestone a date and a person responsible.")
    decider.get_by_role("button", name="Send my decision").click()
    expect(decider.get_by_text("Changes asked: the learner can revise")).to_be_visible()

    page.reload()
    request = page.locator(".note").filter(has_text="What your facilitator asks you to change")
    expect(request).to_contain_text("Give each milestone a date and a person responsible.")
    check_page(page, "capstone-changes-asked")
    page.get_by_label("Milestones").fill("- 1 March 2027: data standard (Ana, budget unit)")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your project is submitted.")).to_be_visible()

    decider.goto("/cohorts/wb/capstones")
    decider.get_by_role("link", name="Lena Learner").click()
    expect(decider.get_by_text("Version 2, submitted on")).to_be_visible()
    score(decider, "3", "")
    decider.get_by_label("Approve the project").check()
    decider.get_by_role("button", name="Send my decision").click()
    expect(decider.get_by_text("Project approved.")).to_be_visible()
    check_page(decider, "capstone-cohort-approved")
    staff.close()

    page.goto(f"/courses/{COURSE}/")
    expect(page.get_by_text("You earned the certificate of this course.")).to_be_visible()
    page.goto(URL)
    expect(page.get_by_text("Show my approved reform project on my alumni profile")) \
        .to_be_visible()
    check_page(page, "capstone-approved")
    author.close()
