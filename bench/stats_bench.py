"""How long a person's statistics take over 1,000,000 review-log rows, on PostgreSQL (a
scratch database) and SQLite (a file in a temporary folder).

    cd bench && ../.venv/bin/python stats_bench.py [--rows N] [--server URL]

One person follows a deck of 2,000 questions, each with a card, and has N answers spread
over the last three years; another person has as many, to make the index earn its keep.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from database import dispose, migrated_app, scratch_database, server_url

from prepdeck.accounts.models import User
from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.practice import stats

QUESTIONS = 2_000
ROUNDS = 5
NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
SPAN_SECONDS = 3 * 365 * 86_400


def fill(rows: int) -> int:
    """The people, the deck, the cards and `rows` answers each; returns the person's id."""
    people = [User(email=f"p{n}@example.com", display_name=f"P{n}") for n in range(2)]
    db.session.add_all(people)
    db.session.commit()
    for person in people:
        practice.update_settings(person.id, time_zone="America/Los_Angeles", day_start_hour=4)
    owner = people[0].id
    deck = Deck(owner_id=owner, title="Bench", slug="bench", visibility="public")
    levels = ["basic", "intermediate", "advanced", "expert", "scenario"]
    deck.questions = [
        Question(position=n, prompt=f"Q{n}?", level=levels[n % 5]) for n in range(QUESTIONS)
    ]
    db.session.add(deck)
    db.session.commit()
    deck = deck.id
    conn = db.session.connection()
    ids = list(conn.execute(sa.text("SELECT id FROM questions ORDER BY id")).scalars())
    for person in people:
        follow = "INSERT INTO deck_follows (person_id, deck_id, created_at) VALUES (:p, :d, :t)"
        conn.execute(sa.text(follow), {"p": person.id, "d": deck, "t": NOW})
        conn.execute(
            sa.text(
                "INSERT INTO practice_cards (person_id, question_id, state, step, stability,"
                " difficulty, due, last_review, reps, lapses)"
                " VALUES (:p, :q, 'review', 0, :s, 5, :due, :last, 3, 0)"
            ),
            [{"p": person.id, "q": q, "s": 1 + n % 60, "due": _at(NOW.timestamp() + n * 1300),
              "last": _at(NOW.timestamp() - n * 600)} for n, q in enumerate(ids)],
        )  # fmt: skip
        _logs(conn, person.id, ids, rows)
    db.session.commit()
    return owner


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _logs(conn, person_id: int, ids: list[int], rows: int) -> None:
    """`rows` answers spread over the last three years, made by the database itself."""
    if conn.dialect.name == "postgresql":
        numbers = "SELECT n FROM generate_series(CAST(0 AS BIGINT), :rows - 1) AS n"
        moment = "to_timestamp(:start + (n * 7919) % :span)"
    else:
        numbers = (
            "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < :rows - 1)"
            " SELECT n FROM s"
        )
        moment = "datetime(:start + (n * 7919) % :span, 'unixepoch')"
    states = (
        "CASE n % 6 WHEN 3 THEN 'learning' WHEN 4 THEN 'new' WHEN 5 THEN 'relearning'"
        " ELSE 'review' END"
    )
    conn.execute(
        sa.text(
            "INSERT INTO review_logs (person_id, question_id, rating, reviewed_at, duration_ms,"  # noqa: S608 - constant fragments; values are bound
            " state_before, state_after, step_after, stability_after, difficulty_after,"
            f" due_after, idempotency_key) SELECT :p, :first + n % :count, 1 + n % 4, {moment},"
            f" 0, {states}, 'review', 0, 5, 5, {moment}, :p || '-' || n FROM ({numbers}) AS numbers"
        ),
        {"p": person_id, "first": ids[0], "count": len(ids), "rows": rows,
         "start": int(NOW.timestamp()) - SPAN_SECONDS, "span": SPAN_SECONDS},
    )  # fmt: skip


def measure(app, person_id: int) -> list[float]:
    timings = []
    with app.app_context():
        db.session.execute(sa.text("ANALYZE")) if db.engine.dialect.name != "sqlite" else None
        person = db.session.get(User, person_id)
        for _ in range(ROUNDS):
            began = time.perf_counter()
            found = stats.person_stats(person, NOW)
            timings.append(time.perf_counter() - began)
        print(f"  365-day reviews: {found.total_reviews}, streak {found.streak.days}")
        _parts(person)
    return timings


def _parts(person: User) -> None:
    """Each figure's own time, once (the streak reads a year more per year of run)."""
    settings = stats.get_settings(person.id)
    zone = stats._Zone(settings.time_zone, settings.day_start_hour, db.engine.dialect.name)
    today = stats.days.person_day(NOW, zone.name, zone.start_hour)
    first = today - stats.timedelta(days=stats.HEATMAP_DAYS)
    parts = {
        "answers per day (a year)": lambda: stats._answers_per_day(person.id, zone, first, today),
        "retention by level": lambda: stats._retention_by_level(person.id, zone.start_of(first)),
        "forecast": lambda: stats._forecast(person, zone, today),
        "cards by state": lambda: stats._cards_by_state(person),
        "mastery": lambda: stats._mastery(person, NOW, None),
    }
    for name, part in parts.items():
        began = time.perf_counter()
        part()
        print(f"    {name}: {(time.perf_counter() - began) * 1000:.0f} ms")


def run(app, rows: int, label: str) -> None:
    with app.app_context():
        began = time.perf_counter()
        person_id = fill(rows)
        print(f"{label}: filled {2 * rows} rows in {time.perf_counter() - began:.0f} s")
    timings = measure(app, person_id)
    print(f"  person_stats: median {statistics.median(timings) * 1000:.0f} ms, "
          f"min {min(timings) * 1000:.0f} ms over {ROUNDS} rounds")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--server")
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    args = parser.parse_args()
    if args.only != "sqlite":
        with scratch_database(server_url(args.server)) as url:
            app = migrated_app(url)
            run(app, args.rows, "PostgreSQL")
            dispose(app)
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            app = migrated_app(f"sqlite:///{Path(folder) / 'bench.db'}")
            run(app, args.rows, "SQLite")
            dispose(app)


if __name__ == "__main__":
    main()
