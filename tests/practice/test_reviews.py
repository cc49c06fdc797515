"""Answering cards through the service, with the server's clock moved by the tests."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.decks import questions
from prepdeck.extensions import db
from prepdeck.practice import days, services
from prepdeck.practice.models import Card, ReviewLog
from tests.practice.conftest import make_deck, make_user, question_ids

pytestmark = pytest.mark.usefixtures("ctx")


class Reviewer:
    """One person answering one question, each answer with a fresh key."""

    def __init__(self, person, question_id: int) -> None:
        self.person, self.question_id, self.count = person, question_id, 0

    def answer(self, rating: int):
        self.count += 1
        return services.review(self.person, self.question_id, rating, 4_000, f"k{self.count}")


@pytest.fixture
def person():
    return make_user()


@pytest.fixture
def reviewer(person):
    deck = make_deck(person)
    services.follow(person, deck.slug)
    return Reviewer(person, question_ids(deck)[0])


def test_good_three_times_grows_the_interval_and_again_relearns_the_same_day(reviewer, clock):
    intervals = []
    for _ in range(3):
        result = reviewer.answer(3)
        intervals.append(result.due - result.reviewed_at)
        clock.set(result.due + timedelta(hours=8))
    assert intervals[0] == timedelta(minutes=10)  # the second learning step
    assert intervals[0] < intervals[1] < intervals[2]
    assert intervals[1] >= timedelta(days=1)

    lapse = reviewer.answer(1)
    assert lapse.state == "relearning" and lapse.due == lapse.reviewed_at + timedelta(minutes=10)
    clock.move(minutes=10)
    assert [item.kind for item in services.due_queue(reviewer.person)][:1] == ["learning"]
    back = reviewer.answer(3)
    assert back.state == "review" and back.due >= back.reviewed_at + timedelta(hours=12)
    day = [days.person_day(r.reviewed_at, "UTC", 4) for r in (lapse, back)]
    assert day[0] == day[1]
    card = db.session.get(Card, (reviewer.person.id, reviewer.question_id))
    assert (card.state, card.reps, card.lapses) == ("review", 5, 1)


def test_reviews_at_different_hours_match_fsrs_rs_with_anki_day_counting(reviewer, clock):
    paris = ZoneInfo("Europe/Paris")
    services.update_settings(reviewer.person.id, time_zone="Europe/Paris")
    ratings = (3, 1, 2, 3)
    for (d, h, m), rating in zip(
        [(6, 14, 10), (8, 14, 0), (9, 9, 0), (9, 23, 0)], ratings, strict=True
    ):
        clock.set(datetime(2025, 1, d, h, m, tzinfo=paris))
        result = reviewer.answer(rating)
    expected = FSRS(list(DEFAULT_PARAMETERS)).memory_state(
        FSRSItem([FSRSReview(r, d) for r, d in zip(ratings, (0, 2, 1, 0), strict=True)]), None
    )
    assert result.stability == pytest.approx(expected.stability, abs=1e-3)
    assert result.difficulty == pytest.approx(expected.difficulty, abs=1e-3)


def test_the_tooling_example_through_the_service(reviewer, clock):
    for moment in ((6, 14, 10), (6, 14, 20), (8, 14, 0), (18, 14, 0)):
        clock.set(datetime(2025, 1, *moment, tzinfo=UTC))
        result = reviewer.answer(3)
    assert result.stability == pytest.approx(43.9660, abs=1e-3)
    assert result.difficulty == pytest.approx(2.0975, abs=1e-3)


def test_the_same_key_twice_is_applied_once_and_answers_the_same(reviewer, clock):
    person, question_id = reviewer.person, reviewer.question_id
    first = services.review(person, question_id, 3, 1_000, "tab-1")
    clock.move(minutes=5)
    again = services.review(person, question_id, 1, 9_000, "tab-1")
    assert again == first
    assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 1
    with pytest.raises(Conflict):
        other = question_ids(db.session.get(Card, (person.id, question_id)).question.deck)
        services.review(person, other[1], 3, 1_000, "tab-1")


def test_a_card_answered_before_it_is_due_is_scheduled_from_that_moment(reviewer, clock):
    reviewer.answer(4)  # Easy: days away
    clock.move(hours=1)
    early = reviewer.answer(3)
    assert early.reviewed_at == clock.now and early.due > clock.now


@pytest.mark.parametrize("rating", [0, 5, -1, "3", 2.5, True, None])
def test_a_rating_outside_one_to_four_is_invalid(reviewer, rating):
    with pytest.raises(Invalid) as raised:
        services.review(reviewer.person, reviewer.question_id, rating, 0, "key")
    assert "Rating must be 1" in raised.value.message
    assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0


@pytest.mark.parametrize(("duration", "key"), [(-1, "k"), ("10", "k"), (0, ""), (0, "x" * 101)])
def test_a_bad_duration_or_key_is_invalid(reviewer, duration, key):
    with pytest.raises(Invalid):
        services.review(reviewer.person, reviewer.question_id, 3, duration, key)


def test_a_long_pause_counts_as_an_hour(reviewer):
    services.review(reviewer.person, reviewer.question_id, 3, 10**9, "long")
    assert db.session.scalar(sa.select(ReviewLog.duration_ms)) == 3_600_000


def test_a_question_the_person_may_not_see_is_not_found(person):
    stranger = make_user()
    private = make_deck(stranger, "private")
    unlisted = make_deck(stranger, "unlisted")
    for question_id in (question_ids(private)[0], question_ids(unlisted)[0], 10**9):
        with pytest.raises(NotFound):
            services.review(person, question_id, 3, 0, f"k{question_id}")
    # An unlisted deck is practised once followed from its address.
    services.follow(person, unlisted.slug)
    assert services.review(person, question_ids(unlisted)[0], 3, 0, "ok").state == "learning"


def test_editing_a_question_keeps_its_card_and_deleting_it_removes_card_and_log(reviewer):
    owner = reviewer.person
    reviewer.answer(3)
    card = db.session.get(Card, (owner.id, reviewer.question_id))
    question = card.question
    questions.update_question(question, owner, prompt="Reworded?", answer="New answer.")
    assert db.session.get(Card, (owner.id, reviewer.question_id)).reps == 1
    questions.delete_question(question, owner)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Card)) == 0
    assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0


def test_an_id_past_the_database_integer_is_not_found(person):
    with pytest.raises(NotFound):
        services.review(person, 2**63, 3, 0, "too-big")
