"""The next state of a card after an answer, as Anki with FSRS computes it.

FSRS-rs (the engine inside Anki) gives the memory state and the intervals; this module keeps
what FSRS leaves to its caller, as Anki's scheduler does: learning and relearning steps in
minutes, elapsed time counted in the person's days, intervals rounded, fuzzed and capped.
Pure: no database, no clock.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview, MemoryState

from prepdeck.practice import days
from prepdeck.practice.fuzz import with_review_fuzz

MAXIMUM_INTERVAL = 36_500
RATINGS = {1: "again", 2: "hard", 3: "good", 4: "easy"}
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Schedule:
    """The settings the scheduler needs."""

    desired_retention: float = 0.9
    learning_steps: tuple[float, ...] = (1.0, 10.0)  # minutes
    relearning_steps: tuple[float, ...] = (10.0,)
    time_zone: str = "UTC"
    day_start_hour: int = 4
    parameters: tuple[float, ...] | None = None  # None: FSRS-6's defaults
    maximum_interval: int = MAXIMUM_INTERVAL


@dataclass(frozen=True)
class CardState:
    state: str = "new"  # new, learning, review, relearning
    step: int = 0  # index into the learning or relearning steps
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Interval:
    """How long until the card is due again: minutes (a step) or days (a review)."""

    seconds: int = 0
    days: int = 0

    @property
    def label(self) -> str:
        if self.days:
            if self.days < 30:
                return f"{self.days}d"
            if self.days < 365:
                return f"{self.days / 30:.1f}mo"
            return f"{self.days / 365:.1f}y"
        minutes = max(1, round(self.seconds / 60))
        return f"{minutes}m" if minutes < 60 else f"{minutes / 60:.1f}h"


@dataclass(frozen=True)
class Answer:
    card: CardState
    interval: Interval


DECAY_INDEX = 20  # FSRS-6 keeps the forgetting curve's decay as its 21st parameter


def recall_probability(
    stability: float, elapsed_days: float, parameters: Sequence[float] | None = None
) -> float:
    """FSRS-6's forgetting curve, as FSRS-rs computes it: R = (1 + factor * t / S) ** -decay,
    factor = 0.9 ** (-1 / decay) - 1 (so that R is 0.9 when t = S), with the decay of the
    given parameters (FSRS-6's defaults when none)."""
    decay = (parameters or DEFAULT_PARAMETERS)[DECAY_INDEX]
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** -decay


@lru_cache(maxsize=64)
def _model(parameters: tuple[float, ...] | None) -> FSRS:
    return FSRS(list(parameters or DEFAULT_PARAMETERS))


def memory_from_history(
    reviews: Sequence[tuple[datetime, int]], schedule: Schedule
) -> MemoryState | None:
    """Stability and difficulty after these (time, rating) reviews, oldest first, with the
    elapsed days counted by the person's day starts, as Anki counts them."""
    if not reviews:
        return None
    items, previous = [], None
    for moment, rating in reviews:
        delta = 0 if previous is None else _elapsed(previous, moment, schedule)
        items.append(FSRSReview(rating, delta))
        previous = moment
    return _model(schedule.parameters).memory_state(FSRSItem(items), None)


def _elapsed(earlier: datetime, later: datetime, schedule: Schedule) -> int:
    return days.elapsed_days(earlier, later, schedule.time_zone, schedule.day_start_hour)


def _memory(card: CardState, schedule: Schedule, history) -> MemoryState | None:
    if card.stability is not None and card.difficulty is not None:
        return MemoryState(card.stability, card.difficulty)
    return memory_from_history(history, schedule)


def answer(
    card: CardState,
    rating: int,
    now: datetime,
    schedule: Schedule,
    *,
    seed: str,
    history: Sequence[tuple[datetime, int]] = (),
) -> Answer:
    """The card after `rating` (1 Again, 2 Hard, 3 Good, 4 Easy) at `now`. `seed` names the
    card (the same every review) so that its fuzz is repeatable; `history` is the card's past
    (time, rating) reviews, read only when the card carries no memory state."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1 to 4, not {rating!r}")
    memory = _memory(card, schedule, history)
    elapsed = _elapsed(card.last_review, now, schedule) if card.last_review else 0
    states = _model(schedule.parameters).next_states(memory, schedule.desired_retention, elapsed)
    fuzz = random.Random(f"{seed}:{card.reps}").random()  # noqa: S311 - repeatable fuzz
    if card.state == "review":
        state, step, interval = _from_review(rating, states, schedule, fuzz)
    else:
        steps = schedule.relearning_steps if card.state == "relearning" else schedule.learning_steps
        step = card.step if card.state != "new" else 0
        state, step, interval = _from_steps(card.state, step, rating, states, steps, schedule, fuzz)
    chosen = getattr(states, RATINGS[rating]).memory
    return Answer(
        replace(
            card,
            state=state,
            step=step,
            stability=chosen.stability,
            difficulty=chosen.difficulty,
            due=_due(now, interval, schedule),
            last_review=now,
            reps=card.reps + 1,
            lapses=card.lapses + (card.state == "review" and rating == 1),
        ),
        interval,
    )


def button_intervals(
    card: CardState, now: datetime, schedule: Schedule, *, seed: str, history=()
) -> dict[int, Interval]:
    """What each of the four buttons would give the card if pressed at `now`."""
    return {
        rating: answer(card, rating, now, schedule, seed=seed, history=history).interval
        for rating in RATINGS
    }


def _due(now: datetime, interval: Interval, schedule: Schedule) -> datetime:
    if not interval.days:
        return now + timedelta(seconds=interval.seconds)
    today = days.person_day(now, schedule.time_zone, schedule.day_start_hour)
    return days.day_start(
        today + timedelta(days=interval.days), schedule.time_zone, schedule.day_start_hour
    )


def _fuzzed(days_: float, minimum: int, schedule: Schedule, fuzz: float) -> int:
    maximum = max(1, schedule.maximum_interval)
    return with_review_fuzz(fuzz, days_, min(max(1, minimum), maximum), maximum)


def _whole(days_: float) -> float:
    return max(1.0, math.floor(days_ + 0.5))


def _from_review(rating: int, states, schedule: Schedule, fuzz: float):
    if rating == 1:
        if schedule.relearning_steps:
            return "relearning", 0, Interval(seconds=_secs(schedule.relearning_steps[0]))
        return "review", 0, Interval(days=_fuzzed(_whole(states.again.interval), 1, schedule, fuzz))
    hard = _fuzzed(states.hard.interval, 1, schedule, fuzz)
    good = _fuzzed(states.good.interval, hard + 1, schedule, fuzz)
    easy = _fuzzed(states.easy.interval, good + 1, schedule, fuzz)
    return "review", 0, Interval(days={2: hard, 3: good, 4: easy}[rating])


def _from_steps(state, step, rating, states, steps, schedule, fuzz):
    """Learning (a new card too) and relearning: through the steps, then to review."""
    moving = "relearning" if state == "relearning" else "learning"
    index = min(step, max(0, len(steps) - 1))
    if rating == 4:
        good = _fuzzed(states.good.interval, 1, schedule, fuzz)
        easy = _fuzzed(_whole(states.easy.interval), good + 1, schedule, fuzz)
        return "review", 0, Interval(days=easy)
    delay = None
    if steps and rating == 1:
        index, delay = 0, _secs(steps[0])
    elif steps and rating == 2:
        delay = _hard_delay(steps, index)
    elif rating == 3 and index + 1 < len(steps):
        index, delay = index + 1, _secs(steps[index + 1])
    if delay is not None:
        return moving, index, Interval(seconds=delay)
    graduating = getattr(states, RATINGS[rating]).interval
    return "review", 0, Interval(days=_fuzzed(_whole(graduating), 1, schedule, fuzz))


def _secs(minutes: float) -> int:
    return int(minutes * 60)


def _hard_delay(steps: Sequence[float], index: int) -> int:
    current = _secs(steps[index])
    if index > 0:
        return current
    if len(steps) > 1:
        return _round_in_days((current + _secs(steps[1])) // 2)
    return _round_in_days(min(current * 3 // 2, current + DAY_SECONDS))


def _round_in_days(secs: int) -> int:
    """A delay longer than a day is made whole days, the same early or late in the day."""
    if secs > DAY_SECONDS:
        return math.floor(secs / DAY_SECONDS + 0.5) * DAY_SECONDS
    return secs
