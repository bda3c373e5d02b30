"""The dashboard's tables, built from the aggregate queries' rows and published as
lms/insights/privacy.py says (counts rounded to 5, "fewer than 5", coarse rates and means):
participation by cohort, region, theme and month, self-assessment shifts per statement, and
outcome stories by theme and country."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from flask_babel import format_date, gettext

from lms import i18n
from lms.cohorts.focus import REGIONAL, REGIONS, THEMATIC, THEMES, focus_label
from lms.cohorts.models import Cohort
from lms.courses.content import Course
from lms.i18n import country_name
from lms.insights import queries
from lms.insights.privacy import (
    HIDDEN_MOST,
    UNBOUNDED,
    WITHHELD,
    Figure,
    audit_total,
    difference,
    pins,
    protect,
    protect_count,
    protect_mean,
    protect_rate,
    withheld,
    withheld_parts,
)
from lms.insights.tables import (
    BARS,
    CHANGE,
    COLUMNS,
    COUNT,
    DAYS,
    DUMBBELL,
    PERCENT,
    RATING,
    Column,
    Row,
    Table,
)

COHORT_CHART_LIMIT = 20
COUNTRY_CHART_LIMIT = 15
PARTICIPATION_SLUGS = ("cohorts", "regions", "themes", "months", "activity")
STORY_SLUGS = ("story-themes", "story-countries")
SHIFTS_PREFIX = "shifts-"


def _participation_columns() -> list[Column]:
    return [Column("enrolments", gettext("Enrolments"), COUNT),
            Column("active", gettext("Active learners (last 30 days)"), COUNT),
            Column("completion", gettext("Completion rate"), PERCENT),
            Column("median_days", gettext("Median days to complete"), DAYS)]


def participation_figures(counts: queries.Participation | None) -> dict[str, Figure]:
    """A group's four participation figures, as published (privacy.py)."""
    if counts is None:
        counts = queries.Participation("", "", 0, 0, 0, 0, 0, 0, None)
    return {"enrolments": protect_count(counts.enrolments, counts.people),
            "active": protect_count(counts.active, counts.active_people),
            "completion": protect_rate(counts.completers, counts.enrolments, counts.people),
            "median_days": protect(counts.median_days, counts.completer_people)}


# The counts checked, the least a hidden group can count, and what goes with a withheld one:
# enrolments take the figures that would say "5 people or more" (or 8) with them.
LINKED = (("enrolments", 1, ("enrolments", "active", "completion", "median_days")),
          ("active", 0, ("active",)))


def _participation_rows(keyed: Iterable[tuple[str, str, queries.Participation]]) -> list[Row]:
    return [Row(key, label, participation_figures(counts)) for key, label, counts in keyed]


def _audited(row: Row, parts: Sequence[queries.Participation],
             tables: Sequence[Sequence[Row]] = ()) -> Row:
    """The row, its counts withheld where they and the groups splitting them (`parts`, or
    each of `tables`) would leave a hidden group a single possible value."""
    splits = [[participation_figures(part) for part in parts]] if parts else []
    splits += [[table_row.figures for table_row in table] for table in tables]
    figures = dict(row.figures)
    for key, least, linked in LINKED:
        if audit_total(figures[key], [[split[key] for split in figures_of]
                                      for figures_of in splits], least).state == WITHHELD:
            figures = {name: withheld(figure) if name in linked else figure
                       for name, figure in figures.items()}
    return replace(row, figures=figures)


def _withhold_months(total: dict[str, Figure], rows: list[Row]) -> list[Row]:
    """One cohort's months, the largest withheld where its total (also a row of the wider
    dashboard, so never withheld) minus the months would pin a hidden one."""
    hidden: list[set[str]] = [set() for _ in rows]
    for key, least, linked in LINKED:
        for index in withheld_parts(total[key], [row.figures[key] for row in rows], least):
            hidden[index].update(linked)
    return [replace(row, figures={key: withheld(figure) if key in hidden[index] else figure
                                  for key, figure in row.figures.items()})
            for index, row in enumerate(rows)]


def _ordered(codes: Iterable[str], known: Mapping[str, object]) -> list[str]:
    """Codes in the fixed list's order, then any unknown ones."""
    present = set(codes)
    return [code for code in known if code in present] + sorted(present - set(known))


