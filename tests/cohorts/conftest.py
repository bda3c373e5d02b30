"""A clock the periodic duties read, set by each test and put back afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from lms.jobs import periodic


@pytest.fixture
def clock() -> Iterator[Callable[[datetime], datetime]]:
    """`clock(moment)` makes the duties' time `moment` (an aware datetime) until changed."""
    current: list[datetime] = []

    def set_to(moment: datetime) -> datetime:
        current[:] = [moment.astimezone(UTC)]  # as a worker's clock: periods are UTC hours
        return current[0]

    periodic.set_clock(lambda: current[0])
    try:
        yield set_to
    finally:
        periodic.set_clock(None)
