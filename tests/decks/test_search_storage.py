"""On PostgreSQL a question's search vector is kept in its row (migration 0016), so the
searches that read it for each match (a phrase's recheck, the ranking) need no TOAST fetch."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from prepdeck.extensions import db

pytestmark = pytest.mark.postgres

STORAGE = sa.text(
    "SELECT attstorage FROM pg_attribute"
    " WHERE attrelid = 'questions'::regclass AND attname = 'search_vector'"
)


def test_the_search_vector_is_stored_main_and_the_downgrade_restores_extended(pg_app):
    with pg_app.app_context():
        assert db.session.scalar(STORAGE) == "m"
        db.session.rollback()
        downgrade(revision="0015")
        assert db.session.scalar(STORAGE) == "x"
        db.session.rollback()
        upgrade()
        assert db.session.scalar(STORAGE) == "m"
        db.session.rollback()
