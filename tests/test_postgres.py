"""Behaviour that only a real PostgreSQL shows: lost connections and the migrations."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from prepdeck.extensions import db
from tests.conftest import login
from tests.services import missing

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(app_factory, migrated):
    if not migrated.startswith("postgresql"):
        missing("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    return app_factory()


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
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()
