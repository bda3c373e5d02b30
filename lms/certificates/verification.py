"""What verifiers fetch (the issuer's controller document, its key, the signed revocation list)
and what the verify pages check (the stored credential's signature, the LinkedIn link)."""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from lms.certificates import codes, credentials
from lms.certificates.models import REVOKED, SUPERSEDED, Certificate
from lms.certificates.services import (
    CertificateError,
    base_url,
    issuer,
    issuer_id,
    key_id,
    legacy_key_id,
    signing_key,
)
from lms.db import utcnow
from lms.extensions import db


def verification_key(method_id: str | None = None) -> dict[str, object]:
    """The public key as a Multikey verification method, with its own context (published at
    /issuer/keys/1, and embedded in the issuer profile)."""
    return {"@context": credentials.MULTIKEY_V1, "id": method_id or key_id(), "type": "Multikey",
            "controller": issuer_id(),
            "publicKeyMultibase": credentials.public_multikey(signing_key())}


def issuer_document() -> dict[str, object]:
    """The issuer profile published at /issuer: an Open Badges Profile that is also the
    controller document of the key, which it lists for assertions (signing credentials)."""
    methods = [key_id(), legacy_key_id()]
    return {
        "@context": [credentials.CREDENTIALS_V2, credentials.OPEN_BADGES_V3,
                     credentials.CONTROLLER_TERMS],
        **issuer(),
        "verificationMethod": [verification_key(method) for method in methods],
        "assertionMethod": methods,
    }


def credential_verifies(credential: str) -> bool | None:
    """Whether a stored credential carries valid proofs by our key, naming one of our key's
    verification methods: issued today (a proof array) or before (one proof object), so
    already-issued certificates keep verifying. None when the key is missing (cannot tell)."""
    try:
        public_key = credentials.public_multikey(signing_key())
    except CertificateError:
        return None
    return _verifies(credential, key_id(), legacy_key_id(), public_key)


@lru_cache(maxsize=1024)
def _verifies(credential: str, method: str, legacy_method: str, public_key: str) -> bool:
    # Cached: canonicalizing takes milliseconds, and a credential never changes once stored.
    try:
        document = json.loads(credential)
    except ValueError:
        return False
    proofs = credentials.proofs(document)
    if not proofs or any(proof.get("verificationMethod") not in (method, legacy_method)
                         for proof in proofs):
        return False
    return credentials.verify(document, credentials.public_key_from_multikey(public_key))


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "add a certification" link, pointing at the public verification page on
    LMS_BASE_URL (never on the host a request claimed)."""
    fields: dict[str, object] = {
        "startTask": "CERTIFICATION_NAME", "name": certificate.course_title,
        "organizationName": current_app.config["LMS_ISSUER_NAME"],
        "issueYear": certificate.issued_at.year, "issueMonth": certificate.issued_at.month}
    if certificate.expires_at is not None:
        fields.update(expirationYear=certificate.expires_at.year,
                      expirationMonth=certificate.expires_at.month)
    display = codes.display(certificate.code)
    fields.update(certUrl=f"{base_url()}/verify/{display}", certId=display)
    return f"https://www.linkedin.com/profile/add?{urlencode(fields)}"


def status_list() -> str:
    """The signed revocation list (Bitstring Status List): revoked and superseded entries."""
    signing_key()  # a CertificateError (503) when the key is missing, not a file error
    revoked = tuple(sorted(db.session.scalars(select(Certificate.status_index).where(
        Certificate.status.in_([REVOKED, SUPERSEDED])))))
    return _signed_status_list(current_app.config["LMS_SIGNING_KEY_PATH"], base_url(),
                               current_app.config["LMS_ISSUER_NAME"], revoked)


@lru_cache(maxsize=8)
def _signed_status_list(key_path: str, base: str, issuer_name: str,
                        revoked: tuple[int, ...]) -> str:
    # Signed once per set of revoked entries (signing canonicalises the whole document).
    now = credentials.timestamp(utcnow().replace(microsecond=0))
    unsigned = credentials.bitstring_status_list(
        list_id=f"{base}/credentials/status/1", issuer=issuer(), valid_from=now,
        revoked_indexes=set(revoked))
    signed = credentials.sign(unsigned, credentials.key_from_file(key_path),
                              f"{base}/issuer/keys/1", now, proof_set=True)
    return json.dumps(signed, ensure_ascii=False)
