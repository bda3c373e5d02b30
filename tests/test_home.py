"""The signed-in home page (the desk): what a learner and a facilitator read there, in English
and French, with a fixed number of queries; due dates on the course and lesson pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date, format_skeleton
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import event, select

from lms.accounts.models import Role, User
from lms.certificates import services as certificates
from lms.certificates.models import CertificateEvent
from lms.cohorts import invitations
from lms.cohorts import services as cohorts
from lms.cohorts.invitations import invite
from lms.cohorts.models import Membership
from lms.courses import services as courses
from lms.db import utcnow
from lms.extensions import db
from tests.certificates.helpers import answer_checks, complete
from tests.cohorts.helpers import COURSE, make_cohort
from tests.cohorts.test_dashboard import finish
from tests.factories import PASSWORD, make_user, sign_in_id


def client_for(app: Flask, user: User) -> FlaskClient:
    """A client signed in as `user` (several people in one test)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = sign_in_id(user)
    return client


def lessons() -> list:  # type: ignore[type-arg]
    return courses.get_course(COURSE).lessons


def day(days_from_today: int) -> date:
    return cohorts.today() + timedelta(days=days_from_today)


def due_html(days_from_today: int, language: str, relative: str) -> str:
    """The due date as the pages write it: "Due <time ...>17 November</time>, in 3 days"."""
    on = day(days_from_today)
    this_year = on.year == cohorts.today().year
    if language == "en":
        words = format_date(on, "d MMMM" if this_year else "d MMMM y", locale=language)
    else:  # "17 novembre", "17 de noviembre de 2027"
        words = format_skeleton("dMMMM" if this_year else "yMMMMd", on, locale=language)
    if language == "fr" and on.day == 1:
        words = "1er" + words[1:]
    prefix = {"en": "Due", "fr": "À rendre le", "es": "Vence el"}[language]
    return f'{prefix} <time datetime="{on.isoformat()}">{words}</time>, {relative}'


def lesson_header(page: str) -> str:
    return page.split('<header class="lesson__header">', 1)[1].split("</header>", 1)[0]


def test_welcome_is_said_once_after_signing_in(client: FlaskClient) -> None:
    make_user(email="ana@example.org", name="Ana Ñúñez")
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD},
                           follow_redirects=True)
    assert "Welcome back, Ana Ñúñez." in response.text
    assert response.text.count("Welcome") == 1


def test_visitors_still_see_the_public_home_page(client: FlaskClient) -> None:
    page = client.get("/").text
    assert "Learn to open government" in page and "Your desk" not in page


# --- the learner ---------------------------------------------------------------------------------

# A learner's cohort: started 9 days ago, 80 days long, 10 lessons, one due every 8 days:
# lesson 1 was due yesterday, lesson 2 is due in 7 days, lesson 3 in 15 days.
STARTED, LENGTH = 9, 80  # days ago, days


@pytest.mark.parametrize(("language", "overdue", "coming"), [
    ("en", "overdue by 1 day", "in 7 days"),
    ("fr", "en retard de 1 jour", "dans 7 jours"),
    ("es", "con 1 día de retraso", "en 7 días"),
])
def test_the_learner_resumes_and_sees_what_is_due(client: FlaskClient, login_as, language: str,
                                                  overdue: str, coming: str) -> None:
    learner = login_as(locale=language)
    make_cohort(members=[learner], name="Western Balkans 2026", slug="wb",
                starts_days_ago=STARTED, length_days=LENGTH)
    first, second = lessons()[0], lessons()[1]
    page = client.get("/").text
    assert "Western Balkans 2026" in page
    assert f'href="/courses/{COURSE}/{first.lesson_id}/"' in page
    assert due_html(-1, language, overdue) in page

    finish(learner, 1)
    page = client.get("/").text
    title = second.version(language)[0].title
    resume = re.search(r'<a class="button" href="([^"]+)">([^<]+)</a>', page)
    assert resume is not None
    assert resume.group(1) == f"/courses/{COURSE}/{second.lesson_id}/"
    assert resume.group(2) == {"en": "Continue: ", "fr": "Continuer : ",
                               "es": "Continuar: "}[language] + title
    assert due_html(7, language, coming) in page
    assert {"en": "1 of 10 lessons done", "fr": "1 sur 10 leçons terminées",
            "es": "1 de 10 lecciones terminadas"}[language] in page


