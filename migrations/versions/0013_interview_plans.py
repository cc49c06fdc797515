"""practice: interview plans (a date and the decks it is about)

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03 06:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interview_plans",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("interview_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_interview_plans_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_interview_plans")),
    )
    op.create_table(
        "interview_plan_decks",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deck_id"],
            ["decks.id"],
            name=op.f("fk_interview_plan_decks_deck_id_decks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["interview_plans.person_id"],
            name=op.f("fk_interview_plan_decks_person_id_interview_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "deck_id", name=op.f("pk_interview_plan_decks")),
    )
    with op.batch_alter_table("interview_plan_decks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_plan_decks_deck_id"), ["deck_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("interview_plan_decks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_plan_decks_deck_id"))
    op.drop_table("interview_plan_decks")
    op.drop_table("interview_plans")
