"""The same answer sent twice at the same moment (two tabs, a retried request) on PostgreSQL,
where two requests really run side by side: one review-log row, the same state for both."""

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice import services
from prepdeck.practice.models import Card, ReviewLog
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.practice.races import HOLDS, race

pytestmark = pytest.mark.postgres


def submit_twice_at_once(app, person_id: int, question_id: int, hold: str) -> list:
    """Both submissions start while another transaction holds the card (`hold`: an open
    insert of it, or a lock on it); then the hold is released and they race."""

    def submit():
        person = db.session.get(User, person_id)
        return services.review(person, question_id, 3, 2_000, "same-answer")

    return race(app, hold, {"person": person_id, "question": question_id}, [submit, submit])


@pytest.mark.parametrize("case", sorted(HOLDS))
def test_two_identical_submissions_at_once_leave_one_review_log_row(pg_app, case):
    with pg_app.app_context():
        person = make_user()
        deck = make_deck(person)
        services.follow(person, deck.slug)
        person_id, question_id = person.id, question_ids(deck)[0]
        if case == "card seen before":
            services.review(person, question_id, 3, 1_000, "earlier-answer")
        db.session.remove()

    results = submit_twice_at_once(pg_app, person_id, question_id, HOLDS[case])

    assert len(results) == 2 and not any(isinstance(r, Exception) for r in results), results
    assert results[0] == results[1]
    with pg_app.app_context():
        logs = db.session.scalars(
            sa.select(ReviewLog).where(ReviewLog.idempotency_key == "same-answer")
        ).all()
        card = db.session.get(Card, (person_id, question_id))
        assert len(logs) == 1
        assert card.reps == (2 if case == "card seen before" else 1)
        assert (card.state, card.due) == (results[0].state, results[0].due)
