"""Interview plans: the expected recall against FSRS-rs itself, the new questions a day, the
date checks, the queue following the plan, and nobody else seeing it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

from prepdeck.core.errors import Invalid, NotFound
from prepdeck.decks import services as decks
from prepdeck.extensions import db
from prepdeck.practice import plans, services
from prepdeck.practice.models import Card
from prepdeck.practice.plan_models import InterviewPlan
from tests.practice.conftest import make_deck, make_user, question_ids

pytestmark = pytest.mark.usefixtures("ctx")

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


def recall_by_fsrs_rs(stability: float, elapsed: int, parameters=DEFAULT_PARAMETERS) -> float:
    """The retrievability FSRS-rs puts at `elapsed` days: the desired retention for which its
    own next_interval is exactly `elapsed` (found by bisection; the interval falls as it rises)."""
    model = FSRS(list(parameters))
    low, high = 0.01, 0.999
    for _ in range(80):
        middle = (low + high) / 2
        if model.next_interval(stability, middle, 3) > elapsed:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def studied(person, question_id: int, stability: float, last_review: datetime, state="review"):
    db.session.add(
        Card(person_id=person.id, question_id=question_id, state=state, step=0,
             stability=stability, difficulty=5.0, due=last_review + timedelta(days=3),
             last_review=last_review, reps=1, lapses=0)
    )  # fmt: skip
    db.session.commit()


def answer_new(person, question_id: int, key: str) -> None:
    services.review(person, question_id, 3, 1000, key)


@pytest.fixture
def at_now(clock):
    clock.set(NOW)
    return clock


def test_expected_recall_is_fsrs_rs_retrievability_on_the_day_with_the_unstudied_at_zero(at_now):
    person = make_user()
    deck = make_deck(person, "private", prompts=("A?", "B?", "C?", "D?", "E?"))
    a, b, c, d, _e = question_ids(deck)
    studied(person, a, 10.0, datetime(2025, 1, 6, 12, 0, tzinfo=UTC))
    # 02:00 is before the 04:00 day start: it belongs to the 9th, as Anki counts.
    studied(person, b, 3.0, datetime(2025, 1, 10, 2, 0, tzinfo=UTC))
    studied(person, c, 45.5, datetime(2025, 1, 10, 11, 0, tzinfo=UTC), state="relearning")
    db.session.add(Card(person_id=person.id, question_id=d, state="new", step=0, reps=0, lapses=0))
    db.session.commit()  # d: a card never answered; e: no card at all. Both count 0.
    plans.set_plan(person, date(2025, 1, 30), [deck.id])

    status = plans.plan_status(person)
    expected = (
        recall_by_fsrs_rs(10.0, 24) + recall_by_fsrs_rs(3.0, 21) + recall_by_fsrs_rs(45.5, 20)
    ) / 5
    assert status.questions == 5 and status.unseen == 2
    assert status.expected_recall == pytest.approx(expected, abs=1e-4)
    assert 0.2 < status.expected_recall < 0.6  # the two unstudied pull the mean down

    # The person's own parameters (a flatter forgetting curve) change the prediction.
    mine = list(DEFAULT_PARAMETERS)
    mine[20] = 0.5
    services.update_settings(person.id, fsrs_parameters=mine)
    flatter = plans.plan_status(person).expected_recall
    expected = (
        sum(recall_by_fsrs_rs(s, t, mine) for s, t in ((10.0, 24), (3.0, 21), (45.5, 20))) / 5
    )
    assert flatter == pytest.approx(expected, abs=1e-4)
    assert flatter != pytest.approx(status.expected_recall, abs=1e-3)


def test_elapsed_days_on_the_interview_day_are_counted_in_the_persons_days(at_now):
    person = make_user()
    services.update_settings(person.id, time_zone="America/Los_Angeles", day_start_hour=4)
    deck = make_deck(person, "private", prompts=("A?",))
    # 10 Jan 06:00 UTC is 9 Jan 22:00 in Los Angeles: a day earlier than in UTC.
    studied(person, question_ids(deck)[0], 5.0, datetime(2025, 1, 10, 6, 0, tzinfo=UTC))
    plans.set_plan(person, date(2025, 1, 19), [deck.id])
    assert plans.plan_status(person).expected_recall == pytest.approx(
        recall_by_fsrs_rs(5.0, 10), abs=1e-4
    )


@pytest.mark.parametrize(
    ("unseen", "days_to_interview", "needed"),
    [
        (0, 30, 0),  # nothing new left
        (0, 3, 0),  # nothing new left, even after the see-all day
        (10, 17, 1),  # 10 days until a week before
        (11, 17, 2),  # rounded up
        (30, 8, 30),  # the see-all day is tomorrow: all of them today
        (5, 7, None),  # the see-all day is today: passed
        (5, 0, None),  # the interview is today
    ],
)
def test_new_questions_a_day_to_see_all_a_week_before(unseen, days_to_interview, needed):
    today = date(2025, 3, 1)
    interview = today + timedelta(days=days_to_interview)
    assert plans.new_per_day_needed(unseen, today, interview) == needed


def test_numbers_hold_still_through_the_day_and_the_target_counts_down(at_now):
    person = make_user()
    deck = make_deck(person, "private", prompts=tuple(f"Q{n}?" for n in range(21)))
    ids = question_ids(deck)
    studied(person, ids[0], 2.0, datetime(2025, 1, 8, 12, 0, tzinfo=UTC))  # due on the 11th
    studied(person, ids[1], 1.0, datetime(2025, 1, 7, 12, 0, tzinfo=UTC))  # due on the 10th
    plans.set_plan(person, date(2025, 1, 27), [deck.id])  # a week before: the 20th, 10 days
    status = plans.plan_status(person)
    assert (status.unseen, status.new_per_day, status.new_seen_today) == (19, 2, 0)
    assert (status.reviews_due, status.new_left_today, status.daily_target) == (1, 2, 3)
    assert status.see_all_by == date(2025, 1, 20) and status.days_left == 17 and status.active

    at_now.move(minutes=5)
    answer_new(person, ids[2], "first")
    status = plans.plan_status(person)
    # 18 unseen now, but 19 at the start of the day: still 2 a day, one of them left today.
    assert (status.unseen, status.new_per_day, status.new_seen_today) == (18, 2, 1)
    # The new card comes back in 10 minutes (a learning step): due today too.
    assert (status.reviews_due, status.new_left_today, status.daily_target) == (2, 1, 3)
    services.review(person, ids[1], 3, 1000, "due review")  # off to a later day
    status = plans.plan_status(person)
    assert (status.reviews_due, status.new_left_today, status.daily_target) == (1, 1, 2)

    # On the see-all day with questions still new: no number, a message instead.
    at_now.set(datetime(2025, 1, 20, 12, 0, tzinfo=UTC))
    status = plans.plan_status(person)
    assert status.new_per_day is None and status.see_all_passed and status.new_left_today == 0


def test_an_interview_date_in_the_past_of_the_persons_day_is_refused(at_now):
    person = make_user()
    # Auckland, day starting at midnight: 12:00 UTC on the 10th is already the 11th there.
    services.update_settings(person.id, time_zone="Pacific/Auckland", day_start_hour=0)
    deck = make_deck(make_user(), "public")
    with pytest.raises(Invalid) as refused:
        plans.set_plan(person, date(2025, 1, 10), [deck.id])
    assert list(refused.value.details) == ["interview_date"]
    assert "cannot be in the past" in refused.value.details["interview_date"][0]
    for bad in ([], list(range(1, plans.MAX_DECKS + 2))):
        with pytest.raises(Invalid) as refused:
            plans.set_plan(person, date(2025, 1, 11), bad)
        assert list(refused.value.details) == ["deck_ids"]
    assert db.session.get(InterviewPlan, person.id) is None
    assert services.followed_deck_ids(person) == []
    plan = plans.set_plan(person, date(2025, 1, 11), [deck.id, deck.id])
    assert plan.deck_ids == [deck.id] and services.followed_deck_ids(person) == [deck.id]
    assert plans.plan_status(person).days_left == 0


def test_only_readable_decks_and_nothing_half_written(at_now):
    person, stranger = make_user(), make_user()
    public = make_deck(stranger, "public")
    hidden = make_deck(stranger, "private")
    unlisted = make_deck(stranger, "unlisted")
    for deck_ids in ([public.id, hidden.id], [unlisted.id], [10_000_000]):
        with pytest.raises(NotFound):
            plans.set_plan(person, date(2025, 2, 1), deck_ids)
    assert db.session.get(InterviewPlan, person.id) is None
    assert services.followed_deck_ids(person) == []
    # An unlisted deck the person follows (they had its address) is theirs to plan for.
    services.follow(person, unlisted.slug)
    plans.set_plan(person, date(2025, 2, 1), [unlisted.id, public.id])
    assert services.followed_deck_ids(person) == [unlisted.id, public.id]
    # Setting another plan replaces the first.
    plans.set_plan(person, date(2025, 3, 1), [public.id])
    assert plans.get_plan(person).deck_ids == [public.id]
    assert plans.get_plan(person).interview_date == date(2025, 3, 1)


def test_the_queue_follows_an_active_plan_then_forgets_it(at_now):
    person = make_user()
    services.update_settings(person.id, new_per_day=2)
    other = make_deck(person, "private", prompts=("Other 1?", "Other 2?", "Other 3?"))
    services.follow(person, other.slug)
    planned = make_deck(person, "public", prompts=tuple(f"Plan {n}?" for n in range(30)))

    def new_in_queue():
        return [item.question_id for item in services.due_queue(person) if item.kind == "new"]

    assert new_in_queue() == question_ids(other)[:2]
    plans.set_plan(person, date(2025, 1, 27), [planned.id])  # 30 new over 10 days: 3 a day
    assert new_in_queue() == question_ids(planned)[:3]  # the plan's decks first
    answer_new(person, question_ids(planned)[0], "k1")
    assert new_in_queue() == question_ids(planned)[1:3]  # 3 a day, one already seen

    # A plan asking fewer than the person's own limit leaves that limit.
    services.update_settings(person.id, new_per_day=5)
    assert new_in_queue() == question_ids(planned)[1:5]

    # The day after the interview the plan is over: the person's own order and limit again.
    services.update_settings(person.id, new_per_day=2)
    at_now.set(datetime(2025, 1, 28, 12, 0, tzinfo=UTC))
    assert not plans.plan_status(person).active
    assert new_in_queue() == question_ids(other)[:2]


def test_nobody_else_sees_a_plan(at_now):
    owner, other = make_user(), make_user()
    deck = make_deck(owner, "private")
    plans.set_plan(owner, date(2025, 2, 1), [deck.id])
    for read in (plans.get_plan, plans.plan_status, plans.delete_plan):
        with pytest.raises(NotFound):
            read(other)
    with pytest.raises(NotFound):  # nor plan for the owner's private deck
        plans.set_plan(other, date(2025, 2, 1), [deck.id])
    assert plans.get_plan(owner).deck_ids == [deck.id]
    assert deck.id not in [deck_id for deck_id, _ in plans.deck_choices(other)]


def test_a_deck_deleted_or_made_private_leaves_the_plan(at_now):
    person, owner = make_user(), make_user()
    kept = make_deck(person, "private", prompts=("Kept?",))
    deleted = make_deck(owner, "public", prompts=("Gone?",))
    hidden = make_deck(owner, "public", prompts=("Hidden?", "Too?"))
    plans.set_plan(person, date(2025, 2, 1), [kept.id, deleted.id, hidden.id])
    assert plans.plan_status(person).questions == 4
    decks.delete_deck(deleted, owner)
    decks.update_deck(hidden, owner, hidden.title, "", "private")
    db.session.expire_all()
    status = plans.plan_status(person)
    assert [deck.id for deck in status.decks] == [kept.id]
    assert (status.questions, status.unseen) == (1, 1)
    # The queue's allowance counts only what is left: 1 unseen over the 15 days to the 25th.
    assert plans.queue_allowance(person, at_now(), "UTC", 4) == (1, [kept.id])
