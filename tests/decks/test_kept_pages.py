"""Kept pages and kept API answers: one round trip to the cache, ETags, revalidation, and never
a page older than an edit, whether Flask or the front door answers."""

import json
import logging

import pytest
from werkzeug.http import generate_etag

from prepdeck.decks import cache as deck_cache
from prepdeck.decks import questions as question_services
from prepdeck.decks import services
from prepdeck.decks.models import Question
from prepdeck.extensions import db
from tests.api_client import ApiClient
from tests.conftest import login
from tests.core.test_observability import capture_access_log
from tests.test_decks import add, make_deck


@pytest.fixture
def front(app_factory):
    """An app with the front door, as in production (metrics off)."""
    app = app_factory(METRICS_ENABLED=False)
    seen = app.seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append("flask"))
    return app


def edit_prompt(app, question_id: int, prompt: str) -> None:
    with app.app_context():
        question = db.session.get(Question, question_id)
        question_services.update_question(question, question.deck.owner, prompt, "", None, [])


def test_an_anonymous_page_is_kept_with_its_etag_and_answered_before_flask(front, user):
    slug = make_deck(front, user.id, title="Kept deck")
    add(front, slug, "First prompt")
    client = front.test_client()
    made = client.get(f"/decks/{slug}")  # made by Flask, and kept
    handler = capture_access_log()
    try:
        kept = client.get(f"/decks/{slug}", headers={"X-Request-ID": "kept-1"})
    finally:
        logging.getLogger("prepdeck.access").removeHandler(handler)
    assert front.seen == ["flask"]
    assert kept.data == made.data and "First prompt" in kept.get_data(as_text=True)
    assert kept.headers["ETag"] == made.headers["ETag"] == f'"{generate_etag(made.data)}"'
    assert kept.headers["Cache-Control"] == made.headers["Cache-Control"] == "public, no-cache"
    assert "Cookie" in kept.headers["Vary"] and "Cookie" in made.headers["Vary"]
    assert kept.headers["Content-Type"] == made.headers["Content-Type"]
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert kept.headers[name] == made.headers[name]
    assert kept.headers["X-Request-ID"] == "kept-1"
    [line] = [json.loads(line) for line in handler.lines]
    assert (line["request_id"], line["path"], line["status"]) == ("kept-1", f"/decks/{slug}", 200)

    etag = {"If-None-Match": made.headers["ETag"]}
    unchanged = client.get(f"/decks/{slug}", headers=etag)
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == made.headers["ETag"]
    assert unchanged.headers["X-Content-Type-Options"] == "nosniff"
    head = client.head(f"/decks/{slug}")
    assert head.data == b"" and head.headers["Content-Length"] == str(len(made.data))
    assert front.seen == ["flask"]

    edit_prompt(front, _first_question(front, slug), "Edited prompt")
    changed = client.get(f"/decks/{slug}", headers=etag)
    assert changed.status_code == 200 and "Edited prompt" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != made.headers["ETag"]
    assert front.seen == ["flask", "flask"]


def _first_question(app, slug: str) -> int:
    with app.app_context():
        return question_services.deck_questions(services.find_deck(slug))[0].id


def test_kept_pages_are_never_stale_after_a_change_through_the_front_door(front, user):
    slug = make_deck(front, user.id, title="Catalogued deck")
    add(front, slug, "Original prompt")
    client = front.test_client()
    for _ in range(2):  # made, then kept
        assert "Original prompt" in client.get(f"/decks/{slug}").get_data(as_text=True)
        assert "Catalogued deck" in client.get("/decks").get_data(as_text=True)
    with front.app_context():
        deck = services.find_deck(slug)
        services.update_deck(deck, deck.owner, "Renamed deck", "", "public", "renamed-deck")
    assert "Renamed deck" in client.get("/decks").get_data(as_text=True)
    assert client.get(f"/decks/{slug}").status_code == 404
    assert "Renamed deck" in client.get("/decks/renamed-deck").get_data(as_text=True)
    with front.app_context():
        deck = services.find_deck("renamed-deck")
        services.update_deck(deck, deck.owner, "Renamed deck", "", "private", "renamed-deck")
    assert client.get("/decks/renamed-deck").status_code == 404
    assert "Renamed deck" not in client.get("/decks").get_data(as_text=True)


