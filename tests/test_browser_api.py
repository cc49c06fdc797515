"""The API from a browser: a page on another origin listed in CORS_ORIGINS can call it, one
not listed cannot; and the interactive docs page renders under the app's own CSP."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Response

from prepdeck.decks.models import Deck
from prepdeck.extensions import db
from tests.browser import LiveServer
from tests.factories import PASSWORD, UserFactory
from tests.services import TIMEOUT_MS, WsgiServer

pytestmark = pytest.mark.browser

CALL_API = """async ([api, email, password]) => {
  try {
    const auth = await fetch(api + "/api/v1/auth/token", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({email, password}),
    });
    const token = (await auth.json()).access_token;
    const created = await fetch(api + "/api/v1/decks", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify({title: "Made from another origin"}),
    });
    return {status: created.status, etag: created.headers.get("ETag") !== null,
            location: created.headers.get("Location")};
  } catch (error) {
    return {error: String(error)};
  }
}"""


def blank_page(environ, start_response):
    return Response("<!doctype html><title>other site</title>", mimetype="text/html")(
        environ, start_response
    )


@pytest.fixture
def origins():
    servers = [WsgiServer(blank_page), WsgiServer(blank_page)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def api_server(app_factory, origins):
    app = app_factory(CORS_ORIGINS=[origins[0].url])
    server = WsgiServer(app)
    with app.app_context():
        UserFactory(email="ada@example.com")
    yield LiveServer(app, server.url)
    server.stop()


def decks_made(app) -> int:
    with app.app_context():
        return db.session.query(Deck).filter_by(title="Made from another origin").count()


def test_only_a_listed_origin_can_call_the_api(browser, api_server, origins):
    allowed, other = origins
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(allowed.url)
        result = page.evaluate(CALL_API, [api_server.url, "ada@example.com", PASSWORD])
        assert result.get("status") == 201, result
        assert result["location"].startswith("/api/v1/decks/")
        assert decks_made(api_server.app) == 1
        page.goto(other.url)
        refused = page.evaluate(CALL_API, [api_server.url, "ada@example.com", PASSWORD])
        assert "Failed to fetch" in refused.get("error", ""), refused
        assert decks_made(api_server.app) == 1  # the preflight failed: nothing was sent
    finally:
        context.close()


def test_docs_page_renders_every_operation(browser, api_server):
    context = browser.new_context(base_url=api_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    try:
        page.goto("/api/v1/docs")
        page.locator(".opblock").first.wait_for()
        assert page.locator(".opblock").count() >= 20
        assert page.get_by_text("/api/v1/decks/{deck_id}/questions").first.is_visible()
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()