def test_the_invitation_notice_stays_on_the_desk(client: FlaskClient, login_as) -> None:
    learner = login_as()
    facilitator = make_user(Role.FACILITATOR, name="Jelena")
    cohort = make_cohort(facilitators=[facilitator], name="Afrique francophone", slug="af")
    invite(cohort, email=learner.email, name=learner.name, inviter=facilitator, locale="en")
    db.session.commit()
    page = client.get("/").text
    assert "You are invited to a cohort" in page
    assert "Jelena invited you to join this cohort of the course Open Government 101." in page
    assert 'action="/cohorts/af/invitation/accept"' in page


@pytest.mark.parametrize(("language", "before", "after"), [
    ("en", "Take the self-assessment (2 minutes)", "Take the self-assessment again"),
    ("fr", "Répondre à l’auto-évaluation (2 minutes)",
     "Répondre de nouveau à l’auto-évaluation"),
])
def test_the_self_assessment_still_to_take(client: FlaskClient, login_as, language: str,
                                           before: str, after: str) -> None:
    learner = login_as(locale=language)
    make_cohort(members=[learner], slug="wb")
    page = client.get("/").text
    assert f'href="/courses/{COURSE}/self-assessment/before"' in page and before in page
    complete(learner)
    page = client.get("/").text
    assert f'href="/courses/{COURSE}/self-assessment/after"' in page and after in page
    assert "self-assessment/before" not in page


def test_a_new_certificate_until_it_is_downloaded(client: FlaskClient, login_as) -> None:
    learner = login_as()
    complete(learner)
    certificate = certificates.issue(learner, courses.get_course(COURSE), cohort=None,
                                     actor_id=None)
    page = client.get("/").text
    assert "A new certificate" in page
    assert f'href="/certificates/{certificate.code}.pdf"' in page
    db.session.add(CertificateEvent(certificate_id=certificate.id, kind="downloaded",
                                    actor_id=learner.id))
    db.session.commit()
    assert "A new certificate" not in client.get("/").text


def test_a_graduate_is_pointed_to_the_alumni_network(client: FlaskClient, login_as) -> None:
    alumna = login_as()
    cohort = make_cohort(members=[alumna], slug="old")
    complete(alumna)
    cohorts.close_cohort(cohort)
    page = client.get("/").text
    assert 'href="/alumni/me"' in page and "As a graduate, you can find peers" in page
    assert "Due next" not in page  # a closed cohort has nothing due


def test_a_newcomer_is_offered_the_catalogue(client: FlaskClient, login_as) -> None:
    login_as()
    page = client.get("/").text
    assert "Start a course" in page and f'href="/courses/{COURSE}/"' in page


def test_a_facilitator_without_cohorts_is_told_so(client: FlaskClient, login_as) -> None:
    login_as(Role.FACILITATOR)
    page = client.get("/").text
    assert "You facilitate no open cohort." in page and 'href="/cohorts/"' in page


# --- the facilitator -----------------------------------------------------------------------------

@pytest.fixture
def facilitated(app: Flask):  # type: ignore[no-untyped-def]
    """A facilitator's cohort 40 days into 100 (as in the dashboard's tests), one of its 10
    lessons due every 10 days: lessons 1-3 are past due, lesson 4 is due today."""
    facilitator = make_user(Role.FACILITATOR)
    ahead, behind, idle, done = (make_user(name=name) for name in ("Ana", "Bo", "Ida", "Dan"))
    cohort = make_cohort(facilitators=[facilitator], members=[ahead, behind, idle, done],
                         starts_days_ago=40, length_days=100, slug="wb",
                         name="Western Balkans 2026")
    db.session.execute(Membership.__table__.update().values(
        joined_at=utcnow() - timedelta(days=40)))
    finish(ahead, 4)
    finish(behind, 1)
    finish(idle, 4, days_ago=20)
    finish(done, len(lessons()), days_ago=30)
    return facilitator, cohort


