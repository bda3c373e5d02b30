"""Outgoing email: composed here, queued in the outbox table (`queue`), delivered by a worker
through `transport`: SMTP when LMS_MAIL_URL is set, otherwise .eml files in instance/outbox/."""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeSerializer

from lms.extensions import db

log = logging.getLogger(__name__)


class _Headers(HeaderRegistry):
    """Python's registry makes a new class for every header it parses (a few hundred
    microseconds each, for every message a worker builds); this one keeps them."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


_HEADERS = _Headers()
POLICY = policy.default.clone(header_factory=_HEADERS)


class _SMTPPolicy(policy.EmailPolicy):
    """SMTP's policy (CRLF line ends, as sent on the wire), except that a header holding a
    link in angle brackets stays on one line: folded, a link longer than the line has no
    space to break at, so it would be sent as an encoded word that no mail program opens."""

    unfolded = frozenset({"list-unsubscribe"})

    def fold(self, name: str, value: str) -> str:
        if name.lower() in self.unfolded:
            return f"{name}: {' '.join(str(value).split())}{self.linesep}"
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in self.unfolded:
            return self.fold(name, value).encode("utf-8")
        return super().fold_binary(name, value)


SMTP_POLICY = _SMTPPolicy(linesep="\r\n", header_factory=_HEADERS)

# The kinds of email a person may switch off, and the User column holding their choice. Every
# other kind (password reset, invitation, certificate notice...) always goes.
OPTIONAL_KINDS: dict[str, str] = {"reminder": "email_reminders", "digest": "email_digest",
                                  "session": "email_sessions"}
# Kinds a person stops for one thing at a time (the discussion of one cohort): their tokens
# name the thing's id too, and its area keeps the choice (lms.accounts.preferences.SCOPED).
SCOPED_KINDS = frozenset({"discussion"})
_UNSUBSCRIBE_SALT = "lms-email-unsubscribe"  # apart from the accounts links' salts


class InvalidUnsubscribeToken(ValueError):
    """An unsubscribe link that was not made by us, was cut short or names no optional kind."""


def link(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, on the site's public address (LMS_BASE_URL), never on
    the host a request claimed: a forged Host header must not put an attacker's address in
    a password-reset email."""
    base = urlsplit(current_app.config["LMS_BASE_URL"])
    # Bound to the base URL, not to a request: a worker composes mail with no request at all.
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme,
                                       script_name=base.path or "/")
    return adapter.build(endpoint, values, force_external=True)


@dataclass
class Draft:
    """An email as the platform writes it: plain values, cheap to make where a request makes
    hundreds (a reminder to a whole cohort). The worker turns it into the message it sends
    (`as_bytes`), once: its Message-ID and Date are fixed here, so a retry is the same
    message, never a second one."""

    sender: str
    to: str
    subject: str
    body: str
    message_id: str
    date: str
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # List-Unsubscribe...

    def message(self) -> EmailMessage:
        """The message, with its headers encoded as they need (names, accents)."""
        message = EmailMessage(policy=POLICY)
        message["From"] = self.sender
        message["To"] = self.to
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message["Subject"] = self.subject
        message["Date"] = self.date
        message["Message-ID"] = self.message_id
        for name, value in self.headers.items():
            message[name] = value
        message.set_content(self.body)
        return message

    def as_bytes(self) -> bytes:
        """The message as it goes on the wire (CRLF line ends)."""
        return self.message().as_bytes(policy=SMTP_POLICY)


def compose(to: str, subject: str, body: str, *, reply_to: str | None = None) -> Draft:
    """A plain-text email from the platform's sender address; `reply_to` (a person's
    address, see `address`) is where an answer goes, when it should reach a person."""
    domain = urlsplit(current_app.config["LMS_BASE_URL"]).hostname or "lms.local"
    # The subject on one line: a line break (typed in a reminder's subject, or in a name that
    # fills one) would make the header invalid and the send fail.
    return Draft(sender=current_app.config["LMS_MAIL_FROM"], to=to,
                 subject=" ".join(subject.split()), body=body, reply_to=reply_to,
                 message_id=_message_id(domain),
                 date=formatdate(localtime=False, usegmt=True))


def _message_id(domain: str) -> str:
    """make_msgid's form, with its random part from `secrets`: make_msgid draws it from
    `random`, which a seeded generator (Hypothesis, in tests) repeats within the same 10 ms."""
    return f"<{int(time.time() * 100)}.{os.getpid()}.{secrets.randbits(64)}@{domain}>"


def address(name: str, email: str) -> str:
    """`Name <email>` for a header, the name quoted or encoded as it needs."""
    return formataddr((" ".join(name.split()), email))


