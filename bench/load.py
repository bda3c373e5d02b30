"""Load with nothing lost: a realistic mix of users against gunicorn, then a check of every write.

For each database (SQLite in a temporary folder; PostgreSQL in a throwaway database
`lms_load_<random>` on 127.0.0.1, dropped at the end), migrates, creates the signing key and
seeds a programme (an admin, two facilitators each running a cohort, 60 learners with some
progress, 30 listed alumni, 10 certificates), then serves the app as README documents for
production (`gunicorn -w 4 'wsgi:app'`, on 127.0.0.1 only) and runs virtual users for a fixed
time, one asyncio task and one httpx client (with its cookies) each:

- learners sign in, read lessons, answer knowledge checks (sometimes wrong first, sometimes with
  a double click) and mark lessons done;
- facilitators open their cohort's dashboard and its CSV export;
- alumni search the directory and open profiles;
- anonymous visitors verify certificates (now and then a mistyped code, which must give 404).

Prints requests, rate, median and 95th percentile latency per page kind, the errors, and how
often "database is locked" reached the server's log. Then reads the database: every completion
and every answer that got a success response must be stored exactly once (answers: once per
distinct attempt number, as lms/courses/services.py answer_quiz deduplicates them), with at most
one active certificate per learner. Exit status 1 when a target is missed: any 5xx, unexpected
status or connection error, any lost or duplicated write, any "database is locked".

Sign-in rate limits are off during the run (LMS_RATELIMIT_ENABLED=0): every virtual user comes
from 127.0.0.1 and would otherwise be throttled as one client. gunicorn serves
`bench.load:served_app()`, which is `wsgi:app` with a SQLAlchemy listener that writes every
database error to the log: the app answers an OperationalError (such as "database is locked")
with a 503 page without logging it, and the run must be able to count them. Each learner
account is used by one virtual user at a time (one device per person).

With no --database, both run, or SQLite only (said so) when PostgreSQL does not answer.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--database both|sqlite|postgresql]
                                   [--workers 4] [--think 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
COURSE = "open-government-101"
PASSWORD = "load-password-123"  # noqa: S105 - throwaway accounts in a throwaway database
LEARNERS, ALUMNI, CERTIFICATES = 60, 30, 10
SEARCHES = ["open data", "budget", "procurement", "transparency", "ministry", "justice",
            "digital", "participation", "climate", "", "", ""]
SEARCH_FILTERS = ["", "", "", "theme=anti-corruption", "region=western-balkans", "language=fr"]
EXPECTED = {  # page kind -> the statuses a correct run gives
    "sign-in form": {200}, "sign-in": {302}, "sign-out": {302}, "course page": {200},
    "lesson": {200}, "answer": {303}, "mark done": {303}, "dashboard": {200},
    "dashboard csv": {200}, "directory": {200}, "alumni profile": {200}, "verify": {200},
    "verify json": {200}, "verify unknown": {404}, "home": {200},
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUIZ_FORM = re.compile(r'<section class="quiz( quiz--passed)?".*?action="([^"]+/quiz/([^"/]+))"'
                       r'.*?name="attempt" value="(\d+)"', re.S)
DONE_FORM = re.compile(r'action="(/courses/[^"]+/done)"')
CONTINUE_LINK = re.compile(r'<a class="button" href="(/courses/[^"/]+/[^"/]+/)">')
PROFILE_LINK = re.compile(r'href="(/alumni/\d+/)"')


# --- Seeding -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RightAnswer:
    kind: str  # single, multiple or text
    choices: tuple[int, ...]
    text: str
    options: int


@dataclass
class Seed:
    learners: list[str]
    facilitators: list[tuple[str, str]]  # (email, the slug of the cohort they run)
    alumni: list[str]
    codes: list[str]
    lessons: list[str]
    answers: dict[tuple[str, str], RightAnswer]  # (lesson, quiz) -> the right answer


def server_environment(url: str, folder: Path, port: int) -> dict[str, str]:
    """The settings of the served app (and of the in-process app that seeds and checks)."""
    return {"LMS_DATABASE_URL": url, "LMS_INSTANCE_PATH": str(folder),
            "LMS_SECRET_KEY": "load-" + secrets.token_urlsafe(40),
            "LMS_BASE_URL": f"http://{HOST}:{port}",
            "LMS_SIGNING_KEY_PATH": str(folder / "signing-key.json"),
            "LMS_OUTBOX": str(folder / "outbox"), "LMS_RATELIMIT_ENABLED": "0"}


def seed(rng: random.Random) -> Seed:
    """Fill an empty, migrated database (inside an app context) through the services."""
    from lms.accounts.models import Role, User
    from lms.accounts.services import hash_password
    from lms.alumni import services as alumni
    from lms.alumni.models import LISTED
    from lms.certificates import codes
    from lms.certificates import services as certificates
    from lms.cohorts import services as cohorts
    from lms.cohorts.focus import THEMES
    from lms.courses import services as courses
    from lms.db import utcnow
    from lms.demo import record_progress
    from lms.extensions import db

    course = courses.get_course(COURSE)
    password_hash = hash_password(PASSWORD)  # scrypt once: every account has the same password

    def person(email: str, name: str, role: Role, country: str = "RS") -> User:
        user = User(email=email, name=name, role=role, country=country,
                    organisation="Ministry of Public Administration", locale="en",
                    password_hash=password_hash, email_confirmed_at=utcnow())
        db.session.add(user)
        return user

    person("load.admin@example.org", "Load Admin", Role.ADMIN)
    runners = [person(f"load.facilitator{n}@example.org", f"Facilitator {n}", Role.FACILITATOR)
               for n in (1, 2)]
    learners = [person(f"load.learner{n:02d}@example.org", f"Learner {n:02d}", Role.LEARNER)
                for n in range(1, LEARNERS + 1)]
    graduates = [person(f"load.alumnus{n:02d}@example.org", f"Alumnus {n:02d}", Role.LEARNER,
                        rng.choice(["RS", "AL", "SN", "CI", "KE", "CO", "PH", "UA"]))
                 for n in range(1, ALUMNI + 1)]
    db.session.commit()

    today = utcnow().date()

    def cohort(slug: str, focus: str, runner: User, starts_days_ago: int) -> Any:
        starts_on = today - timedelta(days=starts_days_ago)
        return cohorts.create_cohort(cohorts.CohortDetails(
            name=slug.replace("-", " ").title(), slug=slug, focus=focus, course_id=COURSE,
            starts_on=starts_on, ends_on=starts_on + timedelta(days=70), requires_signoff=False,
            facilitator_ids=[runner.id]))

    running = [cohort("load-balkans", "western-balkans", runners[0], 20),
               cohort("load-francophone", "francophone-africa", runners[1], 10)]
    now = utcnow()
    for number, learner in enumerate(learners):
        cohorts.add_member(running[number % 2], learner.id)
        record_progress(learner.id, course, rng.randint(0, len(course.lessons) - 1),
                        now - timedelta(days=rng.randint(0, 20), hours=2),
                        timedelta(days=2), ("A first step: publish the criteria.",))
    past = cohort("load-alumni-2025", "anti-corruption", runners[0], 200)
    for number, graduate in enumerate(graduates):
        cohorts.add_member(past, graduate.id)
        record_progress(graduate.id, course, len(course.lessons),
                        now - timedelta(days=120 + number), timedelta(days=5),
                        ("We now publish every grant decision each month.",))
    db.session.commit()
    cohorts.close_cohort(past)
    headlines = ["Open data lead", "Budget transparency adviser", "Public procurement reformer",
                 "Justice sector analyst", "Digital services manager", "Participation officer",
                 "Climate finance coordinator"]
    for number, graduate in enumerate(graduates):
        alumni.save_profile(graduate, alumni.ProfileDetails(
            headline=headlines[number % len(headlines)], organisation=graduate.organisation,
            country=graduate.country, languages=rng.sample(["en", "fr", "es"], 2),
            themes=rng.sample(sorted(THEMES), 2), bio="Works on open government reforms.",
            website=None, open_to_exchange=True, accepts_messages=True, visibility=LISTED))
    db.session.commit()
    verification_codes = []
    for graduate in graduates[:CERTIFICATES]:
        certificate = certificates.issue_if_eligible(graduate.id, COURSE)
        assert certificate is not None, "a graduate who completed the course has a certificate"
        verification_codes.append(codes.display(certificate.code))

    answers = {}
    for lesson in course.lessons:
        for quiz_id, quiz in lesson.versions[lesson.default_language].quizzes.items():
            answers[lesson.lesson_id, quiz_id] = RightAnswer(
                quiz.kind, tuple(quiz.quiz.correct_positions),
                quiz.quiz.answers[0] if quiz.kind == "text" else "", len(quiz.options))
    return Seed(learners=[user.email for user in learners],
                facilitators=[(runner.email, running[n].slug) for n, runner in enumerate(runners)],
                alumni=[user.email for user in graduates], codes=verification_codes,
                lessons=[lesson.lesson_id for lesson in course.lessons], answers=answers)


# --- Virtual users -------------------------------------------------------------------------------

@dataclass
class Answer:
    email: str
    lesson: str
    quiz: str
    attempt: int
    answer: list[int] | str


@dataclass
class Run:
    """What the virtual users saw: timings and statuses per page kind, and confirmed writes."""

    seed: Seed
    deadline: float
    think: float
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    unexpected: Counter[str] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    free_learners: list[str] = field(default_factory=list)  # accounts no one is using
    completions: list[tuple[str, str]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(timings) for timings in self.timings.values())

    @property
    def over(self) -> bool:
        return time.perf_counter() >= self.deadline


class Failed(Exception):
    """A response that stops this virtual user's current visit (already counted)."""


