"""Verification codes: 12 random Crockford Base32 characters and one check character.

Shown as `XXXX-XXXX-XXXX-C`. Typed back in any case, with or without dashes or spaces, with the
letters O, I and L read as the digits 0, 1 and 1. 60 random bits: guessing one is hopeless.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CHECK_ALPHABET = ALPHABET + "*~$=U"  # the check symbol is the value modulo 37
RANDOM_LENGTH = 12
RANDOM_BITS = RANDOM_LENGTH * 5
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_character(body: str) -> str:
    """Crockford's check symbol for a code body."""
    value = 0
    for character in body:
        value = value * 32 + ALPHABET.index(character)
    return CHECK_ALPHABET[value % 37]


def new_code() -> str:
    """A fresh code in canonical form (13 characters, no dashes)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def display(code: str) -> str:
    """`XXXXXXXXXXXXC` as `XXXX-XXXX-XXXX-C`."""
    return f"{code[0:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}"


def file_name(code: str) -> str:
    """The code as it goes into a downloaded file's name: without a check symbol that is not a
    letter or digit ("*", "~", "$", "="), which Windows refuses and browsers replace."""
    shown = display(code)
    return shown if shown[-1].isalnum() else shown[:-2]


def normalise(typed: str) -> str | None:
    """The canonical code for what someone typed, or None if it cannot be one."""
    text = "".join(typed.split()).replace("-", "").upper()
    if len(text) != RANDOM_LENGTH + 1:
        return None
    body = text[:RANDOM_LENGTH].translate(_TYPOS)
    check = text[RANDOM_LENGTH:]
    check = check if check in "*~$=U" else check.translate(_TYPOS)
    if any(character not in ALPHABET for character in body):
        return None
    if check != check_character(body):
        return None
    return body + check
