"""Signed certificates as W3C Verifiable Credentials: Open Badges 3.0 and Bitstring Status Lists.

Credentials are secured with a Data Integrity proof using the ``eddsa-rdfc-2022`` cryptosuite
(W3C vc-di-eddsa): the document and the proof configuration are canonicalized with RDFC-1.0
(URDNA2015), each hashed with SHA-256, and the concatenated hashes are signed with Ed25519.

JSON-LD contexts are never fetched: only the contexts bundled in ``contexts/`` can be used.
Canonicalization runs in a "safe mode": a property or IRI that JSON-LD expansion would silently
drop (and so leave unsigned) is an error instead.

This module is deliberately self-contained (stdlib, cryptography, pyld; no Flask); keys and
multikeys are in multikeys.py, re-exported here.
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from lms.certificates.multikeys import (
    CredentialError,
    base58btc_decode,
    base58btc_encode,
    generate_key,
    key_from_file,
    key_to_file,
    multibase_decode,
    private_key_from_multikey,
    public_key_from_multikey,
    public_multikey,
    secret_multikey,
)

__all__ = [
    "CONTEXTS",
    "CONTROLLER_TERMS",
    "CREDENTIALS_V2",
    "CREDENTIALS_EXAMPLES_V2",
    "CredentialError",
    "CRYPTOSUITE",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "MIN_STATUS_LIST_SIZE",
    "MULTIKEY_V1",
    "OPEN_BADGES_V3",
    "UnknownContextError",
    "UnsafeDocumentError",
    "base58btc_decode",
    "base58btc_encode",
    "bitstring_status_list",
    "canonicalize",
    "document_loader",
    "generate_key",
    "identity_matches",
    "identity_object",
    "is_revoked",
    "key_from_file",
    "key_to_file",
    "open_badge_credential",
    "private_key_from_multikey",
    "proofs",
    "public_key_from_multikey",
    "public_multikey",
    "secret_multikey",
    "sign",
    "status_list_entry",
    "timestamp",
    "verify",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXTS: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
    MULTIKEY_V1: "multikey-v1.jsonld",
}
# What makes an issuer profile a controller document: the two verification relationship terms
# of the Controlled Identifiers / DID vocabulary (the same IRIs as https://www.w3.org/ns/did/v1
# and the security vocabulary), which neither the VC 2.0 nor the Open Badges context defines.
CONTROLLER_TERMS: dict[str, Any] = {
    "verificationMethod": {"@id": "https://w3id.org/security#verificationMethod",
                           "@type": "@id"},
    "assertionMethod": {"@id": "https://w3id.org/security#assertionMethod", "@type": "@id",
                        "@container": "@set"},
}

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


MIN_STATUS_LIST_SIZE = 131072  # bits; Bitstring Status List v1.0 requires at least 16 KiB
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024  # refuse to inflate anything larger (gzip bombs)

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# what verify() accepts as a proof's "created" (an XML Schema dateTime with a time zone)
_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# pyld's own test for an absolute IRI (or blank node): anything else is dropped from the RDF.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


class UnknownContextError(CredentialError):
    """A JSON-LD context URL that is not bundled with the application."""


class UnsafeDocumentError(CredentialError):
    """A document with content that JSON-LD processing would silently drop."""


# --- JSON-LD ---------------------------------------------------------------------------------


@functools.cache
def _context_file(url: str) -> dict[str, Any]:
    """Parse (once) the bundled file that serves a context URL."""
    with (CONTEXTS_DIR / CONTEXTS[url]).open(encoding="utf-8") as handle:
        parsed: dict[str, Any] = json.load(handle)
    return parsed


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader serving only the bundled contexts; any other URL is an error."""
    if url not in CONTEXTS:
        raise UnknownContextError(
            f"JSON-LD context {url!r} is not bundled and will not be fetched; "
            f"allowed: {', '.join(sorted(CONTEXTS))}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            # a copy, so that nothing pyld does to the document can alter the cache
            "document": copy.deepcopy(_context_file(url))}


def _on_property_dropped(expanded_property: str | None) -> None:
    """Fail instead of silently dropping a term that the contexts do not define."""
    raise UnsafeDocumentError(
        f"property {expanded_property!r} is not defined by the document's JSON-LD contexts "
        "and would be left out of the signature")


