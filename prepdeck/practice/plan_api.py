"""The interview plan API: one plan per person at /api/v1/plan, set, read and removed with
the same services as the plan page."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import BEARER, ApiBlueprint, documented
from prepdeck.core.urls import MAX_ID
from prepdeck.practice import plans

blp = ApiBlueprint(
    "api_plan", __name__, url_prefix="/api/v1", description="Your interview date planner."
)
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
        validate=V.Length(min=1, max=plans.MAX_DECKS),
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


@blp.route("/plan")
class PlanResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, Plan)
    @documented(blp, read=True)
    def get(self):
        """Your interview plan with what it asks of you today"""
        return plans.plan_status(get_current_user())

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(PlanSet)
    @blp.response(200, Plan)
    @documented(blp)
    def put(self, body: dict):
        """Set your interview plan (replacing the one you had)"""
        person = get_current_user()
        plans.set_plan(person, body["interview_date"], body["deck_ids"])
        return plans.plan_status(person)

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(204)
    @documented(blp)
    def delete(self):
        """Remove your interview plan"""
        plans.delete_plan(get_current_user())
