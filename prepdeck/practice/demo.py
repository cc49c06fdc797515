"""Demo history: weeks of practice by a simulated learner, through the real queue and the real
review service with the server's clock moved, so that every number the statistics show comes
from answers the scheduler really handled."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks.models import Deck
from prepdeck.extensions import db
from prepdeck.practice import scheduler, services
from prepdeck.practice.models import Card, ReviewLog

DAYS = 42
SEED = 20261203
# When the learner sits down (UTC hours): mornings, lunch, evenings, and now and then after
# midnight, which still counts as the day before.
SESSION_HOURS = (7, 8, 12, 13, 18, 19, 20, 21, 22, 23, 1)
SKIP_DAY = 0.12  # some days the learner does not practise at all
NEW_PER_SESSION = (3, 6)  # new questions the learner takes on a day, at most
FORGETFUL = 0.92  # recalls a little less often than FSRS's default model predicts
SECONDS_PER_CARD = (8, 75)
QUEUE_PAGE = 50  # the cards taken from the queue before it is asked again


@dataclass(frozen=True)
class DemoHistory:
    reviews: int
    days: int
    cards: int


def has_history(person: User) -> bool:
    query = sa.select(ReviewLog.id).where(ReviewLog.person_id == person.id).limit(1)
    return db.session.scalar(query) is not None


def simulate_history(
    person: User, deck: Deck, *, end: datetime | None = None, days: int = DAYS, seed: int = SEED
) -> DemoHistory | None:
    """Follow `deck` for `person` and practise it on most of the `days` days before `end`
    (now by default), as a learner slightly more forgetful than FSRS assumes; nothing is
    added when the person already has a review history."""
    services.follow(person, deck.slug)
    if has_history(person):
        return None
    end = end or services.clock()
    learner = Learner(random.Random(seed), end)  # noqa: S311 - a repeatable simulation
    first_day = end.date() - timedelta(days=days)
    with moved_clock(learner):
        for offset in range(days):
            if learner.rng.random() >= SKIP_DAY or offset == 0:
                learner.practise(person, first_day + timedelta(days=offset))
    cards = db.session.scalar(
        sa.select(sa.func.count()).select_from(Card).where(Card.person_id == person.id)
    )
    return DemoHistory(reviews=learner.reviews, days=days, cards=cards)


@contextmanager
def moved_clock(learner: Learner) -> Iterator[None]:
    """The server's clock is the learner's while the history is made (by the seed command,
    in a process of its own: no request is served meanwhile)."""
    original = services.clock
    services.clock = learner.now
    try:
        yield
    finally:
        services.clock = original


class Learner:
    def __init__(self, rng: random.Random, end: datetime) -> None:
        self.rng = rng
        self.end = end  # nothing is answered at or after this moment
        self.moment = end
        self.reviews = 0

    def now(self) -> datetime:
        return self.moment

    def practise(self, person: User, day) -> None:
        """One session: the queue as it stands, again and again, the learning steps waited
        for, until nothing is due or the learner has had enough new questions."""
        hour = self.rng.choice(SESSION_HOURS)
        minute = self.rng.randrange(60)
        start = datetime.combine(day, time(hour, minute), tzinfo=UTC)
        start += timedelta(days=1) if hour < 4 else timedelta()
        if start >= self.end:
            return
        self.moment = start
        new_left = self.rng.randint(*NEW_PER_SESSION)
        while self.moment < self.end:
            queue = services.due_queue(person, limit=QUEUE_PAGE)
            taken = [item for item in queue if item.kind != "new"]
            taken += [item for item in queue if item.kind == "new"][: max(0, new_left)]
            if not taken:
                if self._wait_for_learning(person):
                    continue
                return
            new_left -= sum(item.kind == "new" for item in taken)
            for item in taken:  # in the queue's order: what is left stays due
                if self.moment < self.end:
                    self._answer(person, item.question_id)

    def _wait_for_learning(self, person: User) -> bool:
        """Move on to the next learning step due within the hour; False when there is none."""
        soonest = db.session.scalar(
            sa.select(sa.func.min(Card.due)).where(
                Card.person_id == person.id,
                Card.state.in_(("learning", "relearning")),
                Card.due > self.moment,
            )
        )
        if soonest is None or soonest >= self.end or soonest - self.moment > timedelta(hours=1):
            return False
        self.moment = soonest
        return True

    def _answer(self, person: User, question_id: int) -> None:
        card = db.session.get(Card, (person.id, question_id))
        rating = self.rating(card)
        spent = self.rng.randint(*SECONDS_PER_CARD)
        key = f"demo:{self.moment.isoformat()}:{question_id}"
        services.review(person, question_id, rating, spent * 1000, key)
        self.reviews += 1
        self.moment = min(self.moment + timedelta(seconds=spent), self.end)

    def rating(self, card: Card | None) -> int:
        """The learner's answer: a recall with FSRS's probability (a little lower), graded
        Hard, Good or Easy; Again otherwise."""
        if card is None or card.state == "new" or card.stability is None:
            recall = 0.6
        elif card.state in ("learning", "relearning"):
            recall = 0.85
        else:
            elapsed = (self.moment - card.last_review).total_seconds() / 86_400
            recall = FORGETFUL * scheduler.recall_probability(card.stability, elapsed)
        if self.rng.random() >= recall:
            return 1
        return self.rng.choices((2, 3, 4), weights=(15, 75, 10))[0]
