"""Hostile input never breaks the platform.

Signed in as each role (and signed out), every route of `app.url_map` gets generated requests:
query strings on GETs, form bodies on POSTs, built from the real field names of the forms the
pages render, with missing, extra and duplicated fields, and values that are huge (100 KB),
control characters, NUL bytes, invalid UTF-8 sent as raw bytes, emoji, right-to-left marks,
negative and huge numbers, dates that do not exist, lists where one value is expected. URL
variables get real objects (a cohort, a lesson, a certificate, a message...) and hostile values.

No request may answer 5xx, and afterwards every page, read as every role, must still open: a
value stored by one request must not break a page read later.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from functools import partial
from urllib.parse import quote_from_bytes, urljoin

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import Rule

from lms.accounts.models import User
from lms.certificates import codes
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort
from lms.courses import services as courses
from lms.extensions import db
from tests.certificates.helpers import COURSE
from tests.factories import PASSWORD
from tests.security.routes import (
    DESTRUCTIVE,
    ROLES,
    FormCatalogue,
    World,
    build_path,
    build_world,
    checked,
    converter_kind,
    crawl,
    may_use,
    parse_forms,
    real_values,
    routes,
    senders,
    sign_in,
)

SPECIAL_TEXT = [
    "", " ", "\x00", "a\x00b", "\t", "\r\n", "line one\r\nBcc: someone@example.org",
    "\x1b[31mred\x1b[0m", "\x7f\x08\x0b\x0c", "\u202eevil.exe\u202c", "\u200f\u200e\u061c",
    "\u200b\ufeff\u2028\u2029", "🎓🌍👩🏽‍⚖️", "e\u0301\u0301\u0301\u0301", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\ufffd",
    "-1", "0", "-0", "1e309", "NaN", "-inf", "99999999999999999999", "2147483648",
    "9223372036854775808", "-9223372036854775809", "0x1F", "1_000", "١٢٣", "²", "½", "𝟗",
    "2024-02-30", "0001-01-01", "9999-12-31", "10000-01-01", "-2024-01-01", "2024-13-01",
    "<script>alert(1)</script>", "' OR '1'='1", "%(name)s %s %d", "{name}{cohort}{link}{x}",
    "{0.__class__}", "=HYPERLINK(\"https://evil.example\")", "../../../etc/passwd",
    "//evil.example/", "javascript:alert(1)", "\\\\evil\\share", "https://", "https://a b.org",
    "name@example.org", "ÉLODIE@EXAMPLE.ORG", "a@b", "true", "on", "null", "[]", "{}",
]
RAW_BYTES = [b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"caf\xe9", b"\x80abc",
             b"\xf4\x90\x80\x80", b"%", b"%zz", b"+"]
HUGE = [("x", 100_000), ("é", 50_000), ("🎓", 25_000), ("\u202e", 1_000), ("\x00", 1_000),
        ("a\r\n", 30_000), ("9", 5_000)]
# Values a real person would type, so that a form can get past its other fields.
PLAUSIBLE = {
    "email": "new.person@example.org", "name": "Ada Lovelace", "password": "a long new password",
    "current_password": PASSWORD, "body": "Hello, a few words.", "text": "Some thoughts.",
    "subject": "Your next lessons", "slug": "a-new-cohort", "starts_on": "2026-01-05",
    "ends_on": "2026-06-30", "headline": "Open data lead", "website": "https://example.org/me",
    "reason": "Issued in error", "holder_name": "Ada Lovelace", "answer": "2011", "q": "open",
    "organisation": "Ministry of Finance", "bio": "I *care* about open budgets.",
}
QUERY_FRAGMENTS = ["", "&", "%zz=%", "&&==&=", "q=%00", "q=%FF%FE", "page=-1&page=2",
                   "state[]=x", "next=%0d%0aSet-Cookie:%20x=1"]
FILENAMES = [b"members.csv", b"../../x.csv", b"\xff.csv", b'a"b.csv', b""]
ENCODINGS = ["urlencoded", "raw", "multipart", "json", "none"]

Pair = tuple[bytes, bytes]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8


# Every strategy is built once: building them per example costs more than the requests.
# NUL gets its own values: the app refuses it before any view, so it must not crowd out the rest.
hostile = st.one_of(
    st.sampled_from(SPECIAL_TEXT).map(_utf8),
    st.sampled_from(RAW_BYTES),
    st.sampled_from(HUGE).map(lambda pair: _utf8(pair[0] * pair[1])),
    st.text(st.characters(codec=None, exclude_categories=(), exclude_characters="\x00"),
            max_size=24).map(_utf8),
    st.binary(max_size=12).map(lambda raw: raw.replace(b"\x00", b"\x01")),
    st.integers(-10**30, 10**30).map(lambda number: str(number).encode()),
    st.floats().map(lambda number: repr(number).encode()),
)
hostile_names = st.one_of(
    st.sampled_from(["", "\x00", "name[]", "__proto__", "csrf_token", "choice", "action",
                     "confirmed", "next", "page", "learner", "🎓", "a" * 1000]).map(_utf8),
    hostile.filter(lambda name: len(name) < 2_000),
)
one_in_eight = st.integers(0, 7).map(lambda number: number == 7)  # the first example: False
up_to_four = st.integers(0, 4)
languages = st.sampled_from([None, "en", "fr", "es"])


def _options(name: str, offered: set[str]) -> list[bytes]:
    """What a person could send in this field: the values the page offers, or typical text."""
    options = sorted(value for value in offered if value.strip())
    if name in PLAUSIBLE:
        options.append(PLAUSIBLE[name])
    if name.startswith("due_"):
        options.append("2026-03-01")
    return [_utf8(option) for option in options or ["plain words"]]


def _value(name: str, offered: set[str]) -> st.SearchStrategy[bytes]:
    return st.one_of(st.sampled_from(_options(name, offered)), hostile)


def _pairs(name: bytes, values: list[bytes]) -> list[Pair]:
    return [(name, value) for value in values]


def _field(name: str, offered: set[str]) -> tuple[st.SearchStrategy[list[Pair]],
                                                   st.SearchStrategy[list[Pair]]]:
    """(as a page sends it, tampered with: missing, hostile or repeated)."""
    value = _value(name, offered)
    as_sent = st.lists(st.sampled_from(_options(name, offered)), min_size=1, max_size=2,
                       unique=True)
    tampered = st.one_of(st.just([]), st.lists(value, min_size=1, max_size=1),
                         st.lists(value, min_size=2, max_size=4))
    return as_sent.map(partial(_pairs, _utf8(name))), tampered.map(partial(_pairs, _utf8(name)))


# --- uploads -------------------------------------------------------------------------------------

def _cell(plausible: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(plausible), st.sampled_from(SPECIAL_TEXT),
                     st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=20))


csv_rows = st.lists(st.tuples(
    _cell(["new.one@example.org", "ünïcødé@example.org", "o'neil+x@example.org", "not-email"]),
    _cell(["Ada Lovelace", "Marie\nCurie", "=cmd|' /C calc'!A0", "\u202eAda"]),
    _cell(["SN", "", "sn", "XX"]), _cell(["Ministry", "", "-1"]),
    st.lists(_cell(["extra"]), max_size=1)).map(lambda row: [*row[:4], *row[4]]),
    min_size=1, max_size=4)
csv_headers = st.sampled_from(["email,name,country,organisation",
                               "email;name;country;organisation",
                               " EMAIL , Name,country,organisation", "name,email", ""])


@st.composite
def csv_upload(draw: st.DrawFn) -> bytes:
    """A members file: the right header (mostly), then rows of hostile cells."""
    header = draw(csv_headers)
    output = io.StringIO()
    output.write(header + "\r\n")
    csv.writer(output, delimiter=";" if ";" in header else ",").writerows(draw(csv_rows))
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]))
    return prefix + output.getvalue().encode("utf-8")


uploads = st.one_of(csv_upload(), st.binary(max_size=64),
                    st.sampled_from(HUGE).map(lambda pair: _utf8(pair[0] * pair[1])))


# --- encoding a request --------------------------------------------------------------------------

def _urlencoded(pairs: list[Pair], raw: bool) -> bytes:
    if raw:  # unescaped bytes, as a careless client sends them
        return b"&".join(name + b"=" + value for name, value in pairs)
    return "&".join(f"{quote_from_bytes(name, safe='')}={quote_from_bytes(value, safe='')}"
                    for name, value in pairs).encode("ascii")


def _multipart(pairs: list[Pair], files: list[tuple[bytes, bytes, bytes]]) -> tuple[bytes, str]:
    boundary = b"hostile-input-boundary-7MA4YWxkTrZu0gW"
    parts = [b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value
             for name, value in pairs]
    parts += [b'Content-Disposition: form-data; name="' + name + b'"; filename="' + filename
              + b'"\r\nContent-Type: text/csv\r\n\r\n' + content
              for name, filename, content in files]
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + boundary + b"--\r\n", f"multipart/form-data; boundary={boundary.decode()}"


def _encode(pairs: list[Pair], files: list[tuple[bytes, bytes, bytes]],
            encoding: str) -> tuple[bytes, str | None]:
    if encoding == "multipart" or files:
        return _multipart(pairs, files)
    if encoding == "none":
        return _urlencoded(pairs, raw=False), None
    return _urlencoded(pairs, raw=encoding == "raw"), "application/x-www-form-urlencoded"


def _json_containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children,
                                                            max_size=3)


# JSON where a form is expected: numbers, lists and objects in place of text, or no object.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
    | st.text(max_size=8), _json_containers, max_leaves=6)


def _json_body(document: object) -> tuple[bytes, str]:
    return json.dumps(document).encode(), "application/json"


def body_strategy(fields: dict[str, set[str]], files: set[str],
                  read_names: list[str]) -> st.SearchStrategy[tuple[bytes, str | None]]:
    """POST bodies for one form: its fields as sent, except a few (or, now and then, all of
    them) missing, hostile or repeated; extra fields (among them those views read straight
    from request.form); uploads; one of several encodings."""
    names = sorted(fields)
    strategies = {name: _field(name, fields[name]) for name in names}
    touched = st.lists(st.sampled_from(names), unique=True, max_size=3) if names \
        else st.just([])
    extra_names = st.one_of(st.sampled_from(read_names).map(_utf8), hostile_names)
    extras = st.lists(st.tuples(extra_names, hostile), max_size=2)
    filenames, encodings = st.sampled_from(FILENAMES), st.sampled_from(ENCODINGS)

    @st.composite
    def body(draw: st.DrawFn) -> tuple[bytes, str | None]:
        chosen = set(names) if draw(one_in_eight) else set(draw(touched))
        pairs: list[Pair] = []
        for name in names:
            as_sent, tampered = strategies[name]
            pairs += draw(tampered if name in chosen else as_sent)
        pairs += draw(extras)
        sent = [(_utf8(name), draw(filenames), draw(uploads)) for name in sorted(files)
                if not draw(one_in_eight)]
        encoding = draw(encodings)
        if encoding == "json" and not sent:
            if draw(one_in_eight):
                return _json_body(draw(json_values))
            return _json_body({name.decode("utf-8", "replace"): draw(st.one_of(
                st.just(value.decode("utf-8", "replace")), json_values))
                for name, value in pairs})
        return _encode(pairs, sent, encoding)

    return body()


def query_strategy(fields: dict[str, set[str]], names: set[str]) -> st.SearchStrategy[str]:
    """Parameters the page reads (or its forms send), real or hostile, repeated, or unknown."""
    known = sorted(set(fields) | names)
    values = {name: _value(name, fields.get(name, set())) for name in known}
    known_names = st.sampled_from(known)
    anything = _value("", set())
    fragments = st.sampled_from(QUERY_FRAGMENTS)

    @st.composite
    def query(draw: st.DrawFn) -> str:
        pairs = []
        for _ in range(draw(up_to_four)):
            if draw(one_in_eight):
                pairs.append((draw(hostile_names), draw(anything)))
            else:
                name = draw(known_names)
                pairs.append((_utf8(name), draw(values[name])))
        parts = (_urlencoded(pairs, raw=False).decode("ascii"), draw(fragments))
        return "&".join(part for part in parts if part)

    return query()


_HOSTILE_VARIABLES = {
    "int": st.one_of(st.integers(0, 10**30).map(str), st.sampled_from(
        ["0", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808"])
    ).map(str.encode),
    "path": st.one_of(hostile, st.sampled_from([b"../../etc/passwd", b"a/../../b", b"\x00.png",
                                                b"..\\..\\x", b"media/../../course.yml"])),
    "string": hostile,
}


def url_strategy(candidates: list[dict[str, str]], rule: Rule) -> st.SearchStrategy[str]:
    """The rule with real values, now and then a variable swapped for a hostile one."""
    real = st.sampled_from(candidates)
    variables = {name: _HOSTILE_VARIABLES[converter_kind(rule, name)]
                 for name in rule.arguments}

    @st.composite
    def url(draw: st.DrawFn) -> str:
        chosen = draw(real)
        values = {name: draw(variables[name]) if draw(one_in_eight) else chosen[name].encode()
                  for name in sorted(rule.arguments)}
        return build_path(rule, values)

    return url()


class Sent:
    """One generated request (not a dataclass: Hypothesis would print every field of one in
    full when it reports a failure, 100 KB bodies included, instead of this short repr)."""

    def __init__(self, role: str, url: str, language: str | None, body: bytes | None,
                 content_type: str | None) -> None:
        self.role, self.url, self.language = role, url, language
        self.body, self.content_type = body, content_type

    def __repr__(self) -> str:
        body = None if self.body is None else self.body[:300]
        return f"Sent(role={self.role!r}, url={self.url[:300]!r}, " \
               f"language={self.language!r}, body={body!r}, content_type={self.content_type!r})"


def request_strategy(catalogue: FormCatalogue, rule: Rule, method: str, roles: list[str],
                     candidates: list[dict[str, str]]) -> st.SearchStrategy[Sent]:
    """Requests to one route, each from one of `roles` (the first one in the first example)."""
    senders, urls = st.sampled_from(roles), url_strategy(candidates, rule)
    queries = query_strategy(catalogue.query.get(rule.endpoint, {}), catalogue.arg_names)
    # A POST sometimes carries a query string too (some views read `next` or `q` from it).
    post_queries = st.one_of(st.just(""), queries)
    bodies = body_strategy(catalogue.post.get(rule.endpoint, {}),
                           catalogue.files.get(rule.endpoint, set()),
                           sorted(catalogue.form_names)) if method == "POST" else None

    # Composite, not builds(): Hypothesis would show a failing example through the arguments
    # given to builds() (bodies of 100 KB), not through Sent's short repr.
    @st.composite
    def request(draw: st.DrawFn) -> Sent:
        role, url = draw(senders), draw(urls)
        query = draw(post_queries if bodies is not None else queries)
        url = f"{url}?{query}" if query else url
        body, content_type = draw(bodies) if bodies is not None else (None, None)
        return Sent(role, url, draw(languages), body, content_type)

    return request()


# --- the test ------------------------------------------------------------------------------------

def _follow_import_preview(client: FlaskClient, catalogue: FormCatalogue, url: str,
                           html: str, description: str) -> None:
    """A preview of a members file is confirmed as the page offers it: the rows get stored."""
    for form in parse_forms(html):
        action = urljoin(url, form.action or url)
        if catalogue.endpoint_of(action, "POST") == "cohorts.confirm_import":
            body = {name: values[0] for name, values in form.fields.items() if values}
            checked(client, f"{description} confirming the import", action, "POST", data=body)


def fuzz_route(client: FlaskClient, catalogue: FormCatalogue, world: World, rule: Rule,
               method: str, outcomes: dict[str, Counter[int]]) -> None:
    """Send generated requests to one route and method, from every role (one Hypothesis run
    per route, not per role: a run costs more to start than a request)."""
    app = client.application
    turns = senders(app, rule)
    candidates = real_values(world, rule, catalogue.seen.get(rule.endpoint))

    @settings(max_examples=len(turns), derandomize=True, database=None, deadline=None,
              phases=(Phase.explicit, Phase.generate), print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(request=request_strategy(catalogue, rule, method, turns, candidates))
    def one_request(request: Sent) -> None:
        description = f"{request.role} on {rule.endpoint}"
        sign_in(client, world.users.get(request.role), request.language)
        if method == "GET":
            response = checked(client, description, request.url)
        else:
            response = checked(client, f"{description} with body {request.body!r:.400}",
                               request.url, "POST", data=request.body,
                               content_type=request.content_type)
            if rule.endpoint == "cohorts.import_members" and response.status_code == 200:
                _follow_import_preview(client, catalogue, request.url,
                                       response.get_data(as_text=True), description)
        if may_use(app, request.role, rule):  # not counting sign-in redirects
            outcomes[f"{method} {rule.endpoint}"][response.status_code] += 1

    one_request()


def read_everything(client: FlaskClient, catalogue: FormCatalogue, world: World,
                    limit: int) -> None:
    """Every page, as every role: nothing stored so far may break one."""
    for role in ROLES:
        crawl(client, catalogue, world, role, limit=limit)


# Forms whose generated bodies must sometimes get through (a redirect after saving): otherwise
# the hostile values never reach the database, and the later pages prove nothing.
STORING = ("POST accounts.account", "POST alumni.me", "POST alumni.send_message",
           "POST cohorts.learner", "POST courses.reflect", "POST cohorts.remind",
           "POST cohorts.create", "POST cohorts.members", "POST discussion.topic",
           "POST capstone.mine")


def test_hostile_requests_never_answer_5xx_nor_break_later_pages(app: Flask) -> None:
    world = build_world()
    catalogue = FormCatalogue(app)
    # The forms of every page: any role may post to any of them (the answer must then be a
    # refusal, not a crash).
    client = app.test_client()
    for role in ("anonymous", "alumnus", "admin"):  # between them, they see every form
        crawl(client, catalogue, world, role, learn=True, limit=1)
    assert {"accounts.register", "alumni.send_message", "cohorts.members",
            "courses.answer"} <= set(catalogue.post)

    outcomes: dict[str, Counter[int]] = defaultdict(Counter)
    # Requests that undo the world (closing the cohort, deleting a profile) come last, after
    # every page has been read back as every role.
    for destructive in (False, True):
        for rule, method in routes(app):
            if (rule.endpoint in DESTRUCTIVE) == destructive:
                fuzz_route(client, catalogue, world, rule, method, outcomes)
        read_everything(client, catalogue, world, limit=1 if destructive else 12)

    never_saved = [name for name in STORING
                   if not any(300 <= status < 400 for status in outcomes[name])]
    assert never_saved == [], f"no generated body was ever saved by {never_saved}: {outcomes}"



def test_requests_that_once_answered_500_now_get_a_4xx_or_their_page(app: Flask) -> None:
    """What the generated requests found, kept as plain examples."""
    world = build_world()
    client = app.test_client()
    slug = db.session.get(Cohort, world.open_cohort).slug  # type: ignore[union-attr]
    code = codes.display(db.session.scalars(select(Certificate.code)).one())
    lesson = courses.get_course(COURSE).lessons[0]
    quiz = f"/courses/{COURSE}/{lesson.lesson_id}/quiz/{lesson.quiz_ids[0]}"
    nameless = (b"--b\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--b--\r\n",
                "multipart/form-data; boundary=b")
    cases = [
        # An id too large for the database's INTEGER: no such page.
        ("alumnus", "GET", "/alumni/99999999999999999999/", None, 404, ""),
        ("facilitator", "GET", f"/cohorts/{slug}/learners/2147483648", None, 404, ""),
        # A page number past any OFFSET the database takes: the last page.
        ("admin", "GET", "/admin/users?page=99999999999999999999", None, 200, "Ada Admin"),
        # NUL, which PostgreSQL refuses in text: refused on both databases.
        ("admin", "GET", "/admin/users?q=%00", None, 400, "not right"),
        ("learner", "GET", "/cohorts/%00/", None, 400, "not right"),
        ("learner", "POST", "/account", (b"name=Lena&country=FR&locale=en&organisation=a%00b",
                                         "application/x-www-form-urlencoded"), 400, "not right"),
        # JSON, which Flask-WTF would read as form data with numbers and objects for text.
        ("learner", "POST", "/account", (b'{"name": 5, "country": "FR", "locale": "en"}',
                                         "application/json"), 400, "not right"),
        ("learner", "POST", "/account", (b"[1, 2]", "application/json"), 400, "not right"),
        # A multipart part without a name.
        ("learner", "POST", "/account", nameless, 400, "Enter your name"),
        # A line break in the address to go back to: the home page instead.
        ("learner", "GET", "/login?next=/%0d%0aSet-Cookie:%20x=1", None, 302, ""),
        ("anonymous", "POST", "/language", (b"lang=fr&next=/%0D%0AX:%20y",
                                            "application/x-www-form-urlencoded"), 303, ""),
        # Digits that isdigit() accepts and int() does not ("²"), or too large.
        ("alumnus", "GET", "/alumni/?page=%C2%B2&cohort=99999999999999999999", None, 200,
         "Alma Alumna"),
        ("learner", "POST", quiz, (b"choice=0&attempt=%C2%B2",
                                   "application/x-www-form-urlencoded"), 400, "has expired"),
        # A name longer than the certificate's column.
        ("admin", "POST", f"/admin/certificates/{code}", (
            b"action=reissue&holder_name=" + b"y" * 121, "application/x-www-form-urlencoded"),
         400, "The name is too long: keep it under 120 characters."),
    ]
    for role, method, url, body, status, text in cases:
        sign_in(client, world.users.get(role), None)
        data, content_type = body or (None, None)
        response = checked(client, role, url, method, data=data, content_type=content_type)
        assert response.status_code == status, (role, method, url, response.status_code)
        assert text in response.get_data(as_text=True), (role, method, url)
        if 300 <= status < 400:
            assert response.location == "/", (url, response.location)
    learner = db.session.get(User, world.users["learner"])
    assert learner is not None and learner.organisation == "Ministry of Public Service"
    assert db.session.scalars(select(Certificate.status)).all() == ["active"]
