"""What a person's cards look like from outside: one card with its retrievability now, and
the day's queue with what each of the four buttons would do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks.models import Question
from prepdeck.extensions import db
from prepdeck.practice import scheduler, services
from prepdeck.practice.models import Card
from prepdeck.practice.queue import NO_FILTER, QueueFilter
from prepdeck.practice.settings import get_settings, schedule_for


@dataclass(frozen=True)
class CardView:
    question_id: int
    state: str
    step: int
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int
    retrievability: float | None


@dataclass(frozen=True)
class DueItem:
    question_id: int
    prompt: str
    kind: str  # learning, review or new
    due: datetime | None
    intervals: dict[str, scheduler.Interval]  # again, hard, good, easy


def retrievability(
    stability: float | None,
    last_review: datetime | None,
    now: datetime,
    parameters: Sequence[float] | None = None,
) -> float | None:
    """The chance of recalling the card at `now` (FSRS-6's forgetting curve with the person's
    parameters). The time since the last review is counted in days, to the second, as Anki's
    `current_retrievability_seconds` counts it (the day counting by day starts is for the
    elapsed days of a review, not for this). None for a card never reviewed."""
    if stability is None or last_review is None or stability <= 0:
        return None
    elapsed = (now - last_review).total_seconds() / scheduler.DAY_SECONDS
    return scheduler.recall_probability(stability, elapsed, parameters)


def card_view(person: User, question_id: int, now: datetime | None = None) -> CardView:
    """The person's card for a question they may see (a question never answered is a new
    card); not found, as for reading it, otherwise."""
    services.visible_question(person, question_id)
    card = db.session.get(Card, (person.id, question_id))
    if card is None:
        card = Card(person_id=person.id, question_id=question_id, state="new", step=0, reps=0,
                    lapses=0)  # fmt: skip
    parameters = schedule_for(get_settings(person.id)).parameters
    moment = now or services.clock()
    return CardView(
        question_id=question_id,
        **{name: getattr(card, name) for name in services.CARD_FIELDS},
        retrievability=retrievability(card.stability, card.last_review, moment, parameters),
    )


def due_items(
    person: User, narrow: QueueFilter = NO_FILTER, limit: int = 50, now: datetime | None = None
) -> list[DueItem]:
    """The queue of `services.due_queue`, each question with its prompt and the interval each
    button would give it if pressed now."""
    moment = now or services.clock()
    queue = services.due_queue(person, moment, limit, narrow)
    ids = [item.question_id for item in queue]
    prompts = {
        row.id: row.prompt
        for row in db.session.execute(
            sa.select(Question.id, Question.prompt).where(Question.id.in_(ids))
        )
    }
    cards = {
        card.question_id: card
        for card in db.session.scalars(
            sa.select(Card).where(Card.person_id == person.id, Card.question_id.in_(ids))
        )
    }
    schedule = schedule_for(get_settings(person.id))
    return [
        DueItem(
            question_id=item.question_id,
            prompt=prompts.get(item.question_id, ""),
            kind=item.kind,
            due=item.due,
            intervals=_buttons(
                person, item.question_id, cards.get(item.question_id), moment, schedule
            ),
        )
        for item in queue
    ]


def _buttons(person: User, question_id: int, card: Card | None, now, schedule):
    if card is None:  # never answered: a new card, not kept until its first answer
        card = Card(person_id=person.id, question_id=question_id, state="new", step=0, reps=0,
                    lapses=0)  # fmt: skip
    intervals = scheduler.button_intervals(
        services.card_state(card), now, schedule, seed=services.card_seed(card),
        history=services.card_history(card),
    )  # fmt: skip
    return {scheduler.RATINGS[rating]: interval for rating, interval in intervals.items()}
