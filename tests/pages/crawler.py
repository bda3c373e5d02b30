"""A bounded crawl of the pages people read, and the checks run on each page.

The crawl follows GET links within the site from the home page, as one person in one
language, and never submits a form. Pages are collapsed by route and query names, so that
paging, filters and a directory of profiles give a few samples each, not thousands.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlsplit

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from werkzeug.exceptions import HTTPException

from lms.config import ROOT

MAX_PAGES = 150
SAMPLES_PER_ROUTE = 8
SAMPLES_PER_DOWNLOAD_ROUTE = 3
# Links that sign out or act: the crawl reads, it never changes what it is reading.
SKIPPED_ENDPOINTS = frozenset({"accounts.logout"})
# Files, not pages: only their status is checked.
DOWNLOAD_ENDPOINTS = frozenset({
    "static", "courses.media", "certificates.download", "certificates.cohort_zip",
    "cohorts.progress_csv", "insights.chart_csv", "certificates.verify_json", "alumni.export",
    "certificates.status_list", "certificates.issuer", "certificates.issuer_key",
})
UNLABELLED_EXEMPT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})
# Escaped markup or template syntax that reached the reader instead of being rendered.
ESCAPED_MARKUP = re.compile(r"<[a-zA-Z/!]|&lt;|&gt;|&amp;|\{\{|\{%|%\(")
ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")  # also 2026-12-02T14:03
URL_IN_TEXT = re.compile(r"https?://\S+")
INVISIBLE = frozenset({"script", "style", "template", "head"})
# Text that is a value or machine text, not running text: what someone typed in a box, and
# code shown as code.
NOT_RUNNING_TEXT = frozenset({"textarea", "code", "pre", "kbd", "samp"})


@dataclass(frozen=True)
class Finding:
    role: str
    language: str
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.role}/{self.language} {self.url}: {self.kind}: {self.text}"


@dataclass
class Crawl:
    role: str
    language: str
    visited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def report(self, url: str, kind: str, text: str) -> None:
        self.findings.append(Finding(self.role, self.language, url, kind, text))


class MessageRecorder:
    """Records every message id translated while it listens (gettext, ngettext, pgettext and
    their lazy forms all end in Babel's Translations, in Python and in templates alike)."""

    def __init__(self) -> None:
        self.messages: set[tuple[str | None, str]] = set()
        self.listening = False

    @contextlib.contextmanager
    def installed(self) -> Iterator[MessageRecorder]:
        originals = {name: getattr(Translations, name)
                     for name in ("ugettext", "ungettext", "upgettext", "unpgettext")}
        recorder = self

        def ugettext(self: Translations, message: str) -> str:
            recorder.record(None, message)
            return originals["ugettext"](self, message)

        def ungettext(self: Translations, singular: str, plural: str, n: int) -> str:
            recorder.record(None, singular)
            return originals["ungettext"](self, singular, plural, n)

        def upgettext(self: Translations, context: str, message: str) -> str:
            recorder.record(context, message)
            return originals["upgettext"](self, context, message)

        def unpgettext(self: Translations, context: str, singular: str, plural: str,
                       n: int) -> str:
            recorder.record(context, singular)
            return originals["unpgettext"](self, context, singular, plural, n)

        Translations.ugettext = ugettext  # type: ignore[method-assign]
        Translations.ungettext = ungettext  # type: ignore[method-assign]
        Translations.upgettext = upgettext  # type: ignore[method-assign]
        Translations.unpgettext = unpgettext  # type: ignore[method-assign]
        try:
            yield self
        finally:
            for name, original in originals.items():
                setattr(Translations, name, original)

    def record(self, context: str | None, message: str) -> None:
        if self.listening and message:
            self.messages.add((context, str(message)))

    @contextlib.contextmanager
    def listen(self) -> Iterator[set[tuple[str | None, str]]]:
        self.messages = set()
        self.listening = True
        try:
            yield self.messages
        finally:
            self.listening = False


def catalogue_of(language: str) -> Catalog | None:
    """A language's catalogue as translators left it; None for English, the messages' own."""
    if language == "en":
        return None
    path = ROOT / "lms" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


def french_catalogue() -> Catalog:
    """The French catalogue as translators left it."""
    catalogue = catalogue_of("fr")
    assert catalogue is not None
    return catalogue


def is_translated(catalogue: Catalog, context: str | None, message_id: str) -> bool:
    message = catalogue.get(message_id, context=context)
    if message is None:
        return False
    strings = message.string if isinstance(message.string, list | tuple) else [message.string]
    return all(strings) and not message.fuzzy


class Crawler:
    """Walks one person's pages in one language and checks each one."""

    def __init__(self, app: Flask, client: FlaskClient, crawl: Crawl,
                 recorder: MessageRecorder, catalogue: Catalog | None) -> None:
        self.app, self.client, self.crawl = app, client, crawl
        self.recorder, self.catalogue = recorder, catalogue
        self.adapter = app.url_map.bind("localhost")
        self.samples: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.seen: set[str] = set()

    def run(self, start: str = "/") -> Crawl:
        queue = deque([start])
        self.seen.add(start)
        while queue and len(self.crawl.visited) < MAX_PAGES:
            url = queue.popleft()
            for link in self.visit(url):
                if link not in self.seen and self.worth_visiting(link):
                    self.seen.add(link)
                    queue.append(link)
        return self.crawl

    def endpoint(self, url: str) -> str | None:
        parts = urlsplit(url)
        try:
            endpoint, _ = self.adapter.match(parts.path, method="GET")
        except HTTPException:
            return None  # not one of our routes, or a redirect (trailing slash): visited as is
        return str(endpoint)

    def worth_visiting(self, url: str) -> bool:
        endpoint = self.endpoint(url)
        if endpoint in SKIPPED_ENDPOINTS:
            return False
        names = tuple(sorted({name for name, _ in parse_qsl(urlsplit(url).query)}))
        key = (endpoint or urlsplit(url).path, names)
        limit = (SAMPLES_PER_DOWNLOAD_ROUTE if endpoint in DOWNLOAD_ENDPOINTS
                 else SAMPLES_PER_ROUTE)
        if self.samples[key] >= limit:
            return False
        self.samples[key] += 1
        return True

    def visit(self, url: str) -> list[str]:
        self.crawl.visited.append(url)
        with self.recorder.listen() as messages:
            response = self.client.get(url)
        if response.status_code >= 500:
            self.crawl.report(url, f"status {response.status_code}", response.text[:200])
            return []
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location", "")
            return [link] if (link := self.same_site(location, url)) else []
        if self.endpoint(url) in DOWNLOAD_ENDPOINTS or response.mimetype != "text/html":
            return []
        document = html.document_fromstring(response.text)
        self.check_page(url, document, messages)
        # Links to follow, and the stylesheet, icon and images, whose status is checked.
        hrefs = document.xpath("//a/@href | //link/@href | //img/@src")
        links = [self.same_site(href, url) for href in hrefs]
        return [link for link in links if link]

    @staticmethod
    def same_site(href: str, base: str) -> str | None:
        href, _ = urldefrag(href.strip())
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "localhost"):
            return None
        if not parts.path:
            return None
        path = parts.path if parts.path.startswith("/") else base.rsplit("/", 1)[0] + "/" + \
            parts.path
        return path + (f"?{parts.query}" if parts.query else "")

    def check_page(self, url: str, document: html.HtmlElement,
                   messages: set[tuple[str | None, str]]) -> None:
        for text in visible_texts(document):
            if match := ESCAPED_MARKUP.search(text):
                self.crawl.report(url, "escaped markup", excerpt(text, match))
        for control in unlabelled_controls(document):
            self.crawl.report(url, "unlabelled control", control)
        if self.catalogue is None:  # English: the messages are the text
            return
        for text in visible_texts(document, running_only=True):
            if match := ISO_DATE.search(URL_IN_TEXT.sub("", text)):
                self.crawl.report(url, "ISO date", excerpt(URL_IN_TEXT.sub("", text), match))
        for context, message_id in sorted(messages, key=lambda pair: pair[1]):
            if not is_translated(self.catalogue, context, message_id):
                self.crawl.report(url, f"no {self.crawl.language} translation",
                                  repr(message_id[:120]))


