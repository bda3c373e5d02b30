"""The app as a hostile client sees it: every route, the real objects behind its URL variables,
the forms its pages render, and requests built from raw bytes.

Used by test_hostile_input.py. Real values are read from the database before each route gets
its requests, so that one that renamed a cohort or rotated a join link does not strand the
routes after it.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, PathConverter, RequestRedirect, Rule
from werkzeug.test import TestResponse

from lms import access
from lms.accounts import services as accounts
from lms.accounts.models import Role, UserSession
from lms.alumni.models import AlumniMessage
from lms.certificates import codes
from lms.certificates.models import Certificate
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, Membership
from lms.config import ROOT
from lms.courses import services as courses
from lms.db import utcnow
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.capstone.world import CapstoneObjects, add_capstones
from tests.certificates.helpers import COURSE, complete
from tests.cohorts.helpers import make_cohort
from tests.factories import make_user
from tests.security.discussion_cases import add_discussion
from tests.security.live_cases import add_live_sessions

ROLES = ("anonymous", "learner", "alumnus", "facilitator", "admin")
_ROLE_RANK = {"anonymous": 0, "learner": 1, "alumnus": 1, "facilitator": 2, "admin": 3}
_LEVEL_RANK = {access.ANYONE: 0, access.SIGNED_IN: 1, access.FACILITATOR: 2, access.ADMIN: 3}
METHODS = ("GET", "POST")
# Requests that undo the world the others need (a closed cohort, a deleted profile): last.
DESTRUCTIVE = frozenset({"cohorts.close", "alumni.delete", "cohorts.remove_member",
                         "accounts.logout", "cohorts.join_link"})


# --- the world: one object of each kind, made through the services ---------------------------

@dataclass
class World:
    users: dict[str, int]  # role -> user id (no entry for anonymous)
    open_cohort: int
    closed_cohort: int
    peer: int  # a listed alumnus that others write to
    victim: int  # an account whose role admins may change
    message: int
    tokens: dict[str, str] = field(default_factory=dict)  # endpoint -> its link's token
    capstones: CapstoneObjects | None = None  # the learner's reform project and a peer's


def build_world() -> World:
    """A cohort half-way through, a closed one with listed graduates, a certificate, a message,
    emailed links, and one user of each role."""
    facilitator = make_user(Role.FACILITATOR, name="Fatou Facilitator")
    admin = make_user(Role.ADMIN, name="Ada Admin")
    learner = make_user(name="Lena Learner")
    cohort = make_cohort(facilitators=[facilitator], members=[learner], requires_signoff=True)
    cohorts.rotate_join_code(cohort)
    complete(learner, 2)
    course = courses.get_course(COURSE)
    lesson = course.lessons[2]
    courses.save_reflection(learner.id, course, lesson, lesson.reflection_ids[0], "A reflection")
    closed = make_cohort(facilitators=[facilitator], starts_days_ago=90, length_days=30)
    alumnus = make_graduate(closed, name="Alma Alumna")
    peer = make_graduate(closed, name="Pedro Peer")
    complete(alumnus)  # and so holds a certificate
    message = AlumniMessage(sender_id=peer.id, recipient_id=alumnus.id, body="Hello Alma",
                            sent_at=utcnow())
    db.session.add(message)
    invited = accounts.new_invited_user(email="ivy.invited@example.org", name="Ivy Invited",
                                        role=Role.LEARNER, locale="fr")
    unconfirmed = make_user(confirmed=False, name="Uma Unconfirmed")
    forgetful = make_user(name="Fred Forgetful")  # asked for a password reset link
    victim = make_user(name="Victor Victim")
    add_discussion(learner, facilitator, cohort)
    db.session.commit()
    capstones = add_capstones(cohort, facilitator, author=learner, changes_asked=True)
    world = World(
        users={"learner": learner.id, "alumnus": alumnus.id, "facilitator": facilitator.id,
               "admin": admin.id},
        open_cohort=cohort.id, closed_cohort=closed.id, peer=peer.id, victim=victim.id,
        message=message.id,
        tokens={"accounts.accept_invitation": accounts.make_token(invited, "invite"),
                "accounts.reset_password": accounts.make_token(forgetful, "reset"),
                "accounts.confirm_email": accounts.make_token(unconfirmed, "confirm")},
        capstones=capstones)
    add_live_sessions(world.open_cohort, world.users["learner"], world.tokens)
    return world


def sign_in(client: FlaskClient, user_id: int | None, language: str | None) -> None:
    """Start a request from a new sign-in of this user (an earlier request may have ended
    theirs), written straight into the cookie: a session transaction per request costs more."""
    app = client.application
    session: dict[str, object] = {}
    if user_id is not None:
        sign_in = UserSession(user_id=user_id)
        db.session.add(sign_in)
        db.session.flush()
        session.update({"_user_id": sign_in.id, "_fresh": True})
    db.session.commit()
    if language:
        session["lang"] = language
    client.delete_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    name = app.config["SESSION_COOKIE_NAME"]
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    if session and serializer is not None:
        client.set_cookie(name, serializer.dumps(session))
    else:
        client.delete_cookie(name)


# --- routes and the real values of their variables --------------------------------------------

def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every rule and method of the app; destructive ones last."""
    found = [(rule, method) for rule in app.url_map.iter_rules() for method in METHODS
             if method in (rule.methods or ())]
    return sorted(found, key=lambda pair: (pair[0].endpoint in DESTRUCTIVE, pair[1] == "POST",
                                           pair[0].rule))