def test_signed_in_and_flashed_pages_are_never_public(front, user):
    slug = make_deck(front, user.id)
    client = front.test_client()
    public = client.get(f"/decks/{slug}")
    assert public.headers["Cache-Control"] == "public, no-cache"
    login(client, user.email)
    signed_in = client.get(f"/decks/{slug}")
    assert signed_in.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in signed_in.headers
    assert signed_in.data != public.data  # it has the owner's edit links
    stranger = front.test_client()
    stranger.set_cookie("theme", "dark")  # a cookie, but nobody signed in: the kept page
    kept = stranger.get(f"/decks/{slug}", headers={"If-None-Match": public.headers["ETag"]})
    assert kept.status_code == 304 and kept.headers["Cache-Control"] == "public, no-cache"


def test_a_shared_cache_may_keep_anonymous_pages_as_long_as_configured(app_factory, user):
    app = app_factory(METRICS_ENABLED=False, PAGE_SHARED_SECONDS=30)
    slug = make_deck(app, user.id)
    client = app.test_client()
    for _ in range(2):  # made by Flask, then kept
        response = client.get(f"/decks/{slug}")
        assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=30"


def test_a_kept_question_is_read_with_its_deck_whichever_deck_was_remembered(api, client):
    deck = api.post("decks", json={"title": "Remembered", "visibility": "public"}).get_json()
    other = api.post("decks", json={"title": "Other", "visibility": "public"}).get_json()
    q = api.post(f"decks/{deck['id']}/questions", json={"prompt": "Kept?"}).get_json()
    anonymous = ApiClient(client, token=None)
    made = anonymous.get(f"questions/{q['id']}")
    made.etag = made.headers["ETag"]
    kept = anonymous.get(f"questions/{q['id']}")
    assert kept.data == made.data
    assert kept.headers["ETag"] == made.headers["ETag"] == f'"{generate_etag(made.data)}"'
    revalidated = anonymous.get(f"questions/{q['id']}", headers={"If-None-Match": made.etag})
    assert revalidated.status_code == 304
    deck_cache._QUESTION_DECKS[q["id"]] = other["slug"]  # a wrong guess costs a round trip
    assert anonymous.get(f"questions/{q['id']}").data == made.data
    api.patch(f"questions/{q['id']}", json={"prompt": "Changed?"})
    deck_cache._QUESTION_DECKS[q["id"]] = other["slug"]
    assert anonymous.get(f"questions/{q['id']}").get_json()["prompt"] == "Changed?"
    deck_cache._QUESTION_DECKS.clear()  # another process, which remembers nothing
    api.patch(f"decks/{deck['id']}", json={"visibility": "private"})
    assert anonymous.get(f"questions/{q['id']}").status_code == 404


def front_api(front, user) -> tuple[ApiClient, ApiClient]:
    client = front.test_client()
    return ApiClient(client).sign_in(user.email), ApiClient(front.test_client(), token=None)


def test_a_kept_question_is_answered_before_flask_as_flask_answers_it(front, user):
    api, anonymous = front_api(front, user)
    deck = api.post("decks", json={"title": "Front", "visibility": "public"}).get_json()
    q = api.post(f"decks/{deck['id']}/questions", json={"prompt": "Kept?"}).get_json()
    made = anonymous.get(f"questions/{q['id']}")  # Flask makes it and keeps it
    front.seen.clear()
    handler = capture_access_log()
    try:
        kept = anonymous.get(f"questions/{q['id']}", headers={"X-Request-ID": "question-1"})
    finally:
        logging.getLogger("prepdeck.access").removeHandler(handler)
    assert front.seen == []
    assert kept.data == made.data
    for name in ("Content-Type", "ETag", "Cache-Control", "Content-Security-Policy"):
        assert kept.headers[name] == made.headers[name], name
    assert set(kept.headers["Vary"].split(", ")) == set(made.headers["Vary"].split(", "))
    assert kept.headers["X-Request-ID"] == "question-1"
    [line] = [json.loads(line) for line in handler.lines]
    assert (line["path"], line["status"]) == (f"/api/v1/questions/{q['id']}", 200)
    unchanged = anonymous.get(
        f"questions/{q['id']}", headers={"If-None-Match": made.headers["ETag"]}
    )
    assert unchanged.status_code == 304 and unchanged.data == b""
    # With a token, from another origin (CORS), or with a query string: Flask answers.
    assert api.get(f"questions/{q['id']}").data == made.data
    cross = anonymous.get(f"questions/{q['id']}", headers={"Origin": "https://elsewhere.example"})
    assert cross.data == made.data and len(front.seen) == 2
    # Never older than a change, as through Flask.
    api.patch(f"questions/{q['id']}", json={"prompt": "Changed?"})
    assert anonymous.get(f"questions/{q['id']}").get_json()["prompt"] == "Changed?"
    api.patch(f"decks/{deck['id']}", json={"slug": "moved-front"})
    assert anonymous.get(f"questions/{q['id']}").status_code == 200
    api.patch(f"decks/{deck['id']}", json={"visibility": "private"})
    assert anonymous.get(f"questions/{q['id']}").status_code == 404
    api.patch(f"decks/{deck['id']}", json={"visibility": "public"})
    anonymous.get(f"questions/{q['id']}")
    api.delete(f"questions/{q['id']}")
    assert anonymous.get(f"questions/{q['id']}").status_code == 404


