"""Small numbers protect people: the one place where the "fewer than 5" rule is applied.

Every figure the dashboard, its CSVs and the PDF report show is a `Figure`: a value together
with the number of distinct people it describes. A figure about fewer than `MIN_PEOPLE` people
is shown as "fewer than 5" (and no bar is drawn for it).

Differencing: the page prints totals (the figures at the top) next to lists of groups (by
cohort, region and theme, month, country). When exactly one group of a list is under 5, a reader
could subtract the others from the total and find it; so one more group, the smallest of the
others, is withheld too ("not shown"). Lists never carry a total row of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from flask_babel import gettext

MIN_PEOPLE = 5
SHOWN = "shown"
FEWER = "fewer"  # about fewer than MIN_PEOPLE people
WITHHELD = "withheld"  # large enough, but would reveal a small group by subtraction
# What CSV files say in place of a number, whatever the page language (a stable marker).
CSV_FEWER = "fewer than 5"
CSV_WITHHELD = "not shown"


@dataclass(frozen=True)
class Figure:
    """A number and how many distinct people it is about; `value` is None when there is
    nothing to compute (no completer: no median)."""

    value: float | None
    people: int
    state: str = SHOWN

    @property
    def shown(self) -> bool:
        return self.state == SHOWN and self.value is not None


def protect(value: float | None, people: int) -> Figure:
    """The figure, marked "fewer than 5" when it is about fewer than MIN_PEOPLE people."""
    return Figure(value, people, SHOWN if people >= MIN_PEOPLE else FEWER)


def withhold_complement(figures: Sequence[Figure], sizes: Sequence[int]) -> set[int]:
    """Positions to withhold so that no single small group can be found by subtraction.

    `figures` are one column of a list of groups whose total is printed elsewhere; `sizes` are
    the groups' true sizes (to pick the smallest other one). When exactly one figure is
    "fewer than 5", the smallest shown one is withheld as well.
    """
    small = [index for index, figure in enumerate(figures) if figure.state == FEWER]
    if len(small) != 1:
        return set()
    others = [index for index, figure in enumerate(figures) if figure.state == SHOWN]
    if not others:
        return set()
    return {min(others, key=lambda index: (sizes[index], index))}


def withheld(figure: Figure) -> Figure:
    """The same figure, withheld (complementary suppression)."""
    return figure if figure.state == FEWER else replace(figure, state=WITHHELD)


def fewer_label() -> str:
    """What a page says in place of a figure about fewer than 5 people."""
    return gettext("fewer than 5")


def withheld_label() -> str:
    """What a page says in place of a withheld figure."""
    return gettext("not shown")


def label_for(figure: Figure) -> str | None:
    """The page's words for a figure that is not shown as a number, else None."""
    if figure.state == FEWER:
        return fewer_label()
    if figure.state == WITHHELD:
        return withheld_label()
    return None


def csv_marker(figure: Figure) -> str | None:
    """The CSV's words for a figure that is not shown as a number, else None."""
    return {FEWER: CSV_FEWER, WITHHELD: CSV_WITHHELD}.get(figure.state)