class VirtualUser:
    """One person at one browser: a cookie jar, and visits repeated until the run is over."""

    label = "users"

    def __init__(self, run: Run, port: int, rng: random.Random) -> None:
        self.run, self.rng = run, rng
        # trust_env=False: no proxy from the environment; every request goes to 127.0.0.1.
        self.client = httpx.AsyncClient(base_url=f"http://{HOST}:{port}", trust_env=False,
                                        follow_redirects=False, timeout=120,
                                        limits=httpx.Limits(max_connections=2))

    async def request(self, kind: str, method: str, path: str,
                      data: dict[str, Any] | None = None) -> httpx.Response:
        assert path.startswith("/"), path  # never another host
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, data=data)
        except httpx.HTTPError as error:
            self.run.transport_errors[f"{kind}: {type(error).__name__}"] += 1
            raise Failed from error
        self.run.timings[kind].append(time.perf_counter() - started)
        self.run.statuses[kind][response.status_code] += 1
        if response.status_code not in EXPECTED[kind]:
            self.run.unexpected[f"{kind} {method} {path.split('?')[0]}: "
                                f"{response.status_code}"] += 1
            raise Failed
        return response

    def csrf(self, page: str) -> str:
        """The CSRF token of the page's forms, as a browser sends it back."""
        match = CSRF.search(page)
        if match is None:
            self.run.unexpected["a page without a csrf_token"] += 1
            raise Failed
        return match.group(1)

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(0, 2 * self.run.think))

    async def sign_in(self, email: str) -> None:
        self.client.cookies.clear()
        page = await self.request("sign-in form", "GET", "/login")
        await self.request("sign-in", "POST", "/login", {
            "csrf_token": self.csrf(page.text), "email": email, "password": PASSWORD})

    async def sign_out(self, page: str) -> None:
        await self.request("sign-out", "POST", "/logout", {"csrf_token": self.csrf(page)})

    async def loop(self, delay: float) -> None:
        await asyncio.sleep(delay)  # users arrive over the ramp-up, not all in one instant
        while not self.run.over:
            try:
                await self.visit()
            except Failed:
                await self.think()
        await self.client.aclose()

    async def visit(self) -> None:
        raise NotImplementedError


