"""Marshmallow schemas of the practice API. Bodies are strict: unknown fields (a client's
review time among them) and numbers sent as strings are refused with 422."""

from __future__ import annotations

import re
import zoneinfo

import marshmallow as ma

from prepdeck.core.api import PageArgs, page_schema
from prepdeck.core.urls import MAX_ID
from prepdeck.decks.models import LEVELS
from prepdeck.decks.schemas import Deck
from prepdeck.practice.models import CARD_STATES
from prepdeck.practice.services import MAX_KEY
from prepdeck.practice.settings import LIMITS, MAX_STEP_MINUTES, MAX_STEPS, parse_steps

F, V = ma.fields, ma.validate
ID = V.Range(min=1, max=MAX_ID)
# Tags as questions keep them (decks/questions.py), so that no other text reaches a query.
TAG_PATTERN = r"^[a-z0-9][a-z0-9+#.-]{0,49}$"
KEY_PATTERN = r"^[A-Za-z0-9._:-]+$"
MAX_DURATION = 86_400_000  # a day; anything above an hour counts as an hour
TIME_ZONES = sorted(zoneinfo.available_timezones())
RATING_NAMES = ("again", "hard", "good", "easy")


def _full_match(pattern: str):
    compiled = re.compile(pattern.removeprefix("^").removesuffix("$"))

    def check(value: str) -> None:
        if compiled.fullmatch(value) is None:
            raise ma.ValidationError("Not a valid value.")

    return check