def _stat(page: str, state: str) -> int:
    found = re.search(rf'<li class="stat--{state}">(?:<a [^>]*>)?<strong>(\d+)</strong>', page)
    assert found is not None, state
    return int(found.group(1))


@pytest.mark.parametrize(("language", "today"), [("en", "today"), ("fr", "aujourd’hui")])
def test_the_facilitator_counts_what_the_progress_page_shows(app: Flask, facilitated,
                                                             language: str, today: str) -> None:
    facilitator, cohort = facilitated
    facilitator.locale = language
    db.session.commit()
    client = client_for(app, facilitator)
    desk = client.get("/").text
    progress = client.get("/cohorts/wb/progress").text
    assert _stat(desk, "behind") == _stat(progress, "behind") == 1
    assert _stat(desk, "inactive") == _stat(progress, "inactive") == 1
    assert 'href="/cohorts/wb/progress"' in desk and "Western Balkans 2026" in desk
    fourth = escape(lessons()[3].version(language)[0].title)  # "OGP&#39;s design principles…"
    assert fourth in desk and due_html(0, language, today) in desk


def test_someone_who_learns_and_facilitates_sees_both(app: Flask, facilitated) -> None:
    facilitator, _ = facilitated
    make_cohort(members=[facilitator], slug="other", name="Thematic cohort")
    page = client_for(app, facilitator).get("/").text
    assert "Cohorts you facilitate" in page and "Due next" in page
    assert "Thematic cohort" in page and "Western Balkans 2026" in page


