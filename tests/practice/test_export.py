"""Your data: a review history made through the service, with the clock moved over weeks,
exported as CSV and replayed through FSRS-rs gives back every card's stored memory state."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs_rs_python import DEFAULT_PARAMETERS

from prepdeck.extensions import db
from prepdeck.practice import export, services
from prepdeck.practice.models import Card, ReviewLog
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.replay import replay

pytestmark = pytest.mark.usefixtures("ctx")

ZONE = "America/Los_Angeles"
LOCAL = ZoneInfo(ZONE)
# Not FSRS-6's defaults, so that a replay with the defaults would not match.
PARAMETERS = [*DEFAULT_PARAMETERS[:20], 0.3]
PARAMETERS[0], PARAMETERS[2], PARAMETERS[4] = 0.4, 2.0, 6.8
# Hours of the day (local) at which the learner sits down: around the 04:00 day start too.
SITTINGS = [time(3, 30), time(4, 20), time(9, 0), time(14, 10), time(23, 0)]


class Learner:
    """One person answering with fresh keys and a recorded sense of time."""

    def __init__(self, person, clock) -> None:
        self.person, self.clock, self.count = person, clock, 0

    def answer(self, question_id: int, rating: int, duration_ms: int = 5_000):
        self.count += 1
        return services.review(
            self.person, question_id, rating, duration_ms, f"answer-{self.count}"
        )


@pytest.fixture
def learner(clock):
    person = make_user()
    services.update_settings(
        person.id, time_zone=ZONE, day_start_hour=4, fsrs_parameters=PARAMETERS
    )
    return Learner(person, clock)


def at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL)


def practise_for_weeks(learner: Learner, ids: list[int], weeks: int, seed: int) -> None:
    """Sittings at varied hours on most days; each sitting answers the cards due then, and now
    and then one that is not due yet (answered early, as Anki allows)."""
    rng = random.Random(seed)
    start = date(2025, 1, 6)
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        for sitting in sorted(rng.sample(SITTINGS, rng.randint(0, 3))):
            learner.clock.set(at(day, sitting) + timedelta(minutes=rng.randint(0, 20)))
            for question_id in ids:
                card = db.session.get(Card, (learner.person.id, question_id))
                due = card is None or card.due <= learner.clock.now
                if due or rng.random() < 0.1:
                    rating = rng.choices((1, 2, 3, 4), weights=(15, 15, 60, 10))[0]
                    learner.answer(question_id, rating, rng.randint(800, 90_000))
                    learner.clock.move(seconds=rng.randint(5, 90))


def the_acceptance_history(learner: Learner, question_id: int) -> None:
    """14:10, then 14:00 two days later, then 09:00 the next morning, then 23:00 that evening."""
    for moment, rating in [
        (at(date(2025, 3, 3), time(14, 10)), 3),
        (at(date(2025, 3, 5), time(14, 0)), 1),
        (at(date(2025, 3, 6), time(9, 0)), 2),
        (at(date(2025, 3, 6), time(23, 0)), 3),
    ]:
        learner.clock.set(moment)
        learner.answer(question_id, rating)


def test_the_exported_history_replays_to_every_stored_card(learner):
    deck = make_deck(learner.person, prompts=[f"Q{n}?" for n in range(9)])
    services.follow(learner.person, deck.slug)
    ids = question_ids(deck)
    practise_for_weeks(learner, ids[:8], weeks=6, seed=12)
    the_acceptance_history(learner, ids[8])

    csv_text = "".join(export.review_history_csv(learner.person))
    states = json.loads(json.dumps(export.card_states(learner.person)))  # as downloaded
    assert states["fsrs_parameters"] == pytest.approx(PARAMETERS)
    memories = replay(csv_text, states)
    stored = {card["card_id"]: card for card in states["cards"]}
    assert set(memories) == set(stored) == set(ids)
    assert sum(card["reps"] for card in stored.values()) == csv_text.count("\n") - 1 > 100
    for card_id, card in stored.items():
        assert memories[card_id].stability == pytest.approx(card["stability"], abs=1e-3), card_id
        assert memories[card_id].difficulty == pytest.approx(card["difficulty"], abs=1e-3)
    # Replayed with FSRS-6's defaults instead, no card matches: the person's are in use.
    with_defaults = replay(csv_text, {**states, "fsrs_parameters": None})
    assert all(
        abs(with_defaults[card_id].stability - card["stability"]) > 1e-3
        for card_id, card in stored.items()
    )


def test_each_row_is_one_answer_as_fsrs_tools_read_it(learner, clock):
    deck = make_deck(learner.person, prompts=["Only?"])
    services.follow(learner.person, deck.slug)
    [question_id] = question_ids(deck)
    clock.set(datetime(2025, 5, 1, 16, 30, 0, 123_000, tzinfo=UTC))
    learner.answer(question_id, 3, 2_500)
    clock.move(minutes=10)
    learner.answer(question_id, 3, 7_200_000)  # left open for two hours: counts as one
    clock.move(days=3)
    learner.answer(question_id, 1)
    clock.move(minutes=10)
    learner.answer(question_id, 3)

    text = "".join(export.review_history_csv(learner.person))
    lines = text.splitlines()
    assert lines[0] == "card_id,review_time,review_rating,review_state,review_duration"
    rows = [list(map(int, line.split(","))) for line in lines[1:]]
    start = int(datetime(2025, 5, 1, 16, 30, 0, 123_000, tzinfo=UTC).timestamp() * 1000)
    assert rows[0] == [question_id, start, 3, 0, 2_500]
    assert rows[1] == [question_id, start + 600_000, 3, 1, 3_600_000]
    # The state before each answer: new, learning, review (lapsed), relearning.
    assert [row[3] for row in rows] == [0, 1, 2, 3]
    logs = db.session.query(ReviewLog).order_by(ReviewLog.id).all()
    assert [export.STATE_NUMBERS[log.state_before] for log in logs] == [0, 1, 2, 3]


def test_a_long_history_is_written_in_chunks_that_add_up(learner, clock, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 3)
    deck = make_deck(learner.person, prompts=["A?", "B?"])
    services.follow(learner.person, deck.slug)
    for n in range(4):
        for question_id in question_ids(deck):
            learner.answer(question_id, 3)
        clock.move(days=n + 1)
    chunks = list(export.review_history_csv(learner.person))
    assert len(chunks) == 3  # header and rows 1-3, rows 4-6, rows 7-8
    assert len("".join(chunks).splitlines()) == 9


def test_nobody_elses_answers_are_exported(learner, clock):
    deck = make_deck(learner.person)
    services.follow(learner.person, deck.slug)
    learner.answer(question_ids(deck)[0], 3)
    other = make_user()
    assert "".join(export.review_history_csv(other)).count("\n") == 1
    assert export.card_states(other)["cards"] == []
    assert export.card_states(other)["time_zone"] == "UTC"
