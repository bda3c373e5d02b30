"""Twenty sessions writing at once against a real server leave exactly the expected rows.

`gunicorn -w 4 wsgi:app` (README's production command, CSRF on) serves the test database:
the SQLite file or the PostgreSQL database of the `database_url` fixture, so every test runs on
both. Twenty threads, each with its own session signed in through /login, wait at a barrier,
then send their forms together: "Mark as done" on the same lesson and on different lessons, and
answers to knowledge checks with the same and different attempt numbers. Every response must be
a success, and the database must hold each write exactly once. bench/load.py checks the same
under a realistic load; tests/courses/test_progress_concurrency.py checks the services in-process.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from lms.accounts.models import User
from lms.certificates.models import ACTIVE, Certificate
from lms.courses import services as courses
from lms.courses.content import Lesson, RenderedQuiz
from lms.courses.models import LessonProgress, QuizAttempt
from lms.db import utcnow
from lms.extensions import db
from tests.certificates.helpers import COURSE, approve_capstone
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 4
THREADS = 20
# Twenty sign-ins at once with scrypt take seconds on a small machine; what is tested here is
# what comes after. Sign-in checks any Werkzeug hash, so these accounts get a quick one.
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Server:
    url: str
    log: Path

    def problems(self) -> list[str]:
        """Lines of the server's log that show an error (a traceback, a locked database)."""
        return [line for line in self.log.read_text(errors="replace").splitlines()
                if "Traceback" in line or "database is locked" in line or "ERROR" in line]