def test_an_admin_without_cohorts_finds_the_admin_pages(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    page = client.get("/").text
    assert "Administration" in page and "Cohorts you facilitate" not in page
    for address in ("/admin/users", "/admin/certificates", "/cohorts/new", "/insights/"):
        assert f'href="{address}"' in page


# --- a fixed number of queries -------------------------------------------------------------------

def _count_queries(client: FlaskClient, path: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_a_learner_in_1_or_6_cohorts_costs_the_same_queries(app: Flask) -> None:
    counts = []
    for size in (1, 6):
        learner = make_user()
        for _ in range(size):
            make_cohort(members=[learner])
        finish(learner, 2)
        client = client_for(app, learner)
        client.get("/")  # the session's first request also records the sign-in's use
        page = client.get("/").text
        assert page.count("Due next") == 1 and page.count('class="due due--') == size
        counts.append(_count_queries(client, "/"))
    assert counts[0] == counts[1], counts


def test_a_facilitator_of_1_or_6_cohorts_costs_the_same_queries(app: Flask) -> None:
    counts = []
    for size in (1, 6):
        facilitator = make_user(Role.FACILITATOR)
        for number in range(size):
            members = [make_user() for _ in range(4)]
            make_cohort(facilitators=[facilitator], members=members)
            finish(members[number % 4], 3)
        client = client_for(app, facilitator)
        client.get("/")
        assert client.get("/").text.count('<li class="stat--behind">') == size
        counts.append(_count_queries(client, "/"))
    assert counts[0] == counts[1], counts


# --- due dates on the course and lesson pages ----------------------------------------------------

@pytest.mark.parametrize(("language", "coming"), [("en", "in 7 days"), ("fr", "dans 7 jours"),
                                                 ("es", "en 7 días")])
def test_the_course_page_shows_each_lesson_due_date(client: FlaskClient, login_as,
                                                    language: str, coming: str) -> None:
    learner = login_as(locale=language)
    make_cohort(members=[learner], slug="wb", starts_days_ago=STARTED, length_days=LENGTH)
    finish(learner, 1)
    page = client.get(f"/courses/{COURSE}/").text
    assert due_html(7, language, coming) in page
    assert page.count('class="due due--') == 9  # the lesson done has no due date shown


@pytest.mark.parametrize(("language", "coming"), [("en", "in 7 days"), ("fr", "dans 7 jours")])
def test_the_top_of_each_lesson_shows_its_due_date(app: Flask, client: FlaskClient, login_as,
                                                   language: str, coming: str) -> None:
    learner = login_as(locale=language)
    cohort = make_cohort(members=[learner], slug="wb", starts_days_ago=STARTED,
                         length_days=LENGTH)
    second = lessons()[1]
    url = f"/courses/{COURSE}/{second.lesson_id}/"
    assert due_html(7, language, coming) in lesson_header(client.get(url).text)
    # The page is cached: a new schedule still shows at once.
    schedule = cohorts.schedule(cohort)
    cohorts.set_schedule(cohort, {**schedule, second.lesson_id: day(3)})
    relative = "dans 3 jours" if language == "fr" else "in 3 days"
    assert due_html(3, language, relative) in lesson_header(client.get(url).text)


def test_a_lesson_outside_any_cohort_has_no_due_date(client: FlaskClient, login_as) -> None:
    login_as()
    page = client.get(f"/courses/{COURSE}/{lessons()[1].lesson_id}/").text
    assert 'class="due' not in page


# --- the page is kept in memory: every change it shows is seen at once ---------------------------

def _learners(page: str) -> int:
    found = re.search(r"<li><strong>(\d+)</strong> learners?</li>", page)
    assert found is not None
    return int(found.group(1))


def test_the_facilitator_sees_each_change_at_once(app: Flask, facilitated) -> None:
    facilitator, cohort = facilitated
    client = client_for(app, facilitator)
    assert client.get("/").text == client.get("/").text  # the second one came from memory
    assert _stat(client.get("/").text, "behind") == 1
    behind = db.session.scalar(select(User).where(User.name == "Bo"))
    course = courses.get_course(COURSE)
    for lesson in course.lessons[1:4]:  # Bo catches up, through the lesson page's services
        answer_checks(behind, lesson)
        courses.mark_done(behind.id, course, lesson)
    assert _stat(client.get("/").text, "behind") == 0
    newcomer = make_user(name="Newcomer")
    cohorts.add_member(cohort, newcomer.id)
    db.session.commit()
    assert _learners(client.get("/").text) == 5
    cohorts.remove_member(cohort, newcomer.id)
    assert _learners(client.get("/").text) == 4
    fourth = lessons()[3]
    schedule = cohorts.schedule(cohort)
    schedule[fourth.lesson_id] = day(2)
    cohorts.set_schedule(cohort, schedule)
    assert due_html(0, "en", "today") not in client.get("/").text
    cohorts.close_cohort(cohort)
    assert "Western Balkans 2026" not in client.get("/").text


def test_the_learner_sees_each_change_at_once(client: FlaskClient, login_as) -> None:
    learner = login_as()
    facilitator = make_user(Role.FACILITATOR, name="Jelena")
    cohort = make_cohort(facilitators=[facilitator], members=[learner], slug="wb",
                         name="Western Balkans 2026", starts_days_ago=STARTED,
                         length_days=LENGTH)
    other = make_cohort(facilitators=[facilitator], name="Afrique francophone", slug="af")
    first = client.get("/").text
    assert first == client.get("/").text and due_html(-1, "en", "overdue by 1 day") in first
    invite(other, email=learner.email, name=learner.name, inviter=facilitator, locale="en")
    db.session.commit()
    assert "You are invited to a cohort" in client.get("/").text
    invitations.decline("af", learner)
    assert "You are invited to a cohort" not in client.get("/").text
    schedule = cohorts.schedule(cohort)
    schedule[lessons()[0].lesson_id] = day(3)
    cohorts.set_schedule(cohort, schedule)
    assert due_html(3, "en", "in 3 days") in client.get("/").text
    complete(learner)
    page = client.get("/").text
    assert "A new certificate" in page
    certificate = certificates.active_certificate(learner.id, COURSE)
    certificates.revoke(certificate, facilitator, "Issued in error", "")
    db.session.commit()
    assert "A new certificate" not in client.get("/").text
