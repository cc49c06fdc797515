"""Import question documents into decks, and export decks (Markdown, JSON, Anki)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.batch_rendering import rendered_batches
from prepdeck.core.markdown import BATCH_HIGHLIGHT_SECONDS
from prepdeck.core.models import utcnow
from prepdeck.decks import cache as deck_cache
from prepdeck.decks import exporter
from prepdeck.decks.importer import ParsedDocument, parse_document
from prepdeck.decks.models import Deck, Question
from prepdeck.decks.questions import deck_questions
from prepdeck.decks.services import free_slug, require_editor, slugify
from prepdeck.extensions import db

BATCH = 1_000  # rows rendered and written at a time, and between progress reports
COLUMNS = ("deck_id", "position", "prompt", "answer", "answer_html", "level")
COLUMNS += ("created_at", "updated_at")
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
    items, now = parsed.questions, utcnow()
    total, done = len(items), 0
    # One highlighting budget for the whole document.
    batches = rendered_batches([item.answer for item in items], BATCH_HIGHLIGHT_SECONDS, BATCH)
    with closing(batches), _row_writer() as write:
        for html in batches:
            batch = zip(items[done : done + len(html)], html, strict=True)
            write([
                (
                    deck.id, start + done + i, item.prompt[:2000], item.answer,
                    answer_html, item.level, now, now,
                )
                for i, (item, answer_html) in enumerate(batch, start=1)
            ])  # fmt: skip
            done += len(html)
            if progress is not None:
                progress(done, total)
    return total


@contextmanager
def _row_writer() -> Iterator[Callable[[list[tuple]], None]]:
    """A function that adds rows of `COLUMNS` to the questions table, in the session's
    transaction: through one COPY on PostgreSQL, which then works on the rows already sent
    while the next batch is rendered; through INSERT statements elsewhere."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":

        def insert(rows: list[tuple]) -> None:
            db.session.execute(
                sa.insert(Question), [dict(zip(COLUMNS, row, strict=True)) for row in rows]
            )

        yield insert
        return
    statement = f"COPY questions ({', '.join(COLUMNS)}) FROM STDIN"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:

        def send(rows: list[tuple]) -> None:
            for row in rows:
                copy.write_row(row)

        yield send


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
