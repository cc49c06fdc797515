"""Decks and questions on the pages: who sees what, editing, order, caching, search."""

import sqlalchemy as sa

from prepdeck.decks import questions as question_services
from prepdeck.decks import services
from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from tests.conftest import login, make_person, post_form
from tests.factories import DeckFactory

ANSWER = """Use a **blueprint**:

| part | role |
| --- | --- |
| views | pages |

```python
bp = Blueprint("decks", __name__)
```
"""


def make_deck(app, owner_id: int, **fields) -> str:
    with app.app_context():
        return DeckFactory(owner_id=owner_id, **fields).slug


def add(app, slug: str, prompt: str, answer: str = "", level=None, tags=()) -> int:
    with app.app_context():
        deck = services.find_deck(slug)
        return question_services.add_question(deck, deck.owner, prompt, answer, level, tags).id


def positions(app, slug: str) -> list[str]:
    with app.app_context():
        deck = services.find_deck(slug)
        return [q.prompt for q in question_services.deck_questions(deck)]


def test_create_a_deck_and_a_question_on_the_pages(client, user):
    login(client, user.email)
    response = post_form(
        client, "/decks/new", {"title": "Flask Basics!", "visibility": "public", "description": ""}
    )
    assert response.location == "/decks/flask-basics/questions/new"
    response = post_form(
        client, "/decks/flask-basics/questions/new",
        {"prompt": "What is a blueprint?", "answer": ANSWER, "level": "basic",
         "tags": "flask, structure"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "What is a blueprint?" in page
    assert '<pre class="highlight">' in page and "<table>" in page
    assert "<details" in page  # the answer waits to be revealed
    deck_page = client.get("/decks/flask-basics").get_data(as_text=True)
    assert "Basic" in deck_page and "structure" in deck_page


def test_titles_make_unique_addresses_and_a_chosen_one_must_be_free(client, user):
    login(client, user.email)
    for _ in range(2):
        post_form(client, "/decks/new", {"title": "Celery", "visibility": "private"})
    assert client.get("/decks/celery-2").status_code == 200
    response = post_form(
        client, "/decks/new", {"title": "Other", "slug": "celery", "visibility": "private"}
    )
    assert response.status_code == 200
    assert "Another deck already uses this address." in response.get_data(as_text=True)


def test_private_decks_are_not_found_by_others(app, client, user):
    slug = make_deck(app, user.id, visibility="private")
    assert client.get(f"/decks/{slug}").status_code == 404
    stranger = make_person(app, email="stranger@example.com")
    login(client, stranger.email)
    assert client.get(f"/decks/{slug}").status_code == 404
    assert client.get(f"/decks/{slug}/edit").status_code == 404
    assert post_form(client, f"/decks/{slug}/delete", {}, page="/decks").status_code == 404


def test_unlisted_decks_open_by_link_but_stay_out_of_the_catalogue(app, client, user):
    unlisted = make_deck(app, user.id, visibility="unlisted", title="Hidden gem")
    make_deck(app, user.id, visibility="public", title="Open book")
    assert client.get(f"/decks/{unlisted}").status_code == 200
    catalogue = client.get("/decks").get_data(as_text=True)
    assert "Open book" in catalogue and "Hidden gem" not in catalogue


def test_someone_elses_public_deck_cannot_be_edited(app, client, user):
    slug = make_deck(app, user.id)
    question_id = add(app, slug, "Q?", "A")
    stranger = make_person(app, email="stranger@example.com")
    login(client, stranger.email)
    assert client.get(f"/decks/{slug}/edit").status_code == 403
    response = post_form(
        client, f"/decks/{slug}/questions/{question_id}/edit",
        {"prompt": "Hacked", "answer": "", "level": ""}, page="/decks",
    )  # fmt: skip
    assert response.status_code == 403
    assert positions(app, slug) == ["Q?"]


def test_admins_may_edit_any_deck(app, client, user, admin):
    slug = make_deck(app, user.id, visibility="private")
    login(client, admin.email)
    assert client.get(f"/decks/{slug}/edit").status_code == 200


def test_scripts_in_answers_never_reach_the_page(app, client, user):
    slug = make_deck(app, user.id)
    evil = (
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        '[click](javascript:alert(3)) <a href="JaVaScRiPt:alert(4)">x</a>'
    )
    question_id = add(app, slug, "XSS?", evil)
    page = client.get(f"/decks/{slug}/questions/{question_id}").get_data(as_text=True).lower()
    answer = page.split('data-testid="answer"')[1].split("</details>")[0]
    assert "<script" not in answer and "onerror" not in answer, answer
    assert 'href="javascript:' not in answer and "alert(1)" not in answer, answer


def test_reorder_and_delete_keep_positions_dense(app, client, user):
    slug = make_deck(app, user.id)
    ids = [add(app, slug, f"Q{n}") for n in range(1, 4)]
    login(client, user.email)
    post_form(
        client, f"/decks/{slug}/questions/{ids[2]}/move", {"direction": "up"}, page=f"/decks/{slug}"
    )
    assert positions(app, slug) == ["Q1", "Q3", "Q2"]
    post_form(
        client, f"/decks/{slug}/questions/{ids[0]}/move", {"direction": "up"}, page=f"/decks/{slug}"
    )
    assert positions(app, slug) == ["Q1", "Q3", "Q2"]  # already first
    post_form(client, f"/decks/{slug}/questions/{ids[0]}/delete", {}, page=f"/decks/{slug}")
    with app.app_context():
        rows = db.session.execute(
            sa.select(Question.position, Question.prompt).order_by(Question.position)
        ).all()
        assert [tuple(r) for r in rows] == [(1, "Q3"), (2, "Q2")]
        assert db.session.scalar(sa.select(Deck.question_count)) == 2


def test_question_page_links_to_previous_and_next(app, client, user):
    slug = make_deck(app, user.id)
    first, second, third = (add(app, slug, f"Q{n}") for n in range(1, 4))
    page = client.get(f"/decks/{slug}/questions/{second}").get_data(as_text=True)
    assert f'/questions/{first}" rel="prev"' in page
    assert f'/questions/{third}" rel="next"' in page
    assert client.get(f"/decks/{slug}/questions/999999").status_code == 404


def test_catalogue_filters_by_level_and_tag(app, client, user):
    basics = make_deck(app, user.id, title="Basics deck")
    experts = make_deck(app, user.id, title="Experts deck")
    add(app, basics, "Easy?", "yes", level="basic", tags=["flask"])
    add(app, experts, "Hard?", "no", level="expert", tags=["celery"])
    by_level = client.get("/decks?level=expert").get_data(as_text=True)
    assert "Experts deck" in by_level and "Basics deck" not in by_level
    by_tag = client.get("/decks?tag=flask").get_data(as_text=True)
    assert "Basics deck" in by_tag and "Experts deck" not in by_tag


def test_cached_pages_are_never_stale_after_an_edit(app, client, user):
    slug = make_deck(app, user.id, title="Cached deck")
    question_id = add(app, slug, "Original prompt")
    assert "Original prompt" in client.get(f"/decks/{slug}").get_data(as_text=True)
    assert "Cached deck" in client.get("/decks").get_data(as_text=True)
    with app.app_context():  # behind the app's back: the cached pages do not notice
        db.session.execute(sa.update(Question).values(prompt="Changed behind the back"))
        db.session.commit()
    assert "Original prompt" in client.get(f"/decks/{slug}").get_data(as_text=True)
    with app.app_context():  # through the service, as every page and command does
        deck = services.find_deck(slug)
        item = db.session.get(Question, question_id)
        question_services.update_question(item, deck.owner, "Edited prompt", "", None, [])
        services.update_deck(deck, deck.owner, "Renamed deck", "", "public", slug)
    assert "Edited prompt" in client.get(f"/decks/{slug}").get_data(as_text=True)
    assert "Renamed deck" in client.get("/decks").get_data(as_text=True)


def test_search_finds_a_word_only_in_an_answer_and_respects_privacy(app, client, user):
    public = make_deck(app, user.id, title="Public deck")
    private = make_deck(app, user.id, title="Secret deck", visibility="private")
    add(app, public, "How do workers start?", "Run the supervisor named zookeeperish <b>now</b>.")
    add(app, private, "Private?", "zookeeperish here too")
    page = client.get("/search?q=zookeeperish").get_data(as_text=True)
    assert "1 result" in page
    assert "<mark>zookeeperish</mark>" in page
    assert "<b>now</b>" not in page  # snippets are escaped text, never the answer's HTML
    assert "Secret deck" not in page
    login(client, user.email)
    assert "2 results" in client.get("/search?q=zookeeperish").get_data(as_text=True)


def test_search_with_odd_input_explains_itself(client):
    for query in ("***", '"', "NEAR(", "a" * 300):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200, query
    body = client.get("/search?q=%2A%2A%2A").get_data(as_text=True)
    assert "Type a word or two to search for." in body


def test_decks_download_as_markdown_json_and_anki(app, client, user):
    slug = make_deck(app, user.id, title="Downloadable")
    add(app, slug, "What is WSGI?", "A calling convention.", level="basic")
    markdown = client.get(f"/decks/{slug}/export.md")
    assert markdown.status_code == 200
    assert f'filename="{slug}.md"' in markdown.headers["Content-Disposition"]
    assert "What is WSGI?" in markdown.get_data(as_text=True)
    assert client.get(f"/decks/{slug}/export.json").json["questions"][0]["level"] == "basic"
    assert client.get(f"/decks/{slug}/export.apkg").data[:2] == b"PK"
    assert client.get(f"/decks/{slug}/export.exe").status_code == 404
    private = make_deck(app, user.id, visibility="private")
    assert client.get(f"/decks/{private}/export.md").status_code == 404


def test_search_counts_stop_at_a_thousand(app, client, user, monkeypatch):
    from prepdeck.decks import search

    monkeypatch.setattr(search, "COUNT_CAP", 3)
    slug = make_deck(app, user.id)
    for n in range(5):
        add(app, slug, f"Question {n} about lanterns?", "Lanterns light the way.")
    with app.app_context():
        page = search.search_questions(None, "lanterns", per_page=2)
    assert page.total == 4  # "more than the cap", without counting every match
    assert len(page.items) == 2


def test_a_large_deck_is_exported_by_a_background_job(app, client, user, monkeypatch):
    from prepdeck.decks import exports

    monkeypatch.setattr(exports, "SYNC_LIMIT", 2)
    slug = make_deck(app, user.id, title="Large deck")
    for n in range(3):
        add(app, slug, f"Question {n}?", f"Answer {n}.", level="basic")
    anonymous = client.get(f"/decks/{slug}/export.md")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    login(client, user.email)
    started = client.get(f"/decks/{slug}/export.md")
    assert started.status_code == 302 and "/exports/" in started.location
    status = client.get(started.location, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-state="succeeded"' in status
    download = client.get(f"{started.location}/download")
    assert download.status_code == 200
    assert f'filename="{slug}.md"' in download.headers["Content-Disposition"]
    assert "Question 2?" in download.get_data(as_text=True)
    stranger = make_person(app, email="stranger@example.com")
    other = app.test_client()
    login(other, stranger.email)
    assert other.get(f"{started.location}/download").status_code == 404


def test_edit_a_question_and_bad_tags_stay_next_to_the_field(app, client, user):
    slug = make_deck(app, user.id)
    question_id = add(app, slug, "Old prompt?", "Old answer.")
    login(client, user.email)
    path = f"/decks/{slug}/questions/{question_id}/edit"
    bad = post_form(client, path, {"prompt": "New?", "answer": "", "level": "", "tags": "ok, b@d"})
    assert bad.status_code == 200 and "Tags are short words" in bad.get_data(as_text=True)
    assert positions(app, slug) == ["Old prompt?"]
    good = post_form(client, path, {"prompt": "New prompt?", "answer": "x", "level": "expert"})
    assert good.status_code == 302
    assert positions(app, slug) == ["New prompt?"]
