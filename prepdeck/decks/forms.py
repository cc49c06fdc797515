from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from prepdeck.decks.models import LEVELS

VISIBILITY_CHOICES = [
    SelectChoice("private", "Private: only you"),
    SelectChoice("unlisted", "Unlisted: anyone with the link"),
    SelectChoice("public", "Public: listed in the catalogue"),
]
LEVEL_CHOICES = [SelectChoice("", "No level")] + [
    SelectChoice(level, level.capitalize()) for level in LEVELS
]


class DeckForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        "Address",
        validators=[Optional(), Length(max=80)],
        description="The end of the deck's link, e.g. flask-basics. Made from the title if empty.",
    )
    description = TextAreaField("Description", validators=[Length(max=5000)])
    visibility = SelectField("Visibility", choices=VISIBILITY_CHOICES, default="private")


class QuestionForm(FlaskForm):
    prompt = TextAreaField("Question", validators=[InputRequired(), Length(max=2000)])
    answer = TextAreaField(
        "Answer",
        validators=[Length(max=100_000)],
        description="Markdown: paragraphs, lists, tables and fenced code blocks with a language.",
        render_kw={"rows": 14},
    )
    level = SelectField("Level", choices=LEVEL_CHOICES, default="")
    tags = StringField(
        "Tags", validators=[Length(max=600)], description="Separated by commas or spaces."
    )


MODE_CHOICES = [
    SelectChoice("update", "Update its questions from the document (they keep their progress)"),
    SelectChoice("append", "Add every question again, after its own"),
]


class ImportForm(FlaskForm):
    """Choices of `deck`: a new deck (""), or one of the person's own, set by the view."""

    document = FileField(
        "Question document",
        validators=[FileRequired("Choose a Markdown or text file.")],
        description="A .md or .txt file: level sections, then numbered questions with answers.",
    )
    deck = SelectField(
        "Import into",
        choices=[SelectChoice("", "A new deck")],
        default="",
        description="A newer version of a document you imported before: choose its deck.",
    )
    mode = SelectField(
        "Into an existing deck",
        choices=MODE_CHOICES,
        default="update",
        description="Updating keeps each question the document still has, with its id and "
        "progress, changes what changed and adds what is new. Nothing is removed unless you "
        "say so on the preview.",
    )
    title = StringField(
        "New deck title",
        validators=[Optional(), Length(max=200)],
        description="Leave empty to use the document's own title.",
    )


class StartImportForm(FlaskForm):
    prune = BooleanField("Remove them")
