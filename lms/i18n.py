"""Language choice and localised lists (languages, countries) shared by every area."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from flask import has_request_context, request, session
from flask_babel import get_locale, to_user_timezone
from flask_login import current_user

from lms.config import LANGUAGES

# Each language named in itself, as the switcher and the account page offer it.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
# Babel's territory list mixes real countries with regions and placeholders.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "ZZ", "XA", "XB"})


def N_(message: str) -> str:
    """Mark a string for translation where it is translated later (Babel extracts N_)."""
    return message


def select_locale() -> str:
    """The page language: the switcher's choice, then the account's, then the browser's."""
    if not has_request_context():  # commands and background work: English unless forced
        return LANGUAGES[0]
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return browser_language()


def browser_language() -> str:
    """The first of the browser's languages (best first) that the site speaks, by its primary
    tag: "es-CO" and "es-419" read Spanish. Werkzeug's best_match prefers an exact match of
    lower quality, so that "en-US, es;q=0.9" would get Spanish."""
    for tag, quality in request.accept_languages:
        if quality <= 0:  # "q=0": not acceptable
            continue
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return LANGUAGES[0]


# Babel's named formats; any other format is a skeleton such as "yMMMM" (month and year), which
# Babel orders and spells as the locale does.
_NAMED_FORMATS = frozenset({"short", "medium", "long", "full"})


def format_date(value: date | datetime | None, format: str = "long") -> str:
    """A day as people write it in the page language ("2 December 2026", "2 décembre 2026");
    "" for no date. A datetime is first moved to the platform's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return _format_day(value, format, str(get_locale()))


# A dashboard prints thousands of dates, mostly the same few days: Babel's formatting costs ~50 µs.
@lru_cache(maxsize=4096)
def _format_day(day: date, format: str, locale: str) -> str:
    if format in _NAMED_FORMATS:
        return babel_dates.format_date(day, format, locale=locale)
    return babel_dates.format_skeleton(format, day, locale=locale)


def format_datetime(value: datetime | None) -> str:
    """A moment to the minute in the page language ("2 Dec 2026, 14:03"): never seconds or
    their fractions, which nobody reads."""
    if value is None:
        return ""
    moment = to_user_timezone(value)
    return _format_moment(moment.date(), moment.time().replace(second=0, microsecond=0),
                          str(get_locale()))


# A discussion page prints 50 moments: Babel's formatting costs ~100 µs each, uncached.
@lru_cache(maxsize=4096)
def _format_moment(day: date, minute: time, locale: str) -> str:
    pattern = str(babel_dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", babel_dates.format_date(day, "medium", locale=locale)) \
        .replace("{0}", babel_dates.format_time(minute, "short", locale=locale))

# Letters that do not decompose into a base letter and an accent.
_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss",
                        "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"})


def fold(text: str) -> str:
    """Lower case, without accents: "Côte d'Ivoire" -> "cote d'ivoire", "Łukasz" -> "lukasz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_key(name: str) -> tuple[str, str]:
    """How people are sorted by name wherever a list of them is shown or exported: as a reader
    of a Latin alphabet expects in every interface language ("Łukasz" among the Ls, "Élodie"
    among the Es), the same whatever the database."""
    return fold(name), name


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@lru_cache(maxsize=8)
def _country_names(locale: str) -> dict[str, str]:
    return dict(_countries(locale))


@lru_cache(maxsize=8)
def _countries(locale: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(locale).territories
    pairs = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def country_choices() -> list[tuple[str, str]]:
    """(ISO 3166 code, name) pairs in the page language, sorted as a reader expects."""
    return list(_countries(str(get_locale())))


def country_name(code: str | None) -> str:
    """A country's name in the page language; the code itself if unknown."""
    if not code:
        return ""
    return _country_names(str(get_locale())).get(code, code)


def is_country(code: str) -> bool:
    """True for a two-letter code of a real country or territory."""
    return code in _country_names("en")


# Languages an alumnus can say they speak: the programmes' working languages and those of
# their regions. Codes are stored; names come from Babel in the page language.
SPOKEN_LANGUAGES = ("ar", "bs", "en", "es", "fr", "hr", "hy", "id", "ka", "mg", "mk", "pt",
                    "ro", "ru", "sq", "sr", "sw", "tl", "uk", "vi", "wo")


def spoken_language_name(code: str, locale: str | None = None) -> str:
    """A spoken language's name in the page language ("French", "français"); the code itself if
    it names no language (it may come from an address someone typed)."""
    try:
        name = Locale.parse(code).get_display_name(locale or str(get_locale())) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def spoken_language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for the spoken languages, sorted by name in the page language."""
    pairs = [(code, spoken_language_name(code)) for code in SPOKEN_LANGUAGES]
    return sorted(pairs, key=lambda pair: _sort_key(pair[1]))


def country_names_everywhere(code: str | None) -> list[str]:
    """A country's name in every interface language, for search ("Ivory Coast", "Côte d'Ivoire")."""
    if not code:
        return []
    return list(dict.fromkeys(_country_names(language).get(code, code)
                              for language in LANGUAGES))


@lru_cache(maxsize=1)
def _theme_names() -> dict[str, tuple[str, ...]]:
    from flask_babel import force_locale

    from lms.cohorts.focus import THEMES

    names: dict[str, list[str]] = {code: [] for code in THEMES}
    for language in LANGUAGES:
        with force_locale(language):
            for code, label in THEMES.items():
                names[code].append(str(label))
    return {code: tuple(dict.fromkeys(labels)) for code, labels in names.items()}


def theme_names_everywhere(codes: list[str]) -> list[str]:
    """Themes' names in every interface language, for search ("climate", "climat")."""
    names = _theme_names()
    return [name for code in codes for name in names.get(code, ())]
