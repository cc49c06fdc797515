"""A simulated learner who forgets faster than FSRS's defaults assume, answering through the
scheduler for a year; their history is written as the review service writes it."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from fsrs_rs_python import DEFAULT_PARAMETERS

from prepdeck.extensions import db
from prepdeck.practice import scheduler
from prepdeck.practice.models import Card, ReviewLog

DECAY = -DEFAULT_PARAMETERS[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def recall_probability(days_elapsed: float, stability: float) -> float:
    """FSRS-6's forgetting curve."""
    return (1 + FACTOR * days_elapsed / stability) ** DECAY


class Learner:
    """Their true stability is `memory` times what the scheduler believes."""

    def __init__(self, person_id: int, question_ids: list[int], memory: float = 0.3, seed=7):
        self.person_id, self.question_ids, self.memory = person_id, question_ids, memory
        self.random = random.Random(seed)
        self.cards: dict[int, scheduler.CardState] = {}
        self.logs: list[ReviewLog] = []

    def rating(self, card: scheduler.CardState, now: datetime) -> int:
        if card.state == "new":
            return 3 if self.random.random() < 0.7 else 1
        elapsed = (now - card.last_review).total_seconds() / 86_400
        recalled = self.random.random() < recall_probability(
            elapsed, max(card.stability * self.memory, 0.01)
        )
        return 3 if recalled else 1

    def answer(self, question_id: int, now: datetime) -> None:
        before = self.cards.get(question_id, scheduler.CardState())
        rating = self.rating(before, now)
        seed = f"{self.person_id}:{question_id}"
        after = scheduler.answer(before, rating, now, scheduler.Schedule(), seed=seed).card
        self.cards[question_id] = after
        self.logs.append(
            ReviewLog(
                person_id=self.person_id, question_id=question_id, rating=rating,
                reviewed_at=now, duration_ms=5_000, state_before=before.state,
                state_after=after.state, step_after=after.step,
                stability_after=after.stability, difficulty_after=after.difficulty,
                due_after=after.due, idempotency_key=f"sim-{len(self.logs)}",
            )
        )  # fmt: skip

    def practise_day(self, morning: datetime, new_per_day: int) -> None:
        """New questions, then everything due, until nothing is due before noon."""
        unseen = [q for q in self.question_ids if q not in self.cards][:new_per_day]
        now = morning
        for question_id in unseen:
            self.answer(question_id, now)
        while now < morning + timedelta(hours=2):
            due = [q for q, card in self.cards.items() if card.due <= now]
            for question_id in due:
                self.answer(question_id, now)
            now += timedelta(minutes=1)

    def practise(self, days: int, start=datetime(2025, 1, 6, 10, tzinfo=UTC), new_per_day=5):
        for day in range(days):
            self.practise_day(start + timedelta(days=day), new_per_day)
        return start + timedelta(days=days)

    def save(self) -> None:
        """Write the history and the cards as the review service would have."""
        db.session.add_all(self.logs)
        for question_id, state in self.cards.items():
            db.session.add(Card(person_id=self.person_id, question_id=question_id, **asdict(state)))
        db.session.commit()
