"""The forms of the quiz pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from prepdeck.decks.models import LEVELS
from prepdeck.practice.quiz_models import MAX_TYPED_ANSWER
from prepdeck.practice.quizzes import MAX_QUESTIONS, MAX_SECONDS, MIN_QUESTIONS, MIN_SECONDS


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: each one reachable and labelled on its own."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class DeckChoiceForm(FlaskForm):
    """Which questions to draw: from which decks, levels and tags. `decks` choices are set by
    the view: the decks the person follows, and their own."""

    decks = CheckboxesField(
        "Decks", coerce=int, choices=[],
        description="None ticked: every deck you follow.",
    )  # fmt: skip
    levels = CheckboxesField(
        "Levels", choices=[SelectChoice(level, level.capitalize()) for level in LEVELS],
        description="None ticked: every level.",
    )  # fmt: skip
    tags = StringField(
        "Tags", validators=[Length(max=600)],
        description="Separated by commas or spaces; a question with any of them may be drawn.",
    )  # fmt: skip


class QuizForm(DeckChoiceForm):
    question_count = IntegerField(
        "Questions", default=10,
        validators=[InputRequired(), NumberRange(min=MIN_QUESTIONS, max=MAX_QUESTIONS)],
        description=f"From {MIN_QUESTIONS} to {MAX_QUESTIONS}.",
    )  # fmt: skip
    seconds_per_question = IntegerField(
        "Seconds per question", default=120,
        validators=[InputRequired(), NumberRange(min=MIN_SECONDS, max=MAX_SECONDS)],
        description=f"From {MIN_SECONDS} to {MAX_SECONDS}.",
    )  # fmt: skip


class AnswerForm(FlaskForm):
    item_id = HiddenField(validators=[InputRequired()])
    answer = TextAreaField(
        "Your answer", validators=[Length(max=MAX_TYPED_ANSWER)],
        render_kw={"rows": 8, "maxlength": MAX_TYPED_ANSWER},
        description=f"Optional, up to {MAX_TYPED_ANSWER} characters.",
    )  # fmt: skip


class GradeForm(FlaskForm):
    """The grade comes from the button pressed (name="rating")."""

    item_id = HiddenField(validators=[InputRequired()])
