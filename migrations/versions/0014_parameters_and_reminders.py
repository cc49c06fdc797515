"""practice: personal FSRS parameters (where they came from) and daily reminders

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-03 06:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parameters_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("parameters_reviews", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parameters_log_loss", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("default_log_loss", sa.Double(), nullable=True))
        batch_op.add_column(
            sa.Column("fit_parameters", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("last_fit_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_fit_result", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("reminders_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminder_hour", sa.Integer(), server_default="18", nullable=False)
        )
        batch_op.add_column(sa.Column("last_reminded_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_practice_settings_reminder_hour_range"),
            "reminder_hour >= 0 AND reminder_hour <= 23",
        )


def downgrade():
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_practice_settings_reminder_hour_range"), type_="check")
        for column in (
            "last_reminded_on",
            "reminder_hour",
            "reminders_enabled",
            "last_fit_result",
            "last_fit_at",
            "fit_parameters",
            "default_log_loss",
            "parameters_log_loss",
            "parameters_reviews",
            "parameters_since",
        ):
            batch_op.drop_column(column)
