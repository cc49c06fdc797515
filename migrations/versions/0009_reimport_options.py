"""import jobs: update or append to a deck, prune, and what the import did

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # recreate='never': SQLite adds and drops these columns in place (see 0008).
    with op.batch_alter_table('import_jobs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), server_default='update', nullable=False))
        batch_op.add_column(sa.Column('prune', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('result', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('import_jobs', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('result')
        batch_op.drop_column('prune')
        batch_op.drop_column('mode')