def may_use(app: Flask, role: str, rule: Rule) -> bool:
    """Whether the route's declared level lets this role in (object checks come later)."""
    level = access.access_level(app, rule.endpoint)
    return level is not None and _ROLE_RANK[role] >= _LEVEL_RANK[level]


# Generated requests per route and method, by the route's level and the role sending them:
# most for the roles the route is for, a few for stronger ones, one for those turned away.
# LMS_HOSTILE_SCALE=10 sends ten times as many (for a deeper search than CI's).
EXAMPLES = {
    access.ANYONE: {"anonymous": 14, "learner": 2, "alumnus": 2, "facilitator": 2, "admin": 2},
    access.SIGNED_IN: {"learner": 10, "alumnus": 10, "facilitator": 3, "admin": 3},
    access.FACILITATOR: {"facilitator": 14, "admin": 4},
    access.ADMIN: {"admin": 16},
}
SCALE = float(os.environ.get("LMS_HOSTILE_SCALE", "1"))


def senders(app: Flask, rule: Rule) -> list[str]:
    """Who sends the generated requests to this route, as many times as each should: the
    roles it is for first (the first example, all real values, goes to them)."""
    level = access.access_level(app, rule.endpoint) or ""
    counts = {role: max(1, round(EXAMPLES.get(level, {}).get(role, 1) * SCALE))
              for role in ROLES}
    ranked = sorted(ROLES, key=lambda role: -counts[role])
    turns = []
    while len(turns) < sum(counts.values()):
        turns += [role for role in ranked if turns.count(role) < counts[role]]
    return turns


def _lesson_pairs(kind: str) -> list[dict[str, str]]:
    course = courses.get_course(COURSE)
    pairs = []
    for lesson in course.lessons:
        ids = lesson.quiz_ids if kind == "quiz_id" else lesson.reflection_ids
        pairs += [{"course_id": COURSE, "lesson_id": lesson.lesson_id, kind: block_id}
                  for block_id in ids]
    return pairs


