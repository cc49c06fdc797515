"""`GET /api/v1/stats`: the caller's practice statistics, the numbers the statistics page
draws, from the same service."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import BEARER, ApiBlueprint, documented
from prepdeck.decks.models import LEVELS
from prepdeck.practice import stats
from prepdeck.practice.models import CARD_STATES

F, V = ma.fields, ma.validate
COUNT = {"required": True, "validate": V.Range(min=0)}
SHARE = {"required": True, "validate": V.Range(min=0, max=1)}

blp = ApiBlueprint("api_stats", __name__, url_prefix="/api/v1", description="Practice statistics.")


class DayCount(ma.Schema):
    date = F.Date(required=True)
    reviews = F.Integer(**COUNT)


class Retention(ma.Schema):
    reviews = F.Integer(**COUNT, metadata={"description": "Answers to cards in review state"})
    passed = F.Integer(**COUNT, metadata={"description": "Of which not Again"})
    retention = F.Float(**SHARE, allow_none=True, metadata={"description": "passed / reviews"})


class MonthRetention(Retention):
    month = F.String(required=True, metadata={"pattern": r"^\d{4}-\d{2}$"})


class LevelRetention(Retention):
    level = F.String(
        required=True, allow_none=True, metadata={"enum": [*LEVELS, None], "description":
        "null: questions without a level"},
    )  # fmt: skip


class DueCount(ma.Schema):
    date = F.Date(required=True)
    due = F.Integer(**COUNT)


class Streak(ma.Schema):
    days = F.Integer(**COUNT)
    reviewed_today = F.Boolean(required=True)


class DeckMastery(ma.Schema):
    deck_id = F.Integer(required=True)
    slug = F.String(required=True)
    title = F.String(required=True)
    questions = F.Integer(**COUNT)
    mastered = F.Integer(**COUNT, metadata={"description": "In review, stability >= 21 days"})
    mastery = F.Float(**SHARE, metadata={"description": "mastered / questions"})
    mean_retrievability = F.Float(
        **SHARE, metadata={"description": "FSRS recall now, unseen questions counting 0"}
    )


CardsByState = ma.Schema.from_dict(
    {state: F.Integer(**COUNT) for state in CARD_STATES}, name="CardsByState"
)


class Stats(ma.Schema):
    today = F.Date(required=True, metadata={"description": "The caller's day"})
    time_zone = F.String(required=True)
    day_start_hour = F.Integer(required=True, validate=V.Range(min=0, max=23))
    total_reviews = F.Integer(**COUNT, metadata={"description": "In the last 365 days"})
    reviews_per_day = F.List(F.Nested(DayCount), required=True)
    retention_by_month = F.List(F.Nested(MonthRetention), required=True)
    retention_by_level = F.List(F.Nested(LevelRetention), required=True)
    forecast = F.List(F.Nested(DueCount), required=True)
    cards_by_state = F.Nested(CardsByState, required=True)
    streak = F.Nested(Streak, required=True)
    mastery = F.List(F.Nested(DeckMastery), required=True)


@blp.route("/stats")
class StatsResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, Stats)
    @documented(blp, read=True)
    def get(self):
        """Your practice statistics, counted in your days (time zone and start hour)"""
        return stats.person_stats(get_current_user())
