"""The person's day: it starts at their hour in their zone."""

from datetime import UTC, date, datetime

import pytest

from prepdeck.core.errors import Invalid
from prepdeck.practice import days


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "today"),
    [
        # UTC+10 (no DST): 04:00 on 16 January there is 18:00 UTC on the 15th.
        ("Australia/Brisbane", utc(2025, 1, 15, 17, 59), date(2025, 1, 15)),
        ("Australia/Brisbane", utc(2025, 1, 15, 18, 0), date(2025, 1, 16)),
        # UTC-8 (Pacific winter time): 04:00 on 15 January there is 12:00 UTC on the 15th.
        ("America/Los_Angeles", utc(2025, 1, 15, 11, 59), date(2025, 1, 14)),
        ("America/Los_Angeles", utc(2025, 1, 15, 12, 0), date(2025, 1, 15)),
        # Past local midnight but before the start hour, it is still yesterday.
        ("America/Los_Angeles", utc(2025, 1, 16, 9, 30), date(2025, 1, 15)),
    ],
)
def test_today_is_the_persons_day_around_their_start_hour(zone, moment, today):
    assert days.person_day(moment, zone, 4) == today
    start = days.day_start(today, zone, 4)
    assert start <= moment
    assert days.person_day(start, zone, 4) == today


def test_the_day_start_follows_the_chosen_hour():
    assert days.person_day(utc(2025, 1, 15, 5, 59), "UTC", 6) == date(2025, 1, 14)
    assert days.person_day(utc(2025, 1, 15, 6, 0), "UTC", 6) == date(2025, 1, 15)
    assert days.person_day(utc(2025, 1, 15, 0, 0), "UTC", 0) == date(2025, 1, 15)


def test_elapsed_days_count_day_starts_crossed_not_24_hour_periods():
    assert days.elapsed_days(utc(2025, 1, 6, 14, 10), utc(2025, 1, 8, 14, 0), "UTC", 4) == 2
    assert days.elapsed_days(utc(2025, 1, 6, 23, 0), utc(2025, 1, 7, 3, 59), "UTC", 4) == 0
    assert days.elapsed_days(utc(2025, 1, 6, 23, 0), utc(2025, 1, 7, 4, 0), "UTC", 4) == 1
    assert days.elapsed_days(utc(2025, 1, 6, 9, 0), utc(2025, 1, 6, 23, 0), "UTC", 4) == 0
    assert days.elapsed_days(utc(2025, 1, 8), utc(2025, 1, 6), "UTC", 4) == 0


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "utc ", "../etc/passwd", "Europe"])
def test_an_unknown_time_zone_is_invalid_with_a_clear_message(name):
    with pytest.raises(Invalid) as raised:
        days.person_day(utc(2025, 1, 1), name, 4)
    assert "is not a time zone" in raised.value.message
    assert raised.value.details == {"time_zone": ["Unknown time zone."]}
