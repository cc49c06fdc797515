"""Import question documents into decks, and export decks (Markdown, JSON, Anki)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.markdown import BATCH_HIGHLIGHT_SECONDS, HighlightBudget, render_answer
from prepdeck.core.models import utcnow
from prepdeck.decks import cache as deck_cache
from prepdeck.decks import exporter
from prepdeck.decks.importer import ParsedDocument, parse_document
from prepdeck.decks.models import Deck, Question
from prepdeck.decks.questions import deck_questions
from prepdeck.decks.services import free_slug, require_editor, slugify
from prepdeck.extensions import db

BATCH = 1_000  # rows per INSERT statement: 10,000 questions are 10 round trips, not 10,000
FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "json": ("application/json", "json"),
    "apkg": ("application/octet-stream", "apkg"),
}


@dataclass
class ImportResult:
    deck: Deck
    parsed: ParsedDocument
    added: int


def import_document(
    owner: User, data: bytes | str | ParsedDocument, *, title: str = "",
    deck: Deck | None = None, progress=None, before_commit=None,
) -> ImportResult:  # fmt: skip
    """Parse and store a document in one transaction: every question or none.

    Into `deck` when given (appended after its questions), else into a new private deck titled
    `title`, the document's own title, or "Imported questions". `progress(done, total)` is
    called after each batch; `before_commit(deck)` may add its own changes to the same
    transaction (an import job records its success there, so a redelivered job sees it).
    """
    parsed = data if isinstance(data, ParsedDocument) else parse_document(data)
    if deck is None:
        name = (title or parsed.title or "Imported questions").strip()[:200]
        deck = Deck(
            owner_id=owner.id, title=name, description=parsed.description[:5000],
            visibility="private", slug=free_slug(slugify(name)),
        )  # fmt: skip
        db.session.add(deck)
        db.session.flush()
    else:
        require_editor(deck, owner)
    added = _insert_questions(deck, parsed, progress)
    deck.question_count = (deck.question_count or 0) + added
    deck.updated_at = utcnow()
    if before_commit is not None:
        before_commit(deck)
    db.session.commit()
    deck_cache.deck_changed(deck.slug)
    return ImportResult(deck=deck, parsed=parsed, added=added)


def _insert_questions(deck: Deck, parsed: ParsedDocument, progress) -> int:
    start = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Question.position), 0)).where(
            Question.deck_id == deck.id
        )
    )
    total, now = len(parsed.questions), utcnow()
    highlighting = HighlightBudget(BATCH_HIGHLIGHT_SECONDS)  # for the whole document
    for offset in range(0, total, BATCH):
        rows = [
            {
                "deck_id": deck.id, "position": start + offset + i + 1,
                "prompt": item.prompt[:2000], "answer": item.answer,
                "answer_html": render_answer(item.answer, highlighting),
                "level": item.level,
                "created_at": now, "updated_at": now,
            }
            for i, item in enumerate(parsed.questions[offset : offset + BATCH])
        ]  # fmt: skip
        db.session.execute(sa.insert(Question), rows)
        if progress is not None:
            progress(min(offset + BATCH, total), total)
    return total


def export_deck(deck: Deck, fmt: str) -> tuple[bytes, str, str]:
    """The deck as a file: (content, mimetype, file name)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    items = deck_questions(deck)
    mimetype, extension = FORMATS[fmt]
    if fmt == "md":
        content = exporter.to_markdown(deck.title, deck.description, items).encode()
    elif fmt == "json":
        document = exporter.to_json(deck_summary(deck), items)
        content = json.dumps(document, ensure_ascii=False, indent=2).encode()
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "deck.apkg"
            exporter.to_apkg(deck.id, deck.title, items, path)
            content = path.read_bytes()
    return content, mimetype, f"{deck.slug}.{extension}"


def deck_summary(deck: Deck) -> dict:
    return {
        "id": deck.id, "slug": deck.slug, "title": deck.title,
        "description": deck.description, "visibility": deck.visibility,
        "question_count": deck.question_count,
        "updated_at": deck.updated_at.isoformat(),
    }  # fmt: skip
