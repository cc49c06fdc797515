"""Lists of questions are read as plain rows (no ORM object per question), yet the API's page
is exactly what the Question schema dumps, and the deck page shows the same questions."""

from __future__ import annotations

import sqlalchemy as sa

from prepdeck.decks import schemas
from prepdeck.decks.models import Question
from prepdeck.extensions import db
from tests.api_client import ApiClient, error_code
from tests.decks.test_api_decks import add, new_deck


def test_the_api_page_is_what_the_question_schema_dumps(app, api):
    deck = new_deck(api, title="Lists", visibility="public")
    add(api, deck["id"], "Untagged, no level?")
    add(api, deck["id"], "Tagged?", answer="```python\nprint('x')\n```", level="expert",
        tags=["zeta", "c++", "alpha", "c#"])  # fmt: skip
    add(api, deck["id"], "Unicode — ünïcödé?", answer="Ça va, **oui**.", tags=["wsgi"])

    page = api.get(f"decks/{deck['id']}/questions?limit=100")
    with app.app_context():
        stored = db.session.scalars(
            sa.select(Question).where(Question.deck_id == deck["id"]).order_by(Question.position)
        ).all()
        expected = [schemas.Question().dump(question) for question in stored]
    assert page.get_json() == {"items": expected, "next_cursor": None}
    assert expected[1]["tags"] == ["alpha", "c#", "c++", "zeta"]
    assert api.get(f"decks/{deck['id']}/questions?tag=zeta").get_json()["items"] == [expected[1]]
    assert api.get(f"decks/{deck['id']}/questions?level=none").get_json()["items"] == [
        expected[0],
        expected[2],
    ]


def test_who_may_read_a_list_is_checked_with_the_page_or_without_one(app, api, other, admin):
    """The deck's visibility and owner come with the page's rows; an empty page reads them."""
    private = new_deck(other, title="Secret")
    unlisted = new_deck(other, title="Half open", visibility="unlisted")
    public = new_deck(other, title="Open", visibility="public")
    for deck in (private, unlisted, public):
        add(other, deck["id"], "Hidden?", level="basic", tags=["t"])
    anonymous = ApiClient(app.test_client(), token=None)
    for reader in (api, anonymous):
        for deck in (private, unlisted):
            for query in ("", "?tag=t", "?tag=none-such", "?level=expert", "?q=hidden"):
                listed = reader.get(f"decks/{deck['id']}/questions{query}")
                assert error_code(listed) == "not_found", (deck["title"], query)
        assert len(reader.get(f"decks/{public['id']}/questions").get_json()["items"]) == 1
        empty = reader.get(f"decks/{public['id']}/questions?level=expert")
        assert empty.status_code == 200 and empty.get_json()["items"] == []
        assert error_code(reader.get("decks/999999/questions")) == "not_found"
    root = ApiClient(app.test_client()).sign_in(admin.email)
    for deck, owner in [(d, reader) for d in (private, unlisted) for reader in (other, root)]:
        assert owner.get(f"decks/{deck['id']}/questions").get_json()["items"][0]["prompt"] == (
            "Hidden?"
        )
        assert owner.get(f"decks/{deck['id']}/questions?level=expert").get_json()["items"] == []
        assert error_code(owner.get(f"decks/{deck['id']}/questions?level=x")) == "invalid"
    assert set(api.get(f"decks/{public['id']}/questions").get_json()["items"][0]) == set(
        schemas.Question().fields
    )


def test_pages_of_the_api_list_follow_each_other(api):
    deck = new_deck(api, title="Paged", visibility="public")
    ids = [add(api, deck["id"], f"Question {n}?", tags=[f"t{n}"])["id"] for n in range(5)]
    first = api.get(f"decks/{deck['id']}/questions?limit=2").get_json()
    second = api.get(f"decks/{deck['id']}/questions?limit=2&cursor={first['next_cursor']}")
    rest = api.get(
        f"decks/{deck['id']}/questions?limit=5&cursor={second.get_json()['next_cursor']}"
    ).get_json()
    seen = first["items"] + second.get_json()["items"] + rest["items"]
    assert [item["id"] for item in seen] == ids and rest["next_cursor"] is None
    assert [item["tags"] for item in seen] == [[f"t{n}"] for n in range(5)]


def test_the_deck_page_lists_prompts_and_tags_by_level(api, client):
    deck = new_deck(api, title="Outline", visibility="public")
    add(api, deck["id"], "Later <b>level</b>?", level="expert", tags=["zeta", "alpha"])
    add(api, deck["id"], "First level?", level="basic")
    html = client.get(f"/decks/{deck['slug']}").get_data(as_text=True)
    assert html.index("First level?") < html.index("Later &lt;b&gt;level&lt;/b&gt;?")
    assert html.index(">alpha<") < html.index(">zeta<")


def test_the_catalogue_shows_each_deck_with_its_count_and_owner(api, client):
    deck = new_deck(api, title="Counted", visibility="public", description="A short one.")
    add(api, deck["id"], "One?")
    add(api, deck["id"], "Two?")
    html = client.get("/decks").get_data(as_text=True)
    assert "Counted" in html and "A short one." in html
    assert "2 questions · by Ada" in html
