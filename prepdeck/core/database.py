"""Database plumbing: SQLite pragmas, a check of each PostgreSQL connection the pool hands out,
and a clear failure when the database cannot be reached."""

from __future__ import annotations

import select
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa
from flask import Flask
from gevent.monkey import get_original
from sqlalchemy.engine import Engine, make_url

from prepdeck.config import ConfigurationError
from prepdeck.extensions import db

_installed = False
# The operating system's poll, even in a gevent worker: asking with no wait needs no hub.
_poll = get_original("select", "poll")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        # WAL lets the web process read while the worker writes.
        cursor.execute("PRAGMA journal_mode=WAL")  # the busy timeout is in connect_args
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _check_on_checkout(dbapi_connection, _record, _proxy) -> None:
    """A PostgreSQL connection resting in the pool receives nothing, unless the server is
    ending it: a restart, a terminated backend or an idle timeout sends its error and closes
    the socket. So a connection with anything to read, or closed, is replaced (the pool
    retries with a new one), and a quiet one is used without a round trip. This is the pool's
    pre-ping without the ping: one round trip less for every request that reads the database."""
    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    pgconn = dbapi_connection.pgconn
    if dbapi_connection.closed or pgconn.status != psycopg.pq.ConnStatus.OK:
        raise sa.exc.DisconnectionError("the connection is closed")
    poller = _poll()
    poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise sa.exc.DisconnectionError("the server sent something to an idle connection")


def install_listeners() -> None:
    """The listeners every engine gets: SQLite's pragmas, PostgreSQL's checkout check."""
    global _installed
    if not _installed:
        sa.event.listen(Engine, "connect", _sqlite_pragmas)
        sa.event.listen(sa.pool.Pool, "checkout", _check_on_checkout)
        _installed = True


@contextmanager
def reading_connection() -> Iterator[sa.Connection]:
    """A connection for a read in one statement: the session's, if it holds a transaction
    already (the read then sees what the request wrote), else one of the pool's in autocommit.
    A transaction around one statement adds nothing but its BEGIN and ROLLBACK, two round trips
    of the three such a read makes (with the statement)."""
    if db.session().in_transaction():
        yield db.session.connection()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection


def driver_rows(query: sa.Select, params: dict | None = None) -> list[dict]:
    """The rows of a Core statement as dicts of what the database driver gives (its own types,
    e.g. a PostgreSQL array as a list; SQLite's times as text), read by `reading_connection`.
    SQLAlchemy's result rows and type conversions cost more than the query itself on a page of
    100 rows."""
    with reading_connection() as connection, connection.execute(query, params) as result:
        keys = tuple(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result.cursor.fetchall()]


def ping_database() -> None:
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


def require_database(app: Flask) -> None:
    """Fail at start-up, in one line naming DATABASE_URL, when the database is unreachable."""
    with app.app_context():
        try:
            ping_database()
        except sa.exc.DBAPIError as exc:
            url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
                hide_password=True
            )
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ConfigurationError(
                f"cannot connect to the database at DATABASE_URL={url}: {reason}"
            ) from None


# Made by the migrations and used through SQL only (see decks/search.py): autogenerate and the
# schema checks must not take them for strays.
UNMAPPED_SEARCH_OBJECTS = {"search_vector", "ix_questions_search"}


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    if name in UNMAPPED_SEARCH_OBJECTS:
        return False
    return not (type_ == "table" and name and name.startswith("questions_fts"))
