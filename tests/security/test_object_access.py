"""Object-level access: for every route with a variable in its address, a user with the right
role but the wrong object (another facilitator's cohort, another learner's certificate, a hidden
alumnus, a message to someone else) gets 403 or 404, learns nothing and changes nothing.

Routes come from `app.url_map`: one without a case here (or a reason why it has no wrong object)
fails `test_every_route_with_a_variable_has_a_case`. Certificate and join codes cannot be
guessed (their entropy is measured), and the endpoints that take them are rate-limited.
"""

from __future__ import annotations

import math
import secrets
from collections import Counter
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms import mail
from lms.accounts import services as accounts
from lms.accounts.models import LinkedIdentity, Role, User, UserSession
from lms.alumni import outcomes
from lms.alumni import services as alumni
from lms.alumni.models import PROGRAMME_ONLY, AlumniMessage
from lms.certificates import codes
from lms.certificates import services as certificates
from lms.cohorts import invitations
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, CohortInvitation, FacilitatorNote
from lms.courses import services as courses
from lms.courses.models import FACILITATORS, LessonProgress, QuizAttempt, Reflection
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.capstone import world as capstone_world
from tests.cohorts.helpers import COURSE, make_cohort
from tests.factories import make_user, sign_in_id, tampered
from tests.security.discussion_cases import DISCUSSION_SECRETS, add_discussion, discussion_cases
from tests.security.live_cases import live_attempts

# Routes with no wrong object for a user of their role, and why.
NO_WRONG_OBJECT = {
    "static": "public files",
    "courses.media": "a course's public images",
    "courses.glossary": "a course's glossary: the same page for every signed-in reader",
    "certificates.admin_show": "admins manage every certificate",
    "accounts.admin_set_role": "admins manage every account",
    "cohorts.edit": "admins manage every cohort",
    "cohorts.close": "admins manage every cohort",
    "jobs.retry_mail": "admins manage all background work",
    "jobs.discard_mail": "admins manage all background work",
    "jobs.retry_job": "admins manage all background work",
    "jobs.discard_job": "admins manage all background work",
    "capstone.mine": "one's own project: the address names a course, never a person",
}
# What only some may read, and who they are.
# Ana keeps one reflection private and shares the other with her cohort's facilitators
# (admins read shared reflections only of the cohorts they run).
SECRETS = {"Secret reflection of Ana": {"ana"}, "Shared reflection of Ana": {"ana", "fac_a"},
           "Private note about Ana": {"fac_a", "admin"}, "1789": {"ana"},
           "Private words for Lia": {"lia", "leo"}, "Hana Hidden": {"hana", "admin"},
           "Hidden headline": {"hana"}, "Private outcome of Lia": {"lia", "fac_a", "admin"},
           **DISCUSSION_SECRETS,
           capstone_world.SECRET: {"cap", "pam", "fac_a", "admin"}}


@dataclass
class World:
    users: dict[str, User]
    message_id: int
    story_id: int
    certificate: dict[str, str]  # holder -> displayed code
    join_codes: dict[str, str]  # "current", "replaced", "closed"
    invitation_id: int  # Leo's pending invitation to cohort a
    capstones: capstone_world.CapstoneObjects | None = None  # Cap and Pam, in cohort a