class Learner(VirtualUser):
    """Signs in, opens the course, then works through a few lessons."""

    label = "learners"

    async def visit(self) -> None:
        # One device per person: an account in use by another virtual user is not taken (two
        # tabs at the same attempt of a check store one answer, by design: see QuizAttempt).
        # Past 60 learners, accounts are shared, and "mark done" may then be refused (400).
        free = self.run.free_learners
        taken = bool(free)
        email = free.pop(self.rng.randrange(len(free))) if taken else \
            self.rng.choice(self.run.seed.learners)
        try:
            await self.study(email)
        finally:
            if taken:
                free.append(email)

    async def study(self, email: str) -> None:
        await self.sign_in(email)
        course = (await self.request("course page", "GET", f"/courses/{COURSE}/")).text
        lessons = self.run.seed.lessons
        where_to_continue = CONTINUE_LINK.search(course)
        if where_to_continue and self.rng.random() < 0.8:
            path = where_to_continue.group(1)
        else:  # back to an earlier lesson, or the course is done
            path = f"/courses/{COURSE}/{self.rng.choice(lessons)}/"
        page = (await self.request("lesson", "GET", path)).text
        for _ in range(self.rng.randint(1, 3)):
            if self.run.over or path.count("/") != 4:  # the course page: this visit ends
                break
            lesson = path.rstrip("/").rsplit("/", 1)[1]
            await self.think()
            for passed, action, quiz_id, attempt in QUIZ_FORM.findall(page):
                if passed:
                    continue
                right = self.run.seed.answers[lesson, quiz_id]
                attempt_number = int(attempt)
                if self.rng.random() < 0.3 and right.options != len(right.choices):
                    # Wrong first, then read the feedback.
                    await self.answer(email, lesson, quiz_id, action, attempt_number, right, False,
                                      self.csrf(page))
                    page = (await self.request("lesson", "GET", path)).text
                    attempt_number = next((int(number) for _, _, quiz, number in
                                           QUIZ_FORM.findall(page) if quiz == quiz_id),
                                          attempt_number + 1)
                await self.answer(email, lesson, quiz_id, action, attempt_number, right, True,
                                  self.csrf(page))
                page = (await self.request("lesson", "GET", path)).text
            done = DONE_FORM.search(page)
            if done is None:  # already done: go on to the next lesson
                position = lessons.index(lesson) + 1
                if position >= len(lessons):
                    break
                path = f"/courses/{COURSE}/{lessons[position]}/"
            else:
                token = self.csrf(page)
                clicks = 2 if self.rng.random() < 0.1 else 1  # a double click now and then
                responses = await asyncio.gather(*(self.request(
                    "mark done", "POST", done.group(1), {"csrf_token": token})
                    for _ in range(clicks)))
                self.run.completions.extend((email, lesson) for _ in responses)
                path = responses[0].headers["location"]
            kind = "lesson" if path.count("/") == 4 else "course page"
            page = (await self.request(kind, "GET", path)).text
        if self.rng.random() < 0.5:
            await self.sign_out(page)

    async def answer(self, email: str, lesson: str, quiz_id: str, action: str, attempt: int,
                     right: RightAnswer, correct: bool, token: str) -> None:
        if right.kind == "text":
            sent: list[int] | str = right.text if correct else "I do not know"
            form: dict[str, Any] = {"answer": sent}
        else:
            wrong = [n for n in range(right.options) if n not in right.choices][:1]
            sent = sorted(right.choices) if correct else wrong
            form = {"choice": [str(n) for n in sent]}
        form.update(csrf_token=token, attempt=str(attempt))
        clicks = 2 if self.rng.random() < 0.1 else 1
        responses = await asyncio.gather(*(self.request("answer", "POST", action, form)
                                           for _ in range(clicks)))
        self.run.answers.extend(Answer(email, lesson, quiz_id, attempt, sent) for _ in responses)