def participation_tables(counts: Sequence[queries.Participation],
                         cohorts: Sequence[Cohort]) -> tuple[dict[str, Figure], list[Table]]:
    """The scope's four headline figures, and the tables by cohort, region, theme and month."""
    by = {(row.dimension, row.key): row for row in counts}
    total = participation_figures(by.get((queries.ALL, "")))
    columns = _participation_columns()
    cohort_rows = _participation_rows(
        (cohort.slug, cohort.name, by[(queries.COHORT, str(cohort.id))]) for cohort in cohorts
        if (queries.COHORT, str(cohort.id)) in by)
    regions = _ordered((row.key for row in counts if row.dimension == queries.REGION), REGIONS)
    themes = _ordered((row.key for row in counts if row.dimension == queries.THEME), THEMES)
    focus_rows = _participation_rows(
        [(code, focus_label(REGIONAL, code), by[(queries.REGION, code)]) for code in regions]
        + [(code, focus_label(THEMATIC, code), by[(queries.THEME, code)]) for code in themes])
    months = sorted(row.key for row in counts if row.dimension == queries.MONTH)
    month_rows = [_month_row(row, index) for index, row in enumerate(_participation_rows(
        (month, month, by[(queries.MONTH, month)]) for month in months))]
    if len(cohorts) > 1:
        # A scope of several cohorts: its totals are its own (one cohort's are also a row of
        # a wider dashboard, so withholding them there would hide nothing). A region's or a
        # theme's row is split by its cohorts' rows, a month's by each cohort's page.
        focus_rows = [_audited(row, [by[(queries.COHORT, str(cohort.id))] for cohort in cohorts
                                     if cohort.focus == row.key
                                     and (queries.COHORT, str(cohort.id)) in by])
                      for row in focus_rows]
        month_rows = [_audited(row, [by[key] for key in (
            (queries.COHORT_MONTH, f"{cohort.id}:{row.key}") for cohort in cohorts) if key in by])
                      for row in month_rows]
        total = _audited(Row("", "", total), [], [cohort_rows, focus_rows, month_rows]).figures
    else:
        month_rows = _withhold_months(total, month_rows)
    cohort_note = (gettext("The chart shows the %(count)d most recent cohorts; the table lists "
                           "all %(total)d.", count=COHORT_CHART_LIMIT, total=len(cohort_rows))
                   if len(cohort_rows) > COHORT_CHART_LIMIT else "")
    rate = gettext("Completion rate, with each group's enrolments in the table.")
    tables = [
        Table("cohorts", gettext("By cohort"), rate, gettext("Cohort"), gettext("Address"),
              columns, cohort_rows, BARS, "completion", chart_limit=COHORT_CHART_LIMIT,
              note=cohort_note),
        Table("regions", gettext("By region"), rate, gettext("Region"), gettext("Code"),
              columns, focus_rows[:len(regions)], BARS, "completion"),
        Table("themes", gettext("By theme"), rate, gettext("Theme"), gettext("Code"),
              columns, focus_rows[len(regions):], BARS, "completion"),
        Table("months", gettext("By month of joining"), gettext("Enrolments by month of joining."),
              gettext("Month"), gettext("Month (ISO)"), columns, month_rows, COLUMNS,
              "enrolments"),
    ]
    return total, tables


def activity_table(counts: Sequence[queries.MonthActivity], cohorts: Sequence[Cohort]) -> Table:
    """Learners active each month. A month of a page of several cohorts is split by each
    cohort's own page: it is withheld where, with them, it would pin a small cohort's month
    (the months themselves overlap in people and split no published total)."""
    whole = {row.month: row.active for row in counts if row.cohort_id is None}
    by_cohort: dict[str, list[Figure]] = {}
    for row in counts:
        if row.cohort_id is not None:
            by_cohort.setdefault(row.month, []).append(protect_count(row.active, row.active))
    rows = []
    for index, month in enumerate(sorted(whole)):
        figure = protect_count(whole[month], whole[month])
        if len(cohorts) > 1:
            figure = audit_total(figure, [by_cohort.get(month, [])], 1)
        rows.append(_month_row(Row(month, month, {"active": figure}), index))
    return Table("activity", gettext("Over time"),
                 gettext("Learners active each month: members who opened or completed a lesson "
                         "of their cohort’s course that month."),
                 gettext("Month"), gettext("Month (ISO)"),
                 [Column("active", gettext("Learners active that month"), COUNT)], rows,
                 COLUMNS, "active")


def _month_row(row: Row, index: int) -> Row:
    year, month = (int(part) for part in row.key.split("-"))
    first = date(year, month, 1)
    # "yMMMM": the language's own words ("December 2026", "diciembre de 2026").
    return replace(row, label=i18n.format_date(first, "yMMMM"),
                   short_label=format_date(first, "MMM"),
                   sublabel=str(year) if index == 0 or month == 1 else "")


def _audit_row(row: Row, parts: Sequence[queries.CohortCount],
               checks: Sequence[tuple[str, str, int, int]]) -> Row:
    """The row, withheld (each `key` with its `linked` figures) where, with its cohorts' own
    figures (their pages, `parts`), it would leave a hidden cohort a single possible value."""
    if not parts:
        return row
    figures = dict(row.figures)
    for key, linked, least, most in checks:
        split = [protect_count(part.verified, part.verified_people) if key == "verified"
                 else protect_count(part.count, part.people) for part in parts]
        if pins(figures[key], split, least, most):
            figures = {name: withheld(figure) if name in (key, *linked.split()) else figure
                       for name, figure in figures.items()}
    return replace(row, figures=figures)


