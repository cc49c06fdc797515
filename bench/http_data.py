"""The decks the HTTP benchmark reads: the built-in 30-question Flask deck, loaded by the app's
own seed code (real rendered answers), and one public deck of a million questions written with
psycopg COPY (answers escaped into a plain <p>, since nothing renders them on a read)."""

from __future__ import annotations

import html
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
import sqlalchemy as sa
from flask import Flask
from workload import ASKS, Words, now

from prepdeck.accounts.models import User
from prepdeck.decks.models import Deck
from prepdeck.extensions import db
from prepdeck.seed import FLASK_DECK_SLUG, load_flask_deck

BIG_DECK_SLUG = "bench-million"
COLUMNS = "deck_id, position, prompt, answer, answer_html, level, created_at, updated_at"
LEVELS = ("basic", "intermediate", "advanced", "expert", "scenario")
DISTINCT_ANSWERS = 1_000  # answers are drawn from this many, so making rows costs little
PROGRESS_EVERY = 100_000  # rows of one stream
STREAMS = 2  # COPY streams at once: the machine has two cores
GIN_INDEX = "CREATE INDEX ix_questions_search ON questions USING GIN (search_vector)"


@dataclass
class HttpData:
    small_slug: str
    small_deck_id: int
    small_questions: int
    question_id: int  # a question of the small public deck, read through the API
    big_deck_id: int
    big_questions: int
    answer_chars: float  # mean answer length in the big deck
    load: dict[str, float] = field(default_factory=dict)  # step -> seconds
    sizes: dict[str, str] = field(default_factory=dict)


def load(
    app: Flask, conn: psycopg.Connection, url: str, owner_id: int, count: int, seed: int
) -> HttpData:
    small_id, small_count, question_id = _flask_deck(app, owner_id)
    times: dict[str, float] = {}
    big_id, answer_chars = _big_deck(conn, url, owner_id, count, seed, times)
    data = HttpData(
        FLASK_DECK_SLUG,
        small_id,
        small_count,
        question_id,
        big_id,
        count,
        answer_chars,
        times,
        _sizes(conn),
    )
    return data


def flask_deck(owner_id: int) -> Deck:
    """The built-in Flask deck (public, as `flask seed demo` makes it), loaded by this part or
    by an earlier part of the same run. Call inside an app context."""
    load_flask_deck(db.session.get(User, owner_id))  # None: an earlier part loaded it
    return db.session.scalar(sa.select(Deck).where(Deck.slug == FLASK_DECK_SLUG))


def _flask_deck(app: Flask, owner_id: int) -> tuple[int, int, int]:
    with app.app_context():
        deck = flask_deck(owner_id)
        question_id = min(q.id for q in deck.questions)
        found = (deck.id, len(deck.questions), question_id)
        db.session.remove()
    return found


def _big_deck(conn, url: str, owner_id: int, count: int, seed: int, times: dict[str, float]):
    """COPY `count` questions into one new public deck, positions 1..count, in parallel streams
    (the generated tsvector is the cost, and it is computed by the server process of each),
    with the GIN index dropped meanwhile and rebuilt after, so the schema is the migrated one."""
    answers = _answers(seed)
    started = time.perf_counter()
    conn.execute("DROP INDEX ix_questions_search")
    deck_id = conn.execute(
        "INSERT INTO decks (owner_id, title, slug, description, visibility, question_count,"
        " created_at, updated_at) VALUES (%s, 'A million questions', %s, '', 'public', %s,"
        " now(), now()) RETURNING id",
        (owner_id, BIG_DECK_SLUG, count),
    ).fetchone()[0]
    _copy_streams(url, deck_id, count, answers, started)
    times[f"COPY in {STREAMS} streams (tsvector generated on insert)"] = (
        time.perf_counter() - started
    )
    _timed(times, "CREATE INDEX … USING GIN", conn, "SET maintenance_work_mem = '256MB'", GIN_INDEX)
    _timed(times, "VACUUM ANALYZE", conn, "VACUUM ANALYZE questions", "VACUUM ANALYZE decks")
    mean = sum(len(a) for _, a, _ in answers) / len(answers)
    return deck_id, mean


def _copy_streams(url: str, deck_id: int, count: int, answers: list, started: float) -> None:
    stop = threading.Event()  # set when the run is interrupted: the streams give up
    chunks = [range(start, count + 1, STREAMS) for start in range(1, STREAMS + 1)]
    with ThreadPoolExecutor(STREAMS) as pool:
        done = [pool.submit(_copy, url, deck_id, chunk, answers, started, stop) for chunk in chunks]
        try:
            for future in done:
                future.result()
        except BaseException:
            stop.set()
            raise


def _copy(url: str, deck_id: int, positions: range, answers: list, started: float,
          stop: threading.Event) -> None:  # fmt: skip
    stamp = now()
    with (
        psycopg.connect(url) as conn,
        conn.cursor() as cursor,
        cursor.copy(f"COPY questions ({COLUMNS}) FROM STDIN") as copy,
    ):
        for done, position in enumerate(positions, 1):
            prompt, answer, answer_html = answers[position % len(answers)]
            level = LEVELS[position % len(LEVELS)]
            row = (deck_id, position, f"{position}. {prompt}", answer, answer_html, level)
            copy.write_row((*row, stamp, stamp))
            if done % 1000 == 0 and stop.is_set():
                raise RuntimeError("stopped")  # aborts the COPY; the database is dropped next
            if done % PROGRESS_EVERY == 0:
                rate = done / (time.perf_counter() - started)
                print(
                    f"  COPY stream {positions.start}: {done:,}/{len(positions):,} "
                    f"questions ({rate:,.0f}/s in this stream)",
                    flush=True,
                )


def _timed(times: dict[str, float], name: str, conn, *statements: str) -> None:
    started = time.perf_counter()
    for statement in statements:
        conn.execute(statement)
    times[name] = time.perf_counter() - started
    print(f"  {name}: {times[name]:.1f} s", flush=True)


def _answers(seed: int) -> list[tuple[str, str, str]]:
    """Prompts and answers of a few sentences (about 400 characters), rendered as escaped text."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    words = Words(rng, 5_000)
    made = []
    for _ in range(DISTINCT_ANSWERS):
        a, b = words.some(2)
        prompt = rng.choice(ASKS).format(a=a, b=b)
        answer = " ".join(words.sentence(rng.randint(8, 16)) for _ in range(rng.randint(3, 5)))
        made.append((prompt, answer, f"<p>{html.escape(answer)}</p>"))
    return made


def _sizes(conn: psycopg.Connection) -> dict[str, str]:
    row = conn.execute(
        "SELECT count(*), pg_size_pretty(pg_total_relation_size('questions')) FROM questions"
    ).fetchone()
    return {"questions": f"{row[0]:,}", "questions table with indexes": row[1]}