def real_values(world: World, rule: Rule,
                seen: dict[str, set[str]] | None = None) -> list[dict[str, str]]:
    """Candidate values for the rule's variables, read from the database now (for variables
    of other kinds, those `seen` in the pages' links)."""
    db.session.commit()
    # The world's two cohorts first, then the newest ones requests made (their pages too).
    ours = [world.open_cohort, world.closed_cohort]
    known = dict(db.session.execute(select(Cohort.id, Cohort.slug)
                                    .where(Cohort.id.in_(ours))).all())
    slugs = [known[cohort_id] for cohort_id in ours] + list(db.session.scalars(
        select(Cohort.slug).where(Cohort.id.not_in(ours)).order_by(Cohort.id.desc()).limit(2)))
    members = [world.users["learner"], *db.session.scalars(
        select(Membership.user_id).where(Membership.cohort_id == world.open_cohort,
                                         Membership.user_id != world.users["learner"])
        .order_by(Membership.id.desc()).limit(2))]
    join_code = db.session.scalar(select(Cohort.join_code).where(
        Cohort.id == world.open_cohort)) or "no-join-code"
    certificates = [codes.display(code) for code in db.session.scalars(
        select(Certificate.code).order_by(Certificate.id.desc()).limit(3))] or ["none"]
    endpoint = rule.endpoint
    if endpoint == "courses.answer":
        return _lesson_pairs("quiz_id")
    if endpoint == "courses.reflect":
        return _lesson_pairs("reflection_id")
    if "learner_id" in rule.arguments:  # the open cohort's members, and one in no cohort
        return [{"slug": slugs[0], "learner_id": str(user_id)} for user_id in members] + \
            [{"slug": slugs[1], "learner_id": str(members[0])}]
    values: dict[str, list[str]] = {
        "slug": slugs,
        "code": [join_code] if endpoint == "cohorts.join" else certificates,
        "token": [world.tokens.get(endpoint, "not-a-token")],
        "user_id": [str(world.victim)] if endpoint == "accounts.admin_set_role"
        else [str(world.peer), str(world.users["alumnus"])],
        "message_id": [str(world.message)],
        "course_id": [COURSE],
        "lesson_id": [lesson.lesson_id for lesson in courses.get_course(COURSE).lessons],
        "filename": ["style.css"] if endpoint == "static" else ["missing.png"],
        **_capstone_values(world),
        **_discussion_values(world),
    }
    candidates: list[dict[str, str]] = [{}]
    for name in sorted(rule.arguments):
        options = values.get(name) or sorted((seen or {}).get(name, set()))[:3] or ["1"]
        candidates = [{**candidate, name: option} for candidate in candidates
                      for option in options]
    return candidates


def _capstone_values(world: World) -> dict[str, list[str]]:
    """The learner's assignment to review a peer's project (and the peer's, not theirs); the
    peer's and the learner's projects, for the facilitators' pages."""
    objects = world.capstones
    if objects is None:
        return {}
    return {"assignment_id": [str(objects.author_assignment), str(objects.peer_assignment)],
            "capstone_id": [str(objects.peer_capstone), str(objects.author_capstone)]}


def _discussion_values(world: World) -> dict[str, list[str]]:
    """The open cohort's topics (open ones first: a reply to a locked topic is refused) and
    their posts, newest first, so that the ids do not depend on what earlier tests left in the
    database's sequences."""
    from lms.discussion.models import Post, Topic

    topics = [str(topic_id) for topic_id in db.session.scalars(
        select(Topic.id).where(Topic.cohort_id == world.open_cohort)
        .order_by(Topic.locked, Topic.id.desc()).limit(3))]
    posts = [str(post_id) for post_id in db.session.scalars(
        select(Post.id).where(Post.cohort_id == world.open_cohort)
        .order_by(Post.id.desc()).limit(3))]
    return {"topic_id": topics, "post_id": posts} if topics else {}


def converter_kind(rule: Rule, name: str) -> str:
    """'int', 'path' or 'string': which hostile values can even reach the view."""
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return "int"
    return "path" if isinstance(converter, PathConverter) else "string"


_VARIABLE = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def build_path(rule: Rule, values: dict[str, bytes]) -> str:
    """The rule's path with each variable's bytes percent-encoded (so any byte gets through)."""
    def encode(match: re.Match[str]) -> str:
        name = match.group(1)
        safe = "/" if converter_kind(rule, name) == "path" else ""
        return quote_from_bytes(values[name], safe=safe)

    return _VARIABLE.sub(encode, rule.rule)