class StrictNumber(F.Float):
    """A JSON number, never a string or a boolean that looks like one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _whole(low: int, high: int, **kwargs) -> F.Integer:
    return F.Integer(strict=True, validate=V.Range(min=low, max=high), **kwargs)


# Following ----------------------------------------------------------------------------

FollowedDeckPage = page_schema(Deck, "FollowedDeckPage")


# The queue ----------------------------------------------------------------------------


class DueArgs(ma.Schema):
    deck_id = F.Integer(validate=ID, metadata={"description": "Only this followed deck"})
    level = F.String(validate=V.OneOf(LEVELS), metadata={"enum": list(LEVELS)})
    tag = F.String(
        validate=_full_match(TAG_PATTERN), metadata={"pattern": TAG_PATTERN, "maxLength": 50}
    )
    missed_days = F.Integer(
        validate=V.Range(min=1, max=365),
        metadata={"description": "Only cards answered Again in this many last days, due or not"},
    )
    limit = F.Integer(load_default=20, validate=V.Range(min=1, max=100))


class Interval(ma.Schema):
    seconds = F.Integer(required=True, metadata={"description": "A step: seconds, else 0"})
    days = F.Integer(required=True, metadata={"description": "A review: days, else 0"})
    label = F.String(required=True, metadata={"description": "As on the button: 10m, 3d"})


ButtonIntervals = ma.Schema.from_dict(
    {name: F.Nested(Interval, required=True) for name in RATING_NAMES}, name="ButtonIntervals"
)


class DueItem(ma.Schema):
    question_id = F.Integer(required=True)
    prompt = F.String(required=True)
    kind = F.String(required=True, metadata={"enum": ["learning", "review", "new"]})
    due = F.AwareDateTime(required=True, allow_none=True)
    intervals = F.Nested(
        ButtonIntervals, required=True,
        metadata={"description": "What each button would give the card if pressed now"},
    )  # fmt: skip


class DueList(ma.Schema):
    items = F.List(F.Nested(DueItem), required=True)


# Reviews and cards --------------------------------------------------------------------


class ReviewCreate(ma.Schema):
    question_id = F.Integer(required=True, strict=True, validate=ID)
    rating = _whole(
        1, 4, required=True, metadata={"description": "1 Again, 2 Hard, 3 Good, 4 Easy"}
    )
    duration_ms = _whole(
        0, MAX_DURATION, load_default=0,
        metadata={"description": "Time spent on the card; above an hour counts as an hour"},
    )  # fmt: skip
    idempotency_key = F.String(
        required=True,
        validate=[V.Length(min=1, max=MAX_KEY), _full_match(KEY_PATTERN)],
        metadata={
            "pattern": KEY_PATTERN,
            "description": "Chosen by the client, one per answer (a UUID will do): the same "
            "key again is answered with the first submission's result and applied once",
        },
    )
    reviewed_at = F.Raw(
        load_only=True,
        allow_none=True,
        metadata={"description": "Ignored, whatever it holds: the server's clock is the time"},
    )


class ReviewResult(ma.Schema):
    question_id = F.Integer(required=True)
    rating = F.Integer(required=True)
    reviewed_at = F.AwareDateTime(required=True, metadata={"description": "The server's time"})
    state = F.String(required=True, metadata={"enum": list(CARD_STATES)})
    stability = F.Float(required=True)
    difficulty = F.Float(required=True)
    due = F.AwareDateTime(required=True)


class CardState(ma.Schema):
    question_id = F.Integer(required=True)
    state = F.String(required=True, metadata={"enum": list(CARD_STATES)})
    step = F.Integer(required=True, metadata={"description": "Learning or relearning step"})
    stability = F.Float(required=True, allow_none=True, metadata={"description": "Days"})
    difficulty = F.Float(required=True, allow_none=True, metadata={"description": "1 to 10"})
    due = F.AwareDateTime(required=True, allow_none=True)
    last_review = F.AwareDateTime(required=True, allow_none=True)
    reps = F.Integer(required=True)
    lapses = F.Integer(required=True)
    retrievability = F.Float(
        required=True, allow_none=True,
        metadata={"description": "Chance of recall now, 0 to 1 (null before the first answer)"},
    )  # fmt: skip


class ReviewLogEntry(ma.Schema):
    id = F.Integer(required=True)
    question_id = F.Integer(required=True)
    rating = F.Integer(required=True)
    reviewed_at = F.AwareDateTime(required=True)
    duration_ms = F.Integer(required=True)
    state_before = F.String(required=True, metadata={"enum": list(CARD_STATES)})
    state_after = F.String(required=True, metadata={"enum": list(CARD_STATES)})
    stability_after = F.Float(required=True)
    difficulty_after = F.Float(required=True)
    due_after = F.AwareDateTime(required=True)


ReviewLogPage = page_schema(ReviewLogEntry, "ReviewLogPage")
ReviewLogArgs = PageArgs


# Settings -----------------------------------------------------------------------------


# Steps shorter than a second are no use; with this floor ten steps always fit the column.
MIN_STEP_MINUTES = 0.01


def _steps(**kwargs) -> F.List:
    return F.List(
        StrictNumber(validate=V.Range(min=MIN_STEP_MINUTES, max=MAX_STEP_MINUTES)),
        validate=V.Length(max=MAX_STEPS), **kwargs,
    )  # fmt: skip


class SettingsUpdate(ma.Schema):
    new_per_day = _whole(0, LIMITS["new_per_day"])
    max_reviews_per_day = _whole(0, LIMITS["max_reviews_per_day"])
    desired_retention = StrictNumber(validate=V.Range(min=0.7, max=0.97))
    learning_steps = _steps(metadata={"description": "Minutes, such as [1, 10]"})
    relearning_steps = _steps(metadata={"description": "Minutes, such as [10]"})
    time_zone = F.String(validate=V.OneOf(TIME_ZONES), metadata={"description": "IANA name"})
    day_start_hour = _whole(0, 23, metadata={"description": "The hour a new day starts"})


def _steps_out(name: str) -> F.Function:
    return F.Function(
        lambda row: list(parse_steps(getattr(row, name))), required=True,
        metadata={"type": "array", "items": {"type": "number"}, "description": "Minutes"},
    )  # fmt: skip


class Settings(ma.Schema):
    new_per_day = F.Integer(required=True)
    max_reviews_per_day = F.Integer(required=True)
    desired_retention = F.Float(required=True)
    learning_steps = _steps_out("learning_steps")
    relearning_steps = _steps_out("relearning_steps")
    time_zone = F.String(required=True)
    day_start_hour = F.Integer(required=True)
    fsrs_parameters = F.List(
        F.Float(), required=True, allow_none=True,
        metadata={"description": "Fitted to your history; null: FSRS-6's defaults"},
    )  # fmt: skip