def shift_tables(shifts: Sequence[queries.Shift], courses: Sequence[Course], language: str,
                 by_cohort: Sequence[queries.CohortCount] = ()) -> list[Table]:
    """For each course with a self-assessment, each statement's paired mean ratings
    (`by_cohort`: each cohort's respondents, for a page of several cohorts)."""
    tables = []
    for course in courses:
        assessment = course.self_assessment
        if assessment is None:
            continue
        found = {shift.statement_id: shift for shift in shifts
                 if shift.course_id == course.course_id}
        rows = []
        for statement in assessment.statements:
            shift = found.get(statement.statement_id)
            respondents = shift.respondents if shift else 0
            before = protect_mean(shift.before if shift else None, respondents)
            after = protect_mean(shift.after if shift else None, respondents)
            row = Row(statement.statement_id,
                      statement.text(language, assessment.default_language), {
                          "respondents": protect_count(respondents, respondents),
                          "before": before, "after": after, "change": difference(after, before)})
            key = f"{course.course_id}:{statement.statement_id}"
            rows.append(_audit_row(row, [part for part in by_cohort if part.key == key],
                                   [("respondents", "before after change", 1, HIDDEN_MOST)]))
        title = course.title(language)
        tables.append(Table(
            SHIFTS_PREFIX + course.course_id,
            gettext("Self-assessment before and after: %(course)s", course=title),
            gettext("Mean rating from 1 (not at all) to 5 (fully), before and after the "
                    "course, among learners who answered both times."),
            gettext("Self-assessment statement"), gettext("Statement code"),
            [Column("respondents", gettext("Respondents"), COUNT),
             Column("before", gettext("Mean before"), RATING),
             Column("after", gettext("Mean after"), RATING),
             Column("change", gettext("Mean change"), CHANGE)],
            rows, DUMBBELL, "before", measure_after="after",
            extra={gettext("Course"): title}))
    return tables


def _story_figures(counts: queries.StoryCounts | None) -> dict[str, Figure]:
    if counts is None:
        counts = queries.StoryCounts("", "", 0, 0, 0, 0)
    return {"stories": protect_count(counts.stories, counts.authors),
            "verified": protect_count(counts.verified, counts.verified_authors)}


def _story_rows(groups: list[tuple[str, str, queries.StoryCounts]]) -> list[Row]:
    return [Row(key, label, _story_figures(counts)) for key, label, counts in groups]


def story_tables(counts: Sequence[queries.StoryCounts],
                 by_cohort: Sequence[queries.CohortCount] = ()) -> tuple[dict[str, Figure],
                                                                         list[Table]]:
    """The scope's story totals, and the tables by theme and by country (`by_cohort`: each
    cohort's, for a page of several cohorts)."""
    by = {(row.dimension, row.key): row for row in counts}
    columns = [Column("stories", gettext("Outcome stories"), COUNT),
               Column("verified", gettext("Verified"), COUNT)]
    themes = _ordered((row.key for row in counts if row.dimension == queries.THEME), THEMES)
    theme_rows = _story_rows([(code, str(THEMES.get(code, code)), by[(queries.THEME, code)])
                              for code in themes])
    countries = [row.key for row in counts if row.dimension == queries.COUNTRY]
    country_rows = _story_rows([(code, country_name(code) or code, by[(queries.COUNTRY, code)])
                                for code in countries])
    # A hidden group (fewer than 5 authors) may have written any number of stories; shown
    # verified stories would say "5 authors or more".
    checks = [("stories", "verified", 1, UNBOUNDED), ("verified", "", 0, UNBOUNDED)]
    theme_rows = [_audit_row(row, [part for part in by_cohort if part.key == f"theme:{row.key}"],
                             checks) for row in theme_rows]
    country_rows = [_audit_row(row, [part for part in by_cohort
                                     if part.key == f"country:{row.key}"], checks)
                    for row in country_rows]
    # Shown countries by number of stories, then the others by name (their order tells
    # nothing about their size).
    country_rows.sort(key=lambda row: (not row.figures["stories"].shown,
                                       -(row.figures["stories"].value or 0)
                                       if row.figures["stories"].shown else 0, row.label))
    country_note = (gettext("The chart shows the %(count)d countries with the most stories; "
                            "the table lists all %(total)d.", count=COUNTRY_CHART_LIMIT,
                            total=len(country_rows))
                    if len(country_rows) > COUNTRY_CHART_LIMIT else "")
    stories = gettext("Outcome stories, with how many are verified in the table.")
    total = _story_figures(by.get((queries.ALL, "")))
    for key, least in (("stories", 1), ("verified", 0)):
        total[key] = audit_total(total[key], [[row.figures[key] for row in rows]
                                              for rows in (theme_rows, country_rows)], least,
                                 most=UNBOUNDED)
    return total, [
        Table("story-themes", gettext("Outcome stories by theme"), stories, gettext("Theme"),
              gettext("Code"), columns, theme_rows, BARS, "stories"),
        Table("story-countries", gettext("Outcome stories by country"), stories,
              gettext("Country"), gettext("Country code"), columns, country_rows, BARS,
              "stories", chart_limit=COUNTRY_CHART_LIMIT, note=country_note),
    ]
