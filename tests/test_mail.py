"""The mail module: outbox files locally, SMTP when configured."""

from __future__ import annotations

import threading
from email import message_from_bytes
from pathlib import Path

import pytest
from flask import Flask

from lms import mail
from tests.factories import make_user


def test_without_smtp_messages_are_written_to_the_outbox(app: Flask) -> None:
    mail.send(mail.compose("ana@example.org", "Bonjour Łukasz", "Corps du message: Ørsted"))
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


def test_with_smtp_messages_go_to_the_server(app: Flask) -> None:
    server = _RecordingSMTP()
    app.config["LMS_MAIL_URL"] = f"smtp://127.0.0.1:{server.port}"
    mail.send(mail.compose("ana@example.org", "Hello", "The body"))
    server.thread.join(timeout=5)
    assert b"To: ana@example.org" in server.received and b"The body" in server.received
    assert not Path(app.config["LMS_OUTBOX"]).exists()


def test_unreachable_smtp_raises_rather_than_losing_silently(app: Flask) -> None:
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:1"
    with pytest.raises(mail.MailError):
        mail.send(mail.compose("ana@example.org", "Hello", "The body"))


def test_a_mail_outage_gives_the_user_a_clear_503(app: Flask, client, login_as) -> None:
    login_as("admin")
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:1"
    response = client.post("/admin/users/invite", data={
        "name": "Ana", "email": "ana@example.org", "role": "learner", "locale": "en"})
    assert response.status_code == 503
    assert "We could not send the email just now" in response.text


def test_a_mail_outage_does_not_show_on_the_password_reset_form(app: Flask, client) -> None:
    # Its answer must not tell whether the address has an account (the email would have gone
    # to it): the email is sent after the answer, and a failure is only logged.
    make_user(email="ana@example.org")
    app.config["LMS_MAIL_URL"] = "smtp://127.0.0.1:1"
    response = client.post("/password/reset", data={"email": "ana@example.org"})
    assert response.status_code == 200
    assert "Check your email" in response.text
