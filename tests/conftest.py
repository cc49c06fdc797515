"""Fixtures in the style of Flask's tutorial: `app`, `client`, `runner`, plus real services.

One database for the whole run (SQLite file by default, a fresh PostgreSQL database when
TEST_DATABASE_URL is set), migrated once with Alembic and emptied after every test.
"""

from __future__ import annotations

import os
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from prepdeck import create_app
from prepdeck.config import normalise_database_url
from prepdeck.core import mail
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from tests.browser import LiveServer, Visitor
from tests.celery_workers import Worker
from tests.factories import PASSWORD, AdminFactory, UserFactory
from tests.gunicorn_servers import APP, Server, production_env
from tests.services import (
    CHROMIUM_ARGS,
    PrivateRedis,
    WsgiServer,
    chromium_path,
    free_port,
    missing,
    wait_for,
)  # fmt: skip


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    server = make_url(normalise_database_url(server_url))
    name = f"prepdeck_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(database_url: str, **overrides):
    config = {"PREPDECK_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url}
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def migrated(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_all_tables(engine: sa.Engine) -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture(scope="session")
def cleanup_engine(migrated):
    engine = sa.create_engine(migrated, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def app_factory(migrated, cleanup_engine):
    """Build extra apps on the test database with other settings; all cleaned up after."""
    apps = []

    def build(**overrides):
        app = make_app(migrated, **overrides)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    empty_all_tables(cleanup_engine)


@pytest.fixture
def app(app_factory):
    # No app context is held around the test: requests made by the test client must each get
    # their own, as in production (a shared one would share `g` and the database session).
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    display_name: str


def make_person(app, factory=UserFactory, **fields) -> Person:
    """A saved user, returned as plain data usable outside any app context."""
    with app.app_context():
        user = factory(**fields)
        return Person(user.id, user.email, user.display_name)


@pytest.fixture
def user(app):
    return make_person(app, email="ada@example.com", display_name="Ada")


@pytest.fixture
def pg_app(app_factory, migrated):
    """An app on PostgreSQL, for what only a real PostgreSQL shows."""
    if not migrated.startswith("postgresql"):
        missing("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    return app_factory()


@pytest.fixture
def admin(app):
    return make_person(app, AdminFactory, email="root@example.com", display_name="Root")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        missing("REDIS_URL is not set")
    import redis

    # Tests get their own logical database so that flushing it touches nothing else: 15, or the
    # one REDIS_URL names when it is not 0 (so that suites run side by side keep apart).
    database = re.search(r"/(\d+)$", url.rstrip("/"))
    number = database.group(1) if database and database.group(1) != "0" else "15"
    test_url = re.sub(r"/\d*$", "", url.rstrip("/")) + f"/{number}"
    client = redis.Redis.from_url(test_url, socket_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        missing(f"Redis at {url} does not answer: {exc}")
    yield test_url
    client.flushdb()
    client.close()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD, remember: bool = False, **extra):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/login")}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, **extra)


def post_form(client, path: str, data: dict, page: str | None = None, **extra):
    """POST like a browser: fetch the page that holds the form for its CSRF token first."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)}, **extra)


@dataclass(frozen=True)
class Delivered:
    recipient: str
    subject: str
    body_text: str


class Mailbox(list):
    """Messages as their recipients received them (a sensitive body is gone from the outbox)."""

    def to(self, recipient: str) -> list[Delivered]:
        return [message for message in self if message.recipient == recipient]

    def link(self, recipient: str) -> str:
        """The path of the link in the last message to `recipient`."""
        [*_, last] = self.to(recipient) or [None]
        assert last is not None, f"no mail to {recipient}"
        return link_in(last)


def link_in(message: Delivered, base: str = "http://127.0.0.1:5000") -> str:
    match = re.search(re.escape(base) + r"(/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


_MAILBOX = Mailbox()


def delivered(recipient: str) -> list[Delivered]:
    """What the current test's app delivered to `recipient`, in order."""
    return _MAILBOX.to(recipient)


@pytest.fixture(autouse=True)
def mailbox():
    """Every message delivered during the test (in this process), as its recipient got it."""
    _MAILBOX.clear()

    def record(_app, message, **_extra):
        _MAILBOX.append(Delivered(message.recipient, message.subject, message.body_text))

    mail.message_delivered.connect(record, weak=False)
    yield _MAILBOX
    mail.message_delivered.disconnect(record)
    _MAILBOX.clear()


@pytest.fixture
def start_worker(app_factory, tmp_path):
    """Start worker processes; each is stopped before `app_factory` empties the tables."""
    workers: list[Worker] = []

    def start(env: dict[str, str]) -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log").start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
        # Shown by pytest only when the test failed.
        print(f"--- worker output ({worker.log_path.name}) ---\n{worker.output()}")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        missing("Chromium is not installed (apt-get install -y chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def live_server(app_factory):
    """The app served by Werkzeug on a loopback port, for the browser."""
    app = app_factory()
    server = WsgiServer(app)
    app.config["BASE_URL"] = server.url  # links in emails point at this server
    yield LiveServer(app, server.url)
    server.stop()


@pytest.fixture
def visitors(browser, live_server):
    """Open browser windows on the live server, each with its own cookies."""
    opened: list[Visitor] = []

    def open_window() -> Visitor:
        visitor = Visitor(browser, live_server.url)
        opened.append(visitor)
        return visitor

    yield open_window
    for visitor in opened:
        visitor.close()


@pytest.fixture
def postgres_url(migrated):
    if not migrated.startswith("postgresql"):
        missing("TEST_DATABASE_URL is not set")
    return migrated


@pytest.fixture
def start_server(postgres_url, private_redis, tmp_path):
    """Start gunicorn on the test database and a private Redis; always stopped afterwards."""
    servers = []

    def start(app: str = APP, bind: str | None = None, **settings: str) -> Server:
        """`bind` ("127.0.0.1:PORT") starts it again where an earlier one was."""
        env = production_env(
            tmp_path,
            int(bind.rsplit(":", 1)[1]) if bind else free_port(),
            **{"SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": postgres_url,
               "REDIS_URL": private_redis.url, **settings},
        )  # fmt: skip
        server = Server(env, tmp_path / f"gunicorn-{len(servers)}.log", app)
        servers.append(server)
        wait_for(server.answers, timeout=60, what="gunicorn to answer /healthz")
        return server

    yield start
    for server in servers:
        server.stop()


class Clock:
    """The server's clock, as practice and rooms read it: still until moved."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> datetime:
        self.now = now.astimezone(UTC)
        return self.now

    def move(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(datetime(2025, 1, 6, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(practice, "clock", fake)
    return fake
