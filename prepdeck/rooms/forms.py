"""The forms of the room pages."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from prepdeck.practice.quiz_forms import DeckChoiceForm
from prepdeck.rooms.services import (
    MAX_MINUTES,
    MAX_QUESTIONS,
    MAX_TITLE,
    MIN_MINUTES,
    MIN_QUESTIONS,
)


class RoomForm(DeckChoiceForm):
    title = StringField("Title", default="Mock interview", validators=[Length(max=MAX_TITLE)])
    question_count = IntegerField(
        "Questions", default=5,
        validators=[InputRequired(), NumberRange(min=MIN_QUESTIONS, max=MAX_QUESTIONS)],
        description=f"From {MIN_QUESTIONS} to {MAX_QUESTIONS}.",
    )  # fmt: skip
    minutes_per_question = IntegerField(
        "Minutes per question", default=5,
        validators=[InputRequired(), NumberRange(min=MIN_MINUTES, max=MAX_MINUTES)],
        description=f"From {MIN_MINUTES} to {MAX_MINUTES}.",
    )  # fmt: skip
    allow_watchers = BooleanField(
        "Others with the invitation may watch",
        description="Once the candidate has joined; watchers see what the candidate sees.",
    )
