"""Cross-site scripting: each payload of the corpus is written into every field a user can edit,
through the real forms, and every page that shows the field is read back: the payload must be
there, as text, and never as markup (see tests/security/xss_payloads.py for what is checked).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.accounts.models import Role, User
from lms.accounts.services import find_user_by_email
from lms.alumni.models import AlumniMessage, AlumniProfile, OutcomeStory
from lms.certificates import codes, pdf
from lms.certificates import services as certificates
from lms.certificates.models import Certificate
from lms.cohorts import invitations
from lms.cohorts import services as cohorts
from lms.courses import services as courses
from lms.courses.models import FACILITATORS
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.browser.conftest import (  # noqa: F401 - browser and live_server are fixtures
    REQUIRE_BROWSER,
    browser,
    browser_missing,
    live_server,
)
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user, sign_in_id
from tests.security.xss_payloads import (
    FORMULA_PAYLOADS,
    PAYLOADS,
    REFUSED_WEBSITES,
    WEBSITE_PAYLOADS,
    Payload,
    assert_inert,
    is_markup,
)

COURSE = "open-government-101"
REFLECTION = ("what-open-government-means", "your-administration")
TEXT_QUIZ = ("how-ogp-works", "irm-name")


@pytest.fixture
def payloads(database_url: str) -> list[Payload]:
    """The whole corpus on SQLite, every third payload on PostgreSQL: escaping happens in the
    templates whatever the database, which only has to store and return the payloads as typed
    (a sample shows that as well as the whole corpus, in a third of the time)."""
    return PAYLOADS if database_url.startswith("sqlite") else PAYLOADS[::3]


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    return client


def page(client: FlaskClient, url: str, *, shown: list[str] | tuple[str, ...] = (),
         status: int = 200) -> str:
    """GET a page, check its status, and check that every payload on it is inert."""
    response = client.get(url)
    assert response.status_code == status, f"GET {url}: {response.status_code}"
    assert_inert(response.text, url, shown=shown)
    return response.text


def posted(client: FlaskClient, url: str, data: dict[str, object], *, status: int = 303,
           shown: list[str] | tuple[str, ...] = ()) -> str:
    """POST a form; a redirect is followed and the page it leads to checked too."""
    response = client.post(url, data=data)
    assert response.status_code == status, f"POST {url}: {response.status_code}"
    if response.status_code in (302, 303):
        return page(client, response.headers["Location"], shown=shown)
    assert_inert(response.text, f"POST {url}", shown=shown)
    return response.text


def set_account(client: FlaskClient, payload: Payload) -> None:
    """Type the payload as one's name and organisation on /account."""
    posted(client, "/account", {"name": payload.text, "organisation": payload.text,
                                "country": "SN", "locale": "en"}, status=302,
           shown=[payload.marker])