def queue(message: Draft, *, kind: str, user_id: int | None = None,
          scope: int | None = None) -> None:
    """Put a message in the outbox, in the current transaction: it exists once that commits,
    and a worker delivers it (`lms.jobs.outbox`). Its Message-ID is fixed now, so a retry is
    always the same message. A kind the person may switch off carries List-Unsubscribe with
    one-click unsubscribe (RFC 8058), which mail programs show as an "Unsubscribe" button."""
    from lms.jobs import queue as jobs
    from lms.jobs.models import OutboxMessage

    if user_id is not None and (kind in OPTIONAL_KINDS or
                                (kind in SCOPED_KINDS and scope is not None)):
        message.headers["List-Unsubscribe"] = f"<{unsubscribe_link(user_id, kind, scope)}>"
        message.headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    # The message itself is made by the worker from the draft (lms.jobs.outbox): building
    # hundreds of them would keep a facilitator who reminds a cohort waiting.
    db.session.add(OutboxMessage(
        message_id=message.message_id, kind=kind, user_id=user_id, recipient=message.to,
        subject=message.subject[:255], draft=asdict(message)))
    jobs.wake_after_commit(jobs.MAIL)


def _unsubscribe_serializer() -> URLSafeSerializer:
    # No timestamp: a link in an old email must keep working, and all it can do is stop mail.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str, scope: int | None = None) -> str:
    """A signed token naming a person (by id, never by address) and a kind they may stop
    (for a scoped kind, the id of the thing it is about)."""
    if scope is not None:
        if kind not in SCOPED_KINDS:
            raise ValueError(f"{kind!r} emails are not stopped one thing at a time")
        return _unsubscribe_serializer().dumps([user_id, kind, scope])
    if kind not in OPTIONAL_KINDS:
        raise ValueError(f"{kind!r} emails cannot be switched off")
    return _unsubscribe_serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str, int | None]:
    """The person, kind (and scope) an unsubscribe token names, or InvalidUnsubscribeToken."""
    try:
        payload = _unsubscribe_serializer().loads(token)
    except BadSignature as error:
        raise InvalidUnsubscribeToken(token) from error
    match payload:
        case [int() as user_id, str() as kind] if kind in OPTIONAL_KINDS:
            return user_id, kind, None
        case [int() as user_id, str() as kind, int() as scope] if kind in SCOPED_KINDS:
            return user_id, kind, scope
    raise InvalidUnsubscribeToken(token)


def unsubscribe_link(user_id: int, kind: str, scope: int | None = None) -> str:
    """The page that switches this kind of email off for this person (for a body's footer)."""
    return link("accounts.unsubscribe", token=unsubscribe_token(user_id, kind, scope))


def with_unsubscribe(body: str, user_id: int, kind: str, scope: int | None = None) -> str:
    """The body with a last line saying how to stop this kind of email (in the current
    language: call it where the body is written, under the recipient's locale)."""
    url = unsubscribe_link(user_id, kind, scope)
    if kind == "discussion":
        stop = gettext("To stop emails about this discussion, open this page: %(link)s",
                       link=url)
    elif kind == "digest":
        stop = gettext("To stop this weekly summary, open this page: %(link)s", link=url)
    elif kind == "session":
        stop = gettext("To stop reminders of live sessions, open this page: %(link)s", link=url)
    else:
        stop = gettext("To stop reminder emails, open this page: %(link)s", link=url)
    return f"{body}\n\n-- \n{stop}"


Deliver = Callable[[str, bytes, int], None]


@contextmanager
def transport() -> Iterator[Deliver]:
    """One connection for a batch: `deliver(recipient, raw message, outbox id)` sends by
    SMTP (LMS_MAIL_URL), or writes instance/outbox/<id>.eml when no server is set (the same
    file name on a retry, so a message is never there twice)."""
    url = current_app.config.get("LMS_MAIL_URL")
    if not url:
        folder = Path(current_app.config["LMS_OUTBOX"])
        folder.mkdir(parents=True, exist_ok=True)

        def write(recipient: str, raw: bytes, outbox_id: int) -> None:
            path = folder / f"{outbox_id:08d}.eml"
            partial = path.with_suffix(".part")
            partial.write_bytes(raw)
            partial.replace(path)  # whole or absent, never half a message
            log.info("mail to %s written to %s (no LMS_MAIL_URL set)", recipient, path)

        yield write
        return
    sender = parseaddr(current_app.config["LMS_MAIL_FROM"])[1]
    with _connect(url) as client:
        def send(recipient: str, raw: bytes, outbox_id: int) -> None:
            client.sendmail(sender, [parseaddr(recipient)[1]], raw)

        yield send


def _connect(url: str) -> smtplib.SMTP:
    """An open, signed-in connection for smtp://user:password@host:587?starttls=1 or
    smtps://user:password@host:465 (a context manager that says QUIT at the end)."""
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    timeout = float(current_app.config.get("LMS_MAIL_TIMEOUT") or 30)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, context=context,
                                                timeout=timeout)
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    try:
        if parts.scheme == "smtp" and options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        client.close()
        raise
    return client
