"""Signed credentials: the W3C eddsa-rdfc-2022 test vector, Open Badges, status lists and keys."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import re
import socket
import stat
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from lms.certificates import credentials
from lms.certificates.credentials import (
    CredentialError,
    UnknownContextError,
    UnsafeDocumentError,
)

VECTORS = Path(__file__).parent / "vectors"

ISSUER = {"id": "https://lms.example/issuer", "type": ["Profile"], "name": "Open Government LMS",
          "url": "https://lms.example"}
STATUS_LIST = "https://lms.example/credentials/status/1"
KEY_ID = "https://lms.example/issuer/keys/1"
SALT = "5c1f0a3e9b7d42e6a8f0c2d4e6b8a0c1"


def _text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8")


def _json(name: str) -> Any:
    return json.loads(_text(name))


def _vector_key() -> credentials.Ed25519PrivateKey:
    return credentials.private_key_from_multikey(_json("keyPair.json")["privateKeyMultibase"])


def _badge(**changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "credential_id": "urn:uuid:0b6f1ee4-7d0c-4c4b-9f8e-6a4f7d0f3a11",
        "issuer": ISSUER,
        "valid_from": "2025-03-04T10:11:12Z",
        "valid_until": "2028-03-04T10:11:12Z",
        "name": "Open Government Leadership",
        "subject": {"type": ["AchievementSubject"], "name": "Ada Lovelace",
                    "identifier": [credentials.identity_object("ada@example.org", SALT)]},
        "achievement": {
            "id": "https://lms.example/courses/leadership/", "type": ["Achievement"],
            "name": "Open Government Leadership", "description": "Leading reform in the open.",
            "criteria": {"narrative": "Every lesson completed and every check passed."},
        },
        "status": credentials.status_list_entry(list_credential=STATUS_LIST, index=94567),
    }
    arguments.update(changes)
    return credentials.open_badge_credential(**arguments)


def _strings(value: Any, key: str = "") -> list[str]:
    """Every string leaf of a JSON document, except @context URLs and type names."""
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("@context", "type")
                for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, key)]
    return [value] if isinstance(value, str) else []


# --- the W3C vc-di-eddsa test vector --------------------------------------------------------------


def test_canonical_document_matches_vector() -> None:
    canonical = credentials.canonicalize(_json("unsigned.json"))
    assert canonical.strip() == _text("eddsa-rdfc-2022-canonDocDataInt.txt").strip()


def test_canonical_proof_config_matches_vector() -> None:
    canonical = credentials.canonicalize(_json("eddsa-rdfc-2022-proofConfigDataInt.json"))
    assert canonical.strip() == _text("eddsa-rdfc-2022-proofCanonDataInt.txt").strip()


def test_hash_signature_and_proof_value_match_vector() -> None:
    unsigned = _json("unsigned.json")
    options = _json("eddsa-rdfc-2022-proofConfigDataInt.json")
    key = _vector_key()
    assert credentials.public_multikey(key) == _json("keyPair.json")["publicKeyMultibase"]

    combined = (hashlib.sha256(credentials.canonicalize(options).encode()).digest()
                + hashlib.sha256(credentials.canonicalize(unsigned).encode()).digest())
    assert combined.hex() == _text("eddsa-rdfc-2022-combinedHashDataInt.txt").strip()
    signature = key.sign(combined)
    assert signature.hex() == _text("eddsa-rdfc-2022-sigHexDataInt.txt").strip()

    signed = credentials.sign(unsigned, key, options["verificationMethod"], options["created"],
                              options["proofPurpose"])
    expected = _json("eddsa-rdfc-2022-signedDataInt.json")
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert signed["proof"]["proofValue"] == "z" + credentials.base58btc_encode(signature)
    assert signed == expected
    assert "proof" not in unsigned  # sign() returns a new document


def test_vector_signed_credential_verifies() -> None:
    public = credentials.public_key_from_multikey(_json("keyPair.json")["publicKeyMultibase"])
    signed = _json("eddsa-rdfc-2022-signedDataInt.json")
    assert credentials.verify(signed, public)
    assert not credentials.verify(signed, credentials.generate_key().public_key())
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Counterexamples"
    assert not credentials.verify(tampered, public)


# --- multibase and multikey ----------------------------------------------------------------------


def test_base58btc_round_trip() -> None:
    assert credentials.base58btc_encode(b"") == ""
    assert credentials.base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"
    assert credentials.base58btc_encode(b"\0\0\x01") == "112"
    for data in (b"", b"\0", b"\0\0abc", bytes(range(256)), b"\xff" * 40):
        assert credentials.base58btc_decode(credentials.base58btc_encode(data)) == data
    with pytest.raises(ValueError, match="base58btc"):
        credentials.base58btc_decode("0OIl")


def test_multikeys_round_trip_and_reject_other_keys() -> None:
    key = credentials.generate_key()
    public = credentials.public_multikey(key)
    assert public.startswith("z6Mk")
    assert credentials.public_multikey(key.public_key()) == public
    assert credentials.public_multikey(credentials.public_key_from_multikey(public)) == public
    secret = credentials.secret_multikey(key)
    assert secret.startswith("z3u2")
    assert credentials.secret_multikey(credentials.private_key_from_multikey(secret)) == secret
    with pytest.raises(ValueError):
        credentials.public_key_from_multikey(secret)
    with pytest.raises(ValueError):
        credentials.private_key_from_multikey(public)
    with pytest.raises(ValueError):
        credentials.public_key_from_multikey("u" + public[1:])


# --- the document loader -------------------------------------------------------------------------


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("the network was used")


def test_document_loader_serves_only_bundled_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(jsonld, "_default_document_loader", _no_network)

    for url in credentials.CONTEXTS:
        remote = credentials.document_loader(url, {})
        assert remote["documentUrl"] == url
        assert "@context" in remote["document"]
    served = credentials.document_loader(credentials.CREDENTIALS_V2)["document"]
    served["@context"]["name"] = "https://evil.example/name"  # callers get a copy
    assert credentials.document_loader(credentials.CREDENTIALS_V2)["document"] != served

    unknown = "https://unknown.example/contexts/v1"
    with pytest.raises(UnknownContextError, match="not bundled"):
        credentials.document_loader(unknown, {})
    with pytest.raises(UnknownContextError, match="unknown.example"):
        credentials.canonicalize({"@context": [credentials.CREDENTIALS_V2, unknown],
                                  "id": "urn:uuid:1", "name": "x"})
    with pytest.raises(UnknownContextError):
        credentials.canonicalize({"@context": "https://www.w3.org/2018/credentials/v1"})
    # and with the network gone, the bundled contexts still work
    assert credentials.canonicalize(_json("unsigned.json")).strip() == _text(
        "eddsa-rdfc-2022-canonDocDataInt.txt").strip()


# --- Open Badges credentials ---------------------------------------------------------------------


def test_open_badge_credential_shape() -> None:
    badge = _badge()
    assert badge["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["issuer"] == ISSUER
    assert badge["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert badge["credentialStatus"] == {
        "id": f"{STATUS_LIST}#94567", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "94567",
        "statusListCredential": STATUS_LIST}
    bare = _badge(valid_until=None, status=None)
    assert "validUntil" not in bare and "credentialStatus" not in bare
    with pytest.raises(ValueError, match="urn:uuid"):
        _badge(credential_id="https://lms.example/credentials/1")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        _badge(valid_from="2025-03-04 10:11:12")
    with pytest.raises(ValueError):
        _badge(valid_from="2025-02-30T10:11:12Z")
    with pytest.raises(ValueError, match="statusListIndex"):
        _badge(status={**credentials.status_list_entry(list_credential=STATUS_LIST, index=1),
                       "statusListIndex": 1})


def test_the_subject_is_identified_by_a_salted_hash_of_the_address() -> None:
    # the example of OB 3.0's IdentityHash: 'a@example.com' salted with 'Kosher'
    example = credentials.identity_object("a@example.com", "Kosher")
    assert example == {
        "type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
        "salt": "Kosher",
        "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"}
    assert credentials.identity_matches(example, "a@example.com")
    assert credentials.identity_matches(
        {**example, "identityHash": example["identityHash"].upper().replace("SHA256", "sha256")},
        "a@example.com")
    assert not credentials.identity_matches(example, "b@example.com")
    assert not credentials.identity_matches({**example, "salt": "Other"}, "a@example.com")
    assert not credentials.identity_matches({**example, "hashed": False}, "a@example.com")
    assert not credentials.identity_matches(
        {**example, "identityHash": "md5$" + "0" * 32}, "a@example.com")

    [identity] = _badge()["credentialSubject"]["identifier"]
    assert "ada@example.org" not in json.dumps(_badge())
    assert credentials.identity_matches(identity, "ada@example.org")
    with pytest.raises(ValueError, match="id or an identifier"):
        _badge(subject={"type": ["AchievementSubject"], "name": "Ada Lovelace"})
    with pytest.raises(ValueError, match="salt"):
        credentials.identity_object("ada@example.org", "")


@pytest.mark.parametrize("document", [
    pytest.param(_badge(), id="open-badge"),
    pytest.param(credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes={3}), id="status-list"),
])
def test_nothing_we_write_is_dropped_by_json_ld(document: dict[str, Any]) -> None:
    canonical = credentials.canonicalize(document)
    # every property expands to an absolute IRI: none is dropped
    dropped: list[str | None] = []
    expanded = jsonld.expand(document, {"documentLoader": credentials.document_loader},
                             on_property_dropped=dropped.append)
    assert dropped == []
    assert expanded
    # every value we wrote is in the signed N-Quads
    for value in _strings(document):
        assert f'"{value}"' in canonical or f"<{value}>" in canonical, value
    # and no type fell back to a relative IRI
    assert not re.search(r"<(?![a-z][a-z0-9+.-]*:)", canonical)


def test_canonicalize_refuses_what_json_ld_would_drop() -> None:
    with pytest.raises(UnsafeDocumentError, match="not defined"):
        credentials.canonicalize({**_badge(), "nickname": "unsigned"})
    with pytest.raises(UnsafeDocumentError, match="not defined"):
        credentials.canonicalize({**_badge(), "type": ["VerifiableCredential", "Diploma"]})
    with pytest.raises(UnsafeDocumentError, match="absolute IRI"):
        credentials.canonicalize({**_badge(), "id": "not an iri"})
    with pytest.raises(UnsafeDocumentError, match="absolute IRI"):
        credentials.canonicalize({**_badge(), "id": "credential-1"})  # relative
    achievement = {**_badge()["credentialSubject"]["achievement"], "id": "/courses/x/"}
    with pytest.raises(UnsafeDocumentError, match="absolute IRI"):
        credentials.canonicalize(_badge(achievement=achievement))
    subject = {**_badge()["credentialSubject"], "shoeSize": 38}
    with pytest.raises(UnsafeDocumentError):
        credentials.canonicalize(_badge(subject=subject))
    identity = {**credentials.identity_object("ada@example.org", SALT), "pepper": "x"}
    with pytest.raises(UnsafeDocumentError):
        credentials.canonicalize(_badge(subject={**_badge()["credentialSubject"],
                                                 "identifier": [identity]}))


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


def _get(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def _other_proof_value(value: str) -> str:
    last = "2" if value[-1] != "2" else "3"
    return value[:-1] + last


TAMPERING: list[tuple[tuple[str, ...], Any]] = [
    (("name",), "Open Government Leadership (Honours)"),
    (("credentialSubject", "name"), "Grace Hopper"),
    (("credentialSubject", "identifier"),
     [credentials.identity_object("grace@example.org", SALT)]),
    (("credentialSubject", "achievement", "name"), "Something Else"),
    (("credentialSubject", "achievement", "criteria", "narrative"), "Nothing at all."),
    (("credentialSubject", "achievement", "id"), "https://lms.example/courses/other/"),
    (("validFrom",), "2025-03-04T10:11:13Z"),
    (("validUntil",), "2099-03-04T10:11:12Z"),
    (("issuer", "id"), "https://evil.example/issuer"),
    (("issuer", "name"), "Someone Else"),
    (("id",), "urn:uuid:0b6f1ee4-7d0c-4c4b-9f8e-6a4f7d0f3a12"),
    (("type",), ["VerifiableCredential"]),
    (("credentialStatus", "statusListIndex"), "94568"),
    (("credentialStatus", "statusListCredential"), "https://evil.example/status/1"),
    (("proof", "created"), "2025-03-04T10:11:13Z"),
    (("proof", "verificationMethod"), "https://evil.example/issuer#key-1"),
    (("proof", "proofPurpose"), "authentication"),
    (("proof", "cryptosuite"), "ecdsa-rdfc-2019"),
    (("proof", "proofValue"), _other_proof_value),
]


@pytest.mark.parametrize("proof_set", [True, False], ids=["proof-array", "proof-object"])
def test_open_badge_signs_verifies_and_any_change_breaks_it(proof_set: bool) -> None:
    key = credentials.generate_key()
    unsigned = _badge()
    signed = credentials.sign(unsigned, key, KEY_ID, "2025-03-04T10:11:12Z",
                              proof_set=proof_set)
    [proof] = signed["proof"] if proof_set else [signed["proof"]]
    assert isinstance(signed["proof"], list if proof_set else dict)
    assert proof == {
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-03-04T10:11:12Z", "verificationMethod": KEY_ID,
        "proofPurpose": "assertionMethod", "proofValue": proof["proofValue"]}
    assert {k: v for k, v in signed.items() if k != "proof"} == unsigned
    assert credentials.verify(signed, key.public_key())
    assert credentials.verify(json.loads(json.dumps(signed, sort_keys=True)), key.public_key())
    assert not credentials.verify(signed, credentials.generate_key().public_key())

    for path, change in TAMPERING:
        tampered = copy.deepcopy(signed)
        if proof_set and path[0] == "proof":
            path = ("proof", 0, *path[1:])  # type: ignore[assignment]
        new = change(_get(tampered, path)) if callable(change) else change
        assert new != _get(tampered, path), path
        _set(tampered, path, new)
        assert not credentials.verify(tampered, key.public_key()), path
    assert credentials.verify(signed, key.public_key())  # the loop changed only copies


def test_the_same_signature_whether_one_proof_or_a_proof_set() -> None:
    key = credentials.generate_key()
    as_object = credentials.sign(_badge(), key, KEY_ID, "2025-03-04T10:11:12Z")
    as_set = credentials.sign(_badge(), key, KEY_ID, "2025-03-04T10:11:12Z", proof_set=True)
    assert as_set["proof"] == [as_object["proof"]]  # Ed25519 is deterministic
    other = credentials.generate_key()
    foreign = credentials.sign(_badge(), other, KEY_ID, "2025-03-04T10:11:12Z")["proof"]
    # every proof of a set must be ours and valid: one bad proof fails the whole set
    assert credentials.verify({**as_set, "proof": [*as_set["proof"]] * 2}, key.public_key())
    assert not credentials.verify({**as_set, "proof": [*as_set["proof"], foreign]},
                                  key.public_key())
    assert not credentials.verify({**as_set, "proof": [foreign]}, key.public_key())
    assert not credentials.verify({**as_set, "proof": []}, key.public_key())
    assert not credentials.verify({**as_set, "proof": [*as_set["proof"], "z123"]},
                                  key.public_key())


def test_verify_is_false_not_an_error_for_broken_proofs() -> None:
    key = credentials.generate_key()
    signed = credentials.sign(_badge(), key, KEY_ID, "2025-03-04T10:11:12Z")
    public = key.public_key()
    broken: list[dict[str, Any]] = [
        {k: v for k, v in signed.items() if k != "proof"},
        {**signed, "proof": "z123"},
        {**signed, "proof": []},
        {**signed, "proof": [signed["proof"], None]},
        {**signed, "proof": [{**signed["proof"], "proofValue": "z3"}]},
        {**signed, "proof": {**signed["proof"], "proofValue": None}},
        {**signed, "proof": {**signed["proof"], "proofValue": "not base58 0OIl"}},
        {**signed, "proof": {**signed["proof"], "proofValue": "z3"}},
        {**signed, "proof": {k: v for k, v in signed["proof"].items() if k != "proofValue"}},
        {**signed, "proof": {**signed["proof"], "type": "Ed25519Signature2020"}},
        {**signed, "proof": {**signed["proof"], "created": "yesterday"}},
        {**signed, "proof": {**signed["proof"], "expires": "2030-01-01T00:00:00Z"}},
        {**signed, "proof": {**signed["proof"], "@context": ["https://other.example/v1"]}},
        {**signed, "nickname": "added after signing"},  # would be dropped, so unsigned
        {**signed, "type": [*signed["type"], "Diploma"]},  # an undefined type, likewise
        {**signed, "@context": [credentials.CREDENTIALS_V2, "https://unknown.example/v1"]},
        {k: v for k, v in signed.items() if k != "validUntil"},
        {k: v for k, v in signed.items() if k != "@context"},
    ]
    for document in broken:
        assert credentials.verify(document, public) is False, document
    assert credentials.verify({**signed, "proof": {**signed["proof"],
                                                   "@context": signed["@context"][:1]}}, public)


def test_verify_accepts_other_issuers_date_times() -> None:
    key = credentials.generate_key()
    unsigned = _badge()
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
               "created": "2025-03-04T10:11:12.250+02:00", "verificationMethod": KEY_ID,
               "proofPurpose": "assertionMethod"}
    combined = (hashlib.sha256(credentials.canonicalize(
        {**options, "@context": unsigned["@context"]}).encode()).digest()
        + hashlib.sha256(credentials.canonicalize(unsigned).encode()).digest())
    proof_value = "z" + credentials.base58btc_encode(key.sign(combined))
    signed = {**unsigned, "proof": {**options, "proofValue": proof_value}}
    assert credentials.verify(signed, key.public_key())


def test_sign_refuses_bad_input() -> None:
    key = credentials.generate_key()
    signed = credentials.sign(_badge(), key, KEY_ID, "2025-03-04T10:11:12Z")
    with pytest.raises(CredentialError, match="already"):
        credentials.sign(signed, key, KEY_ID, "2025-03-04T10:11:12Z")
    with pytest.raises(ValueError, match="created"):
        credentials.sign(_badge(), key, KEY_ID, "2025-03-04T10:11:12+00:00")
    with pytest.raises(UnsafeDocumentError):
        credentials.sign({**_badge(), "nickname": "x"}, key, KEY_ID, "2025-03-04T10:11:12Z")


# --- Bitstring Status List -----------------------------------------------------------------------


def test_status_list_round_trip() -> None:
    revoked = {0, 7, 8, 94567, 131071}
    unsigned = credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes=revoked)
    assert unsigned["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = unsigned["credentialSubject"]
    assert subject["id"] == f"{STATUS_LIST}#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u") and "=" not in encoded

    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) == 131072 // 8
    assert bits[0] == 0b1000_0001 and bits[1] == 0b1000_0000  # index 0 = first byte's top bit
    assert bits[-1] == 0b0000_0001

    for index in revoked:
        assert credentials.is_revoked(unsigned, index), index
    for index in (1, 6, 9, 15, 94566, 94568, 131070):
        assert not credentials.is_revoked(unsigned, index), index
    with pytest.raises(CredentialError, match="outside"):
        credentials.is_revoked(unsigned, 131072)

    again = credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes=set(revoked))
    assert again == unsigned  # gzip is deterministic

    empty = credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes=set(), size=2 * 131072)
    assert not any(credentials.is_revoked(empty, index) for index in (0, 131072, 262143))

    with pytest.raises(ValueError, match="outside"):
        credentials.bitstring_status_list(list_id=STATUS_LIST, issuer=ISSUER,
                                          valid_from="2025-03-04T10:11:12Z",
                                          revoked_indexes={131072})
    with pytest.raises(ValueError, match="at least"):
        credentials.bitstring_status_list(list_id=STATUS_LIST, issuer=ISSUER,
                                          valid_from="2025-03-04T10:11:12Z",
                                          revoked_indexes=set(), size=1024)


def test_status_list_signs_and_verifies() -> None:
    key = credentials.generate_key()
    unsigned = credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes={5, 94567})
    signed = credentials.sign(unsigned, key, KEY_ID, "2025-03-04T10:11:12Z")
    assert credentials.verify(signed, key.public_key())
    assert credentials.is_revoked(signed, 94567)

    unrevoked = credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes={5})
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["encodedList"] = unrevoked["credentialSubject"]["encodedList"]
    assert not credentials.is_revoked(tampered, 94567)
    assert not credentials.verify(tampered, key.public_key())


def test_is_revoked_rejects_other_lists() -> None:
    unsigned = credentials.bitstring_status_list(
        list_id=STATUS_LIST, issuer=ISSUER, valid_from="2025-03-04T10:11:12Z",
        revoked_indexes=set())
    subject = unsigned["credentialSubject"]
    for broken in ({**subject, "statusPurpose": "suspension"},
                   {**subject, "encodedList": subject["encodedList"][1:]},
                   {**subject, "encodedList": "u!!!"},
                   {**subject, "encodedList": subject["encodedList"][:-8]},  # truncated
                   {**subject, "encodedList": "u" + base64.urlsafe_b64encode(
                       gzip.compress(bytes(17 * 1024 * 1024), mtime=0)).decode()},  # a bomb
                   {**subject, "type": "StatusList2021"}):
        with pytest.raises(CredentialError):
            credentials.is_revoked({**unsigned, "credentialSubject": broken}, 0)


# --- key files -----------------------------------------------------------------------------------


def test_key_file_round_trip_with_private_permissions(tmp_path: Path) -> None:
    key = credentials.generate_key()
    path = tmp_path / "signing-key.json"
    credentials.key_to_file(key, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"publicKeyMultibase": credentials.public_multikey(key),
                    "secretKeyMultibase": credentials.secret_multikey(key)}
    loaded = credentials.key_from_file(path)
    assert loaded.private_bytes_raw() == key.private_bytes_raw()
    assert credentials.key_from_file(str(path)).private_bytes_raw() == key.private_bytes_raw()

    with pytest.raises(FileExistsError):  # a signing key is never overwritten
        credentials.key_to_file(credentials.generate_key(), path)
    assert credentials.key_from_file(path).private_bytes_raw() == key.private_bytes_raw()

    mismatched = tmp_path / "mismatched.json"
    mismatched.write_text(json.dumps(
        {**data, "publicKeyMultibase": credentials.public_multikey(credentials.generate_key())}),
        encoding="utf-8")
    with pytest.raises(CredentialError, match="does not match"):
        credentials.key_from_file(mismatched)


def test_key_from_file_reads_the_w3c_key_pair() -> None:
    key = credentials.key_from_file(VECTORS / "keyPair.json")
    assert credentials.public_multikey(key) == _json("keyPair.json")["publicKeyMultibase"]
