"""Practice at scale: the due queue and review submissions for a person with 50,000 cards and
1,000,000 review-log rows, beside the question read, all in the same rounds.

Reads, each round one after the other (so all see the same cache state):

* `due_queue(person, limit=50)`: the service as a page or the API calls it, in its own app
  context like a request (connection checkout, its statements, rollback);
* the statements it sent (captured from SQLAlchemy), replayed with psycopg: the database's share;
* the baseline for the queue: the bare `SELECT … FROM practice_cards WHERE person_id = … AND
  state = 'review' AND due <= now() ORDER BY due LIMIT 50`, one index range scan;
* the question read that the question page and `GET /api/v1/questions/<id>` call,
  `get_readable_question`, in its own app context, and its baseline, the bare one-row read;
* through the Flask test client (the whole app in this process, no network): the question
  API, and the due-queue API and page when the app has them.

Writes: `review(person, question, Good, duration, a fresh idempotency key)` in its own app
context, alternating with the bare write it stands on (lock the card, insert the log row,
update the card, commit, with psycopg), each on a card not answered before in the run.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import psycopg
import sqlalchemy as sa
from flask import Flask
from plans import PlanSummary, explain
from practice_data import Learner, load
from timing import Timing, interleaved_rounds
from werkzeug.exceptions import HTTPException

from prepdeck.accounts.models import User
from prepdeck.accounts.services import hash_password
from prepdeck.core.models import utcnow
from prepdeck.decks.questions import get_readable_question
from prepdeck.extensions import db
from prepdeck.practice import services

QUEUE, QUEUE_SQL, QUEUE_BARE = "due_queue", "its SQL, replayed", "bare due reviews LIMIT 50"
CAUGHT_UP, CAUGHT_UP_SQL = "due_queue, caught up", "caught up: its SQL, replayed"
QUESTION, QUESTION_BARE = "get_readable_question", "bare one-row read"
REVIEW, REVIEW_BARE = "review", "bare write: lock, insert, update, commit"
BARE_DUE = (
    "SELECT question_id, due FROM practice_cards WHERE person_id = %s AND state = 'review'"
    " AND due <= now() ORDER BY due, question_id LIMIT 50"
)
BARE_ROW = "SELECT id, deck_id, prompt, answer_html, level FROM questions WHERE id = %s"
LOCK = "SELECT * FROM practice_cards WHERE person_id = %s AND question_id = %s FOR UPDATE"
INSERT_LOG = (
    "INSERT INTO review_logs (person_id, question_id, rating, reviewed_at, duration_ms,"
    " state_before, state_after, step_after, stability_after, difficulty_after, due_after,"
    " idempotency_key) VALUES (%s, %s, 3, now(), 5000, 'review', 'review', 0, 10, 5,"
    " now() + interval '10 days', %s)"
)
UPDATE_CARD = (
    "UPDATE practice_cards SET stability = 10, difficulty = 5, due = now() + interval '10 days',"
    " last_review = now(), reps = reps + 1 WHERE person_id = %s AND question_id = %s"
)
HTTP_ROUTES = {  # label: path, "{question}" standing for a question id
    "GET /api/v1/reviews/due": "/api/v1/reviews/due",
    "GET /api/v1/questions/<id>": "/api/v1/questions/{question}",
}


@dataclass
class PracticeResults:
    learner: Learner
    load: dict[str, float]
    sizes: dict[str, str]
    queue_length: int = 0
    caught_up_length: int = 0
    reads: dict[str, Timing] = field(default_factory=dict)
    http: dict[str, Timing] = field(default_factory=dict)
    missing_routes: list[str] = field(default_factory=list)
    writes: dict[str, Timing] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)
    statements: list[tuple[str, str]] = field(default_factory=list)  # (which queue, SQL)
    plans: list[PlanSummary] = field(default_factory=list)


def run(app: Flask, conn: psycopg.Connection, owner_id: int, url: str, args) -> PracticeResults:
    learner, times = load(conn, owner_id, args.practice_cards, args.practice_logs, args.seed)
    results = PracticeResults(learner, times, _sizes(conn))
    print(f"  loaded in {sum(times.values()):.0f} s; due now: {learner.due_now}", flush=True)
    twin_id = caught_up_twin(app, conn, learner)
    captured = {QUEUE: _capture(app, owner_id), CAUGHT_UP: _capture(app, twin_id)}
    results.queue_length = len(_queue(app, owner_id))
    results.caught_up_length = len(_queue(app, twin_id))
    results.reads = _reads(app, conn, learner, twin_id, captured, args)
    results.http, results.missing_routes = _http(app, learner, args)
    results.writes, results.write_seconds = _writes(app, conn, learner, args)
    for queue, statements in captured.items():
        for statement, params in statements:
            results.statements.append((queue, statement))
            results.plans.append(explain(conn, statement, params))
    return results


def caught_up_twin(app: Flask, conn: psycopg.Connection, learner: Learner) -> int:
    """A second person with the same decks and cards, none of them due: their queue is the
    new questions left, the other path through the queue."""
    with app.app_context():
        twin = User(email="caught-up@example.com", display_name="Caught up",
                    email_confirmed_at=utcnow())  # fmt: skip
        db.session.add(twin)
        db.session.commit()
        twin_id = twin.id
    with conn.transaction():
        conn.execute(
            "INSERT INTO deck_follows (person_id, deck_id, created_at) SELECT %s, deck_id,"
            " created_at FROM deck_follows WHERE person_id = %s",
            (twin_id, learner.person_id),
        )
        conn.execute(
            "INSERT INTO practice_cards (person_id, question_id, state, step, stability,"
            " difficulty, due, last_review, reps, lapses) SELECT %s, question_id, 'review', 0,"
            " stability, difficulty, greatest(due, now()) + interval '1 day', last_review, reps,"
            " lapses FROM practice_cards WHERE person_id = %s",
            (twin_id, learner.person_id),
        )
    conn.execute("VACUUM ANALYZE practice_cards")
    conn.execute("VACUUM ANALYZE deck_follows")
    return twin_id


def _sizes(conn: psycopg.Connection) -> dict[str, str]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM practice_cards), (SELECT count(*) FROM review_logs),"
        " (SELECT count(*) FROM questions),"
        " pg_size_pretty(pg_total_relation_size('review_logs')),"
        " pg_size_pretty(pg_total_relation_size('practice_cards'))"
    ).fetchone()
    return {"cards": f"{row[0]:,}", "review-log rows": f"{row[1]:,}", "questions": f"{row[2]:,}",
            "review_logs with indexes": row[3], "practice_cards with indexes": row[4]}  # fmt: skip


def _queue(app: Flask, person_id: int) -> list:
    with app.app_context():
        return services.due_queue(db.session.get(User, person_id), limit=50)


def _capture(app: Flask, person_id: int) -> list[tuple[str, dict]]:
    """Run due_queue once and keep the statements it sent, with their parameters."""
    sent: list[tuple[str, dict]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, dict(parameters or {})))

    with app.app_context():
        person = db.session.get(User, person_id)  # loaded before: a request has it already
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            services.due_queue(person, limit=50)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    return sent


def _rounds(methods: dict, iterations: int, budget: float) -> dict[str, Timing]:
    return interleaved_rounds(methods, iterations, budget, at_least=50)


def _reads(app: Flask, conn, learner: Learner, twin_id: int, captured, args):
    question_id, person_id = learner.card_ids[0], learner.person_id

    def replay(queue: str):
        def run():
            for statement, params in captured[queue]:
                conn.execute(statement, params).fetchall()

        return run

    def question():
        with app.app_context():
            get_readable_question(question_id, db.session.get(User, person_id))

    methods = {
        QUEUE: lambda: _queue(app, person_id),
        QUEUE_SQL: replay(QUEUE),
        QUEUE_BARE: lambda: conn.execute(BARE_DUE, (person_id,)).fetchall(),
        CAUGHT_UP: lambda: _queue(app, twin_id),
        CAUGHT_UP_SQL: replay(CAUGHT_UP),
        QUESTION: question,
        QUESTION_BARE: lambda: conn.execute(BARE_ROW, (question_id,)).fetchall(),
    }
    timings = _rounds(methods, args.practice_iterations, args.practice_budget)
    print(f"  due_queue p50 {timings[QUEUE].median * 1e3:.1f} ms", flush=True)
    return timings


def _http(app: Flask, learner: Learner, args) -> tuple[dict[str, Timing], list[str]]:
    """The API through the Flask test client, for the routes this app has."""
    routes = app.url_map.bind("localhost")
    present, missing = {}, []
    for label, path in HTTP_ROUTES.items():
        path = path.format(question=learner.card_ids[0])
        try:
            routes.match(path, method="GET")
            present[label] = path
        except HTTPException:
            missing.append(label)
    if not present:
        return {}, missing
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app, client, learner.person_id)}"}
    methods = {label: _get(client, path, headers) for label, path in present.items()}
    return _rounds(methods, args.practice_iterations, args.practice_budget), missing


def _get(client, path: str, headers: dict):
    def call():
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}: {response.data[:300]}")

    return call


def _token(app: Flask, client, person_id: int) -> str:
    password = uuid.uuid4().hex
    with app.app_context():
        person = db.session.get(User, person_id)
        person.password_hash = hash_password(password)
        email = person.email
        db.session.commit()
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    if response.status_code != 200:
        raise SystemExit(f"Could not sign in to the API: {response.status_code} {response.data}")
    return response.get_json()["access_token"]


def _writes(app: Flask, conn, learner: Learner, args):
    """Reviews on cards not answered before in this run, the app and the bare write in turn."""
    person_id = learner.person_id
    cards = iter(learner.card_ids[1:])
    samples: dict[str, list[float]] = {REVIEW: [], REVIEW_BARE: []}
    deadline = time.perf_counter() + args.practice_budget
    for count in range(min(args.practice_reviews, (len(learner.card_ids) - 1) // 2)):
        started = time.perf_counter()
        with app.app_context():
            person = db.session.get(User, person_id)
            services.review(person, next(cards), 3, 5_000, uuid.uuid4().hex)
        samples[REVIEW].append(time.perf_counter() - started)
        started = time.perf_counter()
        question_id = next(cards)
        with conn.transaction():
            conn.execute(LOCK, (person_id, question_id)).fetchall()
            conn.execute(INSERT_LOG, (person_id, question_id, uuid.uuid4().hex))
            conn.execute(UPDATE_CARD, (person_id, question_id))
        samples[REVIEW_BARE].append(time.perf_counter() - started)
        if count >= 99 and time.perf_counter() > deadline:
            break
    seconds = {name: sum(values) for name, values in samples.items()}
    print(f"  review: {len(samples[REVIEW]) / seconds[REVIEW]:.0f}/s", flush=True)
    return {name: Timing(values) for name, values in samples.items()}, seconds
