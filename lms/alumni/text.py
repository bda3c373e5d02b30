"""Text for the directory: accent-free search words, safe full-text queries, and the bio.

Documents and queries go through the same `words()`, so "Sao Paulo" meets "São Paulo" and
"cote d'ivoire" meets "Côte d'Ivoire" on SQLite and PostgreSQL alike. A query is only ever
built from words (letters and digits), each quoted, so full-text syntax typed by a user
(`"`, `*`, `NEAR`, `OR`, a lone quote) is searched for as plain words and never raises.
"""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup

from lms.i18n import fold

MAX_WORDS = 12
MAX_WORD_LENGTH = 40
PREFIX_MIN_LENGTH = 3  # the last word also matches longer words from this length on

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The searchable words of a text, folded."""
    return _WORD.findall(fold(text))


def document(*parts: str) -> str:
    """Text for the full-text index: the words of every part, space-separated."""
    return " ".join(word for part in parts for word in words(part))


def query_words(query: str) -> list[str]:
    """The words of a search box, bounded in number and length (a 10,000-character paste
    becomes a dozen words)."""
    return [word[:MAX_WORD_LENGTH] for word in words(query[:2000])][:MAX_WORDS]


def _is_prefix(position: int, terms: list[str]) -> bool:
    return position == len(terms) - 1 and len(terms[position]) >= PREFIX_MIN_LENGTH


def fts5_query(terms: list[str]) -> str:
    """An SQLite FTS5 MATCH expression: every word, quoted; the last one as a prefix."""
    return " AND ".join(f'"{term}"' + (" *" if _is_prefix(position, terms) else "")
                        for position, term in enumerate(terms))


def tsquery(terms: list[str]) -> str:
    """A PostgreSQL to_tsquery expression with the same meaning as `fts5_query`."""
    return " & ".join(f"'{term}'" + (":*" if _is_prefix(position, terms) else "")
                      for position, term in enumerate(terms))


# --- The bio ----------------------------------------------------------------------------------

_BIO_TAGS = {"p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code"}


def render_bio(source: str) -> Markup:
    """A bio's Markdown as safe HTML: paragraphs, emphasis, lists and http(s) links only;
    images, raw HTML and script are dropped (nh3)."""
    html = markdown.markdown(source, output_format="html")
    cleaned = nh3.clean(html, tags=_BIO_TAGS, attributes={"a": {"href"}},
                        url_schemes={"http", "https", "mailto"},
                        link_rel="nofollow noopener noreferrer ugc")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above
