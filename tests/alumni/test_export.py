"""My data: the export holds everything about me, and only what concerns me."""

from __future__ import annotations

import json

from lms.alumni.models import AlumniMessage
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.alumni.test_access import login_as_user
from tests.certificates.helpers import complete


def test_the_export_holds_my_records_and_nothing_about_others(client) -> None:
    person = make_graduate(name="Exporting Person", email="me@example.org",
                           headline="Data lead", bio="My bio")
    complete(person)
    other = make_graduate(name="Other Person", email="other.secret@example.org",
                          headline="Other headline")
    db.session.add(AlumniMessage(sender_id=person.id, recipient_id=other.id, body="Hi there"))
    db.session.add(AlumniMessage(sender_id=other.id, recipient_id=person.id, body="Hello back"))
    db.session.commit()
    login_as_user(client, person)

    response = client.get("/alumni/me/export")
    data = json.loads(response.text)

    assert response.headers["Content-Disposition"].startswith("attachment")
    assert data["account"]["email"] == "me@example.org"
    assert data["alumni_profile"]["headline"] == "Data lead"
    assert data["alumni_profile"]["bio"] == "My bio"
    assert len(data["lesson_progress"]) == 10
    assert all(answer["correct"] for answer in data["knowledge_check_answers"])
    assert [row["status"] for row in data["certificates"]] == ["active"]
    assert data["cohorts"][0]["graduated_at"] is not None
    assert data["messages_sent"] == [{"to": "Other Person", "body": "Hi there",
                                      "sent_at": data["messages_sent"][0]["sent_at"]}]
    assert data["messages_received"][0]["from"] == "Other Person"
    assert "other.secret" not in response.text and "Other headline" not in response.text


def test_any_signed_in_user_can_export_their_own_data(client, login_as) -> None:
    learner = login_as()

    data = json.loads(client.get("/alumni/me/export").text)

    assert data["account"]["email"] == learner.email and data["alumni_profile"] is None
