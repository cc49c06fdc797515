"""Baseline (b): a bare Flask app reading one question row with psycopg 3, and (c) one keyset page
of a deck's questions, from the database named by DATABASE_URL (a libpq URL). Served by the
benchmark with the same Gunicorn settings as Prepdeck:

    DATABASE_URL=postgresql://... gunicorn -c gunicorn.conf.py --pythonpath bench/baselines \
        row_app:app

Connections are kept in a process-wide pool: one is opened when every kept one is busy and is
kept afterwards, so a steady load reuses connections and never reconnects. Autocommit (one
round trip a read) and no prepared statements, as the app's requests have none either.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
_idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue()

ONE_ROW = "SELECT id, prompt, answer FROM questions WHERE id = %s"
PAGE = (
    "SELECT id, position, prompt, answer, answer_html, level FROM questions"
    " WHERE deck_id = %s AND position > %s ORDER BY position LIMIT %s"
)
PAGE_FIELDS = ("id", "position", "prompt", "answer", "answer_html", "level")


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    try:
        conn = _idle.get_nowait()
    except queue.Empty:
        conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, prepare_threshold=None)
    try:
        yield conn
    finally:
        _idle.put(conn)


@app.get("/questions/<int:question_id>")
def question(question_id: int):
    with connection() as conn:
        row = conn.execute(ONE_ROW, (question_id,)).fetchone()
    if row is None:
        abort(404)
    return jsonify(id=row[0], prompt=row[1], answer=row[2])


@app.get("/decks/<int:deck_id>/questions")
def page(deck_id: int):
    after = request.args.get("after", 0, type=int)
    limit = min(request.args.get("limit", 100, type=int), 100)
    with connection() as conn:
        rows = conn.execute(PAGE, (deck_id, after, limit)).fetchall()
    return jsonify(items=[dict(zip(PAGE_FIELDS, row, strict=True)) for row in rows])