@pytest.fixture
def world(app: Flask) -> World:
    """Two facilitators with a cohort each, a learner in each, their certificates, and a closed
    cohort with two listed graduates and a hidden one; a message between the listed ones."""
    users = {"admin": make_user(Role.ADMIN), "fac_a": make_user(Role.FACILITATOR),
             "fac_b": make_user(Role.FACILITATOR), "ana": make_user(name="Ana Learner"),
             "ben": make_user(name="Ben Learner")}
    cohort_a = make_cohort(facilitators=[users["fac_a"]], members=[users["ana"]], slug="a")
    make_cohort(facilitators=[users["fac_b"]], members=[users["ben"]], slug="b")
    replaced = cohorts.rotate_join_code(cohort_a)
    current = cohorts.rotate_join_code(cohort_a)
    closed = make_cohort(facilitators=[users["fac_a"]], slug="c")
    closed_code = cohorts.rotate_join_code(closed)
    users["lia"] = make_graduate(closed, name="Lia Listed")
    users["leo"] = make_graduate(closed, name="Leo Listed")
    users["hana"] = make_graduate(closed, listed=False, name="Hana Hidden",
                                  headline="Hidden headline")
    course = courses.get_course(COURSE)
    lesson, quiz = course.lessons[1], "irm-name"
    courses.save_reflection(users["ana"].id, course, course.lessons[0],
                            course.lessons[0].reflection_ids[0], "Secret reflection of Ana")
    courses.save_reflection(users["ana"].id, course, course.lessons[2],
                            course.lessons[2].reflection_ids[0], "Shared reflection of Ana",
                            FACILITATORS)
    courses.answer_quiz(users["ana"].id, course, lesson, quiz, [], "1789", "0")
    cohorts.add_note(cohort_a, users["ana"].id, users["fac_a"], "Private note about Ana")
    certificate = {name: codes.display(certificates.issue(users[name], course, cohort=None,
                                                          actor_id=None).code)
                   for name in ("ana", "ben", "hana")}
    with app.test_request_context():  # the email links to the message
        message = alumni.send_message(users["leo"], users["lia"].id, "Private words for Lia")
    story = outcomes.save_story(users["lia"], outcomes.StoryDetails(
        what_changed="Private outcome of Lia", who_changed="A ministry",
        happened_on=cohorts.today().replace(day=1), contribution="Some", theme="civic-space",
        country="SN", evidence=[], visibility=PROGRAMME_ONLY))
    invitations.invite(cohort_a, email=users["leo"].email, name="Leo", inviter=users["fac_a"],
                       locale="en")
    add_discussion(users["ana"], users["fac_a"], cohort_a)
    db.session.add(LinkedIdentity(user_id=users["ana"].id, provider="test", subject="ana",
                                  email=users["ana"].email))
    db.session.commit()
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    capstones = capstone_world.add_capstones(cohort_a)
    users.update({"cap": capstones.author, "pam": capstones.peer})
    return World(users, message.id, story.id, certificate,
                 {"current": current, "replaced": replaced, "closed": closed_code},
                 invitation_id, capstones)


