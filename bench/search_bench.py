"""Search latency on a large corpus: `search_questions` beside the bare SQL it is built on.

For every query, each round runs these, in an order shuffled per round (`interleaved_rounds`):

* `search_questions(None, q, page=1)`: the service as a page calls it, in its own app context
  like a request (connection checkout, its one statement);
* the statements it sent (captured from SQLAlchemy), replayed with psycopg: the database's
  share of the service's time (count and page apart, if it sends them apart);
* the baselines: `SELECT id ... @@ websearch_to_tsquery(...) LIMIT 20` and the bare count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import diagnostics
import psycopg
import sqlalchemy as sa
from database import empty_decks
from flask import Flask
from plans import PlanSummary, explain
from timing import Timing, interleaved_rounds
from workload import TECH_WORDS, Corpus, now, search_corpus, word_matching

from prepdeck.decks.search import search_questions
from prepdeck.extensions import db

MATCH = "search_vector @@ websearch_to_tsquery('english', %s)"
BARE_IDS = f"SELECT id FROM questions WHERE {MATCH} LIMIT 20"  # noqa: S608 - constant
BARE_COUNT = f"SELECT count(*) FROM questions WHERE {MATCH}"  # noqa: S608 - constant
PAGE_CHARS = "SELECT sum(length(answer)) FROM questions WHERE id = ANY(%s)"
COLUMNS = "deck_id, position, prompt, answer, answer_html, level, created_at, updated_at"
GIN_INDEX = "CREATE INDEX ix_questions_search ON questions USING GIN (search_vector)"
APP, APP_COUNT, APP_PAGE = "search_questions", "its count SQL", "its page SQL"
BASE_IDS, BASE_COUNT = "bare ids LIMIT 20", "bare count"
METHODS = (APP, APP_COUNT, APP_PAGE, BASE_IDS, BASE_COUNT)


@dataclass
class Query:
    label: str
    text: str


@dataclass
class QueryResult:
    query: Query
    sent: str  # the text search_questions handed to websearch_to_tsquery
    matches: int
    timings: dict[str, Timing]
    plans: dict[str, PlanSummary]
    page_chars: int  # characters of answer text on the first page: what ts_headline reads
    variants: dict[str, Timing | None]


@dataclass
class SearchResults:
    corpus: Corpus
    load: dict[str, float]
    sizes: dict[str, str]
    queries: list[QueryResult] = field(default_factory=list)


def run(app: Flask, conn: psycopg.Connection, owner_id: int, args) -> SearchResults:
    started = time.perf_counter()
    corpus = search_corpus(args.corpus, args.seed)
    load = {"generate rows (Python)": time.perf_counter() - started}
    load |= load_corpus(conn, owner_id, corpus)
    results = SearchResults(corpus, load, _sizes(conn))
    for query in choose_queries(corpus):
        results.queries.append(_measure(app, conn, query, args.iterations, args.budget))
        timing = results.queries[-1].timings[APP]
        print(f"  search {query.label!r}: p50 {timing.median * 1e3:.1f} ms", flush=True)
    empty_decks(conn)
    return results


def load_corpus(conn: psycopg.Connection, owner_id: int, corpus: Corpus) -> dict[str, float]:
    """COPY the rows with the GIN index dropped, then build it, as a bulk load should."""
    times, stamp = {}, now()
    empty_decks(conn)
    started = time.perf_counter()
    with conn.transaction():
        conn.execute("DROP INDEX ix_questions_search")
        deck_ids = _create_decks(conn, owner_id, corpus)
        with conn.cursor() as cursor, cursor.copy(f"COPY questions ({COLUMNS}) FROM STDIN") as copy:
            for deck, *rest in corpus.rows:
                copy.write_row((deck_ids[deck], *rest, stamp, stamp))
    times["COPY (tsvector generated on insert)"] = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute(GIN_INDEX)
    times["CREATE INDEX … USING GIN"] = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute(
        "UPDATE decks SET question_count = counted.n FROM (SELECT deck_id, count(*) AS n "
        "FROM questions GROUP BY deck_id) AS counted WHERE decks.id = counted.deck_id"
    )
    conn.execute("VACUUM ANALYZE questions")
    conn.execute("VACUUM ANALYZE decks")
    times["counts, VACUUM ANALYZE"] = time.perf_counter() - started
    return times


def _create_decks(conn: psycopg.Connection, owner_id: int, corpus: Corpus) -> list[int]:
    total = corpus.public_decks + corpus.private_decks
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO decks (owner_id, title, slug, description, visibility, question_count,"
            " created_at, updated_at) VALUES (%s, %s, %s, '', %s, 0, now(), now())",
            [
                (
                    owner_id,
                    f"Deck {n}",
                    f"deck-{n}",
                    "public" if n < corpus.public_decks else "private",
                )
                for n in range(total)
            ],
        )
    ids = dict(conn.execute("SELECT slug, id FROM decks").fetchall())
    return [ids[f"deck-{n}"] for n in range(total)]


def _sizes(conn: psycopg.Connection) -> dict[str, str]:
    row = conn.execute(
        "SELECT count(*), pg_size_pretty(pg_total_relation_size('questions')),"
        " pg_size_pretty(pg_relation_size('ix_questions_search')),"
        " (SELECT count(*) FROM decks WHERE visibility = 'public') FROM questions"
    ).fetchone()
    return {"questions": f"{row[0]:,}", "table with indexes and TOAST": row[1],
            "GIN index": row[2], "public decks": str(row[3])}  # fmt: skip


def choose_queries(corpus: Corpus) -> list[Query]:
    """Words picked by their expected document frequency in this corpus (the table shows the
    real number of matches): the commonest word, a common one, a rare one, and so on."""
    documents = len(corpus.rows)
    real = range(len(TECH_WORDS))
    common = word_matching(corpus, documents * 0.25, real)
    first = word_matching(corpus, documents * 0.05, real)
    second = corpus.words.ranked[corpus.words.ranked.index(first) + 1]
    return [
        Query("commonest word", corpus.words.ranked[0]),
        Query("common word (~25 %)", common),
        Query("rare word (~20 docs)", word_matching(corpus, 20)),
        Query("two words (~5 % each)", f"{first} {second}"),
        Query("quoted phrase", '"connection pool"'),
        Query("question-like", "how does the application context work"),
        Query("no hits", "zyzzyvaquux"),
    ]


def _measure(app: Flask, conn, query: Query, iterations: int, budget: float) -> QueryResult:
    (count_sql, count_params), (page_sql, page_params), matches, ids = _capture(app, query.text)
    sent = next(
        v
        for k, v in count_params.items()
        if (k == "text" or k.startswith("websearch")) and v != "english"
    )
    methods = {
        APP: lambda: _app_search(app, query.text),
        APP_COUNT: lambda: conn.execute(count_sql, count_params).fetchall(),
        APP_PAGE: lambda: conn.execute(page_sql, page_params).fetchall(),
        BASE_IDS: lambda: conn.execute(BARE_IDS, (sent,)).fetchall(),
        BASE_COUNT: lambda: conn.execute(BARE_COUNT, (sent,)).fetchall(),
    }
    if count_sql is None:  # counted in the page statement
        del methods[APP_COUNT]
    timings = interleaved_rounds(methods, iterations, budget, at_least=20)
    page_plan = explain(conn, page_sql, page_params)
    plans = {
        "page": page_plan,
        "count": explain(conn, count_sql, count_params) if count_sql else page_plan,
    }
    chars = conn.execute(PAGE_CHARS, (ids,)).fetchone()[0] or 0
    variants = diagnostics.measure(
        conn, (count_sql, count_params), (page_sql, page_params), matches
    )
    return QueryResult(query, sent, matches, timings, plans, chars, variants)


def _capture(app: Flask, text: str):
    """Run search_questions once and keep the count and page statements it sent."""
    sent: list[tuple[str, dict]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, dict(parameters)))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            page = search_questions(None, text, 1)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    page_sql = next(item for item in sent if "ts_headline" in item[0])
    count_sql = next(
        (item for item in sent if "count(" in item[0].lower() and item is not page_sql),
        (None, page_sql[1]),
    )
    return count_sql, page_sql, page.total, [hit.question_id for hit in page.items]


def _app_search(app: Flask, text: str) -> None:
    with app.app_context():
        search_questions(None, text, 1)
