"""Every page people read, as each demo role, in English, French and Spanish: no server error,
no escaped markup, no English on a French or Spanish page, no unlabelled control, no ISO date
in French or Spanish.

The crawl starts from the home page with the demo data and follows links (tests/pages/crawler.py);
every finding is reported at once, with the role, language and address.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from lms.accounts.models import User
from lms.config import LANGUAGES
from lms.demo import load_demo
from lms.extensions import db
from tests.factories import sign_in_id
from tests.pages.crawler import Crawl, Crawler, MessageRecorder, catalogue_of

ROLES = {
    "visitor": None,
    "learner": "learner@demo.test",
    "alumna": "alumna@demo.test",
    "facilitator": "facilitator@demo.test",
    "admin": "admin@demo.test",
}


@pytest.fixture
def recorder() -> Iterator[MessageRecorder]:
    with MessageRecorder().installed() as recorder:
        yield recorder


def crawl_as(app: Flask, role: str, language: str, recorder: MessageRecorder) -> Crawl:
    """Crawl the site as the demo person of `role`, in `language`."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = language  # the switcher's choice, over the account's own language
        email = ROLES[role]
        if email is not None:
            user = db.session.scalar(select(User).where(User.email == email))
            assert user is not None, email
            session["_user_id"] = sign_in_id(user)
            session["_fresh"] = True
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return Crawler(app, client, Crawl(role, language), recorder,
                   catalogue_of(language)).run("/")


def test_every_page_reads_well_for_every_role_in_every_language(
        app: Flask, recorder: MessageRecorder) -> None:
    assert {"en", "fr", "es"} <= set(LANGUAGES)  # and any language added later
    load_demo()
    started = time.perf_counter()
    crawls = [crawl_as(app, role, language, recorder)
              for role in ROLES for language in LANGUAGES]
    findings = sorted({str(finding) for crawl in crawls for finding in crawl.findings})
    pages = {f"{crawl.role}/{crawl.language}": len(crawl.visited) for crawl in crawls}
    print(f"crawled {pages} in {time.perf_counter() - started:.1f} s")
    assert all(count >= 5 for count in pages.values()), pages
    assert not findings, f"{len(findings)} problems:\n" + "\n".join(findings)
