from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


class PlanForm(FlaskForm):
    """Choices of `deck_ids`: the decks a plan may be about, set by the view."""

    interview_date = DateField(
        "Interview date",
        validators=[InputRequired("Enter the date of your interview.")],
        description="Today or later, in your time zone.",
    )
    deck_ids = SelectMultipleField(
        "Decks the interview is about",
        coerce=int,
        validators=[InputRequired("Choose at least one deck.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description="You follow each deck you choose, so that its questions come up in your "
        "reviews.",
    )
