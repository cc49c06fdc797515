"""Marshmallow schemas of the interview plan API: what goes in (strict) and what comes out."""

from __future__ import annotations

import marshmallow as ma

from prepdeck.core.urls import MAX_ID
from prepdeck.practice.plans import MAX_DECKS

F, V = ma.fields, ma.validate


class PlanSet(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    interview_date = F.Date(
        required=True,
        metadata={"description": "Today or later in your time zone (an earlier day: 422)"},
    )
    deck_ids = F.List(
        F.Integer(strict=True, validate=V.Range(min=1, max=MAX_ID)),
        required=True,
        validate=V.Length(min=1, max=MAX_DECKS),
        metadata={"description": "Decks you can read; you follow each from now on"},
    )


class PlanDeck(ma.Schema):
    id = F.Integer(required=True)
    slug = F.String(required=True)
    title = F.String(required=True)


class Plan(ma.Schema):
    interview_date = F.Date(required=True)
    today = F.Date(required=True, metadata={"description": "Your day now"})
    active = F.Boolean(required=True, metadata={"description": "Until the interview day"})
    days_left = F.Integer(required=True)
    decks = F.List(F.Nested(PlanDeck), required=True)
    questions = F.Integer(required=True)
    unseen = F.Integer(required=True, metadata={"description": "Questions never studied"})
    expected_recall = F.Float(
        required=True, allow_none=True, validate=V.Range(min=0, max=1),
        metadata={"description": "Mean FSRS retrievability on the interview day, the never "
                  "studied counting 0; null when the decks hold no question"},
    )  # fmt: skip
    see_all_by = F.Date(required=True, metadata={"description": "A week before the interview"})
    new_per_day = F.Integer(
        required=True, allow_none=True,
        metadata={"description": "New questions a day to have seen all by see_all_by; null "
                  "when that day has come with questions unseen"},
    )  # fmt: skip
    new_seen_today = F.Integer(required=True)
    new_left_today = F.Integer(required=True)
    reviews_due = F.Integer(required=True, metadata={"description": "Due before tomorrow"})
    daily_target = F.Integer(
        required=True, metadata={"description": "reviews_due + new_left_today"}
    )
