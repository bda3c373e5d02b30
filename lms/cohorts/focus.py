"""The fixed lists of regions and themes a cohort (and, later, an alumnus) can be about.

Codes are stored in the database and must never change; labels are translated. To add a region
or theme, add a code here (and its French label to the catalogue); never rename one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REGIONAL = "regional"
THEMATIC = "thematic"

REGIONS = {
    "western-balkans": _l("Western Balkans"),
    "eastern-partnership": _l("Eastern Partnership"),
    "francophone-africa": _l("Francophone Africa"),
    "anglophone-africa": _l("Anglophone Africa"),
    "middle-east-north-africa": _l("Middle East and North Africa"),
    "latin-america-caribbean": _l("Latin America and the Caribbean"),
    "asia-pacific": _l("Asia-Pacific"),
}

THEMES = {
    "anti-corruption": _l("Anti-corruption"),
    "digital-governance": _l("Digital governance"),
    "climate-action": _l("Climate action"),
    "justice": _l("Justice"),
    "civic-space": _l("Civic space"),
    "participation-inclusion": _l("Participation and inclusion"),
}

KINDS = {REGIONAL: _l("Regional"), THEMATIC: _l("Thematic")}


def focus_label(kind: str, focus: str) -> str:
    """The translated name of a cohort's region or theme."""
    labels = REGIONS if kind == REGIONAL else THEMES
    return str(labels.get(focus, focus))
