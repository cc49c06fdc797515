"""What the review page shows: the next card with what each button would give it, the day's
counts, the answer that undo would take back, and the narrowing a person asked for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Invalid
from prepdeck.decks.models import LEVELS, Deck, Question
from prepdeck.decks.questions import clean_tags
from prepdeck.decks.services import get_deck
from prepdeck.extensions import db
from prepdeck.practice import scheduler, services, undo
from prepdeck.practice.models import Card, DeckFollow, ReviewLog
from prepdeck.practice.queue import QueueFilter, practised_decks
from prepdeck.practice.settings import get_settings, schedule_for

# Enough to count a day's work; the review limit keeps a real day well below it.
COUNT_LIMIT = 1_000
NARROW_ARGS = ("deck", "level", "tag", "missed")


@dataclass(frozen=True)
class Narrowing:
    """The queue filter and the page arguments it came from (kept on every link and form)."""

    filter: QueueFilter
    args: dict[str, str]
    deck: Deck | None = None


@dataclass(frozen=True)
class NextCard:
    question: Question
    kind: str  # learning, review or new
    intervals: dict[int, scheduler.Interval]
    # The same for every page showing this card in this state, so that two tabs or a
    # repeated submission apply the answer once.
    answer_key: str


@dataclass(frozen=True)
class ReviewScreen:
    card: NextCard | None
    counts: dict[str, int]  # learning, review, new still to do
    last_answer: ReviewLog | None
    followed: list[Deck]


def narrowing(person: User, args: Mapping[str, str]) -> Narrowing:
    """The queue filter asked for by the page's arguments: a deck's address, a level, a tag,
    or the number of days in which a card was missed. Invalid or NotFound, with the field."""
    given = {name: args.get(name, "").strip() for name in NARROW_ARGS}
    given = {name: value for name, value in given.items() if value}
    deck = get_deck(given["deck"], person) if "deck" in given else None
    level = given.get("level")
    if level is not None and level not in LEVELS:
        raise Invalid(f"Level is one of {', '.join(LEVELS)}.", details={"level": []})
    tag = clean_tags([given["tag"]])[0] if "tag" in given else None
    return Narrowing(
        QueueFilter(
            deck_id=deck.id if deck else None,
            level=level,
            tag=tag,
            missed_days=_missed_days(given.get("missed")),
        ),
        given,
        deck,
    )


def _missed_days(text: str | None) -> int | None:
    if text is None:
        return None
    # ASCII digits only: "²" is a digit to str.isdigit, and no number to int().
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 365:
        raise Invalid("Missed within the last 1 to 365 days: give a whole number of days.",
                      details={"missed": []})  # fmt: skip
    return int(text)


def review_screen(person: User, narrow: QueueFilter, reveal: int | None = None) -> ReviewScreen:
    """The page's content at the server's time. `reveal`: the question whose answer was
    asked for, shown first while it is still in the queue."""
    now = services.clock()
    queue = services.due_queue(person, now=now, limit=COUNT_LIMIT, narrow=narrow)
    counts = Counter(item.kind for item in queue)
    chosen = next((item for item in queue if item.question_id == reveal), None)
    chosen = chosen or (queue[0] if queue else None)
    return ReviewScreen(
        card=_next_card(person, chosen.question_id, chosen.kind, now) if chosen else None,
        counts={kind: counts.get(kind, 0) for kind in ("learning", "review", "new")},
        last_answer=undo.undoable_answer(person, now),
        followed=followed_decks(person),
    )


def _next_card(person: User, question_id: int, kind: str, now: datetime) -> NextCard:
    card = db.session.get(Card, (person.id, question_id))
    state = services.card_state(card) if card else scheduler.CardState()
    seed = services.card_seed(card) if card else f"{person.id}:{question_id}"
    history = services.card_history(card) if card else []
    intervals = scheduler.button_intervals(
        state, now, schedule_for(get_settings(person.id)), seed=seed, history=history
    )
    last = int(state.last_review.timestamp() * 1000) if state.last_review else 0
    return NextCard(
        question=db.session.get(Question, question_id),
        kind=kind,
        intervals=intervals,
        answer_key=f"page:{question_id}:{state.reps}:{last}",
    )


def followed_decks(person: User) -> list[Deck]:
    return list(
        db.session.scalars(
            sa.select(Deck)
            .join(DeckFollow, DeckFollow.deck_id == Deck.id)
            .where(DeckFollow.person_id == person.id, Deck.id.in_(practised_decks(person)))
            .order_by(DeckFollow.created_at, Deck.id)
        )
    )


def answer_from_page(
    person: User, question_id: int, rating: int, shown_at_ms: int | None, key: str
) -> services.ReviewResult:
    """An answer from the review page: its duration runs from when the page showed the card."""
    now_ms = int(services.clock().timestamp() * 1000)
    duration = now_ms - shown_at_ms if shown_at_ms else 0
    duration = min(max(0, duration), services.MAX_DURATION_MS)
    return services.review(person, question_id, rating, duration, key)


def shown_at(now: datetime | None = None) -> int:
    return int((now or services.clock()).timestamp() * 1000)
