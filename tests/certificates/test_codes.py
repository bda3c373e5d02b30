"""Verification codes: format, typo tolerance, check character, randomness."""

from __future__ import annotations

import re

from lms.certificates import codes


def test_format_and_round_trip() -> None:
    code = codes.new_code()
    shown = codes.display(code)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-.",
                        shown)
    assert codes.normalise(shown) == code
    assert codes.normalise(shown.lower()) == code
    assert codes.normalise(shown.replace("-", " ")) == code


def test_common_confusions_are_tolerated() -> None:
    body = "0123456789AB"
    code = body + codes.check_character(body)
    assert codes.normalise("OI23-4567-89AB-" + code[-1]) == code
    assert codes.normalise("oL23-4567-89ab-" + code[-1].lower()) == code


def test_a_wrong_check_character_or_length_is_refused() -> None:
    code = codes.new_code()
    wrong = "0" if code[-1] != "0" else "1"
    assert codes.normalise(code[:-1] + wrong) is None
    assert codes.normalise(code[:-2]) is None
    assert codes.normalise("") is None
    assert codes.normalise("!" * 13) is None


def test_a_single_typo_is_caught_by_the_check_character() -> None:
    code = codes.new_code()
    for position in range(12):
        for replacement in codes.ALPHABET:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1:]
                assert codes.normalise(typo) is None


def test_codes_carry_at_least_60_random_bits() -> None:
    assert codes.RANDOM_BITS >= 60
    sample = [codes.new_code() for _ in range(20_000)]
    assert len(set(sample)) == len(sample)
    # Every position draws from the whole alphabet.
    for position in range(codes.RANDOM_LENGTH):
        assert {code[position] for code in sample} == set(codes.ALPHABET)


def test_a_downloaded_file_name_has_no_symbol_that_windows_refuses() -> None:
    """Browsers replace "*" in a file name (Windows refuses it): the name leaves out a check
    symbol that is not a letter or digit, and keeps one that is."""
    bodies = {}
    for number in range(2000):
        body = f"{number:012d}"
        bodies.setdefault(codes.check_character(body), body)
    for symbol in "*~$=":
        code = bodies[symbol] + symbol
        assert codes.file_name(code) == codes.display(code)[:-2]
        assert re.fullmatch(r"[0-9]{4}-[0-9]{4}-[0-9]{4}", codes.file_name(code))
    code = bodies["7"] + "7"
    assert codes.file_name(code) == codes.display(code)
