"""rooms: live mock interviews, their participants, questions, chat and connections

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:30:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _fk(column, table, name, ondelete="CASCADE"):
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], name=op.f(name), ondelete=ondelete)


def upgrade():
    op.create_table(
        "rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("seconds_per_question", sa.Integer(), nullable=False),
        sa.Column("allow_watchers", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('waiting', 'live', 'ended')", name=op.f("ck_rooms_state_known")
        ),
        sa.CheckConstraint(
            "seconds_per_question >= 30 AND seconds_per_question <= 3600",
            name=op.f("ck_rooms_seconds_range"),
        ),
        _fk("interviewer_id", "users", "fk_rooms_interviewer_id_users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("token", name=op.f("uq_rooms_token")),
    )
    op.create_index("ix_rooms_interviewer", "rooms", ["interviewer_id", "id"])
    op.create_table(
        "room_participants",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        _fk("room_id", "rooms", "fk_room_participants_room_id_rooms"),
        _fk("person_id", "users", "fk_room_participants_person_id_users"),
        sa.PrimaryKeyConstraint("room_id", "person_id", name=op.f("pk_room_participants")),
    )
    op.create_index(
        op.f("ix_room_participants_person_id"), "room_participants", ["person_id"]
    )
    op.create_table(
        "room_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("answer_html", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), server_default="", nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 1 AND score <= 5)", name=op.f("ck_room_items_score_range")
        ),
        _fk("room_id", "rooms", "fk_room_items_room_id_rooms"),
        _fk("question_id", "questions", "fk_room_items_question_id_questions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_items")),
        sa.UniqueConstraint("room_id", "position", name="uq_room_items_room_position"),
    )
    op.create_index(op.f("ix_room_items_question_id"), "room_items", ["question_id"])
    op.create_table(
        "room_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        _fk("room_id", "rooms", "fk_room_messages_room_id_rooms"),
        _fk("author_id", "users", "fk_room_messages_author_id_users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_messages")),
    )
    op.create_index("ix_room_messages_room", "room_messages", ["room_id", "id"])
    op.create_table(
        "room_connections",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        _fk("room_id", "rooms", "fk_room_connections_room_id_rooms"),
        _fk("person_id", "users", "fk_room_connections_person_id_users"),
        sa.PrimaryKeyConstraint("sid", "room_id", name=op.f("pk_room_connections")),
    )
    op.create_index("ix_room_connections_room", "room_connections", ["room_id", "seen_at"])


def downgrade():
    op.drop_table("room_connections")
    op.drop_table("room_messages")
    op.drop_table("room_items")
    op.drop_table("room_participants")
    op.drop_table("rooms")
