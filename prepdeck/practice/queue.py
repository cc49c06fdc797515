"""The day's queue: learning cards due now, then due reviews, then new questions from the
followed decks, within the person's daily limits counted in the person's day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from prepdeck.practice import days
from prepdeck.practice.models import Card, DeckFollow, ReviewLog
from prepdeck.practice.settings import get_settings


@dataclass(frozen=True)
class QueueItem:
    question_id: int
    kind: str  # learning, review or new
    due: datetime | None


@dataclass(frozen=True)
class DayCounts:
    reviews_done: int
    new_done: int


def _practised_decks(person: User) -> sa.Select:
    """Followed decks the person may still read (a deck made private leaves the queue)."""
    query = sa.select(Deck.id).join(DeckFollow, DeckFollow.deck_id == Deck.id)
    query = query.where(DeckFollow.person_id == person.id)
    if not person.is_admin:
        query = query.where(sa.or_(Deck.visibility != "private", Deck.owner_id == person.id))
    return query


def day_counts(person: User, now: datetime) -> DayCounts:
    """Reviews answered and new cards introduced since the person's day started."""
    settings = get_settings(person.id)
    today = days.person_day(now, settings.time_zone, settings.day_start_hour)
    since = days.day_start(today, settings.time_zone, settings.day_start_hour)
    rows = db.session.execute(
        sa.select(ReviewLog.state_before, sa.func.count(sa.distinct(ReviewLog.question_id)))
        .where(ReviewLog.person_id == person.id, ReviewLog.reviewed_at >= since)
        .where(ReviewLog.state_before.in_(("new", "review")))
        .group_by(ReviewLog.state_before)
    )
    counts = dict(rows.all())
    return DayCounts(reviews_done=counts.get("review", 0), new_done=counts.get("new", 0))


def build_queue(person: User, now: datetime, limit: int) -> list[QueueItem]:
    settings = get_settings(person.id)
    done = day_counts(person, now)
    decks = _practised_decks(person)
    room = max(0, settings.max_reviews_per_day - done.reviews_done - done.new_done)
    items = _due_cards(person, decks, ("learning", "relearning"), now, limit)
    reviews = _due_cards(person, decks, ("review",), now, min(room, limit - len(items)))
    items += reviews
    new_room = min(settings.new_per_day - done.new_done, room - len(reviews))
    items += _new_questions(person, decks, min(new_room, limit - len(items)))
    return items


def _due_cards(person, decks, states, now: datetime, limit: int) -> list[QueueItem]:
    if limit <= 0:
        return []
    rows = db.session.execute(
        sa.select(Card.question_id, Card.state, Card.due)
        .join(Question, Question.id == Card.question_id)
        .where(Card.person_id == person.id, Card.state.in_(states), Card.due <= now)
        .where(Question.deck_id.in_(decks))
        .order_by(Card.due, Card.question_id)
        .limit(limit)
    )
    kind = "review" if states == ("review",) else "learning"
    return [QueueItem(row.question_id, kind, row.due) for row in rows]


def _new_questions(person, decks, limit: int) -> list[QueueItem]:
    """Questions never answered, deck by deck in the order they were followed, each deck's
    in its own order."""
    if limit <= 0:
        return []
    seen = sa.select(Card.question_id).where(
        Card.person_id == person.id, Card.question_id == Question.id, Card.state != "new"
    )
    rows = db.session.scalars(
        sa.select(Question.id)
        .join(DeckFollow, DeckFollow.deck_id == Question.deck_id)
        .where(DeckFollow.person_id == person.id)
        .where(Question.deck_id.in_(decks), ~seen.exists())
        .order_by(DeckFollow.created_at, Question.deck_id, Question.position)
        .limit(limit)
    )
    return [QueueItem(question_id, "new", None) for question_id in rows]
