"""The interview plan API: one plan per person at /api/v1/plan, set, read and removed with
the same services as the plan page."""

from __future__ import annotations

from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import BEARER, ApiBlueprint, documented
from prepdeck.practice import plans
from prepdeck.practice.plan_schemas import Plan, PlanSet

blp = ApiBlueprint(
    "api_plan", __name__, url_prefix="/api/v1", description="Your interview date planner."
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
