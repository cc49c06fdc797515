"""Marshmallow schemas of the decks API: what goes in (strict) and what comes out."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from prepdeck.core.api import NOT_BLANK, PageArgs, cursor_field, flag, page_schema, text
from prepdeck.core.urls import MAX_ID
from prepdeck.decks.models import EXPORT_STATES, IMPORT_STATES, LEVELS, VISIBILITIES
from prepdeck.decks.questions import MAX_ANSWER, MAX_PROMPT, MAX_TAGS
from prepdeck.decks.reimport import MODES
from prepdeck.decks.transfer import FORMATS

F, V = ma.fields, ma.validate
ID = V.Range(min=1, max=MAX_ID)
LEVEL = F.String(
    allow_none=True, validate=V.OneOf(LEVELS), metadata={"enum": [*LEVELS, None]}
)  # null: no level
TAG = text(
    pattern=r"^#*[A-Za-z0-9][A-Za-z0-9+#.-]*$", validate=V.Length(min=1, max=50),
    error="A tag is a short word of letters, digits, + # . or -.",
    metadata={"description": "Kept in lower case, without leading #"},
)  # fmt: skip
TAGS = F.List(TAG, validate=V.Length(max=MAX_TAGS))
BLANK = "Write something besides spaces."


class Deck(ma.Schema):
    id = F.Integer(required=True)
    slug = F.String(required=True)
    title = F.String(required=True)
    description = F.String(required=True)
    visibility = F.String(required=True, validate=V.OneOf(VISIBILITIES))
    question_count = F.Integer(required=True)
    owner_id = F.Integer(required=True)
    owner_name = F.Function(lambda deck: deck.owner.display_name, required=True)
    created_at = F.AwareDateTime(required=True)
    updated_at = F.AwareDateTime(required=True)


class DeckUpdate(ma.Schema):
    title = text(pattern=NOT_BLANK, error=BLANK, validate=V.Length(min=1, max=200))
    description = F.String(validate=V.Length(max=20_000))
    visibility = F.String(validate=V.OneOf(VISIBILITIES))
    slug = text(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", validate=V.Length(min=1, max=80),
        error="Use lower-case letters, digits and single hyphens for the address.",
    )  # fmt: skip


class DeckCreate(DeckUpdate):
    title = text(required=True, pattern=NOT_BLANK, error=BLANK, validate=V.Length(min=1, max=200))


class DeckListArgs(PageArgs):
    mine = F.Boolean(load_default=False, metadata={"description": "Only your own decks"})


class Question(ma.Schema):
    id = F.Integer(required=True)
    deck_id = F.Integer(required=True)
    position = F.Integer(required=True)
    prompt = F.String(required=True)
    answer = F.String(required=True, metadata={"description": "Markdown"})
    answer_html = F.String(required=True, metadata={"description": "Rendered and sanitised"})
    level = F.String(required=True, allow_none=True)
    tags = F.List(F.String(), required=True)
    created_at = F.AwareDateTime(required=True)
    updated_at = F.AwareDateTime(required=True)


class QuestionUpdate(ma.Schema):
    prompt = text(pattern=NOT_BLANK, error=BLANK, validate=V.Length(min=1, max=MAX_PROMPT))
    answer = F.String(validate=V.Length(max=MAX_ANSWER))
    level = LEVEL
    tags = TAGS


class QuestionCreate(QuestionUpdate):
    prompt = text(
        required=True, pattern=NOT_BLANK, error=BLANK, validate=V.Length(min=1, max=MAX_PROMPT)
    )


class QuestionMove(ma.Schema):
    position = F.Integer(required=True, validate=V.Range(min=1, max=10_000_000))


class QuestionListArgs(PageArgs):
    cursor = cursor_field(2)  # position, id
    level = F.String(validate=V.OneOf([*LEVELS, "none"]))
    tag = F.String(validate=V.Length(min=1, max=50))
    q = F.String(validate=V.Length(min=1, max=200), metadata={"description": "Search words"})


class SearchArgs(PageArgs):
    q = F.String(required=True, validate=V.Length(min=1, max=200))


class SearchHit(ma.Schema):
    question_id = F.Integer(required=True)
    deck_slug = F.String(required=True)
    deck_title = F.String(required=True)
    level = F.String(required=True, allow_none=True)
    prompt_html = F.String(required=True, metadata={"description": "Escaped, matches in <mark>"})
    snippet_html = F.String(required=True)


class ImportUpload(ma.Schema):
    # reimport.check_options: prune only when updating a deck of yours.
    SPEC_RULES = {
        "anyOf": [
            {"properties": {"prune": {"enum": [False]}}},
            {"required": ["deck_id"], "properties": {"mode": {"enum": ["update"]}}},
        ]
    }
    file = Upload(
        required=True,
        metadata={"description": "A text document (Markdown or plain text, UTF-8 or UTF-16), "
                  "up to 5 MB; other files are refused with 422"},
    )  # fmt: skip
    title = F.String(validate=V.Length(max=200), metadata={"description": "For a new deck"})
    deck_id = F.Integer(
        validate=ID, metadata={"description": "Import into this deck of yours instead"}
    )
    mode = F.String(
        load_default="update", validate=V.OneOf(MODES),
        metadata={"enum": list(MODES), "description": (
            "Into a deck: `update` (the default) matches the document's questions to the deck's "
            "by prompt, changes them in place (their ids stay) and adds new ones at their place; "
            "`append` adds every question after the deck's own"
        )},
    )  # fmt: skip
    prune = flag(
        load_default=False,
        metadata={"description": "With `deck_id` and `update`: also remove the deck's questions "
                  "that are gone from the document (otherwise they are kept)"},
    )  # fmt: skip


IMPORT_ENCODING = {
    "content": {
        "multipart/form-data": {"encoding": {"file": {"contentType": "text/markdown, text/plain"}}}
    }
}


class ImportResult(ma.Schema):
    added = F.Integer(required=True)
    changed = F.Integer(required=True)
    unchanged = F.Integer(required=True)
    gone = F.Integer(
        required=True, metadata={"description": "The deck's questions not in the document"}
    )
    removed = F.Integer(required=True, metadata={"description": "Of those gone, removed (prune)"})
    reordered = F.Boolean(required=True, metadata={"description": "Put in the document's order"})
    nothing_changed = F.Boolean(
        required=True, metadata={"description": "The deck already matched the document"}
    )


class ImportJob(ma.Schema):
    id = F.Integer(required=True)
    state = F.String(required=True, metadata={"enum": list(IMPORT_STATES)})
    processed = F.Integer(required=True)
    total = F.Integer(required=True)
    warnings = F.List(F.String(), required=True)
    deck_id = F.Integer(required=True, allow_none=True)
    error = F.String(required=True, allow_none=True)
    filename = F.String(required=True)
    mode = F.String(required=True, metadata={"enum": list(MODES)})
    prune = F.Boolean(required=True)
    result = F.Nested(
        ImportResult, required=True, allow_none=True,
        metadata={"description": "What the import did, once it has succeeded"},
    )  # fmt: skip
    created_at = F.AwareDateTime(required=True)
    finished_at = F.AwareDateTime(required=True, allow_none=True)


class ExportCreate(ma.Schema):
    deck_id = F.Integer(required=True, validate=ID)
    format = F.String(required=True, validate=V.OneOf(list(FORMATS)))


class ExportJob(ma.Schema):
    id = F.Integer(required=True)
    state = F.String(required=True, metadata={"enum": list(EXPORT_STATES)})
    deck_id = F.Integer(required=True, allow_none=True)
    format = F.String(required=True, attribute="fmt")
    filename = F.String(required=True)
    error = F.String(required=True, allow_none=True)
    created_at = F.AwareDateTime(required=True)
    finished_at = F.AwareDateTime(required=True, allow_none=True)


DeckPage = page_schema(Deck, "DeckPage")
QuestionPage = page_schema(Question, "QuestionPage")
SearchPage = page_schema(SearchHit, "SearchPage")
