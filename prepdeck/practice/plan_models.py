"""An interview date to be ready by, and the decks it is about: one plan per person (a new
plan replaces the old one); it is active up to and including the interview day."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prepdeck.core.models import UTCDateTime, utcnow
from prepdeck.extensions import db


class InterviewPlan(db.Model):
    __tablename__ = "interview_plans"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    interview_date: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decks: Mapped[list[InterviewPlanDeck]] = relationship(
        cascade="all, delete-orphan", order_by="InterviewPlanDeck.position"
    )

    @property
    def deck_ids(self) -> list[int]:
        return [row.deck_id for row in self.decks]


class InterviewPlanDeck(db.Model):
    __tablename__ = "interview_plan_decks"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interview_plans.person_id", ondelete="CASCADE"), primary_key=True
    )
    deck_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
