"""Importing a document writes every question or none, in batches that report progress, on
SQLite (INSERT) and on PostgreSQL (COPY), with answers rendered here or in worker processes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core import batch_rendering
from prepdeck.decks import transfer
from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from tests.core import reference_renderer

ANSWERS = [
    "```python\nprint(1)\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Tab\tand back\\slash, new\nline and <b>bold</b> & <script>x</script>",
    "```sql\nSELECT 'it''s';\n```",
    "",
    "- one\n  - two",
    "```python\nprint(1)\n```",
]


def document(answers: list[str]) -> bytes:
    parts = ["# Transfer\n", "## Basic\n"]
    for number, answer in enumerate(answers, start=1):
        parts.append(f"### {number}. Question {number}?\n\n{answer}\n")
    return "\n".join(parts).encode()


def stored(deck_id: int) -> list[tuple]:
    query = sa.select(Question.position, Question.prompt, Question.answer, Question.answer_html)
    return db.session.execute(
        query.where(Question.deck_id == deck_id).order_by(Question.position)
    ).all()


@pytest.mark.parametrize("workers", [False, True], ids=["here", "in workers"])
def test_an_import_writes_every_question_in_batches_with_progress(app, user, monkeypatch, workers):
    monkeypatch.setattr(transfer, "BATCH", 3)
    if workers:
        monkeypatch.setattr(batch_rendering, "worker_processes", lambda answers: 2)
    reported = []
    with app.app_context():
        owner = db.session.get(User, user.id)
        result = transfer.import_document(
            owner, document(ANSWERS), progress=lambda done, total: reported.append((done, total))
        )
        assert reported == [(3, 7), (6, 7), (7, 7)]
        rows = stored(result.deck.id)
        assert [row.position for row in rows] == list(range(1, 8))
        assert [row.prompt for row in rows] == [f"Question {n}?" for n in range(1, 8)]
        parsed = result.parsed.questions
        assert [row.answer for row in rows] == [item.answer for item in parsed]
        assert [row.answer_html for row in rows] == [
            reference_renderer.render(item.answer) for item in parsed
        ]
        assert result.deck.question_count == 7

        again = transfer.import_document(owner, document(ANSWERS[:2]), deck=result.deck)
        assert [row.position for row in stored(again.deck.id)] == list(range(1, 10))
        assert db.session.get(Deck, result.deck.id).question_count == 9


def test_an_import_that_fails_before_its_commit_writes_nothing(app, user, monkeypatch):
    monkeypatch.setattr(transfer, "BATCH", 2)

    def fail(deck):
        raise RuntimeError("the job could not record its success")

    with app.app_context():
        owner = db.session.get(User, user.id)
        with pytest.raises(RuntimeError):
            transfer.import_document(owner, document(ANSWERS), before_commit=fail)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Deck.id))) == 0
