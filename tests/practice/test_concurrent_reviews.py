"""The same answer sent twice at the same moment (two tabs, a retried request) on PostgreSQL,
where two requests really run side by side: one review-log row, the same state for both."""

import threading

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice import services
from prepdeck.practice.models import Card, ReviewLog
from tests.practice.conftest import make_deck, make_user, question_ids
from tests.services import wait_for

pytestmark = pytest.mark.postgres


def lock_waiters(engine: sa.Engine) -> int:
    # A connection of its own: inside a transaction, pg_stat_activity keeps its first snapshot.
    with engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar_one()


def submit_twice_at_once(app, person_id: int, question_id: int, hold: str) -> list:
    """Both submissions start while another transaction holds the card (`hold`: an open
    insert of it, or a lock on it), so both pass every check made before the card is
    theirs; then the hold is released and they race."""
    results: list = []

    def submit():
        with app.app_context():
            person = db.session.get(User, person_id)
            try:
                results.append(services.review(person, question_id, 3, 2_000, "same-answer"))
            except Exception as error:  # reported by the assertion below
                results.append(error)
            finally:
                db.session.remove()

    holder = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with holder.connect() as conn:
        tx = conn.begin()
        conn.execute(sa.text(hold), {"person": person_id, "question": question_id})
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        wait_for(lambda: lock_waiters(holder) >= 2, what="both submissions to wait on the card")
        tx.rollback() if hold.startswith("INSERT") else tx.commit()
    for thread in threads:
        thread.join(timeout=15)
    holder.dispose()
    return results


HOLDS = {
    "new card": "INSERT INTO practice_cards (person_id, question_id, state, step, reps, lapses) "
    "VALUES (:person, :question, 'new', 0, 0, 0)",
    "card seen before": "SELECT 1 FROM practice_cards "
    "WHERE person_id = :person AND question_id = :question FOR UPDATE",
}


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