def test_the_front_door_counts_reads_against_the_same_api_limit(app_factory, user):
    front = app_factory(METRICS_ENABLED=False, API_RATE_LIMIT="4 per minute")
    api = ApiClient(front.test_client()).sign_in(user.email)
    deck = api.post("decks", json={"title": "Limited", "visibility": "public"}).get_json()
    q = api.post(f"decks/{deck['id']}/questions", json={"prompt": "Counted?"}).get_json()
    reader = ApiClient(front.test_client(), token=None)
    reader.client.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    statuses = [reader.get(f"questions/{q['id']}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 200]  # made by Flask once, then kept
    refused = reader.get(f"questions/{q['id']}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert reader.get(f"decks/{deck['id']}").status_code == 429  # one budget for the API
    other = ApiClient(front.test_client(), token=None)
    other.client.environ_base["REMOTE_ADDR"] = "203.0.113.21"
    assert other.get(f"questions/{q['id']}").status_code == 200


@pytest.mark.redis
def test_pages_are_still_served_while_the_cache_is_down(app_factory, private_redis, user):
    cache_in_redis = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": private_redis.url}
    app = app_factory(METRICS_ENABLED=False, **cache_in_redis)
    slug = make_deck(app, user.id, title="Still here")
    client = app.test_client()
    for _ in range(2):  # made, then kept
        assert "Still here" in client.get(f"/decks/{slug}").get_data(as_text=True)
    private_redis.stop()
    down = client.get(f"/decks/{slug}")
    assert down.status_code == 200 and "Still here" in down.get_data(as_text=True)
    assert down.headers["X-Content-Type-Options"] == "nosniff"


def test_the_process_keeps_a_bounded_copy_of_pages_and_checks_its_version(front, user, monkeypatch):
    monkeypatch.setattr(deck_cache, "_LOCAL_PAGES", {})
    monkeypatch.setattr(deck_cache, "_LOCAL_LIMIT", 2)
    slugs = [make_deck(front, user.id, title=f"Deck {n}") for n in range(3)]
    client = front.test_client()
    for slug in slugs:
        client.get(f"/decks/{slug}")  # made and kept
        assert f"/decks/{slug}" in client.get(f"/decks/{slug}").get_data(as_text=True)
    assert 0 < len(deck_cache._LOCAL_PAGES) <= 2
    question = add(front, slugs[2], "Before")
    assert "Before" in client.get(f"/decks/{slugs[2]}").get_data(as_text=True)
    client.get(f"/decks/{slugs[2]}")  # the copy in this process
    edit_prompt(front, question, "After")
    assert "After" in client.get(f"/decks/{slugs[2]}").get_data(as_text=True)
    monkeypatch.setattr(deck_cache, "_LOCAL_LARGEST", 10)  # larger pages are read each time
    deck_cache._LOCAL_PAGES.clear()
    client.get(f"/decks/{slugs[0]}")
    assert "After" not in client.get(f"/decks/{slugs[0]}").get_data(as_text=True)
    assert deck_cache._LOCAL_PAGES == {}
