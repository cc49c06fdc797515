"""The review page's forms: one answer to a card, and undo of the last answer."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from prepdeck.practice.services import MAX_ID, MAX_KEY


class AnswerForm(FlaskForm):
    question_id = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    # Sent by the button pressed (Again 1, Hard 2, Good 3, Easy 4).
    rating = IntegerField(
        validators=[
            InputRequired("Choose Again, Hard, Good or Easy."),
            NumberRange(1, 4, "Choose Again, Hard, Good or Easy."),
        ]
    )
    idempotency_key = HiddenField(validators=[InputRequired(), Length(max=MAX_KEY)])
    # When the card was shown (server time, epoch milliseconds): the answer's duration.
    shown_at = IntegerField(widget=HiddenInput(), default=0)


class UndoForm(FlaskForm):
    # The answer the page offered to undo: pressing Undo twice takes back only that one.
    answer_id = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
