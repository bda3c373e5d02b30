"""A post's text: what may be written (length, characters) and how it is shown (Markdown made
safe by nh3: no raw HTML or script, only http, https and mailto links, marked nofollow ugc)."""

from __future__ import annotations

import unicodedata

import markdown
import nh3

from lms.i18n import fold

BODY_MAX_LENGTH = 20_000
TITLE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 500
_TAGS = {"p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre"}
# Line breaks and tabs belong in a message; other control characters only hide or spoof text.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def has_control_characters(text: str, *, multiline: bool) -> bool:
    """Whether the text holds a control character (C0, DEL, C1) other than, in a multi-line
    field, line breaks and tabs."""
    allowed = _ALLOWED_CONTROLS if multiline else frozenset()
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


def render(source: str) -> str:
    """A post's Markdown as sanitised HTML, kept beside the source."""
    html = markdown.markdown(source, output_format="html")
    return nh3.clean(html, tags=_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow ugc")


def searchable(text: str) -> str:
    """The text as the search box compares it: folded (lower case, no accents)."""
    return fold(text)