def _check_iris(node: Any) -> None:
    """Fail on any relative @id or @type in expanded JSON-LD: RDF would drop them unsigned."""
    if isinstance(node, list):
        for item in node:
            _check_iris(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@id":
            if not isinstance(value, str) or not _ABSOLUTE_IRI.match(value):
                raise UnsafeDocumentError(f"{value!r} is not an absolute IRI")
        elif key == "@type":
            for type_ in value if isinstance(value, list) else [value]:
                if type_ != "@json" and (not isinstance(type_, str)
                                         or not _ABSOLUTE_IRI.match(type_)):
                    raise UnsafeDocumentError(f"type {type_!r} is not defined by the contexts")
        elif key not in ("@value", "@language", "@direction", "@index"):
            _check_iris(value)


def _unwrap(error: BaseException) -> CredentialError:
    """The CredentialError that caused a pyld error, or a CredentialError wrapping it."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, CredentialError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return CredentialError(f"JSON-LD processing failed: {error}")


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, in safe mode."""
    # no base IRI: a relative IRI stays relative (pyld would otherwise resolve it against
    # http://example.org/base/), so that the check below finds it
    options: dict[str, Any] = {"documentLoader": document_loader, "base": None}
    try:
        expanded = jsonld.JsonLdProcessor(on_property_dropped=_on_property_dropped).expand(
            document, dict(options))
        _check_iris(expanded)
        canonical = jsonld.normalize(document, {
            "algorithm": "URDNA2015", "format": "application/n-quads", **options})
    except CredentialError:
        raise
    except jsonld.JsonLdError as error:
        raise _unwrap(error) from error
    if not isinstance(canonical, str):  # pragma: no cover - pyld returns str for n-quads
        raise CredentialError("canonicalization did not produce N-Quads")
    return canonical


# --- Data Integrity proofs (eddsa-rdfc-2022) ----------------------------------------------------


def timestamp(moment: datetime | None = None) -> str:
    """An XML Schema dateTime in UTC to the second ('YYYY-MM-DDTHH:MM:SSZ'), default now."""
    moment = datetime.now(UTC) if moment is None else moment
    if moment.tzinfo is None:
        raise ValueError("timestamp() needs an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_timestamp(value: str, what: str) -> None:
    """ValueError unless value is a real UTC date and time written 'YYYY-MM-DDTHH:MM:SSZ'."""
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        raise ValueError(f"{what} must be written YYYY-MM-DDTHH:MM:SSZ, got {value!r}")
    datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")  # rejects impossible dates


def _hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """sha256(canonical proof configuration) || sha256(canonical document)."""
    proof_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode("utf-8")).digest()
    return proof_hash + document_hash


def sign(unsigned: dict[str, Any], private_key: Ed25519PrivateKey, verification_method: str,
         created: str, proof_purpose: str = "assertionMethod", *,
         proof_set: bool = False) -> dict[str, Any]:
    """A copy of the document with an eddsa-rdfc-2022 DataIntegrityProof added (as a one-proof
    array when proof_set: Open Badges 3.0's schema requires one; the signature is the same)."""
    if "proof" in unsigned:
        raise CredentialError("the document already has a proof")
    if "@context" not in unsigned:
        raise CredentialError("the document has no @context")
    _check_timestamp(created, "created")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
        "verificationMethod": verification_method, "proofPurpose": proof_purpose,
    }
    document = copy.deepcopy(unsigned)
    proof_config = {**proof, "@context": copy.deepcopy(document["@context"])}
    signature = private_key.sign(_hash_data(document, proof_config))
    signed = {**proof, "proofValue": "z" + base58btc_encode(signature)}
    return {**document, "proof": [signed] if proof_set else signed}


def proofs(signed: Any) -> list[dict[str, Any]]:
    """The proofs of a document: its one proof object, or every proof of a proof set (array);
    an empty list when there is none or one is not an object."""
    if not isinstance(signed, dict):
        return []
    found = signed.get("proof")
    if isinstance(found, dict):
        return [found]
    if isinstance(found, list) and found and all(isinstance(proof, dict) for proof in found):
        return found
    return []


def _verify_proof(document: dict[str, Any], proof: dict[str, Any],
                  public_key: Ed25519PublicKey) -> bool:
    """Whether one eddsa-rdfc-2022 proof over the document (without its proofs) is by this key."""
    try:
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        signature = multibase_decode(proof.get("proofValue"))  # type: ignore[arg-type]
        if (len(signature) != 64 or options.get("type") != PROOF_TYPE
                or options.get("cryptosuite") != CRYPTOSUITE or "@context" not in document):
            return False
        if "created" in options and not (isinstance(options["created"], str)
                                         and _DATETIME.fullmatch(options["created"])):
            return False
        if "@context" in options:
            # a proof's own @context must be a prefix of the document's (vc-di-eddsa 3.3.2)
            own = options["@context"] if isinstance(options["@context"], list) else [
                options["@context"]]
            outer = document["@context"] if isinstance(document["@context"], list) else [
                document["@context"]]
            if outer[:len(own)] != own:
                return False
        options["@context"] = document["@context"]
        public_key.verify(signature, _hash_data(document, options))
    except (InvalidSignature, ValueError, TypeError, KeyError, AttributeError,
            jsonld.JsonLdError):
        return False
    return True


