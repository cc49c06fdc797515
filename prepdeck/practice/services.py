"""Practice: following decks, answering cards once each, and the day's queue."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.models import utcnow
from prepdeck.decks.models import Deck, Question
from prepdeck.decks.services import get_deck
from prepdeck.extensions import db
from prepdeck.practice import scheduler
from prepdeck.practice.access import may_practise
from prepdeck.practice.models import Card, DeckFollow, ReviewLog
from prepdeck.practice.queue import NO_FILTER, QueueFilter, QueueItem, build_queue
from prepdeck.practice.settings import get_settings, schedule_for, update_settings  # noqa: F401 - the service is where pages and API read settings

# The server's clock, the only source of review times (a client's is never read); tests
# replace it to move time.
clock: Callable[[], datetime] = utcnow

CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
MAX_KEY = 100
MAX_ID = 2**31 - 1  # the database's integer
MAX_DURATION_MS = 3_600_000  # a card left open for longer counts as an hour, as Anki caps it


# Following -----------------------------------------------------------------------------


def follow(person: User, slug: str) -> DeckFollow:
    """Follow a deck the person can read (their own, public, or unlisted with its address)."""
    deck = get_deck(slug, person)
    found = db.session.get(DeckFollow, (person.id, deck.id))
    if found is not None:
        return found
    row = DeckFollow(person_id=person.id, deck_id=deck.id)
    db.session.add(row)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # followed at the same moment in another tab
        db.session.rollback()
        return db.session.get(DeckFollow, (person.id, deck.id))
    return row


def unfollow(person: User, slug: str) -> None:
    """Stop following; also a deck that has since become private to the person."""
    deck_id = db.session.scalar(sa.select(Deck.id).where(Deck.slug == slug))
    row = db.session.get(DeckFollow, (person.id, deck_id)) if deck_id else None
    if row is None:
        get_deck(slug, person)  # not found, as for reading it, when the person may not see it
        return
    db.session.delete(row)
    db.session.commit()


def followed_deck_ids(person: User) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(DeckFollow.deck_id)
            .where(DeckFollow.person_id == person.id)
            .order_by(DeckFollow.created_at, DeckFollow.deck_id)
        )
    )


def due_queue(
    person: User,
    now: datetime | None = None,
    limit: int = 50,
    narrow: QueueFilter = NO_FILTER,
) -> list[QueueItem]:
    """What to practise at `now` (the server's clock by default), in order, at most `limit`:
    learning cards due, then due reviews with new questions mixed among them, within the
    day's limits; narrowed to a deck, a level, a tag or the cards missed lately when `narrow`
    says so."""
    if narrow.deck_id is not None and narrow.deck_id not in followed_deck_ids(person):
        raise NotFound("You do not follow this deck.")
    if narrow.missed_days is not None and not 1 <= narrow.missed_days <= 365:
        raise Invalid("Missed within the last 1 to 365 days.",
                      details={"missed_days": ["Must be from 1 to 365."]})  # fmt: skip
    return build_queue(person, now or clock(), max(0, limit), narrow)


# Reviews -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewResult:
    """The card as one answer left it (the same however often the answer is submitted)."""

    question_id: int
    rating: int
    reviewed_at: datetime
    state: str
    stability: float
    difficulty: float
    due: datetime
    # True when an earlier submission with the same key had already applied the answer.
    replayed: bool = dataclasses.field(default=False, compare=False)


def visible_question(person: User, question_id: int) -> Question:
    """A question the person may practise: readable by its id, or in an unlisted deck they
    follow (they had its address); not found otherwise, as for reading it."""
    known = isinstance(question_id, int) and 0 < question_id <= MAX_ID  # past it: no row
    question = db.session.get(Question, question_id) if known else None
    if question is not None and may_practise(person, question.deck):
        return question
    raise NotFound("There is no such question.")


def review(
    person: User, question_id: int, rating: int, duration_ms: int, idempotency_key: str
) -> ReviewResult:
    """Apply one answer at the server's time, once: the same key again returns what the first
    submission did, also when both arrive at the same moment."""
    rating, duration_ms, key = _checked(rating, duration_ms, idempotency_key)
    visible_question(person, question_id)
    done = _already(person, key, question_id)
    if done:
        return done
    card = _locked_card(person.id, question_id)
    done = _already(person, key, question_id)  # a twin may have finished while we waited
    if done:
        db.session.rollback()
        return done
    log = _apply(person, card, rating, duration_ms, key)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        done = _already(person, key, question_id)
        if done:
            return done
        raise
    return _result(log)


def relearn_now(
    person: User, question_id: int, duration_ms: int, idempotency_key: str
) -> ReviewResult:
    """A recall failed elsewhere (a question scored low in a mock interview): the deck is
    followed, the failure applied as an Again answer, and the card made due at once rather
    than after its first learning step. Not found when the person may not practise it."""
    question = visible_question(person, question_id)
    if not db.session.get(DeckFollow, (person.id, question.deck_id)):
        db.session.add(DeckFollow(person_id=person.id, deck_id=question.deck_id))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # followed at the same moment elsewhere: that will do
            db.session.rollback()
    result = review(person, question_id, 1, duration_ms, idempotency_key)
    if not result.replayed:
        card = _locked_card(person.id, question_id)
        card.due = min(card.due, result.reviewed_at)
        db.session.commit()
    return result


def _checked(rating, duration_ms, key) -> tuple[int, int, str]:
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in scheduler.RATINGS:
        raise Invalid("Rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).",
                      details={"rating": ["Must be from 1 to 4."]})  # fmt: skip
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int) or duration_ms < 0:
        raise Invalid("Duration is a whole number of milliseconds, 0 or more.",
                      details={"duration_ms": ["Must be 0 or more."]})  # fmt: skip
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise Invalid(f"The idempotency key is 1 to {MAX_KEY} printable characters.",
                      details={"idempotency_key": ["Invalid key."]})  # fmt: skip
    return rating, min(duration_ms, MAX_DURATION_MS), key


def _already(person: User, key: str, question_id: int) -> ReviewResult | None:
    log = db.session.scalar(
        sa.select(ReviewLog)
        .where(ReviewLog.person_id == person.id, ReviewLog.idempotency_key == key)
        .execution_options(populate_existing=True)
    )
    if log is None:
        return None
    if log.question_id != question_id:
        raise Conflict("This idempotency key was already used for another answer.")
    return dataclasses.replace(_result(log), replayed=True)


def _locked_card(person_id: int, question_id: int) -> Card:
    """The person's card for the question, locked until commit (created if new), so that two
    answers to one card are applied one after the other."""
    query = (
        sa.select(Card)
        .where(Card.person_id == person_id, Card.question_id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    card = db.session.scalar(query)
    if card is not None:
        return card
    try:
        with db.session.begin_nested():
            card = Card(person_id=person_id, question_id=question_id, state="new", step=0,
                        reps=0, lapses=0)  # fmt: skip
            db.session.add(card)
    except sa.exc.IntegrityError:  # created by a concurrent answer: wait for it and use it
        card = db.session.scalar(query)
    return card


def _apply(person: User, card: Card, rating: int, duration_ms: int, key: str) -> ReviewLog:
    now = clock()
    schedule = schedule_for(get_settings(person.id))
    before = card_state(card)
    if before.last_review and before.last_review > now:
        now = before.last_review  # the clock never runs backwards for a card
    answered = scheduler.answer(
        before, rating, now, schedule, seed=card_seed(card), history=card_history(card)
    ).card
    for field in CARD_FIELDS:
        setattr(card, field, getattr(answered, field))
    log = ReviewLog(
        person_id=person.id, question_id=card.question_id, rating=rating, reviewed_at=now,
        duration_ms=duration_ms, state_before=before.state, state_after=answered.state,
        step_after=answered.step, stability_after=answered.stability,
        difficulty_after=answered.difficulty, due_after=answered.due, idempotency_key=key,
        **{f"{field}_before": getattr(before, field) for field in CARD_FIELDS[1:]},
    )  # fmt: skip
    db.session.add(log)
    return log


def card_state(card: Card) -> scheduler.CardState:
    return scheduler.CardState(**{field: getattr(card, field) for field in CARD_FIELDS})


def card_seed(card: Card) -> str:
    return f"{card.person_id}:{card.question_id}"


def card_history(card: Card) -> list[tuple[datetime, int]]:
    """The card's past answers, needed only when it carries no memory state."""
    if card.stability is not None or not card.reps:
        return []
    rows = db.session.execute(
        sa.select(ReviewLog.reviewed_at, ReviewLog.rating)
        .where(ReviewLog.person_id == card.person_id, ReviewLog.question_id == card.question_id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    )
    return [(row.reviewed_at, row.rating) for row in rows]


def _result(log: ReviewLog) -> ReviewResult:
    return ReviewResult(
        question_id=log.question_id, rating=log.rating, reviewed_at=log.reviewed_at,
        state=log.state_after, stability=log.stability_after,
        difficulty=log.difficulty_after, due=log.due_after,
    )  # fmt: skip
