"""practice: followed decks, practice settings, cards and the review log

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:41:59.866426

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_settings",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("new_per_day", sa.Integer(), server_default="20", nullable=False),
        sa.Column("max_reviews_per_day", sa.Integer(), server_default="200", nullable=False),
        sa.Column("desired_retention", sa.Double(), server_default="0.9", nullable=False),
        sa.Column("learning_steps", sa.String(length=100), server_default="1 10", nullable=False),
        sa.Column("relearning_steps", sa.String(length=100), server_default="10", nullable=False),
        sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("day_start_hour", sa.Integer(), server_default="4", nullable=False),
        sa.Column("fsrs_parameters", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "day_start_hour >= 0 AND day_start_hour <= 23",
            name=op.f("ck_practice_settings_day_start_range"),
        ),
        sa.CheckConstraint(
            "desired_retention >= 0.7 AND desired_retention <= 0.97",
            name=op.f("ck_practice_settings_retention_range"),
        ),
        sa.CheckConstraint(
            "new_per_day >= 0 AND max_reviews_per_day >= 0",
            name=op.f("ck_practice_settings_limits_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_practice_settings_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_practice_settings")),
    )
    op.create_table(
        "deck_follows",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deck_id"],
            ["decks.id"],
            name=op.f("fk_deck_follows_deck_id_decks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_deck_follows_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "deck_id", name=op.f("pk_deck_follows")),
    )
    with op.batch_alter_table("deck_follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deck_follows_deck_id"), ["deck_id"], unique=False)

    op.create_table(
        "practice_cards",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("stability", sa.Double(), nullable=True),
        sa.Column("difficulty", sa.Double(), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('new', 'learning', 'review', 'relearning')",
            name=op.f("ck_practice_cards_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_practice_cards_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_practice_cards_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "question_id", name=op.f("pk_practice_cards")),
    )
    with op.batch_alter_table("practice_cards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_practice_cards_person_state_due", ["person_id", "state", "due"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_practice_cards_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("state_before", sa.String(length=12), nullable=False),
        sa.Column("state_after", sa.String(length=12), nullable=False),
        sa.Column("step_after", sa.Integer(), nullable=False),
        sa.Column("stability_after", sa.Double(), nullable=False),
        sa.Column("difficulty_after", sa.Double(), nullable=False),
        sa.Column("due_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "state_before IN ('new', 'learning', 'review', 'relearning') AND state_after IN ('new', 'learning', 'review', 'relearning')",
            name=op.f("ck_review_logs_states_known"),
        ),
        sa.CheckConstraint("rating >= 1 AND rating <= 4", name=op.f("ck_review_logs_rating_range")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_review_logs_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_review_logs_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_logs")),
        sa.UniqueConstraint("person_id", "idempotency_key", name="uq_review_logs_person_key"),
    )
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_logs_person_question",
            ["person_id", "question_id", "reviewed_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_review_logs_person_reviewed", ["person_id", "reviewed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_logs_question_id"), ["question_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_logs_question_id"))
        batch_op.drop_index("ix_review_logs_person_reviewed")
        batch_op.drop_index("ix_review_logs_person_question")

    op.drop_table("review_logs")
    with op.batch_alter_table("practice_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_cards_question_id"))
        batch_op.drop_index("ix_practice_cards_person_state_due")

    op.drop_table("practice_cards")
    with op.batch_alter_table("deck_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deck_follows_deck_id"))

    op.drop_table("deck_follows")
    op.drop_table("practice_settings")
