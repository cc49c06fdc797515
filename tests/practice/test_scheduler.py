"""The scheduler alone: FSRS-rs's memory states with Anki's day counting, Anki's steps and
fuzz."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview, MemoryState

from prepdeck.practice import fuzz
from prepdeck.practice.scheduler import (
    CardState,
    Schedule,
    answer,
    button_intervals,
    memory_from_history,
)

START = datetime(2025, 1, 6, 14, 10, tzinfo=UTC)


def run(schedule: Schedule, reviews, seed: str = "card") -> CardState:
    card = CardState()
    for moment, rating in reviews:
        card = answer(card, rating, moment, schedule, seed=seed).card
    return card


def test_the_tooling_example_gives_anki_stability_and_difficulty():
    """Good, Good 10 minutes later, Good 2 days later at 14:00, Good 10 days after."""
    reviews = [
        (START, 3),
        (START + timedelta(minutes=10), 3),
        (datetime(2025, 1, 8, 14, 0, tzinfo=UTC), 3),
        (datetime(2025, 1, 18, 14, 0, tzinfo=UTC), 3),
    ]
    card = run(Schedule(), reviews)
    assert card.stability == pytest.approx(43.9660, abs=1e-3)
    assert card.difficulty == pytest.approx(2.0975, abs=1e-3)
    whole = memory_from_history(reviews, Schedule())
    assert (whole.stability, whole.difficulty) == pytest.approx((43.9660, 2.0975), abs=1e-3)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Los_Angeles"])
@pytest.mark.parametrize("ratings", [(3, 3, 3, 3), (3, 1, 2, 4), (4, 3, 1, 3)])
def test_reviews_at_different_hours_match_fsrs_rs_with_anki_day_counting(zone, ratings):
    """14:10, then 14:00 two days later, then 09:00 the next morning, then 23:00 that evening
    (the person's local times): 2, 1 and 0 elapsed days, where 24-hour periods give 1, 0, 0."""
    local = [(6, 14, 10), (8, 14, 0), (9, 9, 0), (9, 23, 0)]
    moments = [datetime(2025, 1, d, h, m, tzinfo=ZoneInfo(zone)) for d, h, m in local]
    schedule = Schedule(time_zone=zone)
    card = run(schedule, list(zip(moments, ratings, strict=True)))
    expected = FSRS(list(DEFAULT_PARAMETERS)).memory_state(
        FSRSItem([FSRSReview(r, d) for r, d in zip(ratings, (0, 2, 1, 0), strict=True)]), None
    )
    assert card.stability == pytest.approx(expected.stability, abs=1e-3)
    assert card.difficulty == pytest.approx(expected.difficulty, abs=1e-3)


def test_personal_parameters_are_used():
    reviews = [(START, 3), (START + timedelta(days=3), 3)]
    mine = list(DEFAULT_PARAMETERS)
    mine[2] = 5.0  # initial stability after Good
    card = run(Schedule(parameters=tuple(mine)), reviews)
    expected = FSRS(mine).memory_state(FSRSItem([FSRSReview(3, 0), FSRSReview(3, 3)]), None)
    assert card.stability == pytest.approx(expected.stability, abs=1e-4)


def test_a_new_card_goes_through_the_learning_steps_in_minutes():
    schedule = Schedule(learning_steps=(1.0, 10.0))
    labels = {
        r: i.label for r, i in button_intervals(CardState(), START, schedule, seed="c").items()
    }
    assert labels[1] == "1m" and labels[2] == "6m" and labels[3] == "10m"
    assert labels[4].endswith("d")
    first = answer(CardState(), 3, START, schedule, seed="c").card
    assert (first.state, first.step, first.due) == ("learning", 1, START + timedelta(minutes=10))
    hard = answer(first, 2, first.due, schedule, seed="c").card
    assert (hard.state, hard.step, hard.due) == ("learning", 1, first.due + timedelta(minutes=10))
    again = answer(first, 1, first.due, schedule, seed="c").card
    assert (again.state, again.step, again.due) == ("learning", 0, first.due + timedelta(minutes=1))
    good = answer(first, 3, first.due, schedule, seed="c").card
    assert good.state == "review"
    # Reviews are due at the start of a day of the person (04:00 here).
    assert good.due.hour == 4 and good.due > first.due


def test_one_learning_step_makes_hard_half_again_as_long():
    schedule = Schedule(learning_steps=(10.0,))
    hard = answer(CardState(), 2, START, schedule, seed="c")
    assert hard.card.state == "learning" and hard.interval.seconds == 900


def test_without_steps_every_answer_goes_straight_to_review():
    schedule = Schedule(learning_steps=(), relearning_steps=())
    for rating in (1, 2, 3, 4):
        card = answer(CardState(), rating, START, schedule, seed="c").card
        assert card.state == "review" and card.due > START
    review = answer(CardState(), 3, START, schedule, seed="c").card
    lapsed = answer(review, 1, review.due, schedule, seed="c").card
    assert (lapsed.state, lapsed.lapses) == ("review", 1)


def test_review_buttons_give_increasing_intervals_and_the_label_matches_the_answer():
    schedule = Schedule()
    card = run(schedule, [(START, 4)])
    now = card.due + timedelta(hours=10)
    intervals = button_intervals(card, now, schedule, seed="card")
    assert intervals[1].seconds == 600 and intervals[1].days == 0
    assert 1 <= intervals[2].days < intervals[3].days < intervals[4].days
    for rating, interval in intervals.items():
        assert answer(card, rating, now, schedule, seed="card").interval == interval


def test_intervals_never_exceed_the_maximum():
    schedule = Schedule(maximum_interval=36_500)
    card = CardState(state="review", stability=90_000.0, difficulty=1.0, reps=30,
                     last_review=START, due=START)  # fmt: skip
    later = START + timedelta(days=36_000)
    for rating in (2, 3, 4):
        assert answer(card, rating, later, schedule, seed="c").interval.days <= 36_500
    small = Schedule(maximum_interval=5)
    assert answer(card, 4, later, small, seed="c").interval.days == 5


def test_fuzz_is_repeatable_per_card_and_review_and_spreads_cards():
    schedule = Schedule()
    card = CardState(state="review", stability=30.0, difficulty=5.0, reps=5,
                     last_review=START, due=START + timedelta(days=30))  # fmt: skip
    now = START + timedelta(days=30)
    one = answer(card, 3, now, schedule, seed="a").interval.days
    assert one == answer(card, 3, now, schedule, seed="a").interval.days
    spread = {answer(card, 3, now, schedule, seed=f"card{n}").interval.days for n in range(50)}
    assert len(spread) > 3
    good = FSRS(list(DEFAULT_PARAMETERS)).next_states(MemoryState(30.0, 5.0), 0.9, 30).good
    low, high = fuzz.fuzz_bounds(good.interval, 1, 36_500)
    assert high - low >= 4
    assert low <= min(spread) and max(spread) <= high


@pytest.mark.parametrize(
    ("interval", "minimum", "maximum", "lower", "middle", "upper"),
    [
        # Anki's own cases (rslib/src/scheduler/states/fuzz.rs).
        (1.0, 1, 1000, 1, 1, 1),
        (2.49, 1, 1000, 2, 2, 2),
        (2.5, 1, 1000, 2, 3, 4),
        (7.0, 1, 1000, 5, 7, 9),
        (17.0, 1, 1000, 14, 17, 20),
        (37.0, 1, 1000, 33, 37, 41),
        (2.0, 3, 1000, 3, 4, 4),
        (2.0, 3, 3, 3, 3, 3),
        (19.9, 3, 1000, 17, 20, 23),
        (100.0, 101, 1000, 101, 105, 108),
        (100.0, 1, 99, 92, 96, 99),
        (100.0, 97, 103, 97, 100, 103),
    ],
)
def test_fuzz_ranges_grow_with_the_interval_as_ankis_do(
    interval, minimum, maximum, lower, middle, upper
):
    picks = [fuzz.with_review_fuzz(f, interval, minimum, maximum) for f in (0.0, 0.5, 0.99)]
    assert picks == [lower, middle, upper]


def test_a_rating_outside_one_to_four_is_refused():
    for rating in (0, 5):
        with pytest.raises(ValueError):
            answer(CardState(), rating, START, Schedule(), seed="c")
