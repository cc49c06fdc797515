"""The migrations build exactly the schema the models describe (SQLite here; PostgreSQL in
test_postgres.py)."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from prepdeck.core.database import include_in_autogenerate
from prepdeck.extensions import db
from tests.conftest import make_app

SCHEMA_OPTS = {"include_object": include_in_autogenerate}


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert (
                compare_metadata(MigrationContext.configure(conn, opts=SCHEMA_OPTS), db.metadata)
                == []
            )
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()
