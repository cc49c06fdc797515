"""A read in one statement runs in autocommit unless the request's session holds a transaction,
whose writes it must then see."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa

from prepdeck.core.database import reading_connection
from prepdeck.decks.models import Deck
from prepdeck.extensions import db

TITLES = sa.select(Deck.title).order_by(Deck.title)


def in_autocommit(connection: sa.Connection) -> bool:
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return driver.isolation_level is None
    return driver.autocommit


def test_a_read_alone_runs_outside_a_transaction(app, user):
    with app.app_context():
        with reading_connection() as connection:
            assert in_autocommit(connection)
            assert list(connection.execute(TITLES).scalars()) == []
            if db.engine.dialect.name == "postgresql":
                # Each statement is its own transaction: no BEGIN came before it.
                started = "SELECT xact_start = query_start FROM pg_stat_activity"
                started += " WHERE pid = pg_backend_pid()"
                assert connection.scalar(sa.text(started)) is True
        assert not db.session().in_transaction()
        # The pool's connection goes back as the others are: in a transaction on next use.
        assert not in_autocommit(db.session.connection())
        db.session.rollback()


def test_a_read_after_a_write_sees_it_in_the_sessions_transaction(app, user):
    with app.app_context():
        db.session.add(Deck(title="Unsaved yet", slug="unsaved-yet", owner_id=user.id))
        db.session.flush()
        with reading_connection() as connection:
            assert connection is db.session.connection()
            assert list(connection.execute(TITLES).scalars()) == ["Unsaved yet"]
        db.session.rollback()
        with reading_connection() as connection:
            assert list(connection.execute(TITLES).scalars()) == []


def test_no_statement_is_prepared_on_the_server_by_reads_in_autocommit(pg_app, user):
    """psycopg would prepare a statement run 5 times on a connection; kept across requests in
    autocommit, PostgreSQL could then plan it once for all parameters."""
    prepared = sa.text("SELECT count(*) FROM pg_prepared_statements")
    with pg_app.app_context():
        for _ in range(12):
            with reading_connection() as connection:
                assert list(connection.execute(TITLES).scalars()) == []
                assert connection.scalar(prepared) == 0
