"""The API's spec and docs page, and CORS on /api only."""

from __future__ import annotations

import pytest

from tests.api_client import API

ALLOWED = "https://app.example.com"


@pytest.fixture
def cors_app(app_factory):
    return app_factory(CORS_ORIGINS=[ALLOWED])


def test_spec_lists_every_operation_with_its_errors(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]
    assert len(operations) >= 20
    for path, method, op in operations:
        assert {"401", "403", "404", "422", "429"} <= set(op["responses"]), (path, method)
        assert "default" not in op["responses"]
    error = spec["components"]["schemas"]["ErrorBody"]
    assert error["required"] == ["error"]


def test_docs_page_is_served_from_our_own_files(client):
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert 'src="http' not in html and 'href="http' not in html  # nothing from a CDN
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_cors_allows_a_listed_origin_without_credentials(cors_app):
    client = cors_app.test_client()
    preflight = client.options(
        f"{API}/decks",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    simple = client.get(f"{API}/decks", headers={"Origin": ALLOWED})
    assert simple.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "ETag" in simple.headers["Access-Control-Expose-Headers"]


def test_cors_refuses_other_origins_and_pages(cors_app, client):
    cors = cors_app.test_client()
    other = cors.get(f"{API}/decks", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = cors.get("/decks", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in page.headers
    # No origins configured (the default): nobody.
    default = client.get(f"{API}/decks", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in default.headers


def test_reads_are_private_and_vary_by_token(client):
    response = client.get(f"{API}/decks")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response.headers["Vary"]
    assert response.headers["ETag"]


def test_html_pages_keep_html_errors(client):
    assert client.get("/no-such-page").mimetype == "text/html"
    assert client.get(f"{API}/no-such-thing").mimetype == "application/json"
