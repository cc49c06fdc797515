"""A throwaway PostgreSQL database per benchmark run: created, migrated like production, dropped."""

from __future__ import annotations

import os
import platform
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import Flask
from flask_migrate import upgrade
from psycopg import sql
from sqlalchemy.engine import make_url

from prepdeck import create_app
from prepdeck.accounts.models import User
from prepdeck.config import normalise_database_url
from prepdeck.core.models import utcnow
from prepdeck.extensions import db

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SETTINGS = ("shared_buffers", "work_mem", "jit", "synchronous_commit", "gin_pending_list_limit")
TABLES = "decks, questions, question_tags, import_jobs, export_jobs"


def server_url(given: str | None) -> str:
    url = normalise_database_url(given or os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER)
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit(f"The benchmark needs a PostgreSQL server, not {url!r}.")
    return url


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg.connect() takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(server: str, prefix: str = "prepdeck_bench") -> Iterator[str]:
    """A new, empty database on `server` (named `prefix`_<random>) for the duration of the
    block; dropped after it."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq_url(server), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq_url(server), autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


def migrated_app(url: str, **settings) -> Flask:
    """The app as the tests build it (testing settings, production engine options), with the
    schema made by the migrations, so the search column and its GIN index are the real ones;
    `settings` override the app's."""
    config = {"PREPDECK_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"}
    config |= settings
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def create_owner(app: Flask) -> int:
    with app.app_context():
        user = User(email="bench@example.com", display_name="Bench", email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.commit()
        return user.id


def empty_decks(conn: psycopg.Connection) -> None:
    # CASCADE: what people practise of the decks (follows, cards, quizzes, plans) goes too.
    conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")


def machine_facts(conn: psycopg.Connection) -> dict[str, str]:
    facts = {
        "CPUs": str(os.cpu_count()),
        "CPU model": _cpu_model(),
        "memory": _memory(),
        "Python": platform.python_version(),
        "PostgreSQL": conn.execute("SHOW server_version").fetchone()[0],
    }
    for name in SETTINGS:
        facts[name] = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]
    return facts


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kilobytes = int(info.readline().split()[1])
        return f"{kilobytes / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
