"""Questions added to or deleted from one deck at the same moment (two clients of the API), on
PostgreSQL where the requests really run side by side: every change lands, and the deck's
positions stay 1, 2, 3, ... with its count right."""

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks import questions
from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.races import race

pytestmark = pytest.mark.postgres

HOLD_DECK = "SELECT 1 FROM decks WHERE id = :deck FOR UPDATE"
PROMPTS = ("One?", "Two?", "Three?", "Four?", "Five?")


def positions(deck_id: int) -> list[tuple[str, int]]:
    query = sa.select(Question.prompt, Question.position).where(Question.deck_id == deck_id)
    return [tuple(row) for row in db.session.execute(query.order_by(Question.position))]


def seeded(app) -> tuple[int, int, list[int]]:
    with app.app_context():
        owner = make_user()
        deck = make_deck(owner, prompts=PROMPTS)
        found = owner.id, deck.id, question_ids(deck)
        db.session.remove()
    return found


def test_two_questions_added_at_once_take_the_next_two_positions(pg_app):
    owner_id, deck_id, _ = seeded(pg_app)

    def add(prompt: str):
        def action():
            deck = db.session.get(Deck, deck_id)
            return questions.add_question(deck, db.session.get(User, owner_id), prompt).position

        return action

    results = race(pg_app, HOLD_DECK, {"deck": deck_id}, [add("Six?"), add("Seven?")])

    assert set(results) == {6, 7}, results
    with pg_app.app_context():
        found = positions(deck_id)
        assert [position for _, position in found] == [1, 2, 3, 4, 5, 6, 7]
        assert {prompt for prompt, _ in found[5:]} == {"Six?", "Seven?"}
        assert db.session.get(Deck, deck_id).question_count == 7


def test_two_questions_deleted_at_once_leave_the_rest_in_order(pg_app):
    owner_id, deck_id, ids = seeded(pg_app)

    def delete(question_id: int):
        def action():
            question = db.session.get(Question, question_id)
            questions.delete_question(question, db.session.get(User, owner_id))
            return question_id

        return action

    results = race(pg_app, HOLD_DECK, {"deck": deck_id}, [delete(ids[1]), delete(ids[3])])

    assert set(results) == {ids[1], ids[3]}, results
    with pg_app.app_context():
        assert positions(deck_id) == [("One?", 1), ("Three?", 2), ("Five?", 3)]
        assert db.session.get(Deck, deck_id).question_count == 3


def test_an_edit_and_a_deletion_before_it_at_once_both_land(pg_app):
    owner_id, deck_id, ids = seeded(pg_app)

    def edit():
        question = db.session.get(Question, ids[4])
        owner = db.session.get(User, owner_id)
        return questions.update_question(question, owner, prompt="Five, edited?").prompt

    def delete():
        questions.delete_question(db.session.get(Question, ids[0]), db.session.get(User, owner_id))
        return "deleted"

    # Held: the edited question's row, which the deletion moves up.
    hold = "SELECT 1 FROM questions WHERE id = :question FOR UPDATE"
    results = race(pg_app, hold, {"question": ids[4]}, [edit, delete])

    assert set(results) == {"Five, edited?", "deleted"}, results
    with pg_app.app_context():
        assert positions(deck_id) == [
            ("Two?", 1),
            ("Three?", 2),
            ("Four?", 3),
            ("Five, edited?", 4),
        ]
