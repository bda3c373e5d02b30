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


# The programme region of each country (ISO 3166 codes), for the alumni directory's region
# filter. A country outside every programme region has none.
_REGION_COUNTRIES = {
    "western-balkans": "AL BA ME MK RS XK",
    "eastern-partnership": "AM AZ BY GE MD UA",
    "francophone-africa": "BF BI BJ CD CF CG CI CM DJ GA GN KM MG ML MR NE RW SC SN TD TG",
    "anglophone-africa": "BW ET GH GM KE LR LS MU MW NA NG SL SS SZ TZ UG ZA ZM ZW",
    "middle-east-north-africa": "AE BH DZ EG IQ JO KW LB LY MA OM PS QA SA SY TN YE",
    "latin-america-caribbean": "AR BB BO BR BS BZ CL CO CR CU DM DO EC GD GT GY HN HT JM KN LC "
                               "MX NI PA PE PY SR SV TT UY VC VE",
    "asia-pacific": "AU BD BT FJ ID IN JP KH KI KR LA LK MM MN MV MY NP NZ PG PH PK SB TH TL "
                    "TO VN VU WS",
}
COUNTRY_REGIONS = {country: region for region, countries in _REGION_COUNTRIES.items()
                   for country in countries.split()}


def region_of(country: str | None) -> str | None:
    """The programme region a country belongs to, if any."""
    return COUNTRY_REGIONS.get(country or "")
