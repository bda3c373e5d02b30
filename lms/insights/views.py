"""The programme dashboard at /insights/ and the CSV file behind each of its charts."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from lms.access import FACILITATOR, requires
from lms.db import utcnow
from lms.insights import bp, services
from lms.insights.privacy import method_note
from lms.insights.tables import display, draw, write_csv
from lms.web import csv_download


def language() -> str:
    return str(get_locale())


def scope_from_request() -> services.Scope:
    """The signed-in user's scope, narrowed by ?cohort= (404 for a cohort not theirs)."""
    try:
        return services.scope_for(current_user, request.args.get("cohort", ""))
    except services.NotFound:
        abort(404)


@bp.route("/")
@requires(FACILITATOR)
def index() -> ResponseReturnValue:
    """The dashboard: participation, self-assessment shifts and outcome stories, as charts."""
    scope = scope_from_request()
    board = services.build_dashboard(scope, language())
    tables = board.participation + board.shifts + board.stories
    return render_template("insights/dashboard.html", board=board, scope=scope,
                           charts={table.slug: draw(table) for table in tables if table.rows},
                           display=display, method_note=method_note())


@bp.route("/<chart>.csv")
@requires(FACILITATOR)
def chart_csv(chart: str) -> ResponseReturnValue:
    """The numbers behind one chart, for spreadsheets (UTF-8 with BOM, the same scope)."""
    scope = scope_from_request()
    try:
        table = services.chart_table(scope, chart, language())
    except services.NotFound:
        abort(404)
    parts = ["insights", table.slug] + ([scope.chosen.slug] if scope.chosen else [])
    filename = "-".join(parts) + f"-{utcnow().date().isoformat()}.csv"
    return csv_download(write_csv(table), filename)