class Facilitator(VirtualUser):
    """Signs in and follows their cohort: the dashboard, filtered and sorted, and its export."""

    label = "facilitators"

    async def visit(self) -> None:
        email, slug = self.rng.choice(self.run.seed.facilitators)
        await self.sign_in(email)
        for _ in range(self.rng.randint(3, 8)):
            if self.run.over:
                return
            query = self.rng.choice(["", "", "?state=behind", "?sort=progress",
                                     "?state=inactive&sort=activity"])
            await self.request("dashboard", "GET", f"/cohorts/{slug}/progress{query}")
            await self.think()
            if self.rng.random() < 0.3:
                await self.request("dashboard csv", "GET", f"/cohorts/{slug}/progress.csv")
                await self.think()


class Alumnus(VirtualUser):
    """Signs in and searches the directory, opening a profile now and then."""

    label = "alumni"

    async def visit(self) -> None:
        await self.sign_in(self.rng.choice(self.run.seed.alumni))
        for _ in range(self.rng.randint(3, 8)):
            if self.run.over:
                return
            query = "&".join(part for part in (
                f"q={self.rng.choice(SEARCHES)}".replace(" ", "+"),
                self.rng.choice(SEARCH_FILTERS)) if part)
            page = (await self.request("directory", "GET", f"/alumni/?{query}")).text
            await self.think()
            profiles = PROFILE_LINK.findall(page)
            if profiles and self.rng.random() < 0.4:
                await self.request("alumni profile", "GET", self.rng.choice(profiles))
                await self.think()