def exported(client: FlaskClient) -> dict:
    """My data from /alumni/me/export: a JSON download that no browser renders as a page."""
    response = client.get("/alumni/me/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return json.loads(response.text)


def test_the_checker_catches_each_payload_left_unescaped() -> None:
    assert len(PAYLOADS) >= 30
    for payload in PAYLOADS + WEBSITE_PAYLOADS:
        for html in (f"<p>{escape(payload.text)}</p>", f'<input value="{escape(payload.text)}">',
                     f"<a href='{escape(payload.text)}'>x</a>"):
            assert_inert(html, "escaped", shown=[payload.marker])
        if is_markup(payload.text):
            with pytest.raises(AssertionError, match=payload.marker):
                assert_inert(f"<p>{payload.text}</p>", "raw", payloads=[payload])
        elif payload.marker in ("xss40", "xss41", "xssw2"):
            # Quotes that leave an attribute: the attribute they add is caught.
            with pytest.raises(AssertionError, match="event handler|from a payload"):
                assert_inert(f'<input value="{payload.text}">'
                             f"<input value='{payload.text}'>", "raw", payloads=[payload])
    with pytest.raises(AssertionError, match="event handler"):
        assert_inert('<p><img src="x" onerror="alert(1)"></p>', "transformed")
    with pytest.raises(AssertionError, match="script URL"):
        assert_inert('<a href=" java\tscript:alert(1)">x</a>', "transformed")


# --- names, organisations, reflections, answers and facilitators' notes -------------------------

def test_people_and_their_learning_records(app: Flask, payloads: list[Payload]) -> None:
    """A learner and a facilitator of one cohort per payload type it as their name and
    organisation; the learner writes it as a reflection and an answer, the facilitator as a
    note about the learner."""
    markers = [payload.marker for payload in payloads]
    admin = signed_in(app, make_user(Role.ADMIN))
    learners = [make_user() for _ in payloads]
    facilitators = [make_user(Role.FACILITATOR) for _ in payloads]
    make_cohort(facilitators=facilitators, members=learners, slug="wb")
    lesson_url = "/courses/{}/{}/".format(COURSE, *REFLECTION)
    quiz_url = "/courses/{}/{}/".format(COURSE, *TEXT_QUIZ)
    for payload, learner, facilitator in zip(payloads, learners, facilitators, strict=True):
        as_learner, as_facilitator = signed_in(app, learner), signed_in(app, facilitator)
        set_account(as_learner, payload)
        set_account(as_facilitator, payload)
        posted(as_learner, lesson_url + f"reflection/{REFLECTION[1]}",
               {"text": payload.text, "visibility": "facilitators"}, shown=[payload.marker])
        posted(as_learner, quiz_url + f"quiz/{TEXT_QUIZ[1]}",
               {"answer": payload.text, "attempt": "0"}, shown=[payload.marker])
        posted(as_facilitator, f"/cohorts/wb/learners/{learner.id}", {"text": payload.text},
               shown=[payload.marker])
        posted(admin, f"/admin/users/{learner.id}/role", {"role": "learner"},
               shown=[payload.marker])

    for payload, learner, facilitator in zip(payloads, learners, facilitators, strict=True):
        as_learner = signed_in(app, learner)
        for url in ("/account", lesson_url, quiz_url):  # and the page header on each
            page(as_learner, url, shown=[payload.marker])
        mine = exported(as_learner)
        assert mine["account"]["name"] == mine["account"]["organisation"] == payload.text
        assert [item["text"] for item in mine["reflections"]] == [payload.text]
        assert [item["text"] for item in mine["facilitator_notes_about_you"]] == [payload.text]
        page(signed_in(app, facilitator), f"/cohorts/wb/learners/{learner.id}",
             shown=[payload.marker])  # name, organisation, reflection, note and its author

    page(signed_in(app, learners[0]), "/cohorts/wb/", shown=markers)  # the facilitators
    as_facilitator = signed_in(app, facilitators[0])
    for url in ("/cohorts/wb/", "/cohorts/wb/progress", "/cohorts/wb/members",
                "/cohorts/wb/reminders", "/cohorts/wb/certificates"):
        page(as_facilitator, url, shown=markers)
    for url in ("/cohorts/wb/schedule", "/cohorts/wb/progress?sort=country&state=behind"):
        page(as_facilitator, url, shown=[payloads[0].marker])  # their own name, at the top
    page(admin, "/cohorts/wb/edit", shown=markers)  # the facilitators to choose from
    shown_to_admin = page(admin, "/admin/users") + page(admin, "/admin/users?page=2")
    assert all(marker in shown_to_admin for marker in markers)
    rows = list(csv.reader(io.StringIO(as_facilitator.get("/cohorts/wb/progress.csv").text)))
    assert {row[0] for row in rows[1:]} == {payload.text for payload in payloads}


def test_reminder_templates(app: Flask, payloads: list[Payload]) -> None:
    """A facilitator's reminder subject and text, shown back in the form and kept in the
    learner's data."""
    facilitator = make_user(Role.FACILITATOR)
    learners = [make_user() for _ in payloads]
    make_cohort(facilitators=[facilitator], members=learners, slug="wb")
    client = signed_in(app, facilitator)
    for payload, learner in zip(payloads, learners, strict=True):
        # Nobody chosen: the form comes back with what was typed.
        posted(client, "/cohorts/wb/reminders", {"subject": payload.text, "body": payload.text},
               status=400, shown=[payload.marker])
        posted(client, "/cohorts/wb/reminders", {"subject": payload.text, "body": payload.text,
                                                 "learners": [str(learner.id)]})
        received = exported(signed_in(app, learner))["reminders_received"]
        assert [item["body"] for item in received] == [payload.text]
        assert payload.marker in received[0]["subject"]


# --- cohort names ---------------------------------------------------------------------------------

def test_cohort_names(app: Flask, payloads: list[Payload]) -> None:
    """An admin names cohorts with payloads; every page about a cohort shows its name."""
    markers = [payload.marker for payload in payloads]
    admin = signed_in(app, make_user(Role.ADMIN))
    facilitator, learner = make_user(Role.FACILITATOR), make_user()
    today = cohorts.today()
    for number, payload in enumerate(payloads):
        posted(admin, "/cohorts/new", {
            "name": payload.text, "slug": f"c{number}", "focus": "western-balkans",
            "course_id": COURSE, "starts_on": (today - timedelta(days=5)).isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(),
            "facilitator_ids": [str(facilitator.id)]}, shown=[payload.marker])
    as_facilitator, as_learner = signed_in(app, facilitator), signed_in(app, learner)
    for number, payload in enumerate(payloads):
        cohort = cohorts.get_cohort(f"c{number}")
        code = cohorts.rotate_join_code(cohort)
        page(as_learner, f"/cohorts/join/{code}", shown=[payload.marker])
        posted(as_learner, f"/cohorts/join/{code}", {}, shown=[payload.marker])
        for url in ("/", "/progress", "/members", "/schedule", "/reminders", "/certificates"):
            page(as_facilitator, f"/cohorts/c{number}{url}", shown=[payload.marker])
        page(as_facilitator, f"/cohorts/c{number}/learners/{learner.id}",
             shown=[payload.marker])
        page(admin, f"/cohorts/c{number}/edit", shown=[payload.marker])
    for client in (admin, as_facilitator, as_learner):
        page(client, "/cohorts/", shown=markers)
    assert sorted(item["cohort"] for item in exported(as_learner)["cohorts"]) == sorted(
        payload.text for payload in payloads)


# --- the alumni network ---------------------------------------------------------------------------

def test_alumni_profiles_messages_and_cohorts(app: Flask, payloads: list[Payload]) -> None:
    """Graduates of cohorts named with payloads type payloads as their name, job title,
    organisation and bio, and send payloads as messages to one another."""
    markers = [payload.marker for payload in payloads]
    graduates = [make_graduate(make_cohort(name=payload.text, slug=f"c{number}"))
                 for number, payload in enumerate(payloads)]
    clients = [signed_in(app, graduate) for graduate in graduates]
    for payload, client in zip(payloads, clients, strict=True):
        set_account(client, payload)
        posted(client, "/alumni/me", {
            "visibility": "listed", "headline": payload.text, "organisation": payload.text,
            "bio": payload.text, "website": "", "accepts_messages": "y"}, status=302,
            shown=[payload.marker])
    for number, (payload, client) in enumerate(zip(payloads, clients, strict=True)):
        recipient = graduates[(number + 1) % len(graduates)]
        posted(client, f"/alumni/{recipient.id}/message", {"body": payload.text}, status=302,
               shown=[payloads[(number + 1) % len(payloads)].marker])

    for number, (payload, graduate) in enumerate(zip(payloads, graduates, strict=True)):
        other = clients[(number + 1) % len(clients)]
        page(other, f"/alumni/{graduate.id}/", shown=[payload.marker])
        page(clients[number], "/alumni/me", shown=[payload.marker])
        page(clients[number], f"/cohorts/c{number}/alumni", shown=[payload.marker])
        message = db.session.scalar(select(AlumniMessage).where(
            AlumniMessage.sender_id == graduate.id))
        page(other, f"/alumni/messages/{message.id}", shown=[payload.marker])
        mine = exported(clients[number])
        assert mine["alumni_profile"]["bio"] == payload.text
        assert [item["body"] for item in mine["messages_sent"]] == [payload.text]
    directory = page(clients[0], "/alumni/") + page(clients[0], "/alumni/?page=2")
    assert all(marker in directory for marker in markers)  # names, titles, organisations, cohorts


def test_alumni_websites(app: Flask) -> None:
    """Addresses that try to leave the link they are printed in stay inside it; others are
    refused."""
    graduate = make_graduate()
    client, reader = signed_in(app, graduate), signed_in(app, make_graduate())
    form = {"visibility": "listed", "headline": "", "organisation": "", "bio": ""}
    for payload in WEBSITE_PAYLOADS:
        posted(client, "/alumni/me", {**form, "website": payload.text}, status=302)
        profile = page(reader, f"/alumni/{graduate.id}/", shown=[payload.marker])
        assert f'href="{escape(payload.text)}"' in profile
    for website in REFUSED_WEBSITES:
        posted(client, "/alumni/me", {**form, "website": website}, status=400)
        db.session.expire_all()
        assert db.session.get(AlumniProfile, graduate.id).website == WEBSITE_PAYLOADS[-1].text


def test_outcome_stories(app: Flask, payloads: list[Payload]) -> None:
    """An alumnus's outcome stories (what changed, who changed it, their part, evidence links),
    on their own pages, their profile and the facilitators' review."""
    markers = [payload.marker for payload in payloads]
    facilitator = make_user(Role.FACILITATOR)
    cohort = make_cohort(facilitators=[facilitator], slug="wb")
    author, reader = make_graduate(cohort), make_graduate(cohort)
    client = signed_in(app, author)
    story = {"happened_on": "2025-01", "theme": "civic-space", "country": "SN",
             "visibility": "alumni", "evidence": ""}
    for payload in payloads:
        posted(client, "/alumni/me/outcomes", {**story, "what_changed": payload.text,
                                               "who_changed": payload.text,
                                               "contribution": payload.text}, status=302,
               shown=markers[:payloads.index(payload) + 1])
    links = "\n".join(payload.text for payload in WEBSITE_PAYLOADS)
    posted(client, "/alumni/me/outcomes", {**story, "what_changed": "Links", "who_changed": "A",
                                           "contribution": "B", "evidence": links}, status=302,
           shown=[payload.marker for payload in WEBSITE_PAYLOADS])
    for refused in [link for link in REFUSED_WEBSITES if not link.startswith("http://")]:
        posted(client, "/alumni/me/outcomes", {**story, "what_changed": "Refused",
                                               "who_changed": "A", "contribution": "B",
                                               "evidence": refused}, status=400)
    markers = markers + [payload.marker for payload in WEBSITE_PAYLOADS]
    page(signed_in(app, reader), f"/alumni/{author.id}/", shown=markers)
    page(signed_in(app, facilitator), "/alumni/outcomes/", shown=markers)
    for story_id in db.session.scalars(select(OutcomeStory.id).where(
            OutcomeStory.user_id == author.id)):
        page(client, f"/alumni/me/outcomes/{story_id}")
    assert len(exported(client)["outcome_stories"]) == len(payloads) + 1


# --- certificates ---------------------------------------------------------------------------------

@pytest.fixture
def rendered_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML each certificate PDF is made from (the PDF step itself is skipped)."""
    pages: list[str] = []

    def keep(html: str, attachments: object = ()) -> bytes:
        pages.append(html)
        return b"%PDF-1.7 " + str(len(pages)).encode()

    monkeypatch.setattr(pdf, "render_html", keep)
    return pages


def test_certificates(app: Flask, payloads: list[Payload], rendered_html: list[str]) -> None:
    """Certificates of cohorts named with payloads, reissued under payload names, revoked for
    payload reasons: the holder's list, the PDF's HTML, verification and administration."""
    markers = [payload.marker for payload in payloads]
    admin, facilitator = signed_in(app, make_user(Role.ADMIN)), make_user(Role.FACILITATOR)
    course = courses.get_course(COURSE)
    for number, payload in enumerate(payloads):
        learner = make_user()
        cohort = make_cohort(name=payload.text, slug=f"c{number}", members=[learner],
                             facilitators=[facilitator])
        first = certificates.issue(learner, course, cohort=cohort, actor_id=None)
        old = codes.display(first.code)
        posted(admin, f"/admin/certificates/{old}", {"action": "reissue",
                                                     "holder_name": payload.text},
               shown=[payload.marker])
        db.session.expire_all()
        code = codes.display(certificates.successor(db.session.get(Certificate, first.id)).code)
        holder = signed_in(app, learner)
        page(holder, "/certificates/", shown=[payload.marker])
        assert holder.get(f"/certificates/{code}.pdf").status_code == 200
        assert_inert(rendered_html[-1], f"certificate {code}", shown=[payload.marker])
        assert rendered_html[-1].count(payload.marker) >= 3  # title, holder, cohort
        anyone = app.test_client()
        for verified in (code, old):
            page(anyone, f"/verify/{verified}", shown=[payload.marker])
            body = anyone.get(f"/verify/{verified}.json")
            assert body.mimetype == "application/json"
        page(signed_in(app, facilitator), f"/cohorts/c{number}/certificates",
             shown=[payload.marker])
        page(admin, f"/admin/certificates/{old}", shown=[payload.marker])  # the history
        posted(admin, f"/admin/certificates/{code}", {"action": "revoke", "reason": payload.text,
                                                      "note": payload.text},
               shown=[payload.marker])
        page(anyone, f"/verify/{code}", shown=[payload.marker])
        assert anyone.get(f"/verify/{code}.json").json["revocation_reason"] == payload.text
    page(admin, "/admin/certificates", shown=markers)


def test_a_certificate_prints_payloads_as_text(app: Flask) -> None:
    """The real PDF: a payload asking for an outside image is printed, not fetched (the
    renderer's fetcher would refuse the address and fail the render)."""
    from pypdf import PdfReader

    payload = "xss02 <img src=http://127.0.0.1:9/x.png onerror=alert(1)>"
    view = pdf.CertificateView(
        holder_name=payload, programme="Programme", course_title="Open Government 101",
        cohort_name="<svg onload=alert(1)>", language="en", issued_on=cohorts.today(),
        expires_on=None, code="AAAA-AAAA-AAAA-A", verify_url="http://localhost/verify/x",
        signatories=(), issuer_name="Issuer")
    document = pdf.render_certificate(view, b"{}")
    text = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(document)).pages)
    assert "<img src=http://127.0.0.1:9/x.png" in re.sub(r"\s+", " ", text)
    assert "<svg onload=alert(1)>" in text


