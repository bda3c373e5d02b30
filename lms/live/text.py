"""A session's agenda: Markdown rendered to safe HTML (sanitised with nh3, like bios), and the
way its times are written on the pages."""

from __future__ import annotations

from datetime import datetime

import markdown
import nh3
from babel import dates as babel_dates
from flask_babel import get_locale
from markupsafe import Markup

from lms.live import bp

_AGENDA_TAGS = {"p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre"}


def render_agenda(source: str) -> Markup:
    """The agenda's Markdown as safe HTML: paragraphs, emphasis, lists, code and http(s) or
    mailto links; images, raw HTML and script are dropped (nh3)."""
    if not source.strip():
        return Markup("")
    html = markdown.markdown(source, output_format="html")
    cleaned = nh3.clean(html, tags=_AGENDA_TAGS, attributes={"a": {"href"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="nofollow ugc")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


@bp.app_template_filter("session_day")
def session_day(moment: datetime) -> str:
    """"Thursday 10 December 2026" in the page language (the moment is already local)."""
    return babel_dates.format_date(moment.date(), "full", locale=str(get_locale()))


@bp.app_template_filter("session_time")
def session_time(moment: datetime) -> str:
    """"18:00" (or "6:00 PM") in the page language (the moment is already local)."""
    return babel_dates.format_time(moment.time(), "short", locale=str(get_locale()))
