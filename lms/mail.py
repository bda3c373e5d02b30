"""Outgoing email: SMTP when LMS_MAIL_URL is set, otherwise .eml files in instance/outbox/."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, url_for
from werkzeug.wrappers import Response

from lms.db import utcnow

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The mail server could not be reached or refused the message."""


def link(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, on the site's public address (LMS_BASE_URL), never on
    the host a request claimed: a forged Host header must not put an attacker's address in
    a password-reset email."""
    base = urlsplit(current_app.config["LMS_BASE_URL"])
    return f"{base.scheme}://{base.netloc}{url_for(endpoint, **values)}"


def compose(to: str, subject: str, body: str, *, reply_to: str | None = None) -> EmailMessage:
    """A plain-text message from the platform's sender address; `reply_to` (a person's
    address, see `address`) is where an answer goes, when it should reach a person."""
    message = EmailMessage()
    message["From"] = current_app.config["LMS_MAIL_FROM"]
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    # One line: a line break (typed in a reminder's subject, or in a name that fills one)
    # would make the header invalid and the send fail.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="lms.local")
    message.set_content(body)
    return message


def address(name: str, email: str) -> str:
    """`Name <email>` for a header, the name quoted or encoded as it needs."""
    return formataddr((" ".join(name.split()), email))


def send(message: EmailMessage) -> None:
    """Deliver a message by SMTP, or write it to the outbox folder when no server is configured."""
    url = current_app.config.get("LMS_MAIL_URL")
    if url:
        try:
            _send_smtp(url, message)
        except (OSError, smtplib.SMTPException) as error:
            log.exception("mail to %s could not be sent", message["To"])
            raise MailError(str(error)) from error
    else:
        path = _write_outbox(Path(current_app.config["LMS_OUTBOX"]), message)
        log.info("mail to %s written to %s (no LMS_MAIL_URL set)", message["To"], path)


AnyResponse = TypeVar("AnyResponse", bound=Response)


def send_after_response(response: AnyResponse, message: EmailMessage) -> AnyResponse:
    """Send a message once the response has gone out (when the server closes it), so that
    neither the time sending takes nor a failure can show in the answer; a failure is logged.

    Until there is a task queue: a crash of the process in between loses the message."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def deliver() -> None:
        with app.app_context():
            try:
                send(message)
            except MailError:
                pass  # already logged by send()
            except Exception:  # noqa: BLE001 - the person has their answer: log, never raise
                log.exception("mail to %s could not be sent", message["To"])

    response.call_on_close(deliver)
    return response


def _write_outbox(outbox: Path, message: EmailMessage) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    # Names sort by time, so the newest message is the last file.
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return path


def _send_smtp(url: str, message: EmailMessage) -> None:
    """smtp://user:password@host:587?starttls=1 or smtps://user:password@host:465."""
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, context=context,
                                                timeout=30)
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=30)
    with client:
        if parts.scheme == "smtp" and options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
