"""Messages between alumni: delivered by email, no address revealed to the sender, limits."""

from __future__ import annotations

import re

from lms.alumni.models import AlumniMessage
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.alumni.test_access import login_as_user


def test_a_message_reaches_the_recipient_and_reveals_no_address_to_the_sender(
        client, outbox) -> None:
    recipient = make_graduate(name="Rita Recipient", email="rita.secret@example.org",
                              locale="fr")
    sender = make_graduate(name="Sam Sender", email="sam.sender@example.org")
    login_as_user(client, sender)

    pages = [client.get(f"/alumni/{recipient.id}/").text, client.get("/alumni/").text]
    response = client.post(f"/alumni/{recipient.id}/message",
                           data={"body": "Could we compare our open budget portals?"})
    pages.append(response.text)
    pages.append(client.get(response.location).text)
    pages.append(client.get("/alumni/me/export").text)

    assert response.status_code == 302
    for page in pages:
        assert "rita.secret" not in page
    assert "Your message was sent to Rita Recipient" in pages[3]
    stored = db.session.scalars(db.select(AlumniMessage)).one()
    assert (stored.sender_id, stored.recipient_id) == (sender.id, recipient.id)
    assert stored.sent_at is not None

    [email] = outbox()
    assert "To: rita.secret@example.org" in email
    assert "Sam Sender" in email and "Could we compare our open budget portals?" in email
    assert "sam.sender@example.org" not in email  # only behind the link, for the recipient
    link = re.search(r"https?://[^/\s]+(/alumni/messages/\d+)", email)[1]

    # The link shows the sender's address to the recipient only.
    assert client.get(link).status_code == 404
    login_as_user(client, recipient)
    reply_page = client.get(link).text
    assert "sam.sender@example.org" in reply_page and "Could we compare" in reply_page


def test_people_who_turned_messages_off_get_none(client, outbox) -> None:
    quiet = make_graduate(name="Quiet Person", accepts_messages=False)
    login_as_user(client, make_graduate())

    page = client.get(f"/alumni/{quiet.id}/").text
    response = client.post(f"/alumni/{quiet.id}/message", data={"body": "Hello"})

    assert "does not accept messages" in page and 'name="body"' not in page
    assert response.status_code == 409 and "does not accept messages" in response.text
    assert outbox() == [] and db.session.scalar(db.select(db.func.count()).select_from(
        AlumniMessage)) == 0


def test_ten_messages_a_day_then_a_clear_refusal(client, outbox) -> None:
    sender = make_graduate()
    recipients = [make_graduate() for _ in range(3)]
    login_as_user(client, sender)

    statuses = [client.post(f"/alumni/{recipients[number % 3].id}/message",
                            data={"body": f"Message {number}"}).status_code
                for number in range(11)]

    assert statuses == [302] * 10 + [429]
    refused = client.post(f"/alumni/{recipients[0].id}/message", data={"body": "Again"})
    assert refused.status_code == 429 and "10 messages in the last 24 hours" in refused.text
    assert len(outbox()) == 10
    assert db.session.scalar(db.select(db.func.count()).select_from(AlumniMessage)) == 10


def test_empty_messages_and_messages_to_hidden_people_are_refused(client, outbox) -> None:
    listed = make_graduate()
    hidden = make_graduate(listed=False)
    login_as_user(client, make_graduate())

    empty = client.post(f"/alumni/{listed.id}/message", data={"body": "   "})
    to_hidden = client.post(f"/alumni/{hidden.id}/message", data={"body": "Hello"})
    too_long = client.post(f"/alumni/{listed.id}/message", data={"body": "x" * 4001})

    assert empty.status_code == 400 and "Write your message" in empty.text
    assert to_hidden.status_code == 404
    assert too_long.status_code == 400 and "4,000" in too_long.text
    assert outbox() == []


def test_the_message_form_needs_its_csrf_token(app, client, outbox) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    recipient = make_graduate()
    login_as_user(client, make_graduate())

    response = client.post(f"/alumni/{recipient.id}/message", data={"body": "Hello"})

    assert response.status_code == 400 and outbox() == []
