"""Full-text search over prompts and answers: PostgreSQL tsvector or SQLite FTS5, one function.

The search structures are not mapped models: PostgreSQL has a generated `search_vector` column
with a GIN index, SQLite an external-content FTS5 table kept in step by triggers (both made in
the migrations).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects.postgresql import TSVECTOR

from prepdeck.core.database import reading_connection
from prepdeck.core.errors import Invalid, NotFound
from prepdeck.core.pagination import NO_SUCH_PAGE, Page
from prepdeck.decks import search_estimate
from prepdeck.decks.models import Deck, Question
from prepdeck.decks.services import visible_decks_clause
from prepdeck.extensions import db

START, STOP = "\x02", "\x03"  # markers no answer contains; replaced by <mark> after escaping
MAX_QUERY = 200
COUNT_CAP = 1_000  # beyond this the page says "1,000+": counting every match costs the most
BLOCK = 40  # a very common word's matches are ranked this many at a time, in the order found
COMMON_MATCHES = 10 * COUNT_CAP  # a word expected in this many public questions: very common
SNIPPET_SOURCE = 2_000  # characters of an answer that a snippet is cut from (bench/ measured)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    question_id: int
    deck_slug: str
    deck_title: str
    level: str | None
    prompt_html: Markup
    snippet_html: Markup


def highlight(text: str) -> Markup:
    """Escape everything, then turn the search engine's markers into <mark>."""
    escaped = str(escape(text or ""))
    # Safe: the text is escaped above; only the two markers become tags.
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def _words(query: str) -> list[str]:
    words = _WORD.findall(query)[:20]
    if not words:
        raise Invalid("Type a word or two to search for.", details={"q": []})
    if len(query) > MAX_QUERY:
        raise Invalid(f"Keep the search under {MAX_QUERY} characters.", details={"q": []})
    return words


