"""Small numbers protect people: the one place where the figures the dashboard, its CSVs and
the PDF report publish are made safe to combine.

Every figure is a `Figure`: a published value together with the number of distinct people it
describes. A figure about fewer than `MIN_PEOPLE` people reads "fewer than 5" (no bar, no
value at all). That alone is not enough: a total minus the groups shown, or one table minus
another, gives a hidden group back. So, as statistical offices publish:

- every count (enrolments, active learners, respondents, stories) is rounded to the nearest 5,
  totals too, each on its own: a sum or difference of published counts is a multiple of 5 and
  only says a hidden group is somewhere between 0 and 4, as its label does;
- a rate is given only for a group published as 10 or more (8 people or more), to the
  nearest 20 points under 20 and 10 from 20: a finer rate would give the count back (62.5%
  of "10" can only be 5 of 8, and 0% of 7 is exactly 0 for every month of them);
- a mean rating is given only for 5 or more respondents and rounded to the nearest half point
  (with 5 respondents or more a half point spans more than one whole sum of ratings, so a mean
  never pins a group's size or sum); a mean change is the difference of the published means;
- a median is given only over 5 or more people (an order statistic: it adds up to nothing);
- rounding leaves each count 2 either side of its published value, and a hidden group is 0
  to 4: when a total's top and its shown groups' bottoms would leave a hidden group a single
  possible value (a total of 7 read as 5, a group of 5 and two of 1), the total is "not
  shown" (`audit_total`). A page of several cohorts is audited: its totals against each of
  its tables, its regions' and themes' rows against their cohorts' rows, and its months,
  statements, story themes and countries against each cohort's own page (one more grouping
  or query each). A single cohort's total is a row of the wider page, so on its own page the
  largest of its months are withheld instead (`withheld_parts`). A "not shown" figure may be
  of any size: a reader cannot tell it from its label.

A hidden or withheld figure carries no value at all (only `people`, which no page or file
prints): the unrounded numbers never reach a template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext

MIN_PEOPLE = 5
ROUND_TO = 5  # counts are published to the nearest multiple of this
# A rate of part/whole leaves the part within (rate ± step/2) × (whole ± 2): these steps keep
# that range at least 2 wide, so a rate never gives an exact count back (not even 0%).
RATE_FROM = 10  # published size from which a rate is given (8 people or more)
RATE_STEP = 10.0  # percentage points, from a published size of 20
SMALL_RATE_STEP = 20.0  # for a published size of 10 or 15
MEAN_STEP = 0.5  # rating points
SHOWN = "shown"
FEWER = "fewer"  # about fewer than MIN_PEOPLE people
# Withheld whatever its size (a reader cannot tell it from its label): a figure that, with
# others, would give a hidden group away.
WITHHELD = "withheld"
# What CSV files say in place of a number, whatever the page language (a stable marker).
CSV_FEWER = "fewer than 5"
CSV_WITHHELD = "not shown"
SLACK = ROUND_TO // 2  # a published count is at most this far from the true one
HIDDEN_MOST = MIN_PEOPLE - 1
UNBOUNDED = 10**9


@dataclass(frozen=True)
class Figure:
    """A published number and how many distinct people it is about; `value` is None when
    there is nothing to publish (hidden, or no completer: no median)."""

    value: float | None
    people: int
    state: str = SHOWN

    @property
    def shown(self) -> bool:
        return self.state == SHOWN and self.value is not None


def _nearest(value: float, step: float) -> float:
    """`value` to the nearest multiple of `step`, halves up (the same on every platform)."""
    return step * math.floor(value / step + 0.5 + 1e-9)


def rounded_count(count: int) -> int:
    """A count as published: to the nearest 5 (5 to 7 read 5, 8 to 12 read 10)."""
    return int(_nearest(count, ROUND_TO))


def hidden(people: int) -> Figure:
    """A figure about fewer than MIN_PEOPLE people: no value."""
    return Figure(None, people, FEWER)


def protect(value: float | None, people: int) -> Figure:
    """A figure that cannot be added up (a median): as is, or "fewer than 5"."""
    return Figure(value, people) if people >= MIN_PEOPLE else hidden(people)


def protect_count(count: int, people: int) -> Figure:
    """A count, rounded to the nearest 5, or "fewer than 5" when about fewer than 5 people."""
    return Figure(rounded_count(count), people) if people >= MIN_PEOPLE else hidden(people)


def protect_rate(part: int, whole: int, people: int) -> Figure:
    """`part` out of `whole` in percent, to the nearest 10 points (20 under 20 people);
    "fewer than 5", or "not shown" for a group published as 5."""
    if people < MIN_PEOPLE or whole <= 0:
        return hidden(people)
    published = rounded_count(whole)
    if published < RATE_FROM:
        return Figure(None, people, WITHHELD)
    step = SMALL_RATE_STEP if published < 2 * RATE_FROM else RATE_STEP
    return Figure(_nearest(100 * part / whole, step), people)


def protect_mean(mean: float | None, people: int) -> Figure:
    """A mean rating, to the nearest half point, or "fewer than 5"."""
    if mean is None:
        return Figure(None, people) if people >= MIN_PEOPLE else hidden(people)
    return Figure(_nearest(mean, MEAN_STEP), people) if people >= MIN_PEOPLE \
        else hidden(people)


def difference(after: Figure, before: Figure) -> Figure:
    """The change between two published means: worked out from what is published only."""
    if not (after.shown and before.shown):
        return Figure(None, after.people, after.state)
    return Figure((after.value or 0.0) - (before.value or 0.0), after.people)


def _bounds(figure: Figure) -> tuple[int, int]:
    """What a reader knows of a shown count's true value."""
    value = int(figure.value or 0)
    return max(value - SLACK, MIN_PEOPLE), value + SLACK


