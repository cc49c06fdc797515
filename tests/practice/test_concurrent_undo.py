"""Two undos at the same moment (a double press, two tabs) on PostgreSQL, where two requests
really run side by side: one answer is taken back, not two."""

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict
from prepdeck.extensions import db
from prepdeck.practice import services, undo
from prepdeck.practice.models import Card, ReviewLog
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.races import HOLD_CARD, race

pytestmark = pytest.mark.postgres


def undo_twice_at_once(app, person_id: int, question_id: int) -> list:
    """Both undos start while another transaction holds the card of the last answer, so both
    have chosen that answer before either may change anything; then the hold is released."""

    def press_undo():
        return undo.undo_last(db.session.get(User, person_id))

    params = {"person": person_id, "question": question_id}
    return race(app, HOLD_CARD, params, [press_undo, press_undo])


def test_two_undos_at_once_take_back_one_answer(pg_app):
    with pg_app.app_context():
        person = make_user()
        deck = make_deck(person)
        services.follow(person, deck.slug)
        earlier, last = question_ids(deck)[:2]
        services.review(person, earlier, 3, 1_000, "earlier")
        services.review(person, last, 4, 1_000, "last")
        person_id = person.id
        db.session.remove()

    results = undo_twice_at_once(pg_app, person_id, last)

    assert len(results) == 2, results
    undone = [r for r in results if isinstance(r, undo.Undone)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert undone == [undo.Undone(question_id=last, rating=4)], results
    assert len(refused) == 1 and refused[0].message == undo.ALREADY_UNDONE
    with pg_app.app_context():
        keys = db.session.scalars(sa.select(ReviewLog.idempotency_key)).all()
        assert keys == ["earlier"]  # the answer before the last one is still there
        assert db.session.get(Card, (person_id, earlier)).reps == 1
        restored = db.session.get(Card, (person_id, last))
        assert (restored.state, restored.reps, restored.due) == ("new", 0, None)
