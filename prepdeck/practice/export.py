"""A person's data to take away: the review history as the CSV that FSRS's own tools read,
and the card states as JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice import services
from prepdeck.practice.models import CARD_STATES, Card, ReviewLog
from prepdeck.practice.settings import get_settings, schedule_for

REVIEW_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
# FSRS-rs's and fsrs-optimizer's numbering: 0 new, 1 learning, 2 review, 3 relearning.
STATE_NUMBERS = {state: number for number, state in enumerate(CARD_STATES)}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BATCH = 2_000


def epoch_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def review_history_csv(person: User) -> Iterator[str]:
    """The person's review log as CSV text, in chunks, oldest answer first, with the columns of
    fsrs-optimizer's review-log schema (which FSRS-rs's tools read too):

    - card_id: the question id;
    - review_time: when the server applied the answer, in milliseconds since the epoch (UTC);
    - review_rating: 1 Again, 2 Hard, 3 Good, 4 Easy;
    - review_state: the state of the card when it was reviewed, that is BEFORE the answer, as
      that schema defines it and as Anki's revlog records the kind of review: 0 new,
      1 learning, 2 review, 3 relearning (so every card's first row is 0);
    - review_duration: the time spent on the answer in milliseconds (capped at an hour).

    Replaying it needs the person's day start and time zone (see `card_states`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    rows = db.session.execute(
        sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.rating,
                  ReviewLog.state_before, ReviewLog.duration_ms)
        .where(ReviewLog.person_id == person.id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        .execution_options(yield_per=BATCH)
    )  # fmt: skip
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            (row.question_id, epoch_ms(row.reviewed_at), row.rating,
             STATE_NUMBERS[row.state_before], row.duration_ms)
        )  # fmt: skip
        if count % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def card_states(person: User) -> dict:
    """Every card of the person as stored, with what replaying the CSV needs: the time zone
    and hour their days start in (elapsed days are counted by day starts, as Anki counts them)
    and the FSRS parameters in use (null: FSRS-6's defaults)."""
    settings = get_settings(person.id)
    schedule = schedule_for(settings)
    cards = db.session.scalars(
        sa.select(Card).where(Card.person_id == person.id).order_by(Card.question_id)
    )
    return {
        "exported_at": _iso(services.clock()),
        "time_zone": schedule.time_zone,
        "day_start_hour": schedule.day_start_hour,
        "desired_retention": schedule.desired_retention,
        "fsrs_parameters": list(schedule.parameters) if schedule.parameters else None,
        "cards": [_card(card) for card in cards],
    }


def _card(card: Card) -> dict:
    return {
        "card_id": card.question_id,
        "state": card.state,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": _iso(card.due),
        "last_review": _iso(card.last_review),
        "reps": card.reps,
        "lapses": card.lapses,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def download_name(kind: str, extension: str) -> str:
    """`prepdeck-reviews-2025-01-06.csv`: dated by the server's clock."""
    return f"prepdeck-{kind}-{services.clock().date().isoformat()}.{extension}"
