"""Ed25519 keys as multikeys (base58btc multibase with a multicodec prefix), and key files.

Part of lms.certificates.credentials (which re-exports every name here); stdlib and
cryptography only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_PUBLIC_PREFIX = b"\xed\x01"  # multicodec ed25519-pub
ED25519_SECRET_PREFIX = b"\x80\x26"  # multicodec ed25519-priv

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}


class CredentialError(ValueError):
    """A credential cannot be built, canonicalized or read (here: a key or key file)."""


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


def multibase_decode(value: str) -> bytes:
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
    raw = multibase_decode(value)
    if len(raw) != 34 or not raw.startswith(ED25519_PUBLIC_PREFIX):
        raise ValueError("not an Ed25519 public multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    """Ed25519 private key from its secret multikey ('z3u2...'); ValueError if it is not one."""
    raw = multibase_decode(value)
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
