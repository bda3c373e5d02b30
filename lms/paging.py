"""Page numbers for the lists shown a page at a time (accounts, the outbox, the directory)."""

from __future__ import annotations


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` items fill: at least one, even when there is nothing."""
    return max(1, -(-total // per_page))


def within(page: int, total: int, per_page: int) -> int:
    """The page to show for the one asked: past the last (say ?page=99999999999999999999, too
    large for an OFFSET), the last; before the first, the first."""
    return min(max(1, page), page_count(total, per_page))
