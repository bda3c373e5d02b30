"""A learner earns and downloads a certificate; a stranger verifies it; an admin revokes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.certificates import codes
from lms.courses import services as courses
from lms.extensions import db
from tests.browser.conftest import check_page
from tests.certificates.helpers import COURSE, answer_checks, approve_capstone, complete
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_earn_verify_and_revoke(browser, live_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    learner = make_user(email="fatou@example.org", name="Fatou Sow")
    make_user(role="admin", email="admin@example.org", name="Amara Okafor")
    complete(learner, len(courses.get_course(COURSE).lessons) - 1)  # all but the last
    approve_capstone(learner)  # the course's other condition: an approved reform project
    last = courses.get_course(COURSE).lessons[-1]
    answer_checks(learner, last)
    db.session.commit()

    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    _sign_in(page, "fatou@example.org")
    page.goto(f"/courses/{COURSE}/{last.lesson_id}/")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("You earned the certificate of this course.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-\S",
                     page.locator("main code").first.inner_text()).group(0)
    context.close()

    stranger = browser.new_context(base_url=live_server.url)
    page = stranger.new_page()
    page.goto("/")
    page.get_by_role("link", name="Verify a certificate").click()
    page.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status").first).to_contain_text("Valid")
    expect(page.get_by_text("Fatou Sow")).to_be_visible()
    page.get_by_label("PDF file").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Check the PDF").click()
    expect(page.get_by_text("This PDF is exactly the certificate that was issued.")).to_be_visible()
    check_page(page, "verify-valid")

    admin = browser.new_context(base_url=live_server.url)
    admin_page = admin.new_page()
    _sign_in(admin_page, "admin@example.org")
    admin_page.goto(f"/admin/certificates/{code}")
    admin_page.get_by_label("Public reason").fill("Issued in error")
    admin_page.get_by_role("button", name="Revoke the certificate").click()
    expect(admin_page.get_by_text("Certificate revoked.")).to_be_visible()
    admin.close()

    page.goto(f"/verify/{code}")
    expect(page.get_by_role("status").first).to_contain_text("Revoked")
    expect(page.get_by_text("Issued in error")).to_be_visible()
    check_page(page, "verify-revoked")
    stranger.close()

    # The holder is told why on the course page, and the PDF comes after a notice.
    holder = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = holder.new_page()
    _sign_in(page, "fatou@example.org")
    page.goto(f"/courses/{COURSE}/")
    expect(page.get_by_text("Your certificate for this course was revoked on")).to_contain_text(
        "Reason: Issued in error")
    page.goto(f"/certificates/{code}.pdf")
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate was revoked")
    check_page(page, "certificate-revoked-notice")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the revoked PDF anyway").click()
    canonical = codes.normalise(code)
    assert canonical is not None
    assert download.value.suggested_filename == \
        f"certificate-{codes.file_name(canonical)}-revoked.pdf"
    holder.close()
