"""The day's queue: learning cards due now, then due reviews mixed with new questions from the
followed decks, within the person's daily limits counted in the person's day; narrowed, when
asked, to one deck, a level, a tag, or the cards missed lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks.models import Deck, Question, QuestionTag
from prepdeck.extensions import db
from prepdeck.practice import days, plans
from prepdeck.practice.models import Card, DeckFollow, ReviewLog
from prepdeck.practice.settings import get_settings


@dataclass(frozen=True)
class QueueItem:
    question_id: int
    kind: str  # learning, review or new
    due: datetime | None


@dataclass(frozen=True)
class QueueFilter:
    """What the person narrowed the queue to; every field empty: all followed decks.
    `missed_days`: only cards answered Again in that many last days, due or not (practising
    them early is allowed: each is scheduled from the moment it is answered)."""

    deck_id: int | None = None
    level: str | None = None
    tag: str | None = None
    missed_days: int | None = None

    def narrow(self, query: sa.Select, person_id: int, now: datetime) -> sa.Select:
        if self.deck_id is not None:
            query = query.where(Question.deck_id == self.deck_id)
        if self.level is not None:
            query = query.where(Question.level == self.level)
        if self.tag is not None:
            tagged = sa.select(QuestionTag.question_id).where(QuestionTag.tag == self.tag)
            query = query.where(Question.id.in_(tagged))
        if self.missed_days is not None:
            query = query.where(Question.id.in_(missed_since(person_id, now, self.missed_days)))
        return query


NO_FILTER = QueueFilter()


def missed_since(person_id: int, now: datetime, days_back: int) -> sa.Select:
    """Questions the person answered Again in the last `days_back` days."""
    return sa.select(ReviewLog.question_id).where(
        ReviewLog.person_id == person_id,
        ReviewLog.rating == 1,
        ReviewLog.reviewed_at >= now - timedelta(days=days_back),
    )


@dataclass(frozen=True)
class DayCounts:
    reviews_done: int
    new_done: int


def practised_decks(person: User) -> sa.Select:
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


def build_queue(
    person: User, now: datetime, limit: int, narrow: QueueFilter = NO_FILTER
) -> list[QueueItem]:
    decks = practised_decks(person)
    if narrow.missed_days is not None:
        return _missed(person, decks, now, limit, narrow)
    settings = get_settings(person.id)
    done = day_counts(person, now)
    room = max(0, settings.max_reviews_per_day - done.reviews_done - done.new_done)
    learning = _due_cards(person, decks, ("learning", "relearning"), now, limit, narrow)
    space = limit - len(learning)
    reviews_due = _count_due_reviews(person, decks, now, narrow, room)
    # An active interview plan raises the day's new questions to what it needs, its decks first.
    plan_new, plan_decks = plans.queue_allowance(
        person, now, settings.time_zone, settings.day_start_hour
    )
    new_room = min(max(settings.new_per_day, plan_new) - done.new_done, room - reviews_due)
    new = _new_questions(person, decks, min(new_room, space), narrow, now, plan_decks)
    reviews = _due_cards(person, decks, ("review",), now, min(reviews_due, space), narrow)
    return learning + mixed(reviews, new, reviews_due)[: max(0, space)]


def mixed(reviews: list[QueueItem], new: list[QueueItem], reviews_due: int) -> list[QueueItem]:
    """New questions spread evenly among the day's reviews, as Anki mixes them: with R reviews
    due and N new questions, one new question after every R / (N + 1) reviews. `reviews` may be
    the first of the R only; what comes after them is cut by the caller."""
    merged: list[QueueItem] = []
    taken = 0
    for index, item in enumerate(new):
        upto = max(taken, round((index + 1) * reviews_due / (len(new) + 1)))
        merged += reviews[taken:upto]
        taken = min(upto, len(reviews))
        merged.append(item)
    return merged + reviews[taken:]


def _count_due_reviews(person, decks, now: datetime, narrow, most: int) -> int:
    """Reviews due now, counted up to `most` (the day's room: more would not be shown)."""
    if most <= 0:
        return 0
    due = _card_rows(person, decks, narrow, now).where(Card.state == "review", Card.due <= now)
    bounded = due.with_only_columns(Card.question_id).limit(most).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(bounded))


def _card_rows(person, decks, narrow: QueueFilter, now: datetime) -> sa.Select:
    query = (
        sa.select(Card.question_id, Card.state, Card.due)
        .join(Question, Question.id == Card.question_id)
        .where(Card.person_id == person.id, Question.deck_id.in_(decks))
    )
    return narrow.narrow(query, person.id, now)


def _due_cards(person, decks, states, now: datetime, limit: int, narrow) -> list[QueueItem]:
    if limit <= 0:
        return []
    query = _card_rows(person, decks, narrow, now)
    rows = db.session.execute(
        query.where(Card.state.in_(states), Card.due <= now)
        .order_by(Card.due, Card.question_id)
        .limit(limit)
    )
    kind = "review" if states == ("review",) else "learning"
    return [QueueItem(row.question_id, kind, row.due) for row in rows]


def _missed(person, decks, now: datetime, limit: int, narrow) -> list[QueueItem]:
    """The cards missed lately, the soonest due first, whatever the day's limits."""
    if limit <= 0:
        return []
    query = _card_rows(person, decks, narrow, now).where(Card.state != "new")
    rows = db.session.execute(query.order_by(Card.due, Card.question_id).limit(limit))
    kinds = {"review": "review", "learning": "learning", "relearning": "learning"}
    return [QueueItem(row.question_id, kinds[row.state], row.due) for row in rows]


def _new_questions(
    person, decks, limit: int, narrow, now: datetime, first: list[int] | None = None
) -> list[QueueItem]:
    """Questions never answered, the decks in `first` (an interview plan's) before the others,
    deck by deck in the order they were followed, each deck's in its own order. One query per
    deck, each a walk of the deck's (deck, position) index that stops at the limit: one query
    over every followed deck sorted all their questions first, 55,000 of them for the heavy
    learner in docs/performance.md."""
    if limit <= 0:
        return []
    seen = sa.select(Card.question_id).where(
        Card.person_id == person.id, Card.question_id == Question.id, Card.state != "new"
    )
    followed = db.session.scalars(
        sa.select(DeckFollow.deck_id)
        .where(DeckFollow.person_id == person.id, DeckFollow.deck_id.in_(decks))
        .order_by(DeckFollow.created_at, DeckFollow.deck_id)
    ).all()
    if first:
        followed = [d for d in followed if d in first] + [d for d in followed if d not in first]
    items: list[QueueItem] = []
    for deck_id in followed:
        if narrow.deck_id is not None and deck_id != narrow.deck_id:
            continue
        query = sa.select(Question.id).where(Question.deck_id == deck_id, ~seen.exists())
        rows = db.session.scalars(
            narrow.narrow(query, person.id, now)
            .order_by(Question.position)
            .limit(limit - len(items))
        )
        items += [QueueItem(question_id, "new", None) for question_id in rows]
        if len(items) >= limit:
            break
    return items
