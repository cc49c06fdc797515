"""What the spec states is what the server enforces: the refusals and acceptances behind the
schemathesis run with every check, one plain request each."""

from __future__ import annotations

import io
import re

import pytest

from tests.api_client import API, ApiClient, error_code


@pytest.fixture
def api(client, user):
    return ApiClient(client).sign_in(user.email)


@pytest.fixture
def spec(client):
    return client.get(f"{API}/openapi.json").get_json()


def new_deck(api, **fields) -> dict:
    response = api.post("decks", json={"title": "Flask", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_required_body_may_not_be_left_out(api):
    deck = new_deck(api)
    response = api.patch(f"decks/{deck['id']}")
    assert response.status_code == 422 and error_code(response) == "invalid"
    assert "json" in response.get_json()["error"]["details"]
    assert api.patch(f"decks/{deck['id']}", json={}).status_code == 200  # nothing to change


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("decks", {"title": "\u00a0 \u3000"}, "title"),
        ("decks", {"title": "Flask", "slug": "flask\n"}, "slug"),
        ("decks", {"title": "Flask", "description": "a\x00b"}, None),
    ],
)
def test_text_the_spec_forbids_is_refused(api, path, body, field):
    response = api.post(path, json=body)
    assert response.status_code in (400, 422)
    if field:
        assert field in response.get_json()["error"]["details"]


@pytest.mark.parametrize("tag", ["a\x1f", "é", "a\n", " ", "#" * 51])
def test_tags_the_spec_forbids_are_refused(api, tag):
    deck = new_deck(api)
    response = api.post(f"decks/{deck['id']}/questions", json={"prompt": "Q?", "tags": [tag]})
    assert response.status_code == 422 and "tags" in response.get_json()["error"]["details"]


def test_tags_the_spec_allows_are_kept_in_lower_case(api):
    deck = new_deck(api)
    body = {"prompt": "Q?", "tags": ["##Flask", "C++", "web.dev"], "level": None}
    question = api.post(f"decks/{deck['id']}/questions", json=body).get_json()
    assert question["tags"] == ["c++", "flask", "web.dev"] and question["level"] is None


def test_cursors_are_dotted_numbers_and_one_past_the_end_is_an_empty_page(api):
    deck = new_deck(api)
    for n in range(3):
        api.post(f"decks/{deck['id']}/questions", json={"prompt": f"Q{n}?"})
    first = api.get(f"decks/{deck['id']}/questions?limit=2").get_json()
    assert re.fullmatch(r"[0-9]+\.[0-9]+", first["next_cursor"])
    far = api.get(f"decks/{deck['id']}/questions?cursor=9999999999.9999999999")
    assert far.status_code == 200 and far.get_json() == {"items": [], "next_cursor": None}
    for bad in ("5", "1.2\n", "1.2.3", "a.b"):
        response = api.get(f"decks/{deck['id']}/questions", query_string={"cursor": bad})
        assert response.status_code == 422, bad
    assert api.get("search?q=flask&cursor=0").status_code == 200


def test_a_query_of_signs_only_finds_nothing(api):
    new_deck(api)
    response = api.get("search", query_string={"q": "¢{ !"})
    assert response.status_code == 200 and response.get_json()["items"] == []


def _upload(api, **fields):
    data = {"file": (io.BytesIO(b"## Basic\n\n### 1. Q?\n\nA.\n"), "q.md"), **fields}
    return api.post("imports", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("fields", [{"prune": "1"}, {"prune": "yes"}, {"colour": "red"}])
def test_upload_fields_the_spec_forbids_are_refused(api, fields):
    response = _upload(api, **fields)
    assert response.status_code == 422, response.get_json()


def test_prune_alone_is_refused_as_the_spec_states(api, spec):
    rules = spec["components"]["schemas"]["ImportUpload"]["anyOf"]
    assert {"required": ["deck_id"], "properties": {"mode": {"enum": ["update"]}}} in rules
    assert _upload(api, prune="true").status_code == 422
    deck = new_deck(api)
    assert _upload(api, prune="true", deck_id=str(deck["id"])).status_code == 202


def test_every_string_the_api_reads_states_its_pattern(spec):
    def strings(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and "format" not in node and "enum" not in node:
                yield node
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    read = [
        spec["components"]["schemas"][name]
        for name in ("DeckCreate", "DeckUpdate", "QuestionCreate", "QuestionUpdate",
                     "ImportUpload", "TokenRequest")
    ]  # fmt: skip
    parameters = [
        op.get("parameters", [])
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    ]
    found = list(strings(read)) + list(strings(parameters))
    assert len(found) >= 10 and all("pattern" in node for node in found), found
