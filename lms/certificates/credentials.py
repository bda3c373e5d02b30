"""Signed certificates as W3C Verifiable Credentials: Open Badges 3.0 and Bitstring Status Lists.

Credentials are secured with a Data Integrity proof using the ``eddsa-rdfc-2022`` cryptosuite
(W3C vc-di-eddsa): the document and the proof configuration are canonicalized with RDFC-1.0
(URDNA2015), each hashed with SHA-256, and the concatenated hashes are signed with Ed25519.

JSON-LD contexts are never fetched: only the contexts bundled in ``contexts/`` can be used.
Canonicalization runs in a "safe mode": a property or IRI that JSON-LD expansion would silently
drop (and so leave unsigned) is an error instead.

This module is deliberately self-contained (stdlib, cryptography, pyld; no Flask).
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import hashlib
import json
import os
import re
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

__all__ = [
    "CONTEXTS",
    "CREDENTIALS_V2",
    "CREDENTIALS_EXAMPLES_V2",
    "CredentialError",
    "CRYPTOSUITE",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "MIN_STATUS_LIST_SIZE",
    "OPEN_BADGES_V3",
    "UnknownContextError",
    "UnsafeDocumentError",
    "base58btc_decode",
    "base58btc_encode",
    "bitstring_status_list",
    "canonicalize",
    "document_loader",
    "generate_key",
    "is_revoked",
    "key_from_file",
    "key_to_file",
    "open_badge_credential",
    "private_key_from_multikey",
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

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXTS: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
}

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"

ED25519_PUBLIC_PREFIX = b"\xed\x01"  # multicodec ed25519-pub
ED25519_SECRET_PREFIX = b"\x80\x26"  # multicodec ed25519-priv

MIN_STATUS_LIST_SIZE = 131072  # bits; Bitstring Status List v1.0 requires at least 16 KiB
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024  # refuse to inflate anything larger (gzip bombs)

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# what verify() accepts as a proof's "created" (an XML Schema dateTime with a time zone)
_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# pyld's own test for an absolute IRI (or blank node): anything else is dropped from the RDF.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}


class CredentialError(ValueError):
    """A credential cannot be built, canonicalized or read."""


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


# --- base58btc, multibase and multikey -----------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet) encoding of bytes, leading zero bytes as '1'."""
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _B58_ALPHABET[remainder] + encoded
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def base58btc_decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet) text; ValueError on any character outside it."""
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"invalid base58btc character {char!r}")
        number = number * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def _multibase_decode(value: str) -> bytes:
    """Bytes of a base58btc multibase string ('z' prefix); ValueError otherwise."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("expected a base58btc multibase value starting with 'z'")
    return base58btc_decode(value[1:])


def _raw_public(key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_multikey(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Multikey (publicKeyMultibase) of an Ed25519 public key, or of a private key's public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return "z" + base58btc_encode(ED25519_PUBLIC_PREFIX + _raw_public(public))


def secret_multikey(key: Ed25519PrivateKey) -> str:
    """Multikey (secretKeyMultibase) of an Ed25519 private key."""
    return "z" + base58btc_encode(ED25519_SECRET_PREFIX + key.private_bytes_raw())


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """Ed25519 public key from its multikey ('z6Mk...'); ValueError if it is not one."""
    raw = _multibase_decode(value)
    if len(raw) != 34 or not raw.startswith(ED25519_PUBLIC_PREFIX):
        raise ValueError("not an Ed25519 public multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    """Ed25519 private key from its secret multikey ('z3u2...'); ValueError if it is not one."""
    raw = _multibase_decode(value)
    if len(raw) != 34 or not raw.startswith(ED25519_SECRET_PREFIX):
        raise ValueError("not an Ed25519 secret multikey")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


# --- keys ----------------------------------------------------------------------------------------


def generate_key() -> Ed25519PrivateKey:
    """A new random Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def key_to_file(key: Ed25519PrivateKey, path: str | os.PathLike[str]) -> None:
    """Write a key as JSON multikeys to a new file with mode 0600 (never overwrites one)."""
    content = json.dumps({"publicKeyMultibase": public_multikey(key),
                          "secretKeyMultibase": secret_multikey(key)}, indent=2) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(content)
    except BaseException:
        Path(path).unlink(missing_ok=True)  # no half-written key left behind
        raise


def key_from_file(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Read a key written by key_to_file (or a W3C keyPair.json); checks the public key matches."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    secret = data.get("secretKeyMultibase") or data.get("privateKeyMultibase")
    if not isinstance(secret, str):
        raise CredentialError(f"{path}: no secretKeyMultibase")
    key = private_key_from_multikey(secret)
    if "publicKeyMultibase" in data and data["publicKeyMultibase"] != public_multikey(key):
        raise CredentialError(f"{path}: publicKeyMultibase does not match the secret key")
    return key


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
         created: str, proof_purpose: str = "assertionMethod") -> dict[str, Any]:
    """A copy of the document with an eddsa-rdfc-2022 DataIntegrityProof added."""
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
    return {**document, "proof": {**proof, "proofValue": "z" + base58btc_encode(signature)}}


def verify(signed: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True only if the document carries a valid eddsa-rdfc-2022 proof by this key."""
    try:
        if not isinstance(signed, dict) or not isinstance(signed.get("proof"), dict):
            return False
        document = {key: value for key, value in signed.items() if key != "proof"}
        options = {key: value for key, value in signed["proof"].items() if key != "proofValue"}
        signature = _multibase_decode(signed["proof"].get("proofValue"))
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


# --- Open Badges 3.0 ---------------------------------------------------------------------------


def status_list_entry(*, list_credential: str, index: int) -> dict[str, Any]:
    """A BitstringStatusListEntry pointing at one revocation bit of a status list credential."""
    if index < 0:
        raise ValueError("a status list index cannot be negative")
    return {"id": f"{list_credential}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": list_credential}


def open_badge_credential(*, credential_id: str, issuer: dict[str, Any], valid_from: str,
                          valid_until: str | None = None, name: str, subject: dict[str, Any],
                          achievement: dict[str, Any],
                          status: dict[str, Any] | None = None) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 OpenBadgeCredential (W3C VC 2.0)."""
    if not credential_id.startswith("urn:uuid:"):
        raise ValueError(f"credential_id must be a urn:uuid: IRI, got {credential_id!r}")
    _check_timestamp(valid_from, "valid_from")
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
