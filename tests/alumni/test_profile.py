"""My profile: what is accepted on the form, how the bio and other fields are shown, deletion."""

from __future__ import annotations

import pytest

from lms.alumni.models import AlumniMessage, AlumniProfile
from lms.certificates.models import Certificate
from lms.courses.models import LessonProgress
from lms.extensions import db
from tests.alumni.helpers import make_graduate
from tests.alumni.test_access import login_as_user
from tests.certificates.helpers import complete

VALID = {"visibility": "listed", "headline": "Head of unit", "organisation": "Agency",
         "country": "RS", "themes": ["justice"], "languages": ["en"], "bio": "",
         "website": "", "open_to_exchange": "y", "accepts_messages": "y"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("website", "javascript:alert(1)", "https://"),
    ("website", "http://example.org", "https://"),
    ("website", "ftp://example.org/x", "https://"),
    ("website", "data:text/html,<script>alert(1)</script>", "https://"),
    ("website", "https://", "https://"),
    ("country", "XX", "Not a valid choice"),
    ("themes", ["astrology"], "not a valid choice"),
    ("languages", ["klingon"], "not a valid choice"),
    ("visibility", "everyone", "Not a valid choice"),
    ("headline", "x" * 161, "160"),
    ("bio", "x" * 2001, "2000"),
])
def test_bad_values_are_refused_on_the_field(client, field: str, value: object,
                                             message: str) -> None:
    person = make_graduate(listed=False)
    login_as_user(client, person)

    response = client.post("/alumni/me", data={**VALID, field: value})

    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text
    assert db.session.get(AlumniProfile, person.id).visibility == "hidden"


def test_script_and_html_in_every_field_show_as_text(client) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    person = make_graduate(name=f"Evil {payload}", headline=payload, organisation=payload,
                           bio=f"{payload}\n\n[click](javascript:alert(1)) ![i](https://e.org/i.png)"
                               "\n\n<svg onload=alert(1)>")
    viewer = make_graduate()
    login_as_user(client, viewer)

    for url in (f"/alumni/{person.id}/", "/alumni/", "/alumni/?q=evil"):
        page = client.get(url).text
        assert "<script>" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert "javascript:" not in page and "onerror=alert" not in page.replace(
            "onerror=alert(1)&gt;", "")
    profile_page = client.get(f"/alumni/{person.id}/").text
    assert "&lt;script&gt;" in profile_page  # shown, as text
    assert "https://e.org/i.png" not in profile_page  # images are dropped from the bio


def test_the_bio_keeps_emphasis_lists_and_https_links(client) -> None:
    person = make_graduate(bio="I lead **open budgets**.\n\n- one\n- two\n\n"
                               "[Our portal](https://data.example.org)")
    login_as_user(client, make_graduate())

    page = client.get(f"/alumni/{person.id}/").text

    assert "<strong>open budgets</strong>" in page and "<li>one</li>" in page
    assert '<a href="https://data.example.org" rel="nofollow noopener noreferrer ugc">' in page


def test_a_saved_profile_shows_its_cohorts_and_certificates(client) -> None:
    person = make_graduate(name="Certified Person")
    complete(person)
    from lms.certificates import services as certificates

    certificate = certificates.active_certificate(person.id, "open-government-101")
    login_as_user(client, make_graduate())

    page = client.get(f"/alumni/{person.id}/").text

    assert "Open Government 101" in page and certificate.code in page
    assert "Cohort" in page


def test_deleting_the_profile_keeps_learning_records_and_certificates(client) -> None:
    person = make_graduate(name="Leaving Person")
    complete(person)
    from lms.certificates import services as certificates

    assert certificates.active_certificate(person.id, "open-government-101") is not None
    recipient = make_graduate(name="Recipient")
    db.session.add(AlumniMessage(sender_id=person.id, recipient_id=recipient.id, body="Hi"))
    db.session.add(AlumniMessage(sender_id=recipient.id, recipient_id=person.id, body="Hello"))
    db.session.commit()
    login_as_user(client, person)

    refused = client.post("/alumni/me/delete", data={})
    assert refused.status_code == 400 and db.session.get(AlumniProfile, person.id) is not None

    response = client.post("/alumni/me/delete", data={"confirm": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AlumniProfile, person.id) is None
    assert db.session.scalars(db.select(AlumniMessage.body)).all() == ["Hello"]
    assert db.session.scalar(db.select(db.func.count()).select_from(LessonProgress).where(
        LessonProgress.user_id == person.id)) == 10
    assert db.session.scalar(db.select(Certificate.status).where(
        Certificate.user_id == person.id)) == "active"
    login_as_user(client, recipient)
    assert client.get(f"/alumni/{person.id}/").status_code == 404
    assert "Leaving Person" not in client.get("/alumni/").text
