"""The words PostgreSQL's statistics say are in very many public questions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from prepdeck.decks import search_estimate
from prepdeck.decks.search_estimate import common_lexemes
from prepdeck.extensions import db
from tests.api_client import ApiClient
from tests.decks.test_api_decks import add, new_deck

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_statistics():
    search_estimate.forget()
    yield
    search_estimate.forget()


def analyze() -> None:
    db.session.execute(sa.text("ANALYZE questions"))
    db.session.commit()


@pytest.mark.usefixtures("fresh_statistics")
def test_the_common_words_come_from_the_statistics_analyze_keeps(pg_app, user, monkeypatch):
    api = ApiClient(pg_app.test_client()).sign_in(user.email)
    public = new_deck(api, title="Lamps", visibility="public")
    private = new_deck(api, title="Own")
    for n in range(30):
        words = "lanterns and wicks" if n % 3 else "lanterns"
        add(api, public["id"], f"Question {n} about {words}?", answer=f"Some {words}.")
    for n in range(30):
        add(api, private["id"], f"Note {n}", answer="A lantern in my notes.")
    with pg_app.app_context():
        analyze()
        connection = db.session.connection()
        # Shares are of all 60 questions, times the 30 public ones: lantern 30, "note" and
        # "question" 15, wick 10.
        assert common_lexemes(connection, 29) == ["lantern"]
        assert common_lexemes(connection, 14)[0] == "lantern"  # the commonest first
        assert set(common_lexemes(connection, 9)) == {"lantern", "note", "question", "wick"}
        assert common_lexemes(connection, 31) == []
        db.session.rollback()

    for n in range(30):
        add(api, public["id"], f"Quokka {n}", answer="A quokka.")
    with pg_app.app_context():
        analyze()
        # Read once per process: the new statistics show after REFRESH_SECONDS.
        assert "quokka" not in common_lexemes(db.session.connection(), 1)
        monkeypatch.setattr(search_estimate, "REFRESH_SECONDS", -1)
        # Of 90 questions, 60 public: lantern 40; quokka, note and question 20; wick 13.
        assert set(common_lexemes(db.session.connection(), 19)) == {
            "lantern",
            "quokka",
            "note",
            "question",
        }
        assert common_lexemes(db.session.connection(), 21) == ["lantern"]
        db.session.rollback()


@pytest.mark.usefixtures("fresh_statistics")
def test_the_common_words_are_sent_as_one_tsvector_that_postgres_reads_back(pg_app, user):
    api = ApiClient(pg_app.test_client()).sign_in(user.email)
    public = new_deck(api, title="Lamps", visibility="public")
    for n in range(12):
        add(api, public["id"], f"Lanterns {n}?", answer="Wicks." if n % 2 else "Oil.")
    odd = ["it's", "back\\slash", "quote''d", "plain", "ünïcödé"]
    with pg_app.app_context():
        analyze()
        connection = db.session.connection()
        vector = search_estimate.common_vector(connection, 6)
        assert vector == search_estimate.tsvector_text(common_lexemes(connection, 6))
        assert search_estimate.common_vector(connection, 6) is vector  # made once
        same = "SELECT CAST(:vector AS tsvector) = array_to_tsvector(CAST(:lexemes AS text[]))"
        for lexemes in (common_lexemes(connection, 6), odd, []):
            text = search_estimate.tsvector_text(lexemes)
            assert connection.scalar(sa.text(same), {"vector": text, "lexemes": lexemes}), text
        assert "wick" in vector and "lantern" in vector
        db.session.rollback()
