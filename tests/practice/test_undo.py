"""Undo: the last answer of the day is taken back, the card exactly as it was before it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from prepdeck.core.errors import Conflict
from prepdeck.extensions import db
from prepdeck.practice import services, undo
from prepdeck.practice.models import Card, ReviewLog
from tests.practice.conftest import make_deck, make_user, question_ids

pytestmark = pytest.mark.usefixtures("ctx")


def snapshot(person_id: int, question_id: int) -> dict | None:
    card = db.session.get(Card, (person_id, question_id), populate_existing=True)
    if card is None:
        return None
    return {field: getattr(card, field) for field in services.CARD_FIELDS}


def logs(person_id: int) -> list[tuple[int, int]]:
    rows = db.session.execute(
        sa.select(ReviewLog.question_id, ReviewLog.rating)
        .where(ReviewLog.person_id == person_id)
        .order_by(ReviewLog.id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def learner():
    person = make_user()
    deck = make_deck(person)
    services.follow(person, deck.slug)
    return person, question_ids(deck)


def test_undo_restores_each_card_exactly_and_takes_back_answers_one_by_one(learner, clock):
    person, (first, second, _) = learner
    services.review(person, first, 3, 1_000, "a1")
    clock.move(minutes=10)
    services.review(person, first, 3, 1_000, "a2")  # graduates: a review card, due in days
    clock.set(snapshot(person.id, first)["due"] + timedelta(hours=1))
    before_lapse = snapshot(person.id, first)
    services.review(person, first, 1, 1_000, "a3")  # a lapse: relearning, lapses + 1
    clock.move(minutes=1)
    services.review(person, second, 4, 1_000, "b1")
    assert snapshot(person.id, first)["lapses"] == 1

    assert undo.undo_last(person) == undo.Undone(question_id=second, rating=4)
    assert snapshot(person.id, second) == {
        "state": "new", "step": 0, "stability": None, "difficulty": None, "due": None,
        "last_review": None, "reps": 0, "lapses": 0,
    }  # fmt: skip
    assert [qid for qid, _ in logs(person.id)] == [first, first, first]
    queue = [(item.kind, item.question_id) for item in services.due_queue(person)]
    assert ("new", second) in queue  # a new card again, back in the queue

    assert undo.undo_last(person) == undo.Undone(question_id=first, rating=1)
    assert snapshot(person.id, first) == before_lapse
    assert logs(person.id) == [(first, 3), (first, 3)]
    # Answered again after the undo: the same key is free again and the same result follows.
    services.review(person, first, 1, 1_000, "a3")
    assert snapshot(person.id, first)["lapses"] == 1


def test_undo_of_nothing_and_of_yesterday_is_refused_with_a_message(learner, clock):
    person, (first, *_) = learner
    with pytest.raises(Conflict, match="There is no answer to undo"):
        undo.undo_last(person)
    services.review(person, first, 3, 1_000, "a1")
    clock.move(days=1)  # the person's day (from 04:00 UTC) has turned
    assert undo.undoable_answer(person) is None
    with pytest.raises(Conflict, match="There is no answer to undo"):
        undo.undo_last(person)
    assert len(logs(person.id)) == 1


def test_pressing_undo_twice_takes_back_only_the_answer_it_named(learner, clock):
    person, (first, second, _) = learner
    services.review(person, first, 3, 1_000, "a1")
    clock.move(minutes=1)
    services.review(person, second, 3, 1_000, "b1")
    offered = undo.undoable_answer(person).id
    undo.undo_last(person, expected_id=offered)
    with pytest.raises(Conflict, match="already undone"):
        undo.undo_last(person, expected_id=offered)
    assert logs(person.id) == [(first, 3)]


def test_an_answer_logged_before_undo_existed_is_not_undone(learner, clock):
    person, (first, *_) = learner
    services.review(person, first, 3, 1_000, "a1")
    db.session.execute(sa.update(ReviewLog).values(reps_before=None))
    db.session.commit()
    with pytest.raises(Conflict, match="There is no answer to undo"):
        undo.undo_last(person)
    assert snapshot(person.id, first)["reps"] == 1


def test_undo_is_per_person(learner, clock):
    person, (first, *_) = learner
    other = make_user()
    services.review(person, first, 3, 1_000, "a1")
    with pytest.raises(Conflict):
        undo.undo_last(other)
    assert len(logs(person.id)) == 1
