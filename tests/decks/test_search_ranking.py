"""Search puts the best matches first: a short answer about the words before a long essay that
only mentions them (PostgreSQL ranks with length normalisation, SQLite's FTS5 with bm25)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.decks.search import search_questions
from prepdeck.extensions import db
from tests.conftest import make_person
from tests.decks.test_api_decks import add, new_deck

FILLER = " ".join(
    f"Paragraph {n} is about request routing, templates and blueprints." for n in range(250)
)


def test_a_short_answer_about_the_word_comes_before_an_essay_that_mentions_it(app, api, client):
    deck = new_deck(api, title="Lights", visibility="public")
    # Written first, so an order by id or by the order found would put the essay first.
    essay_text = f"{FILLER} A lantern hangs by the door. {FILLER}"
    essay = add(api, deck["id"], "Describe a web application.", answer=essay_text)
    short_text = "A lantern is a light; a lantern keeps its flame from the wind."
    short = add(api, deck["id"], "What is a lantern?", answer=short_text)
    assert len(essay["answer"]) > 20 * len(short["answer"])

    with app.app_context():
        found = search_questions(None, "lantern")
    assert [hit.question_id for hit in found.items] == [short["id"], essay["id"]]
    hits = client.get("/api/v1/search?q=lantern").get_json()["items"]
    assert [hit["question_id"] for hit in hits] == [short["id"], essay["id"]]
    page = client.get("/search?q=lantern").get_data(as_text=True)
    assert page.index("What is a <mark>lantern</mark>?") < page.index("Describe a web")


def test_an_essay_repeating_the_word_does_not_outrank_a_short_answer_about_it(app, api):
    deck = new_deck(api, title="Pools", visibility="public")
    essay_text = f"{FILLER} A gasket. {FILLER} The gasket again. {FILLER} Gasket."
    essay = add(api, deck["id"], "Walk through the whole request cycle.", answer=essay_text)
    short_text = "The gasket: a rubber ring in the lid."
    short = add(api, deck["id"], "Which part seals a pressure cooker?", answer=short_text)

    with app.app_context():
        found = search_questions(None, "gasket")
    # Unnormalised, three mentions in the essay would outrank the one in the short answer.
    assert [hit.question_id for hit in found.items] == [short["id"], essay["id"]]


def test_each_reader_finds_what_they_may_read(app, api, user, admin):
    deck = new_deck(api, title="Own notes")  # private to Ada
    mine = add(api, deck["id"], "What does a quokka eat?", answer="Leaves; a quokka grazes.")
    grace = make_person(app, email="grace@example.com")
    with app.app_context():
        readers = {
            "anonymous": None,
            "Ada": db.session.get(User, user.id),
            "Grace": db.session.get(User, grace.id),
            "admin": db.session.get(User, admin.id),
        }
        found = {name: search_questions(who, "quokka").total for name, who in readers.items()}
        assert search_questions(readers["Ada"], "quokka").items[0].question_id == mine["id"]
    assert found == {"anonymous": 0, "Ada": 1, "Grace": 0, "admin": 1}


@pytest.mark.postgres
def test_the_same_search_ranks_the_same_candidates_each_time(pg_app):
    """A word found in more than 1,000 questions is ranked among the first 1,001 matches that
    a sequential scan finds. PostgreSQL's synchronized scans start a scan of a large table
    (from a quarter of shared_buffers) where the previous scan stopped, so each search, and
    each page of it, would rank different questions: the app's connections turn them off.
    A table that large is too slow to build here, so the connections' setting is checked."""
    with pg_app.app_context():
        assert db.session.scalar(sa.text("SHOW synchronize_seqscans")) == "off"
        db.session.rollback()
