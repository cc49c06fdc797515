"""A person's days: they start at the person's chosen hour in the person's time zone, as
Anki's do, and FSRS counts the time between two reviews in such days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prepdeck.core.errors import Invalid


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone of this name ("Europe/Paris"); Invalid when there is none."""
    try:
        if not name or name != name.strip() or len(name) > 64:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            f"{name!r} is not a time zone: use an IANA name such as Europe/Paris or UTC.",
            details={"time_zone": ["Unknown time zone."]},
        ) from None


def person_day(moment: datetime, zone_name: str, start_hour: int) -> date:
    """The date of the person's day that holds `moment` (an aware datetime): before the start
    hour it is still the day before."""
    local = moment.astimezone(zone(zone_name))
    # Wall-clock arithmetic: the day turns at the start hour on the local clock, DST or not.
    return (local.replace(tzinfo=None) - timedelta(hours=start_hour)).date()


def day_start(day: date, zone_name: str, start_hour: int) -> datetime:
    """When the person's day `day` starts, in UTC."""
    local = datetime.combine(day, time(hour=start_hour), tzinfo=zone(zone_name))
    return local.astimezone(UTC)


def elapsed_days(earlier: datetime, later: datetime, zone_name: str, start_hour: int) -> int:
    """Anki's elapsed days: the person's day starts crossed from `earlier` to `later` (0 on the
    same day, never negative)."""
    first = person_day(earlier, zone_name, start_hour)
    last = person_day(later, zone_name, start_hour)
    return max(0, (last - first).days)