def pins(total: Figure, parts: Sequence[Figure], least: int, most: int = HIDDEN_MOST) -> bool:
    """Whether `total` minus the groups `parts` it splits into leaves a hidden group a single
    possible value (each hidden group counts `least` to `most`, each count is 2 either
    side)."""
    hidden = sum(1 for part in parts if part.state == FEWER)
    if not total.shown or not hidden:
        return False
    low_total, high_total = _bounds(total)
    # What a reader knows of the others: a shown count 2 either side, a withheld one
    # anything from `least`, the other hidden ones `least` to `most`.
    others = [_bounds(part) if part.state == SHOWN else (least, UNBOUNDED)
              for part in parts if part.state != FEWER] + [(least, most)] * (hidden - 1)
    highest = high_total - sum(low for low, _ in others)
    lowest = low_total - sum(high for _, high in others)
    return min(highest, most) <= max(lowest, least)


def audit_total(total: Figure, partitions: Sequence[Sequence[Figure]], least: int,
                most: int = HIDDEN_MOST) -> Figure:
    """The total, withheld when any list of groups splitting it would pin a hidden group."""
    if any(pins(total, parts, least, most) for parts in partitions):
        return withheld(total)
    return total


def withheld_parts(total: Figure, parts: Sequence[Figure], least: int,
                   most: int = HIDDEN_MOST) -> set[int]:
    """Positions of shown groups to withhold, largest first, until `total` minus the groups
    no longer pins a hidden one (for a total that must stay shown)."""
    parts = list(parts)
    chosen: set[int] = set()
    while pins(total, parts, least, most):
        shown = [index for index, part in enumerate(parts) if part.state == SHOWN]
        if not shown:
            break
        largest = max(shown, key=lambda index: (parts[index].value or 0, -index))
        chosen.add(largest)
        parts[largest] = Figure(None, parts[largest].people, WITHHELD)
    return chosen


def withheld(figure: Figure) -> Figure:
    """The figure, withheld (a hidden one stays "fewer than 5")."""
    return figure if figure.state == FEWER else Figure(None, figure.people, WITHHELD)


def fewer_label() -> str:
    """What a page says in place of a figure about fewer than 5 people."""
    return gettext("fewer than 5")


def method_note() -> str:
    """The publishing method in one short paragraph, for the page, the CSV files and the
    report."""
    return gettext(
        "Small numbers protect people. Every count is rounded to the nearest 5, totals too, "
        "and a count about fewer than 5 people reads “fewer than 5”: so groups may not add up "
        "exactly to the overall figures, and no sum or difference of figures, here or in the CSV "
        "files, gives the number of a smaller group. Rates are given for groups shown as 10 "
        "or more, to the nearest 20 points (10 points from 20 people), and mean ratings for "
        "5 respondents or more, to the nearest half point, so that they cannot be multiplied "
        "back into exact counts or sums of ratings. A figure that would still give a smaller "
        "group away reads “not shown”.")


def label_for(figure: Figure) -> str | None:
    """The page's words for a figure that is not shown as a number, else None."""
    if figure.state == FEWER:
        return fewer_label()
    return gettext("not shown") if figure.state == WITHHELD else None


def csv_marker(figure: Figure) -> str | None:
    """The CSV's words for a figure that is not shown as a number, else None."""
    return {FEWER: CSV_FEWER, WITHHELD: CSV_WITHHELD}.get(figure.state)