# --- the CSV import's preview ---------------------------------------------------------------------

def test_csv_import_preview(app: Flask, payloads: list[Payload]) -> None:
    """Names, organisations and bad addresses from an uploaded file, in the preview and, once
    confirmed, on the members page."""
    markers = [payload.marker for payload in payloads]
    client = signed_in(app, facilitator := make_user(Role.FACILITATOR))
    make_cohort(facilitators=[facilitator], slug="wb")
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["email", "name", "country", "organisation"])
    for number, payload in enumerate(payloads):
        writer.writerow([f"imported{number}@example.org", payload.text, "SN", payload.text])
        writer.writerow([payload.text, "Someone", "SN", "Office"])
    boundary, body = encode_multipart({"file": FileStorage(
        io.BytesIO(output.getvalue().encode()), "people.csv")})
    response = client.post("/cohorts/wb/members/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert_inert(response.text, "import preview", shown=markers)
    token = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    posted(client, "/cohorts/wb/members/import/confirm", {"token": token})
    # Invited people appear among the members, named as in the file, once they accept.
    for number in range(len(payloads)):
        invitations.accept("wb", find_user_by_email(f"imported{number}@example.org"))
    page(client, "/cohorts/wb/members", shown=markers)


# --- what a page reflects from its address --------------------------------------------------------

def test_search_boxes_filters_and_typed_codes(app: Flask, payloads: list[Payload]) -> None:
    """Search words, directory filters, a typed verification code and a raw query string all
    come back in the page they lead to."""
    alumnus, admin = signed_in(app, make_graduate()), signed_in(app, make_user(Role.ADMIN))
    for payload in payloads:
        value = quote(payload.text)
        page(alumnus, f"/alumni/?q={value}", shown=[payload.marker])
        page(alumnus, "/alumni/?" + "&".join(f"{facet}={value}" for facet in (
            "region", "country", "theme", "cohort", "year", "language", "exchange")),
             shown=[payload.marker])
        page(admin, f"/admin/users?q={value}", shown=[payload.marker])
        page(admin, f"/admin/certificates?q={value}", shown=[payload.marker])
        if "/" not in payload.text:
            page(app.test_client(), f"/verify/{quote(payload.text, safe='')}", status=404,
                 shown=[payload.marker])
        # A raw, unencoded query string comes back in the language switcher's hidden field.
        response = app.test_client().get(
            "/courses/", environ_overrides={"QUERY_STRING": "q=" + payload.text})
        assert_inert(response.text, "raw query string")


# --- spreadsheets ---------------------------------------------------------------------------------

def test_the_progress_export_neutralises_formulas(app: Flask) -> None:
    """Cells a spreadsheet would run as a formula start with an apostrophe in the export."""
    facilitator = make_user(Role.FACILITATOR)
    typed = [make_user() for _ in FORMULA_PAYLOADS]
    for learner, formula in zip(typed, FORMULA_PAYLOADS, strict=True):
        posted(signed_in(app, learner), "/account", {"name": formula, "organisation": formula,
                                                     "country": "SN", "locale": "en"},
               status=302)
    # Names that reached the database another way (an import, a future sync) keep their
    # leading tab or carriage return, and email addresses may start with = + - or @.
    imported = [make_user(name=formula, organisation=formula, email=f"{formula[0]}x{n}@ex.org")
                for n, formula in enumerate(FORMULA_PAYLOADS)]
    make_cohort(facilitators=[facilitator], members=typed + imported, slug="wb")
    export = signed_in(app, facilitator).get("/cohorts/wb/progress.csv")
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for formula in FORMULA_PAYLOADS:
        assert "'" + formula in cells or "'" + formula.strip() in cells, formula


# --- in a real browser --------------------------------------------------------------------------

_DOM_PROBLEMS = """() => {
  const problems = [];
  for (const element of document.querySelectorAll("*")) {
    if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "BASE", "STYLE"].includes(element.tagName)) {
      problems.push(element.tagName);
    }
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("on")) problems.push(element.tagName + " " + attribute.name);
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(attribute.name)
          && /^[\\s\\x00-\\x1f]*(javascript|vbscript|data:text\\/html)/i.test(attribute.value)) {
        problems.push(element.tagName + " " + attribute.name + "=" + attribute.value);
      }
    }
  }
  return problems;
}"""


@pytest.mark.browser
@pytest.mark.skipif(browser_missing() is not None and not REQUIRE_BROWSER,
                    reason=f"browser tests SKIPPED: {browser_missing()}")
def test_nothing_runs_in_chromium(app: Flask, request: pytest.FixtureRequest) -> None:
    """Chromium's own parser reads pages full of payloads: no dialog opens, no script or event
    handler reaches the page, the security policy has nothing to block, nothing is fetched."""
    chromium, server = request.getfixturevalue("browser"), request.getfixturevalue("live_server")
    markers = [payload.marker for payload in PAYLOADS]
    facilitator, admin = make_user(Role.FACILITATOR), make_user(Role.ADMIN)
    learners = [make_user(name=payload.text, organisation=payload.text) for payload in PAYLOADS]
    cohort = make_cohort(facilitators=[facilitator], members=learners, slug="wb")
    course = courses.get_course(COURSE)
    lesson = course.lesson(REFLECTION[0])
    for payload, learner in zip(PAYLOADS, learners, strict=True):
        courses.save_reflection(learner.id, course, lesson, REFLECTION[1], payload.text,
                                FACILITATORS)  # shared, so the facilitator's page shows it
        cohorts.add_note(cohort, learner.id, facilitator, payload.text)
    graduates = [make_graduate(name=payload.text, headline=payload.text,
                               organisation=payload.text) for payload in PAYLOADS]
    # One bio with every payload. The sanitiser drops whatever follows xss17's <style> inside
    # a table (as the style's content): that one goes last.
    writer = make_graduate(name="Bio Writer", bio="\n\n".join(payload.text for payload in sorted(
        PAYLOADS, key=lambda payload: payload.marker == "xss17")))
    visits = [(facilitator, "/cohorts/wb/progress", markers),
              (facilitator, "/cohorts/wb/members", markers),
              (facilitator, "/cohorts/wb/reminders", markers),
              (admin, "/admin/users", []), (admin, "/admin/users?page=2", [])]
    visits += [(facilitator, f"/cohorts/wb/learners/{learner.id}", [payload.marker])
               for payload, learner in list(zip(PAYLOADS, learners, strict=True))[::5]]
    visits += [(learners[0], "/courses/{}/{}/".format(COURSE, *REFLECTION), markers[:1]),
               (graduates[0], "/alumni/", []), (graduates[0], "/alumni/?page=2", []),
               (graduates[0], f"/alumni/{writer.id}/", markers)]
    problems = []
    for user, path, shown in visits:
        client = signed_in(app, user)
        context = chromium.new_context(base_url=server.url)
        context.add_cookies([{"name": "session", "value": client.get_cookie("session").value,
                              "url": server.url}])
        page = context.new_page()
        seen: list[str] = []
        page.on("dialog", lambda dialog, seen=seen: (seen.append(f"dialog {dialog.message}"),
                                                     dialog.dismiss()))
        page.on("console", lambda message, seen=seen: seen.append(f"console {message.text}")
                if message.type in ("error", "warning") else None)
        page.on("request", lambda request, seen=seen: seen.append(f"fetched {request.url}")
                if "/static/" not in request.url and not request.is_navigation_request()
                else None)
        page.goto(path)
        page.wait_for_load_state("load")
        text = page.locator("body").inner_text()
        problems += [f"{path}: {item}" for item in seen + page.evaluate(_DOM_PROBLEMS)]
        problems += [f"{path}: {marker} not shown" for marker in shown if marker not in text]
        context.close()
    assert problems == []
