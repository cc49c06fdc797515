"""Search puts the best matches first: a short answer about the words before a long essay that
only mentions them (PostgreSQL ranks with length normalisation, SQLite's FTS5 with bm25)."""

from __future__ import annotations

import pytest

from prepdeck.decks.search import search_questions
from tests.api_client import ApiClient
from tests.decks.test_api_decks import add, new_deck


@pytest.fixture
def api(client, user):
    return ApiClient(client).sign_in(user.email)


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
