"""Timed mock quizzes: what a person chose, and one item per question asked, with its
server-side deadline, the typed answer and the grade the person gave themselves."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prepdeck.core.models import UTCDateTime, utcnow
from prepdeck.extensions import db

MAX_TYPED_ANSWER = 5000


class Quiz(db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (
        sa.CheckConstraint(
            "seconds_per_question >= 10 AND seconds_per_question <= 900", name="seconds_range"
        ),
        sa.Index("ix_quizzes_person", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    seconds_per_question: Mapped[int]
    # What was chosen, as chosen: {"deck_ids": [...], "levels": [...], "tags": [...]}.
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz",
        order_by="QuizItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class QuizItem(db.Model):
    """One question of a quiz. Its clock starts when it becomes the current question
    (`started_at`, `deadline`); an answer typed after the deadline is kept, marked late."""

    __tablename__ = "quiz_items"
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "position", name="uq_quiz_items_quiz_position"),
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 4)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    rating: Mapped[int | None]
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quiz: Mapped[Quiz] = relationship(back_populates="items")
    question = relationship("Question", lazy="joined", viewonly=True)

    @property
    def revealed(self) -> bool:
        return self.answered_at is not None

    @property
    def duration_ms(self) -> int | None:
        """Time from the question's start to the answer (the reveal)."""
        if self.started_at is None or self.answered_at is None:
            return None
        return max(0, int((self.answered_at - self.started_at).total_seconds() * 1000))
