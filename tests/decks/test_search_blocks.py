"""A very common word on PostgreSQL: its matches are ranked in blocks, in the order found, so a
page reads only the matches up to the end of its block (see `search._postgres`). Here the
limits are scaled down so that a small corpus shows it: 20 results at most, blocks of 10, and
"very common" from 25 estimated matches."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from prepdeck.core.errors import NotFound
from prepdeck.decks import search, search_estimate
from prepdeck.decks.search import search_questions
from prepdeck.extensions import db
from tests.api_client import ApiClient
from tests.decks.test_api_decks import add, new_deck

pytestmark = pytest.mark.postgres
ESSAY = " ".join(f"Paragraph {n} is about routing, templates and blueprints." for n in range(200))


@pytest.fixture
def lanterns(pg_app, user, monkeypatch):
    """40 public questions, 35 of them about lanterns: every third a long essay that mentions
    the word once, the others short answers about it. Returns the ids in the order written."""
    monkeypatch.setattr(search, "COUNT_CAP", 20)
    monkeypatch.setattr(search, "BLOCK", 10)
    monkeypatch.setattr(search, "COMMON_MATCHES", 25)
    search_estimate.forget()
    api = ApiClient(pg_app.test_client()).sign_in(user.email)
    deck = new_deck(api, title="Lamps", visibility="public")
    ids = []
    for n in range(40):
        if n % 7 == 6:
            answer = "Nothing to do with it."
        elif n % 3 == 0:
            answer = f"{ESSAY} A lantern hangs by the door. {ESSAY}"
        else:
            answer = f"A lantern keeps its flame from the wind; lantern number {n}."
        ids.append(add(api, deck["id"], f"Question {n}", answer=answer)["id"])
    with pg_app.app_context():
        db.session.execute(sa.text("ANALYZE questions"))
        db.session.commit()
    yield ids
    search_estimate.forget()


def ranks(app, ids: list[int], query: str) -> dict[int, float]:
    """The rank of each match, in the order a scan finds them (the table's, not the ids':
    a row written again moves)."""
    with app.app_context():
        rows = db.session.execute(
            sa.text(
                "SELECT id, ts_rank(search_vector, websearch_to_tsquery('english', :q), 1) "
                "FROM questions WHERE id = ANY(:ids) AND "
                "search_vector @@ websearch_to_tsquery('english', :q) ORDER BY ctid"
            ),
            {"q": query, "ids": ids},
        ).all()
        db.session.rollback()
    return dict(rows)


def best_first(block: list[int], rank: dict[int, float]) -> list[int]:
    return sorted(block, key=lambda id_: (-rank[id_], id_))


def pages(app, query: str, per_page: int = 5) -> tuple[list[int], list[int]]:
    """Every page's hits in turn, and the totals each page said."""
    hits, totals = [], []
    with app.app_context():
        for number in range(1, 100):
            try:
                page = search_questions(None, query, number, per_page=per_page)
            except NotFound:
                break
            hits += [hit.question_id for hit in page.items]
            totals.append(page.total)
        db.session.rollback()
    return hits, totals


def test_a_very_common_word_is_ranked_ten_at_a_time_in_the_order_found(pg_app, lanterns):
    rank = ranks(pg_app, lanterns, "lantern")
    matching = list(rank)
    assert len(matching) == 35
    hits, totals = pages(pg_app, "lantern")
    # Four pages of five: the first block's best first, then the second block's.
    assert hits == best_first(matching[:10], rank) + best_first(matching[10:20], rank)
    assert totals == [21, 21, 21, 21]  # more than COUNT_CAP, without counting the rest
    essay, short = lanterns[0], lanterns[1]  # written first, and found first
    assert matching[:2] == [essay, short]
    assert rank[essay] < rank[short]
    assert hits.index(essay) > hits.index(short)
    html = pg_app.test_client().get("/search?q=lantern").get_data(as_text=True)
    assert "More than 20 results" in html


def test_the_api_walks_the_same_order_across_blocks(pg_app, lanterns):
    expected, _ = pages(pg_app, "lantern")
    client, walked, url = pg_app.test_client(), [], "/api/v1/search?q=lantern&limit=7"
    while url:
        body = client.get(url).get_json()
        walked += [hit["question_id"] for hit in body["items"]]
        cursor = body["next_cursor"]
        url = f"/api/v1/search?q=lantern&limit=7&cursor={cursor}" if cursor else None
    assert walked == expected


def test_a_word_not_that_common_has_all_its_matches_ranked(pg_app, lanterns, monkeypatch):
    monkeypatch.setattr(search, "COMMON_MATCHES", 10_000)
    rank = ranks(pg_app, lanterns, "lantern")
    matching = list(rank)
    hits, totals = pages(pg_app, "lantern")
    assert hits == best_first(matching[:21], rank)[:20]  # COUNT_CAP + 1 found, all ranked
    assert totals == [21, 21, 21, 21]


@pytest.mark.parametrize("query", ["lantern number", '"lantern number"', "lantern -wind"])
def test_a_query_of_more_than_the_common_word_ranks_every_match(pg_app, lanterns, query):
    rank = ranks(pg_app, lanterns, query)
    hits, totals = pages(pg_app, query)
    assert len(rank) in (23, 12)  # the short answers, or the essays
    assert hits == best_first(list(rank)[:21], rank)[:20]
    assert totals[0] == min(len(rank), 21)
