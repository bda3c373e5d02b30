"""The crawl's checks find what they look for (tests/pages/crawler.py)."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale, gettext
from lxml import html

from tests.pages.crawler import (
    ESCAPED_MARKUP,
    ISO_DATE,
    MessageRecorder,
    french_catalogue,
    is_translated,
    unlabelled_controls,
    visible_texts,
)


def texts(markup: str, **options: bool) -> list[str]:
    return list(visible_texts(html.document_fromstring(markup), **options))


def test_escaped_markup_is_seen_in_text_but_not_in_scripts() -> None:
    page = ('<p>&lt;span class="visually-hidden"&gt;done&lt;/span&gt;</p><p>a &amp;lt; b</p>'
            '<script>if (a<b) {}</script><p>{{ name }}</p><p>%(count)d left</p><p>A & B</p>')
    found = [text for text in texts(page) if ESCAPED_MARKUP.search(text)]
    assert found == ['<span class="visually-hidden">done</span>', "a &lt; b", "{{ name }}",
                     "%(count)d left"]


def test_iso_dates_are_seen_in_running_text_only() -> None:
    page = ('<p>Issued on 2026-12-02T14:03</p><time datetime="2026-12-02">2 décembre 2026</time>'
            '<input value="2026-12-02"><textarea>2026-12-02</textarea><code>2026-12-02</code>')
    found = [text for text in texts(page, running_only=True) if ISO_DATE.search(text)]
    assert found == ["Issued on 2026-12-02T14:03"]


def test_unlabelled_controls_are_found() -> None:
    page = html.document_fromstring(
        '<form><label for="a">A</label><input id="a"><label>B <select></select></label>'
        '<input aria-label="C"><span id="d">D</span><textarea aria-labelledby="d"></textarea>'
        '<input type="hidden" name="csrf_token"><button>Go</button>'
        '<input name="search"><input type="checkbox" id="e"></form>')
    assert list(unlabelled_controls(page)) == ['<input name="search">',
                                                '<input type="checkbox" id="e">']


def test_messages_translated_while_a_page_renders_are_recorded(app: Flask) -> None:
    with MessageRecorder().installed() as recorder, app.test_request_context(), \
            force_locale("fr"), recorder.listen() as messages:
        page = render_template_string("{{ _('Sign in') }} {{ _('Nobody translated this') }}")
        gettext("Page not found")
    assert page == "Se connecter Nobody translated this"
    assert messages == {(None, "Sign in"), (None, "Nobody translated this"),
                        (None, "Page not found")}
    catalogue = french_catalogue()
    assert is_translated(catalogue, None, "Sign in")
    assert not is_translated(catalogue, None, "Nobody translated this")
