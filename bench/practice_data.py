"""A heavy learner on PostgreSQL, written with COPY: followed decks of questions, one card per
question seen and twenty answers per card in the review log, the last ones lately.

Everything comes from `random.Random(seed)` and the moment of the run: the cards' due dates are
spread around now, so the queue has learning cards due, a backlog of due reviews larger than
a day's limit, and new questions left in the decks.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from workload import now

QUESTION_COLUMNS = "deck_id, position, prompt, answer, answer_html, level, created_at, updated_at"
CARD_COLUMNS = (
    "person_id, question_id, state, step, stability, difficulty, due, last_review, reps, lapses"
)
LOG_COLUMNS = (
    "person_id, question_id, rating, reviewed_at, duration_ms, state_before, state_after,"
    " step_after, stability_after, difficulty_after, due_after, idempotency_key"
)
LEVELS = ("basic", "intermediate", "advanced", "expert", "scenario")
DECKS = 5
DAY_START = 4  # UTC hour: the person's day starts, as in the app's defaults


@dataclass
class Learner:
    person_id: int
    deck_ids: list[int]
    card_ids: list[int]  # question ids with a card, in a shuffled order
    unseen: int  # questions in the followed decks with no card yet
    due_now: dict[str, int]  # cards due at the moment of loading, by state


def load(conn: psycopg.Connection, person_id: int, cards: int, logs: int, seed: int):
    """Write the learner's decks, cards and log; returns the learner and the load times."""
    rng, stamp, times = random.Random(seed), now(), {}  # noqa: S311 - repeatable data
    started = time.perf_counter()
    with conn.transaction():
        deck_ids = _decks(conn, person_id)
        question_ids = _questions(conn, deck_ids, cards + cards // 10, stamp)
    times["COPY questions"] = time.perf_counter() - started
    per_deck = len(question_ids) // DECKS
    carded = [
        q for d in range(DECKS) for q in question_ids[d * per_deck : d * per_deck + cards // DECKS]
    ]
    started = time.perf_counter()
    with conn.transaction():
        states = _cards_and_logs(conn, rng, person_id, carded, logs, stamp)
    times["COPY cards and review log (secondary indexes dropped, then built)"] = (
        time.perf_counter() - started
    )
    started = time.perf_counter()
    for table in ("questions", "practice_cards", "review_logs", "deck_follows", "decks"):
        conn.execute(f"VACUUM ANALYZE {table}")
    times["VACUUM ANALYZE"] = time.perf_counter() - started
    rng.shuffle(carded)
    unseen = len(question_ids) - len(carded)
    return Learner(person_id, deck_ids, carded, unseen, states), times


def _decks(conn: psycopg.Connection, person_id: int) -> list[int]:
    ids = []
    for n in range(DECKS):
        row = conn.execute(
            "INSERT INTO decks (owner_id, title, slug, description, visibility, question_count,"
            " created_at, updated_at) VALUES (%s, %s, %s, '', 'public', 0, now(), now())"
            " RETURNING id",
            (person_id, f"Practice deck {n}", f"practice-deck-{n}"),
        ).fetchone()
        ids.append(row[0])
        conn.execute(
            "INSERT INTO deck_follows (person_id, deck_id, created_at) VALUES (%s, %s, %s)",
            (person_id, row[0], now() + timedelta(microseconds=n)),
        )
    return ids


def _questions(conn, deck_ids: list[int], total: int, stamp: datetime) -> list[int]:
    per_deck = total // len(deck_ids)
    copy_sql = f"COPY questions ({QUESTION_COLUMNS}) FROM STDIN"
    with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for deck_id in deck_ids:
            for position in range(1, per_deck + 1):
                answer = f"Answer {position} of deck {deck_id}: a short paragraph."
                level = LEVELS[position % len(LEVELS)]
                row = (f"Question {position}?", answer, f"<p>{answer}</p>", level, stamp, stamp)
                copy.write_row((deck_id, position, *row))
    conn.execute("UPDATE decks SET question_count = %s WHERE id = ANY(%s)", (per_deck, deck_ids))
    rows = conn.execute(
        "SELECT id FROM questions WHERE deck_id = ANY(%s) ORDER BY deck_id, position",
        (deck_ids,),
    )
    return [row[0] for row in rows]


def _secondary_indexes(conn, table: str) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint, as (name, CREATE INDEX statement)."""
    return conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        (table, table),
    ).fetchall()


def _cards_and_logs(conn, rng, person_id: int, carded: list[int], logs: int, stamp) -> dict:
    """COPY the cards and their logs with the log's secondary indexes dropped, then build them,
    as a bulk load should (the unique key on idempotency keys stays)."""
    indexes = _secondary_indexes(conn, "review_logs")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    per_card, due_now = max(1, logs // len(carded)), {}
    key = 0
    today = stamp.replace(hour=DAY_START, minute=0, second=0, microsecond=0)
    with conn.cursor() as cursor:
        with cursor.copy(f"COPY practice_cards ({CARD_COLUMNS}) FROM STDIN") as copy:
            cards = [_card(rng, stamp, today) for _ in carded]
            for question_id, card in zip(carded, cards, strict=True):
                copy.write_row((person_id, question_id, *card))
                if card[4] <= stamp:
                    due_now[card[0]] = due_now.get(card[0], 0) + 1
        with cursor.copy(f"COPY review_logs ({LOG_COLUMNS}) FROM STDIN") as copy:
            for question_id, card in zip(carded, cards, strict=True):
                for row in _history(rng, card, per_card):
                    key += 1
                    copy.write_row((person_id, question_id, *row, f"bench-{key}"))
    for _, create in indexes:
        conn.execute(create)
    return due_now


def _card(rng: random.Random, stamp: datetime, today: datetime) -> tuple:
    """(state, step, stability, difficulty, due, last_review, reps, lapses) of one card: a
    few in their learning or relearning steps, due within minutes; a few answered earlier
    today; the rest reviews last answered up to two months ago, due at a day start a
    stability's length later (about a tenth of them overdue)."""
    draw = rng.random()
    stability, difficulty = rng.uniform(0.5, 300), rng.uniform(1, 10)
    if draw < 0.0004:
        state = "learning" if draw < 0.0003 else "relearning"
        last = stamp - timedelta(minutes=rng.uniform(1, 20))
        return state, 0, stability, difficulty, last + timedelta(minutes=10), last, 20, 1
    if draw < 0.0012:
        last = stamp - timedelta(minutes=rng.uniform(1, 100))
    else:
        last = stamp - timedelta(days=rng.uniform(0.5, 60))
    days_later = (last - today).days + max(1, round(stability))
    due = today + timedelta(days=days_later)
    return "review", 0, stability, difficulty, due, last, 20, rng.randint(0, 4)


def _history(rng: random.Random, card: tuple, count: int):
    """`count` log rows ending at the card's last review, spaced further apart as they go."""
    last = card[5]
    moments = sorted(last - timedelta(days=rng.uniform(0, 720)) for _ in range(count - 1))
    moments.append(last)
    before = "new"
    for n, moment in enumerate(moments):
        after = card[0] if n == count - 1 else "review"
        rating = rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0]
        due = moment + timedelta(days=1 + n)
        yield (rating, moment, rng.randint(2_000, 40_000), before, after, 0,
               card[2], card[3], due if n < count - 1 else card[4])  # fmt: skip
        before = after