def excerpt(text: str, match: re.Match[str]) -> str:
    start, end = max(match.start() - 40, 0), match.end() + 60
    return " ".join(text[start:end].split())


def visible_texts(document: html.HtmlElement, *, running_only: bool = False) -> Iterator[str]:
    """Each run of text a reader sees (outside scripts, styles and hidden templates)."""
    skipped = INVISIBLE | (NOT_RUNNING_TEXT if running_only else frozenset())
    for node in document.iter():
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        inside_skipped = node.tag in skipped or any(
            ancestor.tag in skipped for ancestor in node.iterancestors())
        if node.text and node.text.strip() and not inside_skipped:
            yield node.text
        parent = node.getparent()
        tail_hidden = parent is not None and (parent.tag in skipped or any(
            ancestor.tag in skipped for ancestor in parent.iterancestors()))
        if node.tail and node.tail.strip() and not tail_hidden:
            yield node.tail


def unlabelled_controls(document: html.HtmlElement) -> Iterator[str]:
    """Form controls that a screen reader would announce without a name."""
    labelled_ids = set(document.xpath("//label/@for"))
    for control in document.xpath("//input|//select|//textarea"):
        if control.tag == "input" and control.get("type", "text").lower() in \
                UNLABELLED_EXEMPT_TYPES:
            continue
        if control.get("aria-label", "").strip() or control.get("aria-labelledby"):
            continue
        if control.get("id") and control.get("id") in labelled_ids:
            continue
        if any(ancestor.tag == "label" for ancestor in control.iterancestors()):
            continue
        yield html.tostring(control, encoding="unicode").split(">")[0][:160] + ">"
