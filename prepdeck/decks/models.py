"""Decks of interview questions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prepdeck.core.models import UTCDateTime, utcnow
from prepdeck.extensions import db

LEVELS = ("basic", "intermediate", "advanced", "expert", "scenario")
VISIBILITIES = ("public", "unlisted", "private")


class Deck(db.Model):
    __tablename__ = "decks"
    __table_args__ = (
        sa.CheckConstraint(
            "visibility IN ('public', 'unlisted', 'private')", name="visibility_known"
        ),
        sa.Index("ix_decks_visibility_updated", "visibility", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(220), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    visibility: Mapped[str] = mapped_column(sa.String(20), default="private")
    question_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner = relationship("User", lazy="joined")
    questions: Mapped[list[Question]] = relationship(
        back_populates="deck",
        order_by="Question.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Deck {self.id} {self.slug}>"


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        sa.UniqueConstraint("deck_id", "position", name="uq_questions_deck_position"),
        sa.CheckConstraint(
            "level IS NULL OR level IN ('basic', 'intermediate', 'advanced', 'expert', 'scenario')",
            name="level_known",
        ),
        sa.Index("ix_questions_deck_level_position", "deck_id", "level", "position"),
        sa.Index("ix_questions_level", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(sa.ForeignKey("decks.id", ondelete="CASCADE"))
    position: Mapped[int]
    prompt: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    # Rendered and sanitised once on save, never per request.
    answer_html: Mapped[str] = mapped_column(sa.Text, default="")
    level: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    deck: Mapped[Deck] = relationship(back_populates="questions")
    tag_rows: Mapped[list[QuestionTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    @property
    def tags(self) -> list[str]:
        return sorted(row.tag for row in self.tag_rows)

    @tags.setter
    def tags(self, names: list[str]) -> None:
        wanted = set(names)
        self.tag_rows = [row for row in self.tag_rows if row.tag in wanted] + [
            QuestionTag(tag=name) for name in sorted(wanted - {row.tag for row in self.tag_rows})
        ]


class QuestionTag(db.Model):
    __tablename__ = "question_tags"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(50), primary_key=True, index=True)


IMPORT_STATES = ("parsing", "draft", "queued", "running", "succeeded", "failed", "expired")
EXPORT_STATES = ("queued", "running", "succeeded", "failed", "expired")


def _states_known(states: tuple[str, ...]) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        "state IN (" + ", ".join(f"'{state}'" for state in states) + ")", name="state_known"
    )


class ImportJob(db.Model):
    """One uploaded document on its way into a deck: read by a worker (parsing), previewed
    (draft), queued, imported by a worker. The document itself is kept only for a while
    (prepdeck.decks.retention); the preview stays small whatever the document's size."""

    __tablename__ = "import_jobs"
    __table_args__ = (_states_known(IMPORT_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The deck to add to (chosen up front), or the one the import created.
    deck_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decks.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    # The bytes as uploaded, until a worker has read them into `source` (the decoded text).
    # Both are deferred: a status poll or a list of jobs must not load megabytes.
    upload: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    source: Mapped[str | None] = mapped_column(sa.Text, deferred=True)
    preview: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True), deferred=True)
    # Import as soon as it is read, without a preview (the API's imports).
    autostart: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Into a deck: "update" its questions from the document, or "append" them all; with
    # `prune`, an update removes the deck's questions that are gone from the document.
    mode: Mapped[str] = mapped_column(sa.String(10), default="update", server_default="update")
    prune: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # What the import did (prepdeck.decks.reimport.Outcome.as_dict), once it has succeeded.
    result: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    state: Mapped[str] = mapped_column(sa.String(20), default="parsing", index=True)
    processed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list] = mapped_column(sa.JSON, default=list)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deck = relationship("Deck")


class ExportJob(db.Model):
    """A large deck written to a file by a background worker, kept for its owner to download
    for a while (prepdeck.decks.retention), then expired: the row stays, the file goes."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        _states_known(EXPORT_STATES),
        sa.Index("ix_export_jobs_state_finished", "state", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    deck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decks.id", ondelete="SET NULL"))
    fmt: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(20), default="queued")
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    mimetype: Mapped[str] = mapped_column(sa.String(100), default="")
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deck = relationship("Deck")
