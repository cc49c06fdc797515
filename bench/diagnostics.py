"""What the search time is spent on, and what a change would save.

Each variant is derived from the statements `search_questions` actually sent (so it follows the
app's SQL as it changes) and replayed with psycopg; a variant whose anchor text is no longer in
the SQL is reported as not measured. Medians of ROUNDS rounds, all variants in each round.
"""

from __future__ import annotations

import re
import time

import psycopg
from timing import Timing

ROUNDS = 7
CANDIDATES = 2_000
PAGE, NO_HEADLINE = "page SQL", "without ts_headline"
SHORT_HEADLINE, NORMALISED = "headline on 2,000 chars", "rank normalised by length"
FIRST_MATCHES = "rank first 2,000 matches"
COUNT, CAPPED = "count SQL", "count capped at 1,001"
VARIANTS = (PAGE, NO_HEADLINE, SHORT_HEADLINE, NORMALISED, FIRST_MATCHES, COUNT, CAPPED)
_TSQUERY = r"websearch_to_tsquery\((?:[^()]|\(\w+\))*\)"  # its arguments hold %(name)s
_RANK = re.compile(rf"ts_rank\(questions\.search_vector, ({_TSQUERY})\)")
_COUNT_END = re.compile(r"\)\s*AS anon_1\s*$")


def variants(count_sql: str | None, page_sql: str) -> dict[str, str | None]:
    """The variants' SQL, built from the app's own statements (no outside input); no count
    variants when the app counts in its page statement."""
    tsquery = re.search(_TSQUERY, page_sql)
    candidates = None
    if tsquery:
        where = f"search_vector @@ {tsquery.group(0)}"
        subquery = f"SELECT * FROM questions WHERE {where} LIMIT {CANDIDATES}"  # noqa: S608 - app SQL
        candidates = f"FROM ({subquery}) AS questions JOIN"
    answer, short_answer = ", questions.answer,", ", left(questions.answer, 2000),"
    return {
        PAGE: page_sql,
        # PostgreSQL replaces the unused outputs of a subquery by NULL: no ts_headline call.
        NO_HEADLINE: f"SELECT id FROM ({page_sql}) AS page",  # noqa: S608 - the app's SQL
        SHORT_HEADLINE: _replace(page_sql, answer, short_answer),
        # Flag 1 divides the rank by 1 + log(document length).
        NORMALISED: _substitute(_RANK, r"ts_rank(questions.search_vector, \1, 1)", page_sql),
        FIRST_MATCHES: _replace(page_sql, "FROM questions JOIN", candidates),
        COUNT: count_sql,
        # The app caps its count itself now; the variant stays for an uncapped count.
        CAPPED: None
        if count_sql is None or " LIMIT " in count_sql
        else _substitute(_COUNT_END, " LIMIT 1001) AS anon_1", count_sql),
    }


def _replace(sql: str, anchor: str, replacement: str | None) -> str | None:
    if replacement is None or anchor not in sql:
        return None
    return sql.replace(anchor, replacement, 1)


def _substitute(pattern: re.Pattern, replacement: str, sql: str) -> str | None:
    changed, count = pattern.subn(replacement, sql, count=1)
    return changed if count else None


def measure(conn: psycopg.Connection, count: tuple[str | None, dict], page: tuple[str, dict],
            matches: int) -> dict[str, Timing | None]:  # fmt: skip
    """Time each variant; ranking only the first matches is tried where more than that match."""
    statements = variants(count[0], page[0])
    if matches <= CANDIDATES:
        statements[FIRST_MATCHES] = None
    params = {name: count[1] if name in (COUNT, CAPPED) else page[1] for name in VARIANTS}
    samples: dict[str, list[float]] = {name: [] for name, sql in statements.items() if sql}
    for round_number in range(ROUNDS + 1):
        for name in samples:
            started = time.perf_counter()
            conn.execute(statements[name], params[name]).fetchall()
            if round_number:  # the first round warms up
                samples[name].append(time.perf_counter() - started)
    return {name: Timing(samples[name]) if name in samples else None for name in VARIANTS}
