"""Two requests at the same moment, on PostgreSQL: each action starts while another
transaction holds a row they both need, so each passes every check made before the row is
theirs; once all of them wait on the lock, the hold is released and they race."""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlalchemy as sa

from prepdeck.extensions import db
from tests.services import wait_for

HOLD_CARD = (
    "SELECT 1 FROM practice_cards WHERE person_id = :person AND question_id = :question FOR UPDATE"
)
HOLDS = {
    "new card": "INSERT INTO practice_cards (person_id, question_id, state, step, reps, lapses) "
    "VALUES (:person, :question, 'new', 0, 0, 0)",
    "card seen before": HOLD_CARD,
}


def lock_waiters(engine: sa.Engine) -> int:
    # A connection of its own: inside a transaction, pg_stat_activity keeps its first snapshot.
    with engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar_one()


def race(app, hold: str, params: dict, actions: list[Callable[[], object]]) -> list:
    """Run each action in a thread of its own, in an app context, behind `hold` (an open
    insert, released by rolling it back, or a lock, released by committing); what each
    returned or raised, in the order they finished."""
    results: list = []

    def run(action) -> None:
        with app.app_context():
            try:
                results.append(action())
            except Exception as error:  # reported by the caller's assertions
                results.append(error)
            finally:
                db.session.remove()

    holder = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with holder.connect() as conn:
        tx = conn.begin()
        conn.execute(sa.text(hold), params)
        threads = [threading.Thread(target=run, args=(action,)) for action in actions]
        for thread in threads:
            thread.start()
        waiting = len(actions)
        wait_for(lambda: lock_waiters(holder) >= waiting, what="every action to wait on the hold")
        tx.rollback() if hold.lstrip().upper().startswith("INSERT") else tx.commit()
    for thread in threads:
        thread.join(timeout=15)
    holder.dispose()
    return results
