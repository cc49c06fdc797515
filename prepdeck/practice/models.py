"""What a person practises and how well they know it: followed decks, their settings, one
card per question they have seen and one log row per answer."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prepdeck.core.models import UTCDateTime, utcnow
from prepdeck.extensions import db

CARD_STATES = ("new", "learning", "review", "relearning")
_STATES_SQL = ", ".join(f"'{state}'" for state in CARD_STATES)


def _person_fk() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


def _question_fk() -> sa.ForeignKey:
    return sa.ForeignKey("questions.id", ondelete="CASCADE")


class DeckFollow(db.Model):
    __tablename__ = "deck_follows"

    person_id: Mapped[int] = mapped_column(_person_fk(), primary_key=True)
    deck_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeSettings(db.Model):
    """A person's practice settings; a person without a row has the defaults."""

    __tablename__ = "practice_settings"
    __table_args__ = (
        sa.CheckConstraint(
            "desired_retention >= 0.7 AND desired_retention <= 0.97", name="retention_range"
        ),
        sa.CheckConstraint("day_start_hour >= 0 AND day_start_hour <= 23", name="day_start_range"),
        sa.CheckConstraint("new_per_day >= 0 AND max_reviews_per_day >= 0", name="limits_positive"),
        sa.CheckConstraint(
            "reminder_hour >= 0 AND reminder_hour <= 23", name="reminder_hour_range"
        ),
    )

    person_id: Mapped[int] = mapped_column(_person_fk(), primary_key=True)
    new_per_day: Mapped[int] = mapped_column(default=20, server_default="20")
    max_reviews_per_day: Mapped[int] = mapped_column(default=200, server_default="200")
    desired_retention: Mapped[float] = mapped_column(default=0.9, server_default="0.9")
    # Minutes, separated by spaces, as Anki writes them.
    learning_steps: Mapped[str] = mapped_column(
        sa.String(100), default="1 10", server_default="1 10"
    )
    relearning_steps: Mapped[str] = mapped_column(sa.String(100), default="10", server_default="10")
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC", server_default="UTC")
    day_start_hour: Mapped[int] = mapped_column(default=4, server_default="4")
    # The person's fitted FSRS parameters; none: FSRS's defaults.
    fsrs_parameters: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    # Where the personal parameters came from: when they were adopted, from how many reviews,
    # and how well they and FSRS's defaults predicted that history (log loss, lower is better).
    parameters_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    parameters_reviews: Mapped[int | None]
    parameters_log_loss: Mapped[float | None]
    default_log_loss: Mapped[float | None]
    # False once the person went back to the defaults: the nightly fit leaves them alone.
    fit_parameters: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    last_fit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_fit_result: Mapped[str | None] = mapped_column(sa.String(20))
    reminders_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The hour (on the person's clock) from which the day's reminder may be sent.
    reminder_hour: Mapped[int] = mapped_column(default=18, server_default="18")
    # The person's day (see days.person_day) of the last reminder: one a day at most.
    last_reminded_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Card(db.Model):
    """What a person knows of one question, as FSRS and the learning steps have it."""

    __tablename__ = "practice_cards"
    __table_args__ = (
        sa.CheckConstraint(f"state IN ({_STATES_SQL})", name="state_known"),
        sa.Index("ix_practice_cards_person_state_due", "person_id", "state", "due"),
    )

    person_id: Mapped[int] = mapped_column(_person_fk(), primary_key=True)
    question_id: Mapped[int] = mapped_column(_question_fk(), primary_key=True, index=True)
    state: Mapped[str] = mapped_column(sa.String(12), default="new")
    step: Mapped[int] = mapped_column(default=0)
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)

    question = relationship("Question", viewonly=True)


class ReviewLog(db.Model):
    """One answer, as given: enough to replay the history through FSRS or undo the answer."""

    __tablename__ = "review_logs"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "idempotency_key", name="uq_review_logs_person_key"),
        sa.CheckConstraint("rating >= 1 AND rating <= 4", name="rating_range"),
        sa.CheckConstraint(
            f"state_before IN ({_STATES_SQL}) AND state_after IN ({_STATES_SQL})",
            name="states_known",
        ),
        sa.Index("ix_review_logs_person_reviewed", "person_id", "reviewed_at"),
        sa.Index("ix_review_logs_person_question", "person_id", "question_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    question_id: Mapped[int] = mapped_column(_question_fk(), index=True)
    rating: Mapped[int]
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(default=0)
    state_before: Mapped[str] = mapped_column(sa.String(12))
    state_after: Mapped[str] = mapped_column(sa.String(12))
    step_after: Mapped[int] = mapped_column(default=0)
    stability_after: Mapped[float]
    difficulty_after: Mapped[float]
    due_after: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(sa.String(100))
    # The card as it was before the answer, so that undo restores it exactly (empty on rows
    # written before these columns existed: those answers cannot be undone).
    step_before: Mapped[int | None]
    stability_before: Mapped[float | None]
    difficulty_before: Mapped[float | None]
    due_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_review_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps_before: Mapped[int | None]
    lapses_before: Mapped[int | None]
