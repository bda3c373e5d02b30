"""The numbers behind each chart, as one `Table`: the page's table, the chart, the CSV file and
the PDF report are all drawn from it, so they always show the same figures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from babel import numbers
from flask_babel import format_decimal, get_locale, gettext
from markupsafe import Markup

from lms.insights import charts
from lms.insights.privacy import Figure, csv_marker, label_for, method_note

COUNT = "count"
PERCENT = "percent"
DAYS = "days"
RATING = "rating"
CHANGE = "change"

BARS = "bars"
COLUMNS = "columns"
DUMBBELL = "dumbbell"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str


@dataclass(frozen=True)
class Row:
    key: str  # a stable code: a cohort's address, a region, "2026-03", a statement, a country
    label: str  # its name, in the page language
    figures: dict[str, Figure]
    sublabel: str = ""  # a second line under a column ("2026")
    short_label: str = ""  # under a column ("Mar")


@dataclass
class Table:
    slug: str  # the CSV is /insights/<slug>.csv
    title: str
    description: str  # what the chart shows, in one sentence
    key_label: str  # heading of the first column ("Cohort")
    code_label: str  # heading of the code column in the CSV ("Address")
    columns: list[Column]
    rows: list[Row]
    chart: str  # BARS, COLUMNS or DUMBBELL
    measure: str  # the column the chart draws (for a dumbbell: the "before" one)
    measure_after: str = ""  # for a dumbbell: the "after" one
    chart_limit: int | None = None  # draw only the first rows (the table has them all)
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # e.g. the course of a self-assessment

    @property
    def chart_rows(self) -> list[Row]:
        return self.rows[:self.chart_limit] if self.chart_limit else self.rows


# --- figures as text ---------------------------------------------------------------------------

def display(figure: Figure, kind: str) -> str:
    """A figure as the page shows it, in the page language ("62.5%", "fewer than 5")."""
    label = label_for(figure)
    if label is not None:
        return label
    value = figure.value
    if value is None:
        return "–"
    if kind == COUNT:
        return format_decimal(value, format="#,##0")
    if kind == PERCENT:
        # The locale's own pattern ("62.5%", "62,5 %"), to one decimal at most.
        return numbers.format_percent(round(value / 100, 3), locale=get_locale(),
                                      decimal_quantization=False)
    if kind == DAYS:
        return format_decimal(value, format="#,##0.#")
    if kind == CHANGE:
        return ("+" if value > 0 else "") + format_decimal(value, format="0.0")
    return format_decimal(value, format="0.0")


def csv_value(figure: Figure, kind: str) -> str:
    """A figure as the CSV file writes it: a plain number with a dot, or the marker."""
    marker = csv_marker(figure)
    if marker is not None:
        return marker
    value = figure.value
    if value is None:
        return ""
    if kind == COUNT:
        return str(int(value))
    if kind in (PERCENT, DAYS):
        return f"{value:.1f}"
    return f"{value:.2f}"


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def write_csv(table: Table) -> str:
    """The table as CSV: UTF-8 with a byte order mark (for spreadsheets), codes, then figures,
    then one cell saying how the figures are rounded (lms/insights/privacy.py).

    Numbers are written plainly (a dot for decimals); no total row is added.
    """
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    extra = list(table.extra.items())
    writer.writerow([label for label, _ in extra] + [table.code_label, table.key_label]
                    + [f"{column.label} (%)" if column.kind == PERCENT else column.label
                       for column in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(value) for _, value in extra]
                        + [safe_cell(row.key), safe_cell(row.label)]
                        + [csv_value(row.figures[column.key], column.kind)
                           for column in table.columns])
    writer.writerow([method_note()])
    return output.getvalue()


# --- drawing -----------------------------------------------------------------------------------

def column_of(table: Table, key: str) -> Column:
    return next(column for column in table.columns if column.key == key)


def draw(table: Table) -> Markup:
    """The table's chart, as inline SVG."""
    chart_id = f"chart-{table.slug}"
    rows = table.chart_rows
    measure = column_of(table, table.measure)
    if table.chart == DUMBBELL:
        after = column_of(table, table.measure_after)
        dumbbells = [charts.Dumbbell(
            label=row.label,
            before=row.figures[measure.key].value if row.figures[measure.key].shown else None,
            after=row.figures[after.key].value if row.figures[after.key].shown else None,
            before_text=display(row.figures[measure.key], measure.kind),
            after_text=display(row.figures[after.key], after.kind),
            note=display(row.figures[measure.key], measure.kind)) for row in rows]
        description = charts.describe([
            (row.label, gettext("%(before)s before, %(after)s after",
                                before=dumbbell.before_text, after=dumbbell.after_text)
             if dumbbell.before is not None else dumbbell.note)
            for row, dumbbell in zip(rows, dumbbells, strict=True)])
        return charts.dumbbell_chart(chart_id, table.title, description, dumbbells,
                                     legend=(gettext("Before the course"),
                                             gettext("After the course")))
    texts = [display(row.figures[measure.key], measure.kind) for row in rows]
    values = [row.figures[measure.key].value if row.figures[measure.key].shown else None
              for row in rows]
    description = charts.describe([(row.label, text) for row, text in zip(rows, texts,
                                                                          strict=True)])
    if table.chart == COLUMNS:
        return charts.column_chart(chart_id, table.title, description, [
            charts.Column(row.short_label or row.label, row.sublabel, value, text)
            for row, value, text in zip(rows, values, texts, strict=True)],
            axis_format=lambda value: format_decimal(value, format="#,##0"))
    return charts.bar_chart(chart_id, table.title, description, [
        charts.Bar(row.label, value, text) for row, value, text in zip(rows, values, texts,
                                                                       strict=True)],
        maximum=100 if measure.kind == PERCENT else None)
