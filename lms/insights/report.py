"""A cohort's report for a funder or a steering committee: the dashboard's figures and charts
for one cohort, as a PDF.

Rendered by WeasyPrint from templates/insights/report.html through the certificates' safe URL
fetcher (data: URIs and the bundled fonts only: the report never reaches the network or the
file system), published as the dashboard is (lms/insights/privacy.py), with the same note.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from lms.certificates import pdf
from lms.cohorts.focus import focus_label
from lms.config import LANGUAGES
from lms.db import utcnow
from lms.insights import services
from lms.insights.privacy import method_note
from lms.insights.tables import display, draw

STYLESHEET = Path(__file__).resolve().parent.parent.parent / "templates" / "insights" / \
    "report.css"


class ReportError(RuntimeError):
    """The report could not be rendered."""


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    """Any HTML document as PDF, with the certificates' safe fetcher and bundled fonts."""
    # The certificates module's fetcher and lock: the same refusals, and one render at a time
    # per process (WeasyPrint's font set-up is not thread-safe).
    fetcher = pdf.SafeFetcher()
    try:
        with pdf.render_lock:
            fonts = FontConfiguration()
            css = CSS(string=stylesheet, url_fetcher=fetcher, font_config=fonts)
            return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css],
                                                                    font_config=fonts)
    except FatalURLFetchingError as error:
        raise ReportError(f"{error}: {error.__cause__}") from error


def report_html(slug: str, language: str, now: datetime | None = None) -> str:
    """The report's HTML for the cohort `slug` (NotFound if there is none), in `language`."""
    if language not in LANGUAGES:
        raise ValueError(f"no report in language {language!r}")
    scope = services.cohort_scope(slug)
    cohort = scope.cohorts[0]
    with force_locale(language):
        board = services.build_dashboard(scope, language, now)
        course_titles = [course.title(language) for course in services.courses_of(scope)]
        sections = [board.table("months"), *board.shifts, *board.stories]
        tables = [table for table in sections if table is not None]
        return render_template(
            "insights/report.html", board=board, cohort=cohort, language=language,
            focus=focus_label(cohort.kind, cohort.focus), course_titles=course_titles,
            tables=tables, charts={table.slug: draw(table) for table in tables if table.rows},
            display=display, method_note=method_note(),
            issuer=current_app.config.get("LMS_ISSUER_NAME", ""),
            made_on=format_date(board.generated_at.date(), "long"),
            starts_on=format_date(cohort.starts_on, "long"),
            ends_on=format_date(cohort.ends_on, "long"))


def render_report(slug: str, language: str = "en", now: datetime | None = None) -> bytes:
    """The cohort's report as PDF bytes."""
    html = report_html(slug, language, now or utcnow())
    return html_to_pdf(html, STYLESHEET.read_text(encoding="utf-8"))