# --- forms, as the pages render them -----------------------------------------------------------

@dataclass
class ParsedForm:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self.links: list[str] = []
        self._open = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form":
            self.forms.append(ParsedForm(attributes.get("action", ""),
                                         (attributes.get("method") or "get").upper()))
            self._open = True
            return
        if not self._open:
            return
        form, name = self.forms[-1], attributes.get("name")
        if tag in ("input", "button") and name:
            if attributes.get("type") == "file":
                form.files.add(name)
            else:
                form.fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            form.fields[self._select].append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.setdefault(name, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea].append(data)


def parse_forms(html: str) -> list[ParsedForm]:
    return _parse(html).forms


def _parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


def _source_names(kind: str) -> set[str]:
    """Parameters the views read directly from request.args or request.form."""
    pattern = re.compile(rf"request\.{kind}\.get(?:list)?\(\s*\"(\w+)\"")
    return {name for path in (ROOT / "lms").rglob("*.py")
            for name in pattern.findall(path.read_text(encoding="utf-8"))}


@dataclass
class FormCatalogue:
    """Field names (with the values pages offer) by endpoint, for POST bodies and query strings."""

    app: Flask
    post: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    query: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    files: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    form_names: set[str] = field(default_factory=lambda: _source_names("form"))
    arg_names: set[str] = field(default_factory=lambda: _source_names("args"))
    # Values of URL variables seen in links and form actions, by endpoint and variable: real
    # objects of areas this module knows nothing about (a chart, a phase...).
    seen: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))

    def endpoint_of(self, url: str, method: str) -> str | None:
        adapter = self.app.url_map.bind("localhost")
        try:
            endpoint, arguments = adapter.match(urlsplit(url).path, method=method)
        except (HTTPException, RequestRedirect):
            return None
        for name, value in arguments.items():
            self.seen[str(endpoint)].setdefault(name, set()).add(str(value))
        return str(endpoint)

    def add_page(self, url: str, html: str) -> None:
        """Note the forms of a page, and the objects its links and forms point to."""
        parsed = _parse(html)
        for link in parsed.links:
            self.endpoint_of(urljoin(url, link), "GET")
        for form in parsed.forms:
            action = urljoin(url, form.action or url)
            endpoint = self.endpoint_of(action, form.method)
            if endpoint is None:
                continue
            target = self.post if form.method == "POST" else self.query
            for name, values in form.fields.items():
                if name != "csrf_token":
                    target[endpoint].setdefault(name, set()).update(values)
            self.files[endpoint] |= form.files


def checked(client: FlaskClient, description: str, url: str, method: str = "GET",
            **options: object) -> TestResponse:
    """Send a request; an exception or a 5xx fails with what was sent."""
    try:
        response = client.open(url, method=method, **options)
        response.get_data()
        response.close()  # files (static, media) are served from an open file
    except Exception as error:
        raise AssertionError(f"{description}: {method} {url[:300]} raised {error!r}") from error
    assert response.status_code < 500, f"{description}: {method} {url[:300]} answered " \
                                       f"{response.status_code}"
    return response


def crawl(client: FlaskClient, catalogue: FormCatalogue, world: World, role: str, *,
          learn: bool = False, limit: int = 12) -> None:
    """GET every page this role may open, with real values: never a 5xx. With `learn`, note
    the pages' forms and links in the catalogue."""
    app = catalogue.app
    for rule, method in routes(app):
        if method != "GET" or not may_use(app, role, rule):
            continue
        for values in real_values(world, rule, catalogue.seen.get(rule.endpoint))[:limit]:
            url = build_path(rule, {name: value.encode() for name, value in values.items()})
            sign_in(client, world.users.get(role), None)
            response = checked(client, f"{role} reading", url)
            if learn and response.mimetype == "text/html":
                catalogue.add_page(url, response.get_data(as_text=True))
