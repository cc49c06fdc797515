"""Behaviour that only a real PostgreSQL shows: lost connections and the migrations."""

import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from prepdeck.core.database import include_in_autogenerate
from prepdeck.extensions import db
from tests.conftest import login

pytestmark = pytest.mark.postgres


SCHEMA_OPTS = {"include_object": include_in_autogenerate}


def terminate_app_connections(app) -> int:
    """What a PostgreSQL restart does to every pooled connection: cut it from the server side."""
    with app.app_context():
        name = db.engine.url.database
    admin = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        killed = conn.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        ).scalar_one()
    admin.dispose()
    return killed


def test_requests_succeed_after_the_database_drops_every_connection(pg_app, user):
    client = pg_app.test_client()
    login(client, user.email)
    assert client.get("/account/settings").status_code == 200
    assert terminate_app_connections(pg_app) >= 1
    # No restart of the app: the pool notices the dead connections and replaces them.
    for _ in range(3):
        assert client.get("/account/settings").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_migrations_match_the_models_and_downgrade_cleanly(pg_app):
    with pg_app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts=SCHEMA_OPTS), db.metadata)
        assert diff == []
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()


def test_two_admins_demoting_each_other_at_once_leave_one_admin(pg_app):
    from prepdeck.accounts.models import User
    from prepdeck.admin import services
    from prepdeck.core.errors import Conflict
    from tests.conftest import make_person
    from tests.factories import AdminFactory
    from tests.services import wait_for

    a = make_person(pg_app, AdminFactory, email="a@example.com")
    b = make_person(pg_app, AdminFactory, email="b@example.com")
    other = sa.create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    outcome: dict = {}

    def b_demotes_a():
        with pg_app.app_context():
            try:
                services.set_role(db.session.get(User, b.id), a.id, "user")
                outcome["result"] = "demoted"
            except Conflict as error:
                outcome["result"] = error.message

    # A's demotion of B is in flight: the admins' rows are locked and B is already demoted.
    with other.connect() as conn:
        tx = conn.begin()
        conn.execute(sa.text("SELECT id FROM users WHERE role = 'admin' FOR UPDATE"))
        conn.execute(sa.text("UPDATE users SET role = 'user' WHERE id = :id"), {"id": b.id})
        thread = threading.Thread(target=b_demotes_a)
        thread.start()
        wait_for(lambda: lock_waiters(conn) >= 1, what="B's demotion to wait for A's")
        tx.commit()
    thread.join(timeout=10)
    other.dispose()
    assert outcome["result"] == "Prepdeck needs at least one active administrator."
    with pg_app.app_context():
        admins = db.session.scalars(sa.select(User.email).where(User.role == "admin")).all()
    assert admins == ["a@example.com"]


def lock_waiters(conn) -> int:
    return conn.execute(
        sa.text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
    ).scalar_one()
