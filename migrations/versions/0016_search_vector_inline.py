"""search vector kept in the row: questions.search_vector stored MAIN on PostgreSQL

A question's search vector is read for every match a search rechecks (a quoted phrase needs
the positions of its words) and again when the match is ranked. Stored EXTENDED, the default, a
vector of a long answer went to the TOAST table, and each of those reads fetched it from
there; MAIN keeps it in the row unless the row alone would not fit in a page
(docs/performance.md). Rows written before this keep their vector where it is until they are
next written (`VACUUM FULL questions` rewrites them all at once). SQLite has no such setting.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 21:30:00

"""

from alembic import op


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE questions ALTER COLUMN search_vector SET STORAGE {kind}")


def upgrade():
    _storage("MAIN")


def downgrade():
    _storage("EXTENDED")
