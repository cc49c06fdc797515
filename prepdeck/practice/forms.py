"""Forms of the practice pages: an answer to a card, undo, and the settings. Ranges and
formats of settings are the service's to check (settings.py): a wrong value comes back as a
field error from it, so each rule is written once."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from prepdeck.practice.services import MAX_ID, MAX_KEY

HOURS = [SelectChoice(hour, f"{hour:02d}:00") for hour in range(24)]


class PracticeSettingsForm(FlaskForm):
    new_per_day = IntegerField(
        "New questions per day",
        validators=[InputRequired(message="Give a whole number.")],
        description="Questions you have never answered, introduced each day (0 to 9999).",
        render_kw={"inputmode": "numeric"},
    )
    max_reviews_per_day = IntegerField(
        "Maximum reviews per day",
        validators=[InputRequired(message="Give a whole number.")],
        description="Reviews shown in one day at most, new questions included (0 to 99999).",
        render_kw={"inputmode": "numeric"},
    )
    desired_retention = FloatField(
        "Desired retention",
        validators=[InputRequired(message="Give a number such as 0.9.")],
        description="The chance of remembering a card when it is due, from 0.70 to 0.97. "
        "Higher means more reviews.",
        render_kw={"inputmode": "decimal"},
    )
    learning_steps = StringField(
        "Learning steps (minutes)",
        validators=[Length(max=100)],
        description="Minutes between the first answers of a new question, such as 1 10.",
    )
    relearning_steps = StringField(
        "Relearning steps (minutes)",
        validators=[Length(max=100)],
        description="Minutes between answers after forgetting a card, such as 10.",
    )
    time_zone = StringField(
        "Time zone",
        validators=[InputRequired(message="Give a time zone such as Europe/Paris.")],
        description="An IANA time zone name, such as Europe/Paris, America/New_York or UTC.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    day_start_hour = SelectField(
        "A new day starts at",
        choices=HOURS,
        coerce=int,
        description="Your day's reviews and limits start over at this hour (4:00, as in Anki).",
    )
    reminders_enabled = BooleanField("Send me a daily reminder by e-mail")
    reminder_hour = SelectField(
        "Reminder hour",
        choices=HOURS,
        coerce=int,
        description="On your clock, in the time zone above.",
    )

    def changes(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


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
