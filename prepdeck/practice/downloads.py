"""The person's data as downloads, for the page and the API alike."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context

from prepdeck.accounts.models import User
from prepdeck.practice import export


def review_history(person: User) -> Response:
    """The CSV, streamed: a long history is never held in memory at once."""
    chunks = export.review_history_csv(person)
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    return _attachment(response, export.download_name("reviews", "csv"))


def card_states(person: User) -> Response:
    body = current_app.json.dumps(export.card_states(person))
    response = current_app.response_class(body, mimetype="application/json")
    return _attachment(response, export.download_name("cards", "json"))


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
