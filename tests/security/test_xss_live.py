"""Cross-site scripting in live sessions: a facilitator types each payload as a session's
title, place and agenda; every page that shows them is read back (the payload as text,
never markup; the agenda's Markdown keeps no script, no event handler, no javascript: link)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from lms.accounts.models import Role
from lms.db import utcnow
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.security.test_xss import page, payloads, posted, signed_in  # noqa: F401 - a fixture
from tests.security.xss_payloads import Payload


def test_session_titles_places_and_agendas(app: Flask,
                                           payloads: list[Payload]) -> None:  # noqa: F811
    facilitator = make_user(Role.FACILITATOR)
    learner = make_user(email="lena@example.org")
    make_cohort(facilitators=[facilitator], members=[learner], slug="x")
    as_facilitator, as_learner = signed_in(app, facilitator), signed_in(app, learner)
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    titles = []
    for payload in payloads:
        if len(payload.text) > 200 or any(ord(c) < 32 and c not in "\t\r\n"
                                          for c in payload.text):
            continue
        titles.append(payload.marker)
        posted(as_facilitator, "/cohorts/x/sessions", {
            "title": payload.text, "day": day, "starts": "18:00", "ends": "19:00",
            "location": " ".join(payload.text.split()).replace("//", "/") or "Room 1",
            "agenda": payload.text}, shown=[payload.marker])
    assert titles
    for client in (as_facilitator, as_learner):
        text = page(client, "/cohorts/x/sessions", shown=titles)
        cohort_page = page(client, "/cohorts/x/")  # the next three (all at the same time)
        assert sum(marker in cohort_page for marker in titles) == 3
        page(client, "/")
        assert "<script" not in text.split("<main", 1)[-1]
