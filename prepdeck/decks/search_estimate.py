"""Which words PostgreSQL's statistics say are in very many public questions: the lexemes
ANALYZE found most common in `questions.search_vector`, each with the share of questions holding
it (the planner's own source), times the number of public questions. Search ranks a query of one
such word in blocks (see `search.py`).

The statistics are read once per process and database, and again after REFRESH_SECONDS (they
change only when ANALYZE runs). Without them (a table never analysed) no word counts as very
common, which only makes search rank more candidates.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

REFRESH_SECONDS = 600
_STATISTICS = sa.text(
    "SELECT s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS shares,"
    " (SELECT coalesce(sum(question_count), 0) FROM decks WHERE visibility = 'public') AS public"
    " FROM (SELECT 1) AS one LEFT JOIN pg_stats AS s ON s.schemaname = current_schema()"
    " AND s.tablename = 'questions' AND s.attname = 'search_vector'"
)
# database → (when, shares, public, the vectors of `common_vector` by at_least)
_read: dict[str, tuple[float, dict[str, float], int, dict[float, str]]] = {}


def common_lexemes(connection: sa.Connection, at_least: float) -> list[str]:
    """The lexemes expected in at least `at_least` public questions, most common first."""
    shares, public, _ = _statistics(connection)
    return [lexeme for lexeme, share in shares.items() if share * public >= at_least]


def common_vector(connection: sa.Connection, at_least: float) -> str:
    """`common_lexemes` as the text of a tsvector, made once per reading of the statistics:
    what a search sends (one text parameter, not a list of them)."""
    vectors = _statistics(connection)[2]
    if at_least not in vectors:
        vectors[at_least] = tsvector_text(common_lexemes(connection, at_least))
    return vectors[at_least]


def tsvector_text(lexemes: list[str]) -> str:
    """The tsvector holding these lexemes, as PostgreSQL reads it: each one quoted."""
    quoted = (lexeme.replace("\\", "\\\\").replace("'", "''") for lexeme in lexemes)
    return " ".join(f"'{lexeme}'" for lexeme in quoted)


def forget() -> None:
    """Read the statistics afresh on the next search (after ANALYZE, in tests)."""
    _read.clear()


def _statistics(connection: sa.Connection) -> tuple[dict[str, float], int, dict[float, str]]:
    key = connection.engine.url.render_as_string(hide_password=True)
    when, shares, public, vectors = _read.get(key, (None, {}, 0, {}))
    if when is None or time.monotonic() - when > REFRESH_SECONDS:
        row = connection.execute(_STATISTICS).one()
        # The shares list ends with three summary numbers (min, max, nulls): zip drops them.
        pairs = zip(row.lexemes or (), row.shares or (), strict=False)
        shares = dict(sorted(pairs, key=lambda pair: -pair[1]))
        public = int(row.public)
        vectors = {}
        _read[key] = (time.monotonic(), shares, public, vectors)
    return shares, public, vectors