class Visitor(VirtualUser):
    """Anonymous: checks a certificate's code (now and then mistyped), or opens the home page."""

    label = "anonymous visitors"

    async def visit(self) -> None:
        self.client.cookies.clear()
        draw = self.rng.random()
        code = self.rng.choice(self.run.seed.codes)
        if draw < 0.1:
            await self.request("home", "GET", "/")
        elif draw < 0.2:
            await self.request("verify unknown", "GET", "/verify/ABCD-EFGH-JKMN-P")
        elif draw < 0.4:
            await self.request("verify json", "GET", f"/verify/{code}.json")
        else:
            await self.request("verify", "GET", f"/verify/{code}")
        await self.think()


def mix(users: int) -> list[type[VirtualUser]]:
    """60% learners, 10% facilitators, 16% alumni, 14% visitors (each kind at least once)."""
    shares = [(Facilitator, 0.10), (Alumnus, 0.16), (Visitor, 0.14)]
    kinds: list[type[VirtualUser]] = []
    for kind, share in shares:
        kinds += [kind] * max(1, round(users * share))
    return [Learner] * max(1, users - len(kinds)) + kinds


def ramp_up_seconds(seconds: float) -> float:
    """How long users take to arrive: a tenth of the run, at most 5 s."""
    return min(5.0, seconds / 10)


async def drive(seed: Seed, port: int, users: int, seconds: float, think: float,
                rng: random.Random) -> tuple[Run, float]:
    run = Run(seed=seed, deadline=time.perf_counter() + seconds, think=think,
              free_learners=list(seed.learners))
    started = time.perf_counter()
    virtual_users = [kind(run, port, random.Random(rng.random())) for kind in mix(users)]
    ramp_up = ramp_up_seconds(seconds)
    await asyncio.gather(*(user.loop(ramp_up * number / len(virtual_users))
                           for number, user in enumerate(rng.sample(virtual_users, users))))
    return run, time.perf_counter() - started


# --- The server ----------------------------------------------------------------------------------

