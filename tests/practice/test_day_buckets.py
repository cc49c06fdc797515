"""The database's day of a moment is the person's day as `days.person_day` has it: in zones
with summer time, half-hour and quarter-hour offsets, around the start hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from prepdeck.core.models import UTCDateTime
from prepdeck.extensions import db
from prepdeck.practice import day_buckets, days

# Moments every 47 minutes over days that hold a change of offset in each zone.
PERIODS = {
    "Europe/Paris": datetime(2025, 3, 29, tzinfo=UTC),  # summer time from 30 March
    "America/Los_Angeles": datetime(2025, 11, 1, tzinfo=UTC),  # winter time from 2 November
    "Australia/Lord_Howe": datetime(2025, 4, 5, tzinfo=UTC),  # a half-hour change, 6 April
    "Asia/Kathmandu": datetime(2025, 1, 1, tzinfo=UTC),  # UTC+5:45
    "UTC": datetime(2025, 1, 1, tzinfo=UTC),
}


@pytest.mark.parametrize("zone", PERIODS)
@pytest.mark.parametrize("start_hour", [0, 4, 23])
def test_the_database_day_is_the_persons_day(ctx, zone, start_hour):
    first = PERIODS[zone]
    moments = [first + timedelta(minutes=47 * n) for n in range(100)]
    dialect = db.session.get_bind().dialect.name
    column = sa.literal_column("moment", UTCDateTime())
    number = day_buckets.day_number(column, dialect, zone, start_hour, first, moments[-1])
    values = sa.union_all(
        *(sa.select(sa.literal(m, UTCDateTime()).label("moment")) for m in moments)
    )
    rows = db.session.execute(sa.select(column, number).select_from(values.subquery())).all()
    found = {moment: day_buckets.to_date(n) for moment, n in rows}
    assert found == {m: days.person_day(m, zone, start_hour) for m in moments}


def test_offset_spans_find_the_second_the_offset_changes():
    spans = day_buckets.offset_spans(
        "Europe/Paris", datetime(2025, 3, 28, tzinfo=UTC), datetime(2025, 4, 2, tzinfo=UTC)
    )
    assert spans == [
        (datetime(2025, 3, 28, tzinfo=UTC), 3600),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), 7200),
    ]
