"""The differencing attacker of tests/insights/test_attack.py.

It reads every figure a viewer can see (the dashboard of each filter, every CSV of each
filter, the PDF report's figures of each of their cohorts), turns each into the range of
true values it allows (an exact number is a range of one; a count rounded to the nearest 5
is 2 either side; a rate or a mean gives a range of counts or sums of ratings with the
group's size), and then tries sums and differences: each figure minus (or plus) the sum of
any small subset of the figures of another table of the same measure, or of all but one or
two of them. A hidden figure is recovered when such a combination, true for the real data,
leaves exactly one value possible for it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

FEWER = ("fewer than 5", "not shown")
SMALL = 3  # subsets of up to this many figures, and all but up to this many minus one
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
            figures.append(Figure(cell.measure, cell.table, cell.row, cell.truth, low, high,
                                  True))
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
                step = (20 if size == 5 else 10) if rounded else 0.1
                low = max(0.0, value - step / 2) / 100 * size_low
                high = min(100.0, value + step / 2) / 100 * size_high
            else:  # a mean rating from 1 to 5
                step = 0.5 if rounded and value * 2 == int(value * 2) else 0.01
                low = max(1.0, value - step / 2) * size_low
                high = min(5.0, value + step / 2) * size_high
        figures.append(Figure(cell.measure, cell.table, cell.row, cell.truth,
                              math.ceil(low - 1e-9), math.floor(high + 1e-9), False))
    return figures


@dataclass(frozen=True)
class Combination:
    truth: int
    lo: int
    hi: int
    members: frozenset[int]


def _combinations(indexes: list[int], figures: list[Figure]) -> list[Combination]:
    sizes = set(range(1, min(SMALL, len(indexes)) + 1))
    sizes |= {size for size in range(len(indexes) - SMALL + 1, len(indexes) + 1) if size > 0}
    found = []
    for size in sorted(sizes):
        for chosen in combinations(indexes, size):
            found.append(Combination(sum(figures[i].truth for i in chosen),
                                     sum(figures[i].lo for i in chosen),
                                     sum(figures[i].hi for i in chosen), frozenset(chosen)))
    return found


def attack(figures: list[Figure], tables: dict[str, list[int]]) -> list[str]:
    """Every hidden figure that some sum or difference pins to its true value."""
    by_truth: dict[tuple[str, int], list[int]] = defaultdict(list)
    for index, figure in enumerate(figures):
        by_truth[(figure.measure, figure.truth)].append(index)
    hidden = defaultdict(list)
    for index, figure in enumerate(figures):
        if figure.hidden:
            hidden[figure.measure].append(index)
    leaks = []
    for name, indexes in tables.items():
        measure = figures[indexes[0]].measure
        for combo in _combinations(indexes, figures):
            for target in hidden[measure]:
                if target in combo.members:
                    continue
                secret = figures[target]
                found = []
                # secret = other - combination, secret = combination - other, secret = combination
                for other in by_truth.get((measure, combo.truth + secret.truth), ()):
                    found.append((other, figures[other].lo - combo.hi,
                                  figures[other].hi - combo.lo))
                for other in by_truth.get((measure, combo.truth - secret.truth), ()):
                    found.append((other, combo.lo - figures[other].hi,
                                  combo.hi - figures[other].lo))
                if combo.truth == secret.truth:
                    found.append((-1, combo.lo, combo.hi))
                for other, low, high in found:
                    if other == target or other in combo.members:
                        continue
                    if max(low, secret.lo) == min(high, secret.hi) == secret.truth:
                        leaks.append(f"{secret.table} {secret.row} {measure} = "
                                     f"{secret.truth}: from {name} {sorted(combo.members)}"
                                     f" and {figures[other].table if other >= 0 else '-'}")
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