def served_app() -> Any:
    """The production app (wsgi:app), whose database errors are also written to the log.

    The app turns an OperationalError (such as SQLite's "database is locked") into a 503 page
    without logging it; this listener only observes, so that the run can count them.
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import wsgi

    def log_error(context: Any) -> None:
        error = context.original_exception
        print(f"database error: {type(error).__name__}: {error}", file=sys.stderr, flush=True)

    event.listen(Engine, "handle_error", log_error)
    return wsgi.app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"{HOST}:{port}",
               "bench.load:served_app()"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env,
                                                          "PYTHONPATH": str(ROOT)},
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start-up:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(  # noqa: S310 - our own server on 127.0.0.1
                        f"http://{HOST}:{port}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return server
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz within 90 s")
    except BaseException:
        stop_server(server)  # never leave it running (Ctrl-C included)
        raise


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Checking the database -----------------------------------------------------------------------

@dataclass
class WriteCheck:
    completions: int = 0
    completions_lost: int = 0
    answers: int = 0
    answers_lost: int = 0
    answers_not_as_sent: int = 0
    duplicates: int = 0
    unconfirmed: int = 0  # stored during the run without a success response seen
    certificates_issued: int = 0  # during the run, by learners finishing the course


def check_writes(run: Run, started: datetime) -> WriteCheck:
    """Compare what got a success response with what the database holds (in an app context)."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.certificates.models import ACTIVE, Certificate
    from lms.courses.models import LessonProgress, QuizAttempt
    from lms.extensions import db

    ids = dict(db.session.execute(select(User.email, User.id)).all())
    check = WriteCheck()
    done = {(user_id, lesson_id) for user_id, lesson_id in db.session.execute(
        select(LessonProgress.user_id, LessonProgress.lesson_id).where(
            LessonProgress.course_id == COURSE, LessonProgress.completed_at.is_not(None)))}
    confirmed_done = {(ids[email], lesson) for email, lesson in run.completions}
    check.completions = len(confirmed_done)
    check.completions_lost = len(confirmed_done - done)
    sent: dict[tuple[int, str, str, int], list[list[int] | str]] = defaultdict(list)
    for answer in run.answers:
        sent[ids[answer.email], answer.lesson, answer.quiz, answer.attempt].append(answer.answer)
    stored = {(user_id, lesson_id, quiz_id, attempt): answer
              for user_id, lesson_id, quiz_id, attempt, answer in db.session.execute(
                  select(QuizAttempt.user_id, QuizAttempt.lesson_id, QuizAttempt.quiz_id,
                         QuizAttempt.attempt, QuizAttempt.answer).where(
                      QuizAttempt.course_id == COURSE))}
    check.answers = len(sent)
    check.answers_lost = sum(key not in stored for key in sent)
    check.answers_not_as_sent = sum(key in stored and stored[key] not in answers
                                    for key, answers in sent.items())
    for model, columns in ((LessonProgress, ("user_id", "course_id", "lesson_id")),
                           (QuizAttempt, ("user_id", "course_id", "lesson_id", "quiz_id",
                                          "attempt"))):
        keys = [getattr(model, name) for name in columns]
        check.duplicates += db.session.scalar(select(func.count()).select_from(
            select(*keys).group_by(*keys).having(func.count() > 1).subquery())) or 0
    # At most one active certificate per learner and course, however many requests finished it.
    holders = (Certificate.user_id, Certificate.course_id)
    check.duplicates += db.session.scalar(select(func.count()).select_from(
        select(*holders).where(Certificate.status == ACTIVE).group_by(*holders)
        .having(func.count() > 1).subquery())) or 0
    check.certificates_issued = db.session.scalar(select(func.count()).select_from(
        Certificate).where(Certificate.issued_at >= started.replace(microsecond=0))) or 0
    late_done = set(db.session.execute(select(LessonProgress.user_id, LessonProgress.lesson_id)
                                       .where(LessonProgress.completed_at >= started)).all())
    late_answers = set(db.session.execute(select(
        QuizAttempt.user_id, QuizAttempt.lesson_id, QuizAttempt.quiz_id, QuizAttempt.attempt)
        .where(QuizAttempt.created_at >= started)).all())
    check.unconfirmed = len(late_done - confirmed_done) + len(late_answers - set(sent))
    return check