def client_for(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = sign_in_id(user)
    return client


def snapshot() -> dict[str, list[str]]:
    """Every row of every table: a refused request changes none (but for when a sign-in was
    last seen, which any request by it may write every few minutes)."""
    db.session.commit()
    with db.engine.connect() as connection:
        return {table.name: sorted(repr(tuple(row)) for row in connection.execute(
                    select(*(column for column in table.columns
                             if column is not UserSession.__table__.c.last_seen_at))))
                for table in db.metadata.sorted_tables}


@dataclass(frozen=True)
class Attempt:
    who: str | None  # a user of the world, None when signed out
    method: str
    url: str
    owner: str | None = None  # who gets the page (a GET), to show the address is right
    statuses: tuple[int, ...] = (403, 404)


def attempts(world: World) -> dict[str, list[Attempt]]:
    """What each route is tried with: the right role, the wrong object."""
    ids = {name: user.id for name, user in world.users.items()}
    ana_link = db.session.scalar(select(LinkedIdentity.id).where(
        LinkedIdentity.user_id == ids["ana"]))
    cert, codes_ = world.certificate, world.join_codes
    facilitated = {
        endpoint: [Attempt("fac_b", method, f"/cohorts/a/{path}", "fac_a" if method == "GET"
                           else None) for method in methods]
        for endpoint, path, methods in [
            ("cohorts.progress", "progress", ["GET"]),
            ("cohorts.progress_csv", "progress.csv", ["GET"]),
            ("cohorts.members", "members", ["GET", "POST"]),
            ("cohorts.edit_schedule", "schedule", ["GET", "POST"]),
            ("cohorts.remind", "reminders", ["GET", "POST"]),
            ("cohorts.import_members", "members/import", ["GET", "POST"]),
            ("cohorts.confirm_import", "members/import/confirm", ["POST"]),
            ("cohorts.join_link", "join-link", ["POST"]),
            ("certificates.cohort_certificates", "certificates", ["GET", "POST"]),
            ("certificates.cohort_zip", "certificates.zip", ["GET"]),
            ("cohorts.resend_invitation", f"invitations/{world.invitation_id}/resend", ["POST"]),
            ("cohorts.cancel_invitation", f"invitations/{world.invitation_id}/cancel", ["POST"]),
        ]}
    in_cohort = {  # another's cohort; a learner not in one's own; one's learner elsewhere
        endpoint: [attempt for method in methods for attempt in (
            Attempt("fac_b", method, f"/cohorts/a/{path.format(ids['ana'])}",
                    "fac_a" if method == "GET" else None),
            Attempt("fac_a", method, f"/cohorts/a/{path.format(ids['ben'])}"),
            Attempt("fac_a", method, f"/cohorts/b/{path.format(ids['ben'])}"))]
        for endpoint, path, methods in [
            ("cohorts.learner", "learners/{}", ["GET", "POST"]),
            ("cohorts.signoff", "learners/{}/signoff", ["POST"]),
            ("cohorts.remove_member", "members/{}/remove", ["POST"]),
        ]}
    discussion = {endpoint: [Attempt(*case) for case in cases]
                  for endpoint, cases in discussion_cases().items()}
    return {
        **facilitated, **in_cohort, **live_attempts(Attempt), **discussion,
        **capstone_attempts(world),
        "cohorts.show": [Attempt("ben", "GET", "/cohorts/a/", "ana"),
                         Attempt("fac_b", "GET", "/cohorts/a/", "fac_a")],
        # Leo is invited to cohort a, Ben is not: Ben can neither join through Leo's invitation
        # nor decline it (declining answers "no invitation to answer" and changes nothing).
        "cohorts.accept_invitation": [Attempt("ben", "POST", "/cohorts/a/invitation/accept")],
        "cohorts.decline_invitation": [Attempt("ben", "POST", "/cohorts/a/invitation/decline",
                                               None, (303,))],
        "cohorts.join": [Attempt("ben", method, f"/cohorts/join/{code}")
                         for method in ("GET", "POST")
                         for code in (codes_["replaced"], codes_["closed"],
                                      secrets.token_urlsafe(12))],
        "alumni.cohort_alumni": [Attempt("ben", "GET", "/cohorts/c/alumni", "lia")],
        "alumni.profile": [Attempt(who, "GET", f"/alumni/{ids['hana']}/")
                           for who in ("lia", "fac_a", "admin")] + [
            Attempt("ben", "GET", f"/alumni/{ids['lia']}/", "leo")],
        "alumni.send_message": [Attempt("lia", "POST", f"/alumni/{ids['hana']}/message")],
        "alumni.edit_outcome": [Attempt(who, method, f"/alumni/me/outcomes/{world.story_id}",
                                        "lia" if method == "GET" else None)
                                for who in ("leo", "hana", "fac_b") for method in ("GET", "POST")],
        "alumni.delete_outcome": [Attempt(who, "POST",
                                          f"/alumni/me/outcomes/{world.story_id}/delete")
                                  for who in ("leo", "hana")],
        "alumni.verify_outcome": [Attempt("fac_b", "POST",
                                          f"/alumni/outcomes/{world.story_id}/verify")],
        "insights.chart_csv": [Attempt("fac_b", "GET", "/insights/cohorts.csv?cohort=a",
                                       "fac_a")],
        "courses.self_assessment": [Attempt("ben", method,
                                            f"/courses/{COURSE}/self-assessment/whenever", None,
                                            (404,)) for method in ("GET", "POST")],
        "alumni.message": [Attempt(who, "GET", f"/alumni/messages/{world.message_id}", "lia")
                           for who in ("leo", "hana", "fac_a", "admin")],
        "certificates.download": [Attempt(who, "GET", f"/certificates/{cert[holder]}.pdf",
                                          holder)
                                  for who, holder in (("ben", "ana"), ("fac_a", "ana"),
                                                      ("lia", "hana"))],
        "certificates.verify": [Attempt(None, method, f"/verify/{guessed_code()}", None, (404,))
                                for method in ("GET", "POST")],
        "certificates.verify_json": [Attempt(None, "GET", f"/verify/{guessed_code()}.json",
                                             None, (404,))],
        "courses.course": [Attempt("ben", "GET", f"/courses/{COURSE}/", "ana", (200,))],
        "courses.lesson": [Attempt("ben", "GET", f"/courses/{COURSE}/{lesson}/", "ana", (200,))
                           for lesson in ("what-open-government-means", "how-ogp-works")],
        "courses.reflect": [Attempt("ben", "POST", f"/courses/{COURSE}/how-ogp-works/"
                                    "reflection/your-administration", None, (404,))],
        "courses.answer": [Attempt("ben", "POST", f"/courses/{COURSE}/how-ogp-works/quiz/"
                                   "six-elements", None, (404,))],
        "courses.complete": [Attempt("ben", "POST", f"/courses/{COURSE}/no-such-lesson/done",
                                     None, (404,))],
        # Sign-in providers: a name no provider has; Ana's linked identity, removed by Ben.
        "accounts.oidc_start": [Attempt(None, "POST", "/login/oidc/nobody", None, (404,))],
        "accounts.oidc_callback": [Attempt(None, "GET", "/login/oidc/nobody/callback", None,
                                           (404,))],
        "accounts.oidc_link_start": [Attempt("ben", "POST", "/account/oidc/nobody/link", None,
                                             (404,))],
        "accounts.oidc_unlink": [Attempt("ben", "POST", f"/account/oidc/{ana_link}/remove",
                                         None, (404,))],
        "accounts.confirm_email": [Attempt(None, method, f"/register/confirm/{token}", None,
                                           (400,)) for token in wrong_tokens(world, "confirm")
                                   for method in ("GET", "POST")],
        "accounts.reset_password": [Attempt(None, method, f"/password/reset/{token}", None,
                                            (400,)) for token in wrong_tokens(world, "reset")
                                    for method in ("GET", "POST")],
        "accounts.accept_invitation": [Attempt(None, method, f"/invitation/{token}", None, (400,))
                                       for token in wrong_tokens(world, "invite")
                                       for method in ("GET", "POST")],
        # Ana's other emailed links, hers changed, and one signed for mail nobody may stop.
        "accounts.unsubscribe": [Attempt(None, method, f"/unsubscribe/{token}", None, (400,))
                                 for token in [
                                     *(accounts.make_token(world.users["ana"], purpose)
                                       for purpose in ("confirm", "reset", "invite")),
                                     tampered(mail.unsubscribe_token(ids["ana"], "reminder")),
                                     mail._unsubscribe_serializer().dumps([ids["ana"],
                                                                           "account"])]
                                 for method in ("GET", "POST")],
    }


def capstone_attempts(world: World) -> dict[str, list[Attempt]]:
    """Reform projects: only the assigned peer reads and reviews one; only the cohort's
    facilitators (and admins) read the cohort's projects and decide."""
    objects = world.capstones
    assert objects is not None
    review = f"/courses/{COURSE}/capstone/reviews/{objects.peer_assignment}"
    project = f"/cohorts/a/capstones/{objects.author_capstone}"
    return {
        "capstone.review": [Attempt(who, method, review, "pam" if method == "GET" else None,
                                    (404,))
                            for who in ("ben", "cap", "ana") for method in ("GET", "POST")],
        "capstone.my_reviews": [Attempt("ben", "GET", f"/courses/{COURSE}/capstone/reviews",
                                        "pam", (200,))],
        "capstone.show_on_profile": [Attempt("ben", "POST", f"/courses/{COURSE}/capstone/profile",
                                             None, (303,))],
        "capstone.cohort_capstones": [Attempt("fac_b", "GET", "/cohorts/a/capstones", "fac_a")],
        "capstone.cohort_settings": [Attempt("fac_b", "POST", "/cohorts/a/capstones/settings")],
        "capstone.cohort_capstone": [
            *(Attempt("fac_b", method, project, "fac_a" if method == "GET" else None)
              for method in ("GET", "POST")),
            *(Attempt("fac_b", method, f"/cohorts/b/capstones/{objects.author_capstone}")
              for method in ("GET", "POST"))],
    }


def guessed_code() -> str:
    """A well-formed code (right length, right check character) that nobody holds."""
    body = "".join(secrets.choice(codes.ALPHABET) for _ in range(codes.RANDOM_LENGTH))
    return codes.display(body + codes.check_character(body))


def wrong_tokens(world: World, purpose: str) -> list[str]:
    """Ana's emailed links made for other purposes (a reset link is no invitation), and hers
    for this purpose with the signature changed."""
    tokens = [accounts.make_token(world.users["ana"], other)
              for other in ("confirm", "reset", "invite") if other != purpose]
    right = accounts.make_token(world.users["ana"], purpose)
    return [*tokens, tampered(right)]


def test_every_route_with_a_variable_has_a_case(app: Flask, world: World) -> None:
    with_variables = {rule.endpoint for rule in app.url_map.iter_rules() if rule.arguments}
    covered = set(attempts(world)) | set(NO_WRONG_OBJECT)
    assert sorted(with_variables - covered) == [], "routes with no object-level case"
    assert sorted(covered - with_variables) == [], "cases for routes that no longer exist"
    tried = {(endpoint, attempt.method) for endpoint, tries in attempts(world).items()
             for attempt in tries}
    untried = sorted((rule.endpoint, method) for rule in app.url_map.iter_rules()
                     if rule.endpoint not in NO_WRONG_OBJECT and rule.arguments
                     for method in ("GET", "POST") if method in rule.methods
                     and (rule.endpoint, method) not in tried)
    assert untried == [], "methods no case tries"


def test_the_wrong_object_is_refused_on_every_route(app: Flask, world: World) -> None:
    failures = []
    for endpoint, tries in sorted(attempts(world).items()):
        for attempt in tries:
            client = client_for(app, world.users.get(attempt.who or ""))  # may record a sign-in
            before = snapshot()
            response = client.open(attempt.url, method=attempt.method,
                                   data={"confirmed": "1", "verified": "1", "body": "Hello",
                                         "text": "Note", "password": "a new password for me"})
            where = f"{endpoint}: {attempt.who} {attempt.method} {attempt.url}"
            if response.status_code not in attempt.statuses:
                failures.append(f"{where} answered {response.status_code}")
            body = response.get_data().decode("utf-8", "replace")  # a PDF or ZIP if let in
            leaked = [secret for secret, readers in SECRETS.items()
                      if secret in body and attempt.who not in readers]
            if leaked:
                failures.append(f"{where} showed {leaked}")
            if 200 not in attempt.statuses and snapshot() != before:
                failures.append(f"{where} changed the database")
            if attempt.owner is not None:  # the same address works for the object's owner
                owned = client_for(app, world.users[attempt.owner]).get(attempt.url)
                if owned.status_code != 200:
                    failures.append(f"{where}: {attempt.owner} got {owned.status_code}")
    assert failures == []


def test_my_learning_records_stay_mine(app: Flask, world: World) -> None:
    """Lesson pages and forms are the same address for everyone; each learner only ever reads
    and writes their own records there."""
    ben = client_for(app, world.users["ben"])
    for lesson in ("what-open-government-means", "how-ogp-works"):
        page = ben.get(f"/courses/{COURSE}/{lesson}/").text
        assert not [secret for secret in SECRETS if secret in page]
    ana_id = world.users["ana"].id
    records = [(table, column) for table, column in ((Reflection, Reflection.text),
                                                     (QuizAttempt, QuizAttempt.answer),
                                                     (LessonProgress, LessonProgress.lesson_id))]

    def anas() -> list[list[object]]:
        db.session.commit()
        return [sorted(map(repr, db.session.scalars(select(column).where(
            table.user_id == ana_id)))) for table, column in records]

    before = anas()
    ben.post(f"/courses/{COURSE}/what-open-government-means/reflection/your-administration",
             data={"text": "A reflection by Ben", "visibility": "facilitators"})
    ben.post(f"/courses/{COURSE}/how-ogp-works/quiz/irm-name",
             data={"answer": "IRM", "attempt": "0"})
    ben.post(f"/courses/{COURSE}/what-open-government-means/done")
    assert anas() == before
    assert "A reflection by Ben" in ben.get(
        f"/courses/{COURSE}/what-open-government-means/").text


def test_the_wrong_objects_leave_no_trace_in_lists(app: Flask, world: World) -> None:
    """Lists show only one's own objects: cohorts, certificates, notes, graduates."""
    as_fac_b = client_for(app, world.users["fac_b"]).get("/cohorts/").text
    assert "/cohorts/a/" not in as_fac_b and "/cohorts/b/" in as_fac_b
    mine = client_for(app, world.users["ben"]).get("/certificates/").text
    assert world.certificate["ben"] in mine and world.certificate["ana"] not in mine
    graduates = client_for(app, world.users["lia"]).get("/cohorts/c/alumni").text
    assert "Leo Listed" in graduates and "Hana Hidden" not in graduates
    assert db.session.scalar(select(FacilitatorNote.text)) == "Private note about Ana"
    assert db.session.scalar(select(AlumniMessage.recipient_id)) == world.users["lia"].id


# --- codes that cannot be guessed, and endpoints that cannot be hammered -------------------------

def entropy_bits(samples: list[str]) -> float:
    """Shannon entropy per character, estimated from the samples' characters."""
    counts = Counter("".join(samples))
    total = sum(counts.values())
    return -sum(count / total * math.log2(count / total) for count in counts.values())


def chi_square(counts: Counter[str], alphabet: str) -> float:
    expected = sum(counts.values()) / len(alphabet)
    return sum((counts.get(symbol, 0) - expected) ** 2 / expected for symbol in alphabet)


def chi_square_bound(degrees: int) -> float:
    """Far in the tail (about 7 standard deviations): a fair generator never gets there."""
    return degrees + 7 * math.sqrt(2 * degrees)


def test_certificate_codes_cannot_be_guessed() -> None:
    samples = [codes.new_code() for _ in range(20_000)]
    bodies = [code[:codes.RANDOM_LENGTH] for code in samples]
    assert len(set(samples)) == len(samples)
    assert all(len(code) == codes.RANDOM_LENGTH + 1 and set(code[:-1]) <= set(codes.ALPHABET)
               and code[-1] == codes.check_character(code[:-1]) for code in samples)
    bits = codes.RANDOM_LENGTH * math.log2(len(codes.ALPHABET))
    assert bits == codes.RANDOM_BITS == 60
    per_character = entropy_bits(bodies)
    assert per_character > 4.99  # of log2(32) = 5: all 32 symbols, equally often
    assert per_character * codes.RANDOM_LENGTH >= 59.9
    for position in range(codes.RANDOM_LENGTH):  # each position uniform on its own
        column = Counter(body[position] for body in bodies)
        assert chi_square(column, codes.ALPHABET) < chi_square_bound(31), position
    # At 300 guesses an hour (the verification limit) against 10 million certificates, one
    # hit is expected after this many years:
    years = 2 ** bits / 10_000_000 / 300 / 24 / 365
    assert years > 40


def test_join_codes_cannot_be_guessed(app: Flask) -> None:
    cohort = make_cohort()
    samples = [cohorts.rotate_join_code(cohort) for _ in range(400)]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(set(samples)) == len(samples)
    assert {len(code) for code in samples} == {16} and set("".join(samples)) <= set(alphabet)
    bits = 16 * math.log2(len(alphabet))
    assert bits == 96
    assert entropy_bits(samples) > 5.95  # of log2(64) = 6
    assert chi_square(Counter("".join(samples)), alphabet) < chi_square_bound(63)
    assert db.session.get(Cohort, cohort.id).join_code == samples[-1]
    assert client_for(app, make_user()).get(f"/cohorts/join/{samples[0]}").status_code == 404


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LMS_VERIFY_LIMIT="5 per minute")
def test_verification_is_rate_limited(app: Flask) -> None:
    client = app.test_client()
    statuses = [client.get(f"/verify/{guessed_code()}").status_code for _ in range(5)]
    assert statuses == [404] * 5
    for url in (f"/verify/{guessed_code()}", f"/verify/{guessed_code()}.json"):
        refused = client.get(url)
        assert refused.status_code == 429
        assert "Too many attempts" in refused.text
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert elsewhere.get(f"/verify/{guessed_code()}").status_code == 404  # others go on


@pytest.mark.app_config(RATELIMIT_ENABLED=True, LMS_JOIN_LIMIT="4 per minute")
def test_joining_is_rate_limited_per_account(app: Flask) -> None:
    cohort = make_cohort()
    code = cohorts.rotate_join_code(cohort)
    guesser = client_for(app, make_user())
    assert [guesser.get(f"/cohorts/join/{secrets.token_urlsafe(12)}").status_code
            for _ in range(4)] == [404] * 4
    refused = guesser.get(f"/cohorts/join/{code}")
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert guesser.post(f"/cohorts/join/{code}").status_code == 429
    assert not cohorts.is_member(guesser_id(guesser), cohort)
    # A colleague at the same address joins.
    colleague = client_for(app, make_user())
    assert colleague.get(f"/cohorts/join/{code}").status_code == 200
    assert colleague.post(f"/cohorts/join/{code}").status_code == 303


def guesser_id(client: FlaskClient) -> int:
    with client.session_transaction() as session:
        return db.session.get(UserSession, session["_user_id"]).user_id
