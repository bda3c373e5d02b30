"""What verifiers get: the issuer's controller document and key, the credential's shape, the
signature check on the verify pages (for credentials issued now and before), the LinkedIn link."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import User
from lms.certificates import codes, credentials, services
from lms.certificates.models import Certificate
from lms.extensions import db
from tests.certificates.helpers import complete
from tests.factories import make_user, sign_in_id

BASE = "https://learning.example.org"
pytestmark = pytest.mark.app_config(LMS_BASE_URL=BASE)
CHECKS_OUT = "Its signed credential (Open Badges 3.0) checks out with the issuer's public key."
DOES_NOT = "Its signed credential does not check out with the issuer's public key"


def _certificate(user: User) -> Certificate:
    complete(user)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))
    assert certificate is not None
    return certificate


def _as_issued_before(credential: dict[str, Any]) -> dict[str, Any]:
    """The same credential as the previous release signed it: one proof object naming the key
    '/issuer#key-1', and a subject without an identifier."""
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    unsigned["credentialSubject"] = {key: value for key, value in
                                     unsigned["credentialSubject"].items() if key != "identifier"}
    return credentials.sign(unsigned, services.signing_key(), f"{BASE}/issuer#key-1",
                            credential["proof"][0]["created"])


def test_the_issuer_profile_is_the_controller_document_of_the_key(client: FlaskClient) -> None:
    issuer = client.get("/issuer").json
    key = client.get("/issuer/keys/1").json
    public = credentials.public_multikey(services.signing_key())
    assert key == {"@context": "https://w3id.org/security/multikey/v1",
                   "id": f"{BASE}/issuer/keys/1", "type": "Multikey",
                   "controller": f"{BASE}/issuer", "publicKeyMultibase": public}
    assert issuer["id"] == f"{BASE}/issuer" and issuer["type"] == ["Profile"]
    assert issuer["verificationMethod"][0] == key
    assert issuer["assertionMethod"] == [f"{BASE}/issuer/keys/1", f"{BASE}/issuer#key-1"]
    assert issuer["verificationMethod"][1] == {**key, "id": f"{BASE}/issuer#key-1"}
    # every term of it is defined: JSON-LD in safe mode keeps the key and its purpose
    canonical = credentials.canonicalize(issuer)
    assert (f"<{BASE}/issuer> <https://w3id.org/security#assertionMethod> "
            f"<{BASE}/issuer/keys/1>") in canonical
    assert (f"<{BASE}/issuer/keys/1> <https://w3id.org/security#publicKeyMultibase> "
            f'"{public}"^^<https://w3id.org/security#multibase>') in canonical
    credentials.canonicalize(key)


def test_the_credential_identifies_its_holder_without_their_address(app) -> None:
    certificate = _certificate(make_user(email="marta@example.org"))
    credential = json.loads(certificate.credential)
    assert isinstance(credential["proof"], list) and len(credential["proof"]) == 1
    assert credential["proof"][0]["verificationMethod"] == f"{BASE}/issuer/keys/1"
    [identity] = credential["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject" and identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True and len(identity["salt"]) == 32
    assert identity["identityHash"].startswith("sha256$")
    assert "marta@example.org" not in certificate.credential
    assert credentials.identity_matches(identity, "marta@example.org")
    assert not credentials.identity_matches(identity, "marta@example.com")
    # a salt of its own: the same address gives another hash on another credential
    other = _certificate(make_user(email="marta2@example.org"))
    [other_identity] = json.loads(other.credential)["credentialSubject"]["identifier"]
    assert other_identity["salt"] != identity["salt"]


def test_the_verify_pages_check_the_signature(client: FlaskClient, app) -> None:
    certificate = _certificate(make_user())
    code = codes.display(certificate.code)
    assert CHECKS_OUT in client.get(f"/verify/{code}").text
    french = app.test_client()
    with french.session_transaction() as session:
        session["_user_id"] = sign_in_id(make_user(locale="fr"))
    assert "Son attestation signée (Open Badges 3.0) est bien authentifiée" in french.get(
        f"/verify/{code}").text
    assert client.get(f"/verify/{code}.json").json["signature_valid"] is True

    # the stored credential altered (say, in the database): the pages say so
    altered = json.loads(certificate.credential)
    altered["credentialSubject"]["name"] = "Someone Else"
    certificate.credential = json.dumps(altered)
    db.session.commit()
    page = client.get(f"/verify/{code}").text
    assert DOES_NOT in page and CHECKS_OUT not in page
    assert "linkedin.com" not in page  # nothing to add to a profile until this is sorted out
    assert "ne correspond pas à la clé publique" in french.get(f"/verify/{code}").text
    assert client.get(f"/verify/{code}.json").json["signature_valid"] is False


def test_credentials_issued_before_still_verify_on_our_pages(client: FlaskClient, app) -> None:
    certificate = _certificate(make_user())
    before = _as_issued_before(json.loads(certificate.credential))
    assert isinstance(before["proof"], dict)
    certificate.credential = json.dumps(before, ensure_ascii=False, sort_keys=True)
    db.session.commit()
    code = codes.display(certificate.code)
    page = client.get(f"/verify/{code}").text
    assert "Valid" in page and CHECKS_OUT in page
    assert client.get(f"/verify/{code}.json").json["signature_valid"] is True

    # but not one naming a key that is not ours, even if signed by our key
    elsewhere = {**before, "proof": {**before["proof"],
                                     "verificationMethod": "https://evil.example/key"}}
    certificate.credential = json.dumps(elsewhere)
    db.session.commit()
    assert client.get(f"/verify/{code}.json").json["signature_valid"] is False


@pytest.mark.app_config(LMS_SIGNING_KEY_PATH="/nonexistent/signing-key.json",
                        LMS_BASE_URL=BASE)
def test_without_the_key_the_pages_say_nothing_about_the_signature(client: FlaskClient,
                                                                   app) -> None:
    user, code = make_user(), codes.new_code()
    db.session.add(Certificate(
        code=code, user_id=user.id, holder_name=user.name, course_id="x",
        course_title="X", language="en", credential_id="urn:uuid:1", credential="{}",
        status_index=1))
    db.session.commit()
    display = codes.display(code)
    page = client.get(f"/verify/{display}")
    assert page.status_code == 200
    assert CHECKS_OUT not in page.text and DOES_NOT not in page.text
    assert client.get(f"/verify/{display}.json").json["signature_valid"] is None
    for path in ("/issuer", "/issuer/keys/1", "/credentials/status/1"):
        assert client.get(path).status_code == 503, path  # not a 500


def _linkedin(client: FlaskClient, code: str, **headers: str) -> dict[str, list[str]]:
    page = client.get(f"/verify/{code}", headers=headers).text
    start = page.index('href="https://www.linkedin.com/profile/add?') + len('href="')
    link = page[start:page.index('"', start)].replace("&amp;", "&")
    return parse_qs(urlsplit(link).query)


def test_the_linkedin_link_names_the_expiry_and_our_address(client: FlaskClient, app) -> None:
    certificate = _certificate(make_user())
    code = codes.display(certificate.code)
    query = _linkedin(client, code, Host="evil.example")  # a forged Host header
    assert query["certUrl"] == [f"{BASE}/verify/{code}"]
    assert "expirationYear" not in query and "expirationMonth" not in query

    certificate.expires_at = datetime(2031, 2, 28, 12, 0, tzinfo=certificate.issued_at.tzinfo)
    db.session.commit()
    query = _linkedin(client, code, Host="evil.example", **{"X-Forwarded-Host": "evil.example"})
    assert query["expirationYear"] == ["2031"] and query["expirationMonth"] == ["2"]
    assert query["issueYear"] == [str(certificate.issued_at.year)]
    assert query["certUrl"] == [f"{BASE}/verify/{code}"] and query["certId"] == [code]