# --- One database --------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, run: Run, elapsed: float, log: str, check: WriteCheck) -> bool:
    """Print the figures for one database; True when every target is met."""
    print(f"\n{'page kind':<16}{'requests':>9}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}"
          f"{'max ms':>9}  statuses")
    everything: list[float] = []
    for kind in EXPECTED:
        timings = run.timings.get(kind)
        if not timings:
            continue
        everything += timings
        statuses = ", ".join(f"{status}: {count}" for status, count in
                             sorted(run.statuses[kind].items()))
        print(f"{kind:<16}{len(timings):>9}{len(timings) / elapsed:>8.1f}"
              f"{statistics.median(timings) * 1000:>11.0f}{percentile(timings, 0.95) * 1000:>9.0f}"
              f"{max(timings) * 1000:>9.0f}  {statuses}")
    print(f"{'all':<16}{len(everything):>9}{len(everything) / elapsed:>8.1f}"
          f"{statistics.median(everything) * 1000:>11.0f}"
          f"{percentile(everything, 0.95) * 1000:>9.0f}{max(everything) * 1000:>9.0f}")
    server_errors = sum(count for statuses in run.statuses.values()
                        for status, count in statuses.items() if status >= 500)
    other = sum(run.unexpected.values()) - server_errors
    transport = sum(run.transport_errors.values())
    locked = log.count("database is locked")
    tracebacks = log.count("Traceback (most recent call last)")
    database_errors = Counter(line.removeprefix("database error:").strip()[:120]
                              for line in log.splitlines() if line.startswith("database error:"))
    print(f"\nerrors: {server_errors} 5xx, {other} other unexpected statuses, {transport} "
          f"connection errors or timeouts; in the server log: {locked} 'database is locked', "
          f"{tracebacks} tracebacks")
    if database_errors:
        print("    database errors seen by the server (handled or not): " + ", ".join(
            f"{count} x {message}" for message, count in database_errors.most_common(5)))
    for what, count in (run.unexpected + run.transport_errors).most_common(8):
        print(f"    {count:>5} x {what}")
    print(f"writes with a success response: {check.completions} lessons marked done, "
          f"{check.answers} answers (distinct attempts; {len(run.completions)} and "
          f"{len(run.answers)} responses, double clicks included)")
    print(f"    lost: {check.completions_lost} completions, {check.answers_lost} answers; "
          f"stored differently from what was sent: {check.answers_not_as_sent}; "
          f"duplicated rows: {check.duplicates}; stored without a success response seen: "
          f"{check.unconfirmed}")
    print(f"    certificates issued during the run (learners finishing the course): "
          f"{check.certificates_issued}, at most one active per learner: "
          f"{'yes' if not check.duplicates else 'NO'}")
    if tracebacks or locked:
        print("server log (last lines):\n" + log[-2500:])
    met = not (server_errors or other or transport or locked or check.completions_lost
               or check.answers_lost or check.answers_not_as_sent or check.duplicates)
    print(f"{name}: targets {'met' if met else 'MISSED'} (no 5xx, no lost or duplicated "
          "write, no 'database is locked')")
    return met


