"""The endpoints the HTTP benchmark loads, and the one request per endpoint that checks each
answers as it should before anything is timed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, replace

from http_data import HttpData

from prepdeck.core.cursor import encode_cursor

HELLO, ROW, APP = "bare hello", "bare psycopg", "Prepdeck"


@dataclass(frozen=True)
class Endpoint:
    key: str
    server: str
    path: str
    status: int = 200
    headers: tuple[str, ...] = ()
    baseline: str | None = None  # the key of the endpoint it is compared with
    api: bool = False


def endpoints(data: HttpData, deep: int) -> list[Endpoint]:
    question, big = data.question_id, data.big_deck_id
    api_page = f"/api/v1/decks/{big}/questions?limit=100"
    bare_page = f"/decks/{big}/questions?limit=100"
    return [
        Endpoint("/hello", HELLO, "/hello"),
        Endpoint("/healthz", APP, "/healthz", baseline="/hello"),
        Endpoint("deck page", APP, f"/decks/{data.small_slug}", baseline="/hello"),
        Endpoint("one row", ROW, f"/questions/{question}"),
        Endpoint(
            "question 200", APP, f"/api/v1/questions/{question}", baseline="one row", api=True
        ),
        Endpoint(
            "question 304", APP, f"/api/v1/questions/{question}", 304, baseline="one row", api=True
        ),
        Endpoint("keyset page, first", ROW, bare_page),
        Endpoint("keyset page, deep", ROW, f"{bare_page}&after={deep}"),
        Endpoint("API page, first", APP, api_page, baseline="keyset page, first", api=True),
        # The cursor is added by probe(), in the shape of the first page's next_cursor.
        Endpoint("API page, deep", APP, api_page, baseline="keyset page, deep", api=True),
    ]


def probe(running: dict, listed: list[Endpoint], deep_row: dict[str, int]) -> dict[str, int]:
    """One request per endpoint: the status must be right before anything is timed. Gives
    the conditional read the ETag of the full read, and the deep page a cursor that points
    after `deep_row`; returns each response's body size."""
    etag, first_page, sizes = None, b"", {}
    for index, endpoint in enumerate(listed):
        if endpoint.key == "question 304":
            if etag is None:
                raise SystemExit(f"GET {endpoint.path} gave no ETag: cannot test the 304.")
            endpoint = replace(endpoint, headers=(f"If-None-Match: {etag}",))
        if endpoint.key == "API page, deep":
            cursor = deep_cursor(first_page, deep_row)
            endpoint = replace(endpoint, path=f"{endpoint.path}&cursor={cursor}")
        listed[index] = endpoint
        status, headers, body = _get(running[endpoint.server].url + endpoint.path, endpoint.headers)
        _expect(endpoint, status, body)
        etag = headers.get("ETag") if endpoint.key == "question 200" else etag
        first_page = body if endpoint.key == "API page, first" else first_page
        if endpoint.key == "API page, deep":
            _expect_deep_page(endpoint, body, deep_row["position"])
        sizes[endpoint.key] = len(body)
    return sizes


def deep_cursor(first_page: bytes, deep_row: dict[str, int]) -> str:
    """A cursor like the first page's next_cursor, but pointing after `deep_row`. The API's
    cursor is a list of fields of the last item of a page (its position, its id, ...): find
    which field each value is, then take those fields of `deep_row`."""
    page = json.loads(first_page)
    last, cursor = page["items"][-1], page.get("next_cursor")
    if not cursor:
        raise SystemExit("The first API page of the big deck has no next_cursor.")
    values = [int(part) for part in cursor.split(".")]
    fields: list[str] = []
    for value in values:
        # Each field once, in deep_row's order: position and id may hold the same number.
        name = next((n for n in deep_row if last.get(n) == value and n not in fields), None)
        if name is None:
            raise SystemExit(f"Cannot tell which field {value!r} of the API's cursor is.")
        fields.append(name)
    return encode_cursor([deep_row[name] for name in fields])


def _get(url: str, headers: tuple[str, ...]) -> tuple[int, dict[str, str], bytes]:
    fields = dict(h.split(": ", 1) for h in headers)
    request = urllib.request.Request(url, headers=fields)  # noqa: S310 - loopback http only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _expect(endpoint: Endpoint, status: int, body: bytes) -> None:
    if status == endpoint.status:
        return
    if status == 404 and endpoint.api:
        raise SystemExit(
            f"GET {endpoint.path} answered 404: the API route is missing (the HTTP benchmark "
            "needs GET /api/v1/questions/<id> and GET /api/v1/decks/<id>/questions). "
            "Nothing was measured or written."
        )
    raise SystemExit(
        f"GET {endpoint.path} ({endpoint.server}) answered {status}, not "
        f"{endpoint.status}: {body[:300]!r}"
    )


def _expect_deep_page(endpoint: Endpoint, body: bytes, deep: int) -> None:
    """The deep page must really start after `deep`: the first item's position is deep + 1."""
    document = json.loads(body)
    if isinstance(document, dict):
        document = next((v for v in document.values() if isinstance(v, list)), None)
    items = document
    first = items[0] if items else {}
    if not items or first.get("position", deep + 1) != deep + 1:
        raise SystemExit(
            f"GET {endpoint.path} did not start at position {deep + 1}: {body[:300]!r}"
        )
