"""practice: the card as it was before each answer, kept in the review log for undo

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    ("step_before", sa.Integer()),
    ("stability_before", sa.Double()),
    ("difficulty_before", sa.Double()),
    ("due_before", sa.DateTime(timezone=True)),
    ("last_review_before", sa.DateTime(timezone=True)),
    ("reps_before", sa.Integer()),
    ("lapses_before", sa.Integer()),
)


def upgrade():
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade():
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
