"""Time zones a person or a cohort can choose: IANA names, as the system's tz database has them."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Regions of the tz database's canonical names; the rest are aliases kept for old systems
# ("US/Eastern", "Etc/GMT+5", "Cuba"...), which would double a long list for nothing.
_REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/",
            "Australia/", "Europe/", "Indian/", "Pacific/")


@lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """The time zones offered in forms, sorted, with UTC first."""
    return ("UTC", *sorted(name for name in available_timezones()
                           if name.startswith(_REGIONS)))


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The named time zone, else the fallback's, else UTC (a name may have gone from tzdata)."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")