def run_database(name: str, url: str, options: argparse.Namespace, folder: Path) -> bool:
    """Prepare the database, serve it, drive the users, check the writes; True if targets met."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.certificates import credentials
    from lms.config import Config
    from lms.extensions import db

    port = free_port()
    env = server_environment(url, folder, port)
    app = create_app(Config(env))
    rng = random.Random(options.seed)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        credentials.key_to_file(credentials.generate_key(), Path(env["LMS_SIGNING_KEY_PATH"]))
        programme = seed(rng)
        db.session.remove()
        db.engine.dispose()  # the server's workers must not inherit or compete with it
    kinds = Counter(kind.label for kind in mix(options.users))
    print(f"\n== {name}: seeded in {time.perf_counter() - started:.1f} s: 1 admin, "
          f"2 facilitators each running a cohort, {LEARNERS} learners with some progress, "
          f"{ALUMNI} listed alumni, {CERTIFICATES} certificates")
    log = folder / "gunicorn.log"
    print(f"gunicorn -w {options.workers} -b {HOST}:{port} (sync workers, as README's "
          f"production command); LMS_RATELIMIT_ENABLED=0 (sign-in limits off: every user "
          f"is 127.0.0.1)")
    print(f"{options.users} virtual users for {options.seconds:g} s (arriving over the first "
          f"{ramp_up_seconds(options.seconds):g} s), think time 0-"
          f"{2 * options.think:g} s: " + ", ".join(f"{count} {kind}"
                                                    for kind, count in kinds.items()))
    run_started = datetime.now(UTC) - timedelta(seconds=1)
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    server = start_server(env, port, options.workers, log)
    try:
        run, elapsed = asyncio.run(drive(programme, port, options.users, options.seconds,
                                         options.think, rng))
    finally:
        stop_server(server)
    # The workers are reaped by gunicorn's master, and the master by us: their CPU time is ours.
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    driver, served = ((end.ru_utime + end.ru_stime) - (start.ru_utime + start.ru_stime)
                      for start, end in zip(before, after, strict=True))
    print(f"CPU time: gunicorn {served:.0f} s ({served * 1000 / max(1, run.requests):.0f} ms "
          f"a request, start-up included), this driver {driver:.0f} s, in {elapsed:.0f} s on "
          f"{os.cpu_count()} cores; load average at the end {os.getloadavg()[0]:.1f} "
          "(other work on the machine counts too)")
    with app.app_context():
        check = check_writes(run, run_started)
        db.session.remove()
        db.engine.dispose()
    return report(name, run, elapsed, log.read_text(errors="replace"), check)


def postgres_answers(url: str) -> bool:
    """True if a PostgreSQL server answers at this URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from lms.config import database_url

    engine = create_engine(database_url(url, Path()), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def postgres_admin(url: str, statement: str) -> None:
    """Run CREATE or DROP DATABASE on the server of `url` (outside a transaction)."""
    from sqlalchemy import create_engine, text

    from lms.config import database_url

    engine = create_engine(database_url(url, Path()), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"),
                        help="default: both, or sqlite when PostgreSQL does not answer")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean pause between a user's steps, in seconds")
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="a PostgreSQL server on 127.0.0.1 (a database is created there)")
    options = parser.parse_args()
    from sqlalchemy.engine import make_url

    server_url = make_url(options.postgres_url)
    if server_url.host not in (HOST, "localhost"):
        raise SystemExit(f"--postgres-url must be on {HOST}, not {server_url.host}")
    if options.database is None:
        options.database = "both" if postgres_answers(options.postgres_url) else "sqlite"
        if options.database == "sqlite":
            print(f"PostgreSQL does not answer at {options.postgres_url}: SQLite only")
    print(f"load test: {os.cpu_count()} cores on this machine, shared with the driver "
          "(figures are noisy when other work runs)")
    results = {}
    if options.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            results["SQLite"] = run_database(
                "SQLite", f"sqlite:///{Path(folder) / 'load.sqlite3'}", options, Path(folder))
    if options.database in ("postgresql", "both"):
        name = f"lms_load_{secrets.token_hex(4)}"
        postgres_admin(options.postgres_url, f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory() as folder:
                results["PostgreSQL"] = run_database(
                    "PostgreSQL", server_url.set(database=name).render_as_string(
                        hide_password=False), options, Path(folder))
        finally:
            postgres_admin(options.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\n" + "; ".join(f"{name}: {'targets met' if met else 'targets MISSED'}"
                           for name, met in results.items()))
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
