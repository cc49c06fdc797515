"""import jobs read by a worker with a kept preview; job files that expire

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:12:31.402117

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

IMPORT_STATES_BEFORE = "state IN ('draft', 'queued', 'running', 'succeeded', 'failed')"
IMPORT_STATES = (
    "state IN ('parsing', 'draft', 'queued', 'running', 'succeeded', 'failed', 'expired')"
)
EXPORT_STATES_BEFORE = "state IN ('queued', 'running', 'succeeded', 'failed')"
EXPORT_STATES = "state IN ('queued', 'running', 'succeeded', 'failed', 'expired')"


def upgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upload', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('preview', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('autostart', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column('source', existing_type=sa.Text(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_import_jobs_state_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_import_jobs_state_known'), IMPORT_STATES)

    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_export_jobs_state_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_export_jobs_state_known'), EXPORT_STATES)
        batch_op.create_index('ix_export_jobs_state_finished', ['state', 'finished_at'], unique=False)


def downgrade():
    # Jobs in states the older schema does not know end as failed, and documents already
    # removed cannot come back: those jobs keep an empty source.
    op.execute(
        "UPDATE import_jobs SET state = 'failed', error = COALESCE(error, 'Expired.') "
        "WHERE state IN ('parsing', 'expired')"
    )
    op.execute("UPDATE import_jobs SET source = '' WHERE source IS NULL")
    op.execute("UPDATE export_jobs SET state = 'failed', error = 'Expired.' WHERE state = 'expired'")
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_export_jobs_state_finished')
        batch_op.drop_constraint(batch_op.f('ck_export_jobs_state_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_export_jobs_state_known'), EXPORT_STATES_BEFORE)

    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_import_jobs_state_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_import_jobs_state_known'), IMPORT_STATES_BEFORE)
        batch_op.alter_column('source', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('autostart')
        batch_op.drop_column('preview')
        batch_op.drop_column('upload')
