"""The decks API: decks, questions, search, with their pages, ETags and refusals."""

from __future__ import annotations

import pytest

from prepdeck.decks.models import Deck, Question
from prepdeck.extensions import db
from tests.api_client import API, ApiClient, error_code
from tests.conftest import make_person


def new_deck(api, **fields) -> dict:
    response = api.post("decks", json={"title": "Flask", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add(api, deck_id: int, prompt: str, **fields) -> dict:
    response = api.post(f"decks/{deck_id}/questions", json={"prompt": prompt, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_deck_lifecycle(api):
    created = api.post("decks", json={"title": "Flask basics", "visibility": "public"})
    assert created.status_code == 201
    deck = created.get_json()
    assert created.headers["Location"] == f"{API}/decks/{deck['id']}"
    assert deck["slug"] == "flask-basics" and deck["owner_name"] == "Ada"
    assert api.get(created.headers["Location"]).get_json()["title"] == "Flask basics"
    patched = api.patch(f"decks/{deck['id']}", json={"description": "The core."})
    assert patched.get_json()["description"] == "The core."
    assert patched.get_json()["title"] == "Flask basics"  # untouched fields stay
    assert api.delete(f"decks/{deck['id']}").status_code == 204
    assert error_code(api.get(f"decks/{deck['id']}")) == "not_found"


def test_lists_public_decks_and_the_callers_own(api, other, client):
    mine = new_deck(api, title="Mine, private")
    theirs = new_deck(other, title="Theirs, private")
    public = new_deck(other, title="Theirs, public", visibility="public")
    listed = [d["id"] for d in api.get("decks").get_json()["items"]]
    assert listed == [mine["id"], public["id"]]
    assert theirs["id"] not in listed
    assert [d["id"] for d in api.get("decks?mine=true").get_json()["items"]] == [mine["id"]]
    anonymous = ApiClient(client, token=None)
    assert [d["id"] for d in anonymous.get("decks").get_json()["items"]] == [public["id"]]
    assert anonymous.get("decks?mine=true").status_code == 401


def test_another_persons_private_deck_is_not_found_and_public_one_forbidden(api, other):
    private = new_deck(other, title="Secret")
    public = new_deck(other, title="Open", visibility="public")
    q = add(other, public["id"], "What is WSGI?")
    assert error_code(api.get(f"decks/{private['id']}")) == "not_found"
    assert error_code(api.get(f"decks/{private['id']}/questions")) == "not_found"
    assert error_code(api.patch(f"decks/{private['id']}", json={"title": "x"})) == "not_found"
    assert error_code(api.patch(f"decks/{public['id']}", json={"title": "x"})) == "forbidden"
    assert error_code(api.delete(f"decks/{public['id']}")) == "forbidden"
    assert error_code(api.post(f"decks/{public['id']}/questions", json={"prompt": "x"})) == (
        "forbidden"
    )
    assert error_code(api.patch(f"questions/{q['id']}", json={"prompt": "x"})) == "forbidden"
    assert error_code(api.delete(f"questions/{q['id']}")) == "forbidden"
    assert api.get(f"questions/{q['id']}").status_code == 200


def test_anonymous_reads_public_but_cannot_write(client, api):
    deck = new_deck(api, visibility="public")
    q = add(api, deck["id"], "What is a blueprint?", answer="A **bundle** of routes.")
    anonymous = ApiClient(client, token=None)
    read = anonymous.get(f"questions/{q['id']}").get_json()
    assert read["answer_html"] == "<p>A <strong>bundle</strong> of routes.</p>\n"
    assert set(read) >= {"id", "deck_id", "position", "prompt", "answer", "level", "tags"}
    refused = anonymous.post("decks", json={"title": "x"})
    assert refused.status_code == 401 and error_code(refused) == "token_missing"


def test_questions_filter_and_page_with_a_stable_cursor(api):
    deck = new_deck(api)
    levels = ["basic", "advanced", "basic", "basic", None, "basic"]
    made = [add(api, deck["id"], f"Question {i}", level=lvl) for i, lvl in enumerate(levels)]
    basic = [q["id"] for q, lvl in zip(made, levels, strict=True) if lvl == "basic"]
    first = api.get(f"decks/{deck['id']}/questions?level=basic&limit=2").get_json()
    assert [q["id"] for q in first["items"]] == basic[:2]
    add(api, deck["id"], "Added while paging", level="basic")  # goes at the end
    second = api.get(
        f"decks/{deck['id']}/questions?level=basic&limit=2&cursor={first['next_cursor']}"
    ).get_json()
    assert [q["id"] for q in second["items"]] == basic[2:4]
    third = api.get(
        f"decks/{deck['id']}/questions?level=basic&limit=2&cursor={second['next_cursor']}"
    ).get_json()
    assert [q["prompt"] for q in third["items"]] == ["Added while paging"]
    assert third["next_cursor"] is None
    unlevelled = api.get(f"decks/{deck['id']}/questions?level=none").get_json()["items"]
    assert [q["id"] for q in unlevelled] == [made[4]["id"]]


def test_questions_by_tag_and_words(api):
    deck = new_deck(api)
    add(api, deck["id"], "What is g?", answer="Request-scoped storage.", tags=["context"])
    add(api, deck["id"], "What is a session?", answer="A signed cookie.", tags=["security"])
    by_tag = api.get(f"decks/{deck['id']}/questions?tag=context").get_json()["items"]
    assert [q["prompt"] for q in by_tag] == ["What is g?"]
    by_words = api.get(f"decks/{deck['id']}/questions?q=cookie").get_json()["items"]
    assert [q["prompt"] for q in by_words] == ["What is a session?"]


def test_etag_gives_304(api):
    deck = new_deck(api)
    q = add(api, deck["id"], "What is Jinja?")
    first = api.get(f"questions/{q['id']}")
    etag = first.headers["ETag"]
    again = api.get(f"questions/{q['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    api.patch(f"questions/{q['id']}", json={"answer": "A template engine."})
    changed = api.get(f"questions/{q['id']}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_update_move_and_delete_questions(api):
    deck = new_deck(api)
    a, _, c = (add(api, deck["id"], name) for name in "ABC")
    updated = api.patch(f"questions/{a['id']}", json={"tags": ["Routing", "#wsgi"], "level": None})
    assert updated.get_json()["tags"] == ["routing", "wsgi"]
    moved = api.post(f"questions/{c['id']}/move", json={"position": 1})
    assert moved.get_json()["position"] == 1
    order = [q["prompt"] for q in api.get(f"decks/{deck['id']}/questions").get_json()["items"]]
    assert order == ["C", "A", "B"]
    api.post(f"questions/{c['id']}/move", json={"position": 99})  # past the end: last
    assert api.delete(f"questions/{a['id']}").status_code == 204
    listed = api.get(f"decks/{deck['id']}/questions").get_json()["items"]
    assert [(q["prompt"], q["position"]) for q in listed] == [("B", 1), ("C", 2)]
    assert api.get(f"decks/{deck['id']}").get_json()["question_count"] == 2


def test_bad_input_is_a_json_error_and_writes_nothing(app, api):
    deck = new_deck(api)
    before = count(app, Deck), count(app, Question)
    unknown = api.post("decks", json={"title": "x", "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"] == {"colour": ["Unknown field."]}
    wrong_type = api.post(f"decks/{deck['id']}/questions", json={"prompt": 5, "tags": "x"})
    assert wrong_type.status_code == 422
    assert set(wrong_type.get_json()["error"]["details"]) == {"prompt", "tags"}
    bad_level = api.post(f"decks/{deck['id']}/questions", json={"prompt": "x", "level": "easy"})
    assert "level" in bad_level.get_json()["error"]["details"]
    assert api.post("decks", data="{not json", content_type="application/json").status_code == 400
    assert api.post("decks", data="title=x", content_type="text/plain").status_code == 415
    assert api.post("decks", json=["a", "list"]).status_code == 422
    taken = api.post("decks", json={"title": "Again", "slug": deck["slug"]})
    assert taken.status_code == 409 and error_code(taken) == "conflict"
    huge = api.post("decks", json={"title": "x", "description": "y" * 6_000_000})
    assert huge.status_code == 413 and error_code(huge) == "payload_too_large"
    assert (count(app, Deck), count(app, Question)) == before


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=-1", "limit=101", "limit=abc", "cursor=%25%25", "cursor=WzFd1"]
)
def test_bad_paging_arguments(api, query):
    deck = new_deck(api)
    response = api.get(f"decks/{deck['id']}/questions?{query}")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) <= {"limit", "cursor"}


def test_ids_that_do_not_exist(api):
    for path in ("decks/999999", "decks/999999/questions", "questions/999999"):
        assert error_code(api.get(path)) == "not_found"
    assert api.get("decks/not-a-number").status_code == 404
    assert api.get("nothing-here").get_json()["error"]["code"] == "not_found"


def test_search(api, other):
    public = new_deck(other, title="Open", visibility="public")
    private = new_deck(other, title="Closed")
    add(other, public["id"], "What does url_for build?", answer="A URL for an endpoint.")
    add(other, private["id"], "Secret url_for question", answer="Hidden.")
    hits = api.get("search?q=url_for").get_json()
    assert [h["deck_slug"] for h in hits["items"]] == [public["slug"]]
    assert "<mark>" in hits["items"][0]["prompt_html"]
    assert error_code(api.get("search")) == "invalid"


def test_rate_limit_per_token(app_factory, user):
    app = app_factory(API_RATE_LIMIT="3 per minute", LOGIN_LIMIT_IP="100 per minute")
    client = app.test_client()
    ada = ApiClient(client).sign_in(user.email)
    statuses = [ada.get("me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = ada.get("me")
    assert error_code(limited) == "rate_limited" and int(limited.headers["Retry-After"]) > 0
    grace = make_person(app, email="grace@example.com")
    assert ApiClient(client).sign_in(grace.email).get("me").status_code == 200


def test_nul_characters_are_refused_everywhere(app, api):
    deck = new_deck(api)
    before = count(app, Question)
    for response in (
        api.post(f"decks/{deck['id']}/questions", json={"prompt": "a\u0000b"}),
        api.get("search?q=a%00b"),
        api.get(f"decks/{deck['id']}/questions?tag=%00"),
        api.client.get("/decks/a%00b"),
    ):
        assert response.status_code == 400
    assert count(app, Question) == before


def test_unlisted_decks_are_not_readable_by_counting_ids(api, other, client):
    unlisted = new_deck(other, title="By link only", visibility="unlisted")
    q = add(other, unlisted["id"], "Hidden by id?")
    for caller in (api, ApiClient(client, token=None)):
        for path in (f"decks/{unlisted['id']}", f"decks/{unlisted['id']}/questions",
                     f"questions/{q['id']}"):  # fmt: skip
            assert error_code(caller.get(path)) == "not_found", path
    assert other.get(f"decks/{unlisted['id']}").status_code == 200
    assert other.get(f"questions/{q['id']}").status_code == 200


def test_a_cursor_survives_deletes_and_moves_before_it(api):
    deck = new_deck(api)
    made = [add(api, deck["id"], f"Q{i}") for i in range(6)]
    first = api.get(f"decks/{deck['id']}/questions?limit=2").get_json()
    assert [q["prompt"] for q in first["items"]] == ["Q0", "Q1"]
    api.delete(f"questions/{made[0]['id']}")  # everything after it moves up one place
    api.post(f"questions/{made[5]['id']}/move", json={"position": 1})  # and Q5 to the front
    second = api.get(f"decks/{deck['id']}/questions?limit=2&cursor={first['next_cursor']}")
    assert [q["prompt"] for q in second.get_json()["items"]] == ["Q2", "Q3"]
    api.delete(f"questions/{made[3]['id']}")  # the last question the page showed
    third = api.get(
        f"decks/{deck['id']}/questions?limit=2&cursor={second.get_json()['next_cursor']}"
    ).get_json()
    assert [q["prompt"] for q in third["items"]] == ["Q4"] and third["next_cursor"] is None


def test_head_requests_are_conditional_too(api):
    deck = new_deck(api)
    etag = api.get(f"decks/{deck['id']}").headers["ETag"]
    head = api.request("HEAD", f"decks/{deck['id']}", headers={"If-None-Match": etag})
    assert head.status_code == 304


def test_deeply_nested_json_is_a_400_not_a_crash(app_factory, user):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    for depth in (100, 100_000):
        body = "[" * depth + "]" * depth
        response = client.post(f"{API}/auth/token", data=body, content_type="application/json")
        assert response.status_code == 400 and error_code(response) == "bad_request"


def test_replaying_a_revoked_token_does_not_use_up_the_owners_budget(app_factory, user):
    app = app_factory(API_RATE_LIMIT="3 per minute", LOGIN_LIMIT_IP="100 per minute")
    old = ApiClient(app.test_client()).sign_in(user.email)
    old.post("auth/revoke")
    # Someone who took the old token replays it from their own address: it counts there.
    old.client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert [old.get("me").status_code for _ in range(4)] == [401, 401, 401, 429]
    fresh = ApiClient(app.test_client()).sign_in(user.email)
    assert [fresh.get("me").status_code for _ in range(2)] == [200, 200]


def test_a_kept_public_question_never_outlives_a_change(api, client):
    deck = new_deck(api, visibility="public")
    q = add(api, deck["id"], "Kept?", answer="First.", tags=["one"])
    anonymous = ApiClient(client, token=None)
    assert anonymous.get(f"questions/{q['id']}").get_json()["answer"] == "First."
    api.patch(f"questions/{q['id']}", json={"answer": "Second.", "tags": ["two"]})
    again = anonymous.get(f"questions/{q['id']}").get_json()
    assert (again["answer"], again["tags"]) == ("Second.", ["two"])
    api.patch(f"decks/{deck['id']}", json={"slug": "moved-deck"})
    assert anonymous.get(f"questions/{q['id']}").status_code == 200
    api.patch(f"decks/{deck['id']}", json={"visibility": "private"})
    assert anonymous.get(f"questions/{q['id']}").status_code == 404
    api.patch(f"decks/{deck['id']}", json={"visibility": "public"})
    assert anonymous.get(f"questions/{q['id']}").status_code == 200
    api.delete(f"questions/{q['id']}")
    assert anonymous.get(f"questions/{q['id']}").status_code == 404
