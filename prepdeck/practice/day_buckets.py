"""The person's day of a stored UTC moment, computed by the database so that a year of
answers is counted per day in one grouped query, on SQLite and on PostgreSQL alike.

A person's day turns at their start hour on their local clock, as `days.person_day` has it.
PostgreSQL knows the time zones: the day is the date of the local wall-clock time less the
start hour. SQLite does not; but over a bounded period a zone's offset from UTC changes only
at a few known moments (summer time), so the period is cut into spans of one offset, and the
day is `floor((epoch + offset - start_hour * 3600) / 86400)` days after 1970-01-01.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from prepdeck.practice import days

EPOCH_DAY = date(1970, 1, 1)
DAY_SECONDS = 86_400


def offset_spans(zone_name: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (seconds) between `start` and `end`: each from the moment it
    begins (the first from `start`)."""
    zone = days.zone(zone_name)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    spans = [(start, offset(start))]
    moment = start
    while moment < end:
        following = min(moment + timedelta(days=1), end)
        if offset(following) != spans[-1][1]:
            low, high = moment, following  # the change happens in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (low, middle) if offset(middle) != spans[-1][1] else (middle, high)
            spans.append((high.replace(microsecond=0), offset(following)))
        moment = following
    return spans


def day_number(
    column, dialect: str, zone_name: str, start_hour: int, start: datetime, end: datetime
):
    """A SQL expression: the person's day of `column` (a UTC datetime between `start` and
    `end`) as a whole number of days after 1970-01-01."""
    if dialect == "postgresql":  # the database knows the zones: its wall clock, less the hour
        local = sa.func.timezone(zone_name, column) - timedelta(hours=start_hour)
        return sa.type_coerce(sa.cast(local, sa.Date) - EPOCH_DAY, sa.Integer)
    spans = offset_spans(zone_name, start, end)
    shift = spans[0][1] - start_hour * 3600
    if len(spans) > 1:
        whens = [(column < begins, spans[i][1]) for i, (begins, _) in enumerate(spans[1:])]
        shift = sa.case(*whens, else_=spans[-1][1]) - start_hour * 3600
    seconds = sa.cast(sa.func.strftime("%s", column), sa.Integer) + shift
    return sa.cast(seconds / DAY_SECONDS, sa.Integer)  # whole numbers of seconds, days past 1970


def to_date(number: int) -> date:
    return EPOCH_DAY + timedelta(days=int(number))


def to_number(day: date) -> int:
    return (day - EPOCH_DAY).days
