"""The forms of the room pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from prepdeck.decks.models import LEVELS
from prepdeck.practice.quiz_forms import CheckboxesField
from prepdeck.rooms.services import (
    MAX_MINUTES,
    MAX_QUESTIONS,
    MAX_TITLE,
    MIN_MINUTES,
    MIN_QUESTIONS,
)


class RoomForm(FlaskForm):
    """`decks` choices are set by the view: the decks the interviewer follows, and their own."""

    title = StringField("Title", default="Mock interview", validators=[Length(max=MAX_TITLE)])
    decks = CheckboxesField(
        "Decks", coerce=int, choices=[], description="None ticked: every deck you follow."
    )
    levels = CheckboxesField(
        "Levels", choices=[SelectChoice(level, level.capitalize()) for level in LEVELS],
        description="None ticked: every level.",
    )  # fmt: skip
    tags = StringField(
        "Tags", validators=[Length(max=600)],
        description="Separated by commas or spaces; a question with any of them may be asked.",
    )  # fmt: skip
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
