"""Mock-interview rooms: who is in one and in which role, the questions asked in order (with the
candidate's answer, the deadline and the interviewer's score), the chat, and who is connected."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prepdeck.core.models import UTCDateTime, utcnow
from prepdeck.extensions import db

ROLES = ("interviewer", "candidate", "watcher")
STATES = ("waiting", "live", "ended")


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        sa.CheckConstraint("state IN ('waiting', 'live', 'ended')", name="state_known"),
        sa.CheckConstraint(
            "seconds_per_question >= 30 AND seconds_per_question <= 3600", name="seconds_range"
        ),
        sa.Index("ix_rooms_interviewer", "interviewer_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The invite: whoever opens /rooms/join/<token> signed in becomes the candidate.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(120))
    seconds_per_question: Mapped[int]
    allow_watchers: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # What was chosen, as chosen: {"deck_ids": [...], "levels": [...], "tags": [...]}.
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(10), default="waiting")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="room", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Participant.joined_at",
    )  # fmt: skip
    items: Mapped[list[RoomItem]] = relationship(
        back_populates="room", cascade="all, delete-orphan", passive_deletes=True,
        order_by="RoomItem.position",
    )  # fmt: skip


class Participant(db.Model):
    __tablename__ = "room_participants"

    room_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(12))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[Room] = relationship(back_populates="participants")
    # Loaded when asked for: an event's sender is in the session already, so no query then.
    person = relationship("User", viewonly=True)


class RoomItem(db.Model):
    """One question of the interview, in the order planned. The prompt and the reference
    answer are copied when the room is made, so the summary survives later edits."""

    __tablename__ = "room_items"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "position", name="uq_room_items_room_position"),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    prompt: Mapped[str] = mapped_column(sa.Text)
    answer_html: Mapped[str] = mapped_column(sa.Text)  # the reference, for the interviewer
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last keystroke kept
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    score: Mapped[int | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    room: Mapped[Room] = relationship(back_populates="items")


class RoomMessage(db.Model):
    __tablename__ = "room_messages"
    __table_args__ = (sa.Index("ix_room_messages_room", "room_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined", viewonly=True)


class Connection(db.Model):
    """One live Socket.IO connection in a room, refreshed while it lives (presence). Rows of a
    process that died stop being refreshed and stop counting after `PRESENCE_SECONDS`."""

    __tablename__ = "room_connections"
    __table_args__ = (sa.Index("ix_room_connections_room", "room_id", "seen_at"),)

    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    room_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