@pytest.fixture(scope="module")
def server(database_url: str, signing_key_path: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn serving the test database on 127.0.0.1, with its log."""
    folder = tmp_path_factory.mktemp("server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith("LMS_") and name != "DATABASE_URL"}
    settings = {"LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(folder / "instance"),
                "LMS_SECRET_KEY": secrets.token_urlsafe(48),
                "LMS_SIGNING_KEY_PATH": str(signing_key_path),
                "LMS_BASE_URL": f"http://127.0.0.1:{port}",
                # Twenty sign-ins from one address in a second would be refused (429).
                "LMS_RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    log = folder / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our gunicorn, fixed arguments
            # --preload: the app is built once, then forked; the workers are still separate
            # processes with their own database connections (create_app opens none).
            [str(GUNICORN), "-w", str(WORKERS), "--preload", "-b", f"127.0.0.1:{port}",
             "wsgi:app"],
            cwd=ROOT, stdout=output, stderr=output, env={**inherited, **settings})
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{address}/healthz", timeout=2, trust_env=False).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(address, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _learner(name: str) -> User:
    """A learner who signs in quickly."""
    return make_user(name=name, password_hash=QUICK_HASH)


def _signed_in(server: str, email: str) -> tuple[httpx.Client, str]:
    """A new session signed in as `email`, and the CSRF token of its forms."""
    client = httpx.Client(base_url=server, trust_env=False, timeout=60)
    login = client.get("/login")
    token = CSRF_INPUT.search(login.text)
    assert token, "no csrf_token on /login"
    signed_in = client.post("/login", data={"csrf_token": token.group(1), "email": email,
                                             "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.text
    # The catalogue carries the session's new token (in the language form) and writes nothing.
    catalogue = client.get("/courses/")
    token = CSRF_INPUT.search(catalogue.text)
    assert catalogue.status_code == 200 and token
    return client, token.group(1)


def _all_at_once(server: Server, sends: list[tuple[str, Callable[[httpx.Client, str],
                                                                httpx.Response]]],
                 ) -> list[int | str]:
    """Sign each session in, then release every send together; the status of each."""
    sessions: list[tuple[httpx.Client, str] | None] = [None] * len(sends)
    statuses: list[int | str] = ["not sent"] * len(sends)
    barrier = threading.Barrier(len(sends))

    def run(index: int, email: str, send: Callable[[httpx.Client, str], httpx.Response]) -> None:
        try:
            client, token = sessions[index] = _signed_in(server.url, email)
            barrier.wait(timeout=60)
            statuses[index] = send(client, token).status_code
        except (AssertionError, httpx.HTTPError, threading.BrokenBarrierError) as error:
            barrier.abort()  # the others stop waiting
            statuses[index] = repr(error)

    threads = [threading.Thread(target=run, args=(index, email, send))
               for index, (email, send) in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for session in sessions:
        if session is not None:
            session[0].close()
    return statuses


def _checks_answered(user: User, lessons: list[Lesson]) -> None:
    """Right answers to every check of `lessons`, stored without starting the lessons."""
    for lesson in lessons:
        for quiz_id, quiz in lesson.versions["en"].quizzes.items():
            right = quiz.quiz.answers[0] if quiz.kind == "text" else \
                list(quiz.quiz.correct_positions)
            db.session.add(QuizAttempt(user_id=user.id, course_id=COURSE,
                                       lesson_id=lesson.lesson_id, quiz_id=quiz_id, attempt=0,
                                       answer=right, correct=True, created_at=utcnow()))
    db.session.commit()


def _mark_done(lesson: Lesson) -> Callable[[httpx.Client, str], httpx.Response]:
    return lambda client, token: client.post(f"/courses/{COURSE}/{lesson.lesson_id}/done",
                                             data={"csrf_token": token})


def test_twenty_sessions_marking_lessons_done_at_once_store_each_completion_once(
        app: Flask, server: Server) -> None:
    """Same lesson, different lessons, different learners: one completed row each."""
    lessons = courses.get_course(COURSE).lessons
    five_tabs = _learner("Same Lesson Five Tabs")
    everywhere = _learner("Every Lesson At Once")
    others = [_learner(f"Same Lesson Learner {number}") for number in range(5)]
    _checks_answered(five_tabs, lessons[:1])
    _checks_answered(everywhere, lessons)
    approve_capstone(everywhere)  # the course's other condition, met beforehand
    for learner in others:
        _checks_answered(learner, lessons[:1])
    # Answering the checks changed their records too: count from here.
    start = dict(db.session.execute(select(User.id, User.records_version)).all())
    # Five tabs on one lesson, the course's ten lessons at once, five learners on one lesson.
    sends = [(five_tabs.email, _mark_done(lessons[0])) for _ in range(5)]
    sends += [(everywhere.email, _mark_done(lesson)) for lesson in lessons]
    sends += [(learner.email, _mark_done(lessons[0])) for learner in others]
    assert len(sends) == THREADS

    statuses = _all_at_once(server, sends)

    assert statuses == [303] * THREADS
    assert server.problems() == []
    db.session.rollback()  # read what the server committed
    rows = db.session.execute(select(LessonProgress.user_id, LessonProgress.lesson_id,
                                     LessonProgress.completed_at.is_not(None))).all()
    expected = [(five_tabs.id, lessons[0].lesson_id, True)]
    expected += [(everywhere.id, lesson.lesson_id, True) for lesson in lessons]
    expected += [(learner.id, lessons[0].lesson_id, True) for learner in others]
    assert sorted(rows) == sorted(expected)
    # Every success bumped the learner's records once: no update was lost either.
    versions = {user_id: version - start[user_id] for user_id, version
                in db.session.execute(select(User.id, User.records_version)).all()}
    # ... and issuing the certificate once the last lesson was done, once more.
    assert versions[five_tabs.id] == 5 and versions[everywhere.id] == len(lessons) + 1
    assert [versions[learner.id] for learner in others] == [1] * 5
    # The last lessons finished together: the course's certificate was issued exactly once.
    certificates = db.session.execute(select(Certificate.user_id, Certificate.status)).all()
    assert certificates == [(everywhere.id, ACTIVE)]


def test_twenty_sessions_answering_at_once_store_each_attempt_once(
        app: Flask, server: Server) -> None:
    """Ten tabs sending attempt 0 of one check store one answer; ten checks store ten."""
    lessons = courses.get_course(COURSE).lessons
    checks = [(lesson, quiz_id, quiz) for lesson in lessons
              for quiz_id, quiz in lesson.versions["en"].quizzes.items()][:10]
    same = _learner("One Check Ten Tabs")
    spread = _learner("Ten Checks At Once")

    def answer(lesson: Lesson, quiz_id: str, quiz: RenderedQuiz,
               ) -> Callable[[httpx.Client, str], httpx.Response]:
        form: dict[str, object] = {"attempt": "0"}
        if quiz.kind == "text":
            form["answer"] = quiz.quiz.answers[0]
        else:
            form["choice"] = [str(position) for position in quiz.quiz.correct_positions]
        return lambda client, token: client.post(
            f"/courses/{COURSE}/{lesson.lesson_id}/quiz/{quiz_id}",
            data={**form, "csrf_token": token})

    sends = [(same.email, answer(*checks[0])) for _ in range(10)]
    sends += [(spread.email, answer(*check)) for check in checks]

    statuses = _all_at_once(server, sends)

    assert statuses == [303] * THREADS
    assert server.problems() == []
    db.session.rollback()
    attempts = db.session.execute(select(QuizAttempt.user_id, QuizAttempt.lesson_id,
                                         QuizAttempt.quiz_id, QuizAttempt.attempt,
                                         QuizAttempt.correct)).all()
    expected = [(same.id, checks[0][0].lesson_id, checks[0][1], 0, True)]
    expected += [(spread.id, lesson.lesson_id, quiz_id, 0, True) for lesson, quiz_id, _ in checks]
    assert sorted(attempts) == sorted(expected)
    started = db.session.execute(select(LessonProgress.user_id, LessonProgress.lesson_id)).all()
    assert sorted(started) == sorted(
        {(same.id, checks[0][0].lesson_id)} | {(spread.id, lesson.lesson_id)
                                               for lesson, _, _ in checks})
