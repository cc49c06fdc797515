"""PostgreSQL connections as the app makes them (config.py, core/database.py): each one the
pool hands out is checked without a round trip (a quiet one is used as it is, one the server
has ended is replaced), and times come back in UTC."""

from __future__ import annotations

from datetime import UTC

import psycopg
import pytest
import sqlalchemy as sa

from prepdeck.extensions import db

pytestmark = pytest.mark.postgres

PID = sa.text("SELECT pg_backend_pid()")


def end_backend(app, pid: int) -> None:
    """What a restart or an idle timeout does to one connection: the server ends it (and this
    waits until the backend has gone)."""
    admin = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()


def test_a_quiet_connection_is_handed_out_without_a_round_trip(pg_app, monkeypatch):
    with pg_app.app_context():
        with db.engine.connect() as connection:
            first = connection.scalar(PID)
        sent = []
        execute = psycopg.Cursor.execute

        def recording(cursor, query, *args, **kwargs):
            sent.append(str(query))
            return execute(cursor, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", recording)
        with db.engine.connect() as connection:
            assert sent == []  # no ping before the connection's first statement
            assert connection.scalar(PID) == first  # the same connection, reused
        assert sent == ["SELECT pg_backend_pid()"]


def test_a_connection_the_server_ended_is_replaced_on_checkout(pg_app):
    with pg_app.app_context():
        with db.engine.connect() as connection:
            first = connection.scalar(PID)
        end_backend(pg_app, first)
        with db.engine.connect() as connection:
            second = connection.scalar(PID)  # no error: a new connection was made
        assert second != first
        with db.engine.connect() as connection:
            assert connection.scalar(PID) == second  # and it is kept


def test_a_connection_closed_behind_the_pools_back_is_replaced(pg_app):
    with pg_app.app_context():
        with db.engine.connect() as connection:
            first = connection.scalar(PID)
            resting = connection.connection.driver_connection
        resting.close()  # back in the pool, then closed
        with db.engine.connect() as connection:
            assert connection.scalar(PID) != first


def test_times_come_back_in_utc_whatever_the_servers_zone(pg_app):
    with pg_app.app_context(), db.engine.connect() as connection:
        assert connection.scalar(sa.text("SHOW timezone")) == "UTC"
        # datetime's own UTC: the app's as_utc() has nothing to convert.
        assert connection.scalar(sa.text("SELECT now()")).tzinfo is UTC
