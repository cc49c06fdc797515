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


def test_search_works_on_sqlite_whatever_database_the_suite_uses(tmp_path):
    """CI runs the suite on PostgreSQL; this keeps the SQLite (FTS5) search path covered there."""
    from prepdeck.decks import questions, search, services
    from tests.factories import UserFactory

    app = make_app(f"sqlite:///{tmp_path / 'search.db'}")
    with app.app_context():
        upgrade()
        owner = UserFactory()
        deck = services.create_deck(owner, "Workers", "", "public")
        questions.add_question(
            deck, owner, "How do workers start?", "Run the zookeeperish supervisor."
        )
        questions.add_question(deck, owner, "Unrelated?", "Nothing to see.")
        page = search.search_questions(None, "zookeeperish")
        assert [hit.prompt_html for hit in page.items] == ["How do workers start?"]
        assert "<mark>zookeeperish</mark>" in page.items[0].snippet_html
        db.session.remove()
        db.engine.dispose()
