"""The differencing attacker of tests/insights/test_attack.py.

It reads every figure a viewer can see (the dashboard of each filter, every CSV of each
filter, the PDF report's figures of each of their cohorts), turns each into the range of
true values it allows (an exact number is a range of one; a count rounded to the nearest 5
is 2 either side; a rate or a mean gives a range of counts or sums of ratings with the
group's size), and then tries sums and differences two ways: as the numbers read (a published
count minus or plus the sum of any subset of a table's counts of the same measure, which
must never equal a hidden count), and as ranges (a total minus every other group of a table
that splits it, which must never leave a single value possible for a hidden group).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

FEWER = ("fewer than 5", "not shown")
COUNT_MEASURES = ("enrolments", "active", "respondents", "stories", "verified")
# What a hidden figure can be, once labelled "fewer than 5" (its group has 1 to 4 people).
HIDDEN_RANGE = {"enrolments": (1, 4), "active": (0, 4), "completers": (0, 4),
                "respondents": (1, 4), "before": (1, 20), "after": (1, 20),
                "stories": (1, 60), "verified": (0, 60)}


@dataclass(frozen=True)
class Figure:
    measure: str  # "enrolments", "respondents:<statement>", "before:<statement>", ...
    table: str  # where it was read
    row: str
    truth: int
    lo: int
    hi: int
    hidden: bool
    published: float = 0.0  # the number as it reads (0 when hidden)
    withheld: bool = False  # "not shown": of any size


@dataclass(frozen=True)
class Cell:
    """A published figure before it is turned into a range."""

    measure: str
    table: str
    row: str
    truth: int
    text: str
    size_text: str = ""  # for a rate or a mean: the group's published size


def number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").replace("\u2212", "-"))


def rounded_mode(cells: Iterable[Cell]) -> bool:
    """True when every published count is a multiple of 5 (counts are rounded)."""
    counts = [number(cell.text) for cell in cells
              if not cell.size_text and cell.text and cell.text not in FEWER]
    return all(value % 5 == 0 for value in counts)


def ranges(cells: list[Cell]) -> list[Figure]:
    """Each cell as the range of true values it allows, knowing the publishing method."""
    rounded = rounded_mode(cells)
    figures = []
    for cell in cells:
        kind = cell.measure.split(":")[0]
        if cell.text in FEWER or cell.size_text in FEWER:
            low, high = HIDDEN_RANGE[kind]
            withheld = "not shown" in (cell.text, cell.size_text)
            figures.append(Figure(cell.measure, cell.table, cell.row, cell.truth, low,
                                  10**6 if withheld else high, True, 0.0, withheld))
            continue
        if not cell.text:
            continue
        value = number(cell.text)
        if not cell.size_text:  # a count
            low, high = (max(value - 2, 5), value + 2) if rounded else (value, value)
        else:
            size = number(cell.size_text)
            size_low, size_high = (max(size - 2, 5), size + 2) if rounded else (size, size)
            if kind == "completers":  # a rate in percent
                step = (20 if size < 20 else 10) if rounded else 0.1
                low = max(0.0, value - step / 2) / 100 * size_low
                high = min(100.0, value + step / 2) / 100 * size_high
            else:  # a mean rating from 1 to 5
                step = 0.5 if rounded and value * 2 == int(value * 2) else 0.01
                low = max(1.0, value - step / 2) * size_low
                high = min(5.0, value + step / 2) * size_high
        figures.append(Figure(cell.measure, cell.table, cell.row, cell.truth,
                              math.ceil(low - 1e-9), math.floor(high + 1e-9), False,
                              value if not cell.size_text else value * size))
    return figures


def _subset_sums(values: list[int]) -> set[int]:
    sums = {0}
    for value in values:
        sums |= {total + value for total in sums}
    return sums


def naive(figures: list[Figure], tables: dict[str, list[int]]) -> list[str]:
    """Hidden counts equal to a published count minus (or plus) the sum of any subset of the
    published counts of a table of the same measure, taking the numbers as they read."""
    counts = [index for index, figure in enumerate(figures)
              if figure.measure.split(":")[0] in COUNT_MEASURES]
    leaks = []
    for name, indexes in tables.items():
        shown = [figures[i] for i in indexes if not figures[i].hidden and i in set(counts)]
        if not shown:
            continue
        measure = shown[0].measure
        sums = _subset_sums([int(figure.published) for figure in shown]) - {0}
        others = {int(figure.published) for figure in figures
                  if figure.measure == measure and not figure.hidden}
        found = sums | {other - total for other in others for total in sums} \
            | {total - other for other in others for total in sums}
        leaks += [f"{figure.table} {figure.row} {measure} = {figure.truth}: from {name}"
                  for figure in figures if figure.measure == measure and figure.hidden
                  and not figure.withheld and figure.truth >= 1 and figure.truth in found]
    return leaks


def intervals(figures: list[Figure], partitions: list[tuple[list[int], list[int]]]) -> list[str]:
    """Hidden figures pinned to one value by a total minus the other groups of a partition
    of it, knowing how each figure is rounded (the ranges above)."""
    leaks = []
    for members, totals in partitions:
        for target in members:
            secret = figures[target]
            if not secret.hidden:
                continue
            others = [figures[i] for i in members if i != target]
            low_rest, high_rest = sum(f.lo for f in others), sum(f.hi for f in others)
            for total in totals:
                low = max(secret.lo, figures[total].lo - high_rest)
                high = min(secret.hi, figures[total].hi - low_rest)
                if low == high == secret.truth:
                    leaks.append(f"{secret.table} {secret.row} {secret.measure} = "
                                 f"{secret.truth}: {figures[total].table} minus "
                                 f"{[(f.table, f.row) for f in others]}")
    return leaks


# --- reading what a viewer sees -------------------------------------------------------------

def headline_cells(html: str) -> dict[str, str]:
    """{label: text} of the dashboard's "At a glance" list or the report's glance table."""
    if 'aria-labelledby="summary"' in html:
        part = html.split('aria-labelledby="summary">', 1)[1].split("</ul>", 1)[0]
        return {label.strip(): text.strip() for text, label in
                re.findall(r"<strong>(.*?)</strong>(.*?)</li>", part, re.S)}
    part = html.split('class="glance">', 1)[1].split("</table>", 1)[0]
    return {label.strip(): text.strip() for label, text in
            re.findall(r'<th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', part, re.S)}


def csv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a chart's CSV (a note row, if any, left out)."""
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return header, [row for row in rows if len(row) == len(header)]