def verify(signed: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True only if the document carries valid eddsa-rdfc-2022 proofs by this key: its proof
    object, or every proof of its proof set (a non-empty array), as issued before and since."""
    found = proofs(signed)
    if not found:
        return False
    document = {key: value for key, value in signed.items() if key != "proof"}
    return all(_verify_proof(document, proof, public_key) for proof in found)


# --- Open Badges 3.0 ---------------------------------------------------------------------------


def status_list_entry(*, list_credential: str, index: int) -> dict[str, Any]:
    """A BitstringStatusListEntry pointing at one revocation bit of a status list credential."""
    if index < 0:
        raise ValueError("a status list index cannot be negative")
    return {"id": f"{list_credential}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": list_credential}


def identity_object(identity: str, salt: str,
                    identity_type: str = "emailAddress") -> dict[str, Any]:
    """An Open Badges 3.0 IdentityObject holding only a salted SHA-256 hash of the identity:
    whoever knows the identity (an address) can check it, nobody can read it."""
    if not identity or not salt:
        raise ValueError("an identity hash needs an identity and a salt")
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "identityHash": f"sha256${digest}",
            "identityType": identity_type, "hashed": True, "salt": salt}


def identity_matches(identity_object: Mapping[str, Any], identity: str) -> bool:
    """Whether a hashed IdentityObject (OB 3.0 IdentityHash: 'sha256$' + hex of
    SHA-256(identity + salt), UTF-8) is the hash of this identity."""
    expected = identity_object.get("identityHash")
    salt = identity_object.get("salt", "")
    if (identity_object.get("hashed") is not True or not isinstance(expected, str)
            or not isinstance(salt, str) or not expected.lower().startswith("sha256$")):
        return False
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest, expected[len("sha256$"):].lower())


def open_badge_credential(*, credential_id: str, issuer: dict[str, Any], valid_from: str,
                          valid_until: str | None = None, name: str, subject: dict[str, Any],
                          achievement: dict[str, Any],
                          status: dict[str, Any] | None = None) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 OpenBadgeCredential (W3C VC 2.0)."""
    if not credential_id.startswith("urn:uuid:"):
        raise ValueError(f"credential_id must be a urn:uuid: IRI, got {credential_id!r}")
    _check_timestamp(valid_from, "valid_from")
    if not subject.get("id") and not subject.get("identifier"):
        raise ValueError("the credential subject needs an id or an identifier (OB 3.0)")
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": copy.deepcopy(issuer),
        "validFrom": valid_from,
        "name": name,
        "credentialSubject": {**copy.deepcopy(subject), "achievement": copy.deepcopy(achievement)},
    }
    if valid_until is not None:
        _check_timestamp(valid_until, "valid_until")
        if valid_until < valid_from:
            raise ValueError("valid_until is before valid_from")
        credential["validUntil"] = valid_until
    if status is not None:
        entry = copy.deepcopy(status)
        if entry.get("type") != "BitstringStatusListEntry":
            raise ValueError("credentialStatus must be a BitstringStatusListEntry")
        if not isinstance(entry.get("statusListIndex"), str) or not entry[
                "statusListIndex"].isdigit():
            raise ValueError("statusListIndex must be a string of digits")
        credential["credentialStatus"] = entry
    return credential


# --- Bitstring Status List v1.0 ------------------------------------------------------------------


def bitstring_status_list(*, list_id: str, issuer: dict[str, Any], valid_from: str,
                          revoked_indexes: set[int],
                          size: int = MIN_STATUS_LIST_SIZE) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential with the given indexes revoked."""
    if size < MIN_STATUS_LIST_SIZE or size % 8:
        raise ValueError(f"size must be a multiple of 8 and at least {MIN_STATUS_LIST_SIZE}")
    _check_timestamp(valid_from, "valid_from")
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} is outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 is the first byte's top bit
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    encoded = "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")
    return {
        # the Open Badges context too, for the issuer Profile shared with the badges
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": copy.deepcopy(issuer),
        "validFrom": valid_from,
        "credentialSubject": {"id": f"{list_id}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encoded},
    }


def is_revoked(status_list_credential: dict[str, Any], index: int) -> bool:
    """Whether a revocation status list credential has the bit at this index set."""
    subject = status_list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise CredentialError("not a BitstringStatusListCredential")
    if subject.get("statusPurpose") != "revocation":
        raise CredentialError("the status list is not a revocation list")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise CredentialError("encodedList is not a base64url multibase value")
    try:
        compressed = base64.b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4),
                                      altchars=b"-_", validate=True)
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip container
        bits = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES)
    except (ValueError, zlib.error) as error:
        raise CredentialError(f"encodedList cannot be decoded: {error}") from error
    if inflater.unconsumed_tail:
        raise CredentialError("encodedList is too large")
    if not inflater.eof:
        raise CredentialError("encodedList is truncated")
    if not 0 <= index < len(bits) * 8:
        raise CredentialError(f"status list index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
