"""The mail module: messages are queued with the action that causes them, then a worker
delivers them, into .eml files locally or to the SMTP server when one is configured."""

from __future__ import annotations

import threading
from email import message_from_bytes
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from lms import mail
from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import QUEUED, SENT, OutboxMessage
from tests.factories import make_user


def _queue(to: str, subject: str, body: str) -> None:
    mail.queue(mail.compose(to, subject, body), kind="account")
    db.session.commit()


def test_without_smtp_messages_are_written_to_the_outbox(app: Flask, run_jobs) -> None:
    _queue("ana@example.org", "Bonjour Łukasz", "Corps du message: Ørsted")
    assert not Path(app.config["LMS_OUTBOX"]).exists()  # queued: nothing is sent before a worker
    run_jobs()
    [path] = Path(app.config["LMS_OUTBOX"]).glob("*.eml")
    message = message_from_bytes(path.read_bytes())
    assert message["To"] == "ana@example.org"
    assert "Łukasz" in str(message.get("Subject")) or "=?utf-8?" in message["Subject"]
    assert "Ørsted" in message.get_payload(decode=True).decode()


class _RecordingSMTP:
    """Just enough of an SMTP server (on 127.0.0.1) to receive one message."""

    def __init__(self) -> None:
        import socket

        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            stream = connection.makefile("rwb")

            def reply(line: str) -> None:
                stream.write(line.encode() + b"\r\n")
                stream.flush()

            reply("220 test")
            while line := stream.readline():
                command = line.decode().strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    reply("250 test")
                elif command == "DATA":
                    reply("354 go on")
                    while (data := stream.readline()) != b".\r\n":
                        self.received += data
                    reply("250 queued")
                elif command == "QUIT":
                    reply("221 bye")
                    break
                else:
                    reply("250 ok")
        self.server.close()


def test_with_smtp_messages_go_to_the_server(app: Flask, run_jobs) -> None:
    server = _RecordingSMTP()
    app.config["LMS_MAIL_URL"] = f"smtp://127.0.0.1:{server.port}"
    _queue("ana@example.org", "Hello", "The body")
    run_jobs()
    server.thread.join(timeout=5)
    assert b"To: ana@example.org" in server.received and b"The body" in server.received
    assert not Path(app.config["LMS_OUTBOX"]).exists()
    assert db.session.scalars(select(OutboxMessage.status)).all() == [SENT]


def test_unreachable_smtp_keeps_the_message_for_later_rather_than_losing_it(
        app: Flask, run_jobs, outbox) -> None:
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:1"
    _queue("ana@example.org", "Hello", "The body")
    run_jobs()
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.status, message.attempts) == (QUEUED, 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at > utcnow()  # a later attempt, not a lost message
    # The server is back and the retry is due: the same message goes.
    app.config["LMS_MAIL_URL"] = ""
    message.next_attempt_at = utcnow()
    db.session.commit()
    [email] = outbox()
    assert "To: ana@example.org" in email and "The body" in email


def test_a_mail_outage_does_not_stop_an_invitation(app: Flask, client, login_as,
                                                   outbox) -> None:
    # The email is queued with the invitation, in the same transaction: the admin's action
    # succeeds, and the email goes once the server answers again.
    login_as("admin")
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:1"
    response = client.post("/admin/users/invite", data={
        "name": "Ana", "email": "ana@example.org", "role": "learner", "locale": "en"},
        follow_redirects=True)
    assert response.status_code == 200
    assert "Invitation sent to ana@example.org." in response.text
    assert outbox() == []
    app.config["LMS_MAIL_URL"] = ""
    db.session.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow()))
    [email] = outbox()
    assert "To: ana@example.org" in email


def test_a_mail_outage_does_not_show_on_the_password_reset_form(app: Flask, client,
                                                                outbox) -> None:
    # Its answer must not tell whether the address has an account (the email would have gone
    # to it): the email is queued, and a failed delivery is only retried and logged.
    make_user(email="ana@example.org")
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:1"
    response = client.post("/password/reset", data={"email": "ana@example.org"})
    assert response.status_code == 200
    assert "Check your email" in response.text
    assert outbox() == []
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["ana@example.org"]