def search_questions(viewer, query: str, page: int = 1, per_page: int = 20) -> Page:
    """One page of hits; NotFound past the last one (results stop at COUNT_CAP)."""
    if not 1 <= page <= -(-COUNT_CAP // per_page):
        raise NotFound(NO_SUCH_PAGE)
    hits, total = search_slice(viewer, query, (page - 1) * per_page, per_page)
    return Page(items=hits, page=page, per_page=per_page, total=total).require_exists()


def search_slice(viewer, query: str, offset: int, limit: int) -> tuple[list[Hit], int]:
    """`limit` hits from `offset` in rank order, and the number of matches up to the cap."""
    words = _words(query)
    if db.engine.dialect.name == "postgresql":
        # websearch_to_tsquery never fails and understands "quoted phrases", -word and or.
        total, rows = _postgres(viewer, query.strip(), offset, limit)
    else:
        total, rows = _sqlite(viewer, words, offset, limit)
    hits = [
        Hit(row.id, row.slug, row.title, row.level, highlight(row.prompt_hl), highlight(row.snip))
        for row in rows
    ]
    return hits, total


def search_after(viewer, query: str, offset: int, limit: int) -> tuple[list[Hit], int | None]:
    """A page of hits from `offset` and the offset of the next page (None when no more;
    results stop at COUNT_CAP, as the pages do). A query without a word (only signs) matches
    nothing."""
    offset = max(0, offset)
    if not _WORD.search(query) or offset >= COUNT_CAP:
        return [], None
    hits, total = search_slice(viewer, query, offset, min(limit, COUNT_CAP - offset))
    end = offset + len(hits)
    return hits, end if end < min(total, COUNT_CAP) else None


def matching(query: str) -> sa.ColumnElement[bool]:
    """A condition on Question: it matches the search words (for filtering one deck); none
    when the query holds no word."""
    if not _WORD.search(query):
        return sa.false()
    words = _words(query)
    if db.engine.dialect.name == "postgresql":
        tsquery = sa.func.websearch_to_tsquery("english", query.strip())
        return sa.literal_column("questions.search_vector").op("@@")(tsquery)
    fts = sa.select(sa.literal_column("rowid")).select_from(sa.table("questions_fts"))
    return Question.id.in_(
        fts.where(sa.text("questions_fts MATCH :match").bindparams(match=_fts_match(words)))
    )


def _fts_match(words: list[str]) -> str:
    # Each word quoted (FTS5 syntax characters lose their meaning), all of them required.
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def _capped_count(matches: sa.Select) -> int:
    """How many match, counted up to COUNT_CAP + 1 (more than the cap reads as "1,000+")."""
    capped = matches.limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0


def _page(matches: sa.Select, prompt_hl, snippet, order: tuple, offset: int, limit: int):
    """The capped count of `matches` and one page of hits, both from the same joins."""
    rows = db.session.execute(
        matches.with_only_columns(
            Question.id, Question.level, Deck.slug, Deck.title,
            prompt_hl.label("prompt_hl"), snippet.label("snip"),
        )
        .order_by(*order, Question.id)
        .limit(limit)
        .offset(offset)
    ).all()  # fmt: skip
    return _capped_count(matches), rows


def _postgres(viewer, text: str, offset: int, limit: int):
    """Matches are found in the table's order, at most COUNT_CAP + 1 of them, and ranked in
    blocks: one block holding them all, or, for a query of one word that PostgreSQL's
    statistics expect in COMMON_MATCHES public questions or more, blocks of BLOCK, so that a
    page reads only the matches up to the end of its block. Such a query says "more than
    1,000" once a block fills up, without counting the rest."""
    kind, params = _reader(viewer)
    with reading_connection() as connection:
        params |= {
            "text": text, "common": search_estimate.common_vector(connection, COMMON_MATCHES),
            "all": COUNT_CAP + 1, "block": BLOCK, "first_block": offset // BLOCK * BLOCK,
            "blocks_end": min(COUNT_CAP + 1, ((offset + limit - 1) // BLOCK + 1) * BLOCK + 1),
            "offset": offset, "limit": limit,
        }  # fmt: skip
        rows = connection.execute(_postgres_statement(kind), params).all()
    found, scan = rows[0].total, rows[0].scan
    return (found if found < scan else COUNT_CAP + 1), [row for row in rows if row.id is not None]


class _Reader:
    """Stands for a signed-in viewer while a statement is built once: the id is a parameter."""

    is_authenticated = True
    id = sa.bindparam("viewer_id")

    def __init__(self, is_admin: bool) -> None:
        self.is_admin = is_admin


def _reader(viewer) -> tuple[str, dict]:
    """Which statement this viewer needs (what they may read differs), and its parameters."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return "anonymous", {}
    if viewer.is_admin:
        return "admin", {}
    return "member", {"viewer_id": viewer.id}


@functools.cache
def _postgres_statement(kind: str) -> sa.Select:
    """One statement, built once per kind of reader (building it cost more than running it for
    most queries): the first `scan` matches found by the GIN index or a scan of the table are
    numbered in the order found and counted; those in the blocks the page needs are ranked by
    `ts_rank` divided by 1 + log(length) (a short answer about the words before a long one that
    mentions them); the page is cut from the order block, rank, id, and only its rows get their
    headlines. Ranking every match of a common word would read every one of its search
    vectors. Whether the query is one very common word is decided in the statement, from the
    list of such words: no round trip before it."""
    readers = {"anonymous": None, "admin": _Reader(True), "member": _Reader(False)}
    tsquery = sa.func.websearch_to_tsquery("english", sa.bindparam("text", type_=sa.String))
    vector = sa.literal_column("questions.search_vector")
    common = sa.and_(
        sa.func.numnode(tsquery) == 1,
        sa.cast(sa.bindparam("common", type_=sa.Text), TSVECTOR).op("@@")(tsquery),
    )
    whole = sa.bindparam("all", type_=sa.Integer)
    scan, block, first_ranked = (
        sa.case((common, sa.bindparam(name, type_=sa.Integer)), else_=otherwise)
        for name, otherwise in (("blocks_end", whole), ("block", whole), ("first_block", 0))
    )
    scanned = (
        sa.select(Question.id, vector.label("vector"))
        .join(Deck, Deck.id == Question.deck_id)
        .where(vector.op("@@")(tsquery), visible_decks_clause(readers[kind]))
        .limit(scan)
        .subquery("scanned")
    )
    numbered = sa.select(
        scanned.c.id, scanned.c.vector, (sa.func.row_number().over() - 1).label("n")
    ).subquery("numbered")
    rank = sa.case((numbered.c.n >= first_ranked, sa.func.ts_rank(numbered.c.vector, tsquery, 1)))
    found = sa.select(
        numbered.c.id, numbered.c.n.op("/")(block).label("block"), rank.label("rank")
    ).cte("found")  # block: a whole number
    top = (
        sa.select(found.c.id, found.c.block, found.c.rank)
        .order_by(found.c.block, found.c.rank.desc(), found.c.id)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
        .subquery("top")
    )
    counted = sa.select(sa.func.count().label("total"), scan.label("scan")).select_from(found)
    counted = counted.subquery("counted")
    markers = f"StartSel={START}, StopSel={STOP}"
    options = f"{markers}, MaxFragments=2, MaxWords=25, MinWords=8"
    prompt_hl = sa.func.ts_headline(
        "english", Question.prompt, tsquery, f"{markers}, HighlightAll=true"
    )
    answer_start = sa.func.left(Question.answer, SNIPPET_SOURCE)
    snippet = sa.func.ts_headline("english", answer_start, tsquery, options)
    shown = top.join(Question, Question.id == top.c.id).join(Deck, Deck.id == Question.deck_id)
    return (
        sa.select(
            counted.c.total, counted.c.scan, Question.id, Question.level, Deck.slug, Deck.title,
            prompt_hl.label("prompt_hl"), snippet.label("snip"),
        )
        .select_from(counted.outerjoin(shown, sa.true()))  # the count even past the last hit
        .order_by(top.c.block, top.c.rank.desc(), top.c.id)
    )  # fmt: skip


def _sqlite(viewer, words: list[str], offset: int, limit: int):
    match = _fts_match(words)
    fts = sa.table("questions_fts", sa.column("rowid"), sa.column("rank"))
    matches = (
        sa.select(Question.id)
        .join(fts, fts.c.rowid == Question.id)
        .join(Deck, Deck.id == Question.deck_id)
        .where(sa.text("questions_fts MATCH :match").bindparams(match=match))
        .where(visible_decks_clause(viewer))
    )
    prompt_hl = sa.literal_column(f"highlight(questions_fts, 0, '{START}', '{STOP}')")
    snippet = sa.literal_column(f"snippet(questions_fts, 1, '{START}', '{STOP}', '…', 24)")
    return _page(matches, prompt_hl, snippet, (fts.c.rank,), offset, limit)
